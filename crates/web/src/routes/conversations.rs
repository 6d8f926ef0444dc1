//! Opinion-mapping conversations (pol.is-style) in a consultation: residents vote agree,
//! disagree or pass on one statement at a time, chosen by the engine's priorities, and may add
//! statements; the report shows the opinion groups, what sets each apart and what they share.
//! The analysis runs in the background (`conversation_analysis`); pages only read its result.

use super::{conversation_files, conversation_report};
use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_consensus::Analysis;
use inspraak_db::entity::statement;
use inspraak_db::{consultations, conversations, new_id};
use inspraak_domain::ValidationErrors;
use inspraak_domain::participation::Action;
use inspraak_federation::publish::{self, Change};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversations/{id}", get(show))
        .route("/conversations/{id}/vote", post(vote))
        .route("/conversations/{id}/statements", post(add_statement))
        .route(
            "/conversations/{id}/report",
            get(conversation_report::report),
        )
        .route(
            "/conversations/{id}/statements/{sid}/{decision}",
            post(decide),
        )
        .route("/statements/{id}", get(statement_object))
        .route(
            "/conversations/{id}/export/{file}",
            get(conversation_files::export),
        )
        .route("/admin/consultations/{id}/conversations/new", get(new_form))
        .route("/admin/consultations/{id}/conversations", post(create))
        .route(
            "/admin/consultations/{id}/conversations/import",
            post(conversation_files::import).layer(axum::extract::DefaultBodyLimit::max(
                conversation_files::IMPORT_MAX_BYTES,
            )),
        )
}

/// The stored analysis, if any.
pub(super) async fn stored_analysis(
    state: &AppState,
    id: &str,
) -> Result<Option<Analysis>, WebError> {
    Ok(conversations::analysis(&state.db.conn, id)
        .await?
        .and_then(|a| serde_json::from_str(&a.analysis_json).ok()))
}

/// Picks the next statement for a participant: among the published ones they have not voted
/// on, at random in proportion to the engine's priority (1 for statements it has not seen).
fn next_statement<'a>(
    candidates: &'a [statement::Model],
    priorities: &HashMap<i32, f64>,
    random: u64,
) -> Option<&'a statement::Model> {
    let weight = |s: &statement::Model| priorities.get(&s.number).copied().unwrap_or(1.0).max(1e-9);
    let total: f64 = candidates.iter().map(weight).sum();
    if candidates.is_empty() || total <= 0.0 {
        return candidates.first();
    }
    let mut target = (random >> 11) as f64 / (1u64 << 53) as f64 * total;
    for s in candidates {
        target -= weight(s);
        if target < 0.0 {
            return Some(s);
        }
    }
    candidates.last()
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

#[derive(Template)]
#[template(path = "conversations/show.html")]
struct ShowPage {
    page: Page,
    id: String,
    question: String,
    consultation_slug: String,
    consultation_title: String,
    statement: Option<statement::Model>,
    voted: usize,
    total: usize,
    can_take_part: bool,
    refusal: Option<String>,
    /// For staff: statements waiting for a moderator.
    pending: Vec<statement::Model>,
    form: FormData,
    errors: ValidationErrors,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn show_page(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    form: FormData,
    errors: ValidationErrors,
) -> Result<ShowPage, WebError> {
    let conversation = conversations::find(&state.db.conn, id).await?;
    let ctx = ConsultationContext::load(state, session, &conversation.consultation_id).await?;
    let page = Page::new(state, session, &format!("/conversations/{id}")).with_notice(notice);
    let published: Vec<statement::Model> = conversations::statements(&state.db.conn, id)
        .await?
        .into_iter()
        .filter(|s| s.state == conversations::state::PUBLISHED)
        .collect();
    let check = ctx.check(session, Action::Comment);
    let refusal = match &check {
        Err(WebError::Refused(r)) => Some(page.t(&format!("refusal.{}", r.code())).to_owned()),
        _ => None,
    };
    let voted: HashSet<String> = match &session.user {
        Some(u) => conversations::voted_by(&state.db.conn, id, &u.id)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let open: Vec<statement::Model> = published
        .iter()
        .filter(|s| !voted.contains(&s.id))
        .cloned()
        .collect();
    let priorities: HashMap<i32, f64> = stored_analysis(state, id)
        .await?
        .map(|a| {
            a.comments
                .iter()
                .filter_map(|c| i32::try_from(c.tid).ok().map(|n| (n, c.priority)))
                .collect()
        })
        .unwrap_or_default();
    let statement = next_statement(&open, &priorities, random_u64()).cloned();
    let pending = if crate::participation::is_staff(session) {
        conversations::statements(&state.db.conn, id)
            .await?
            .into_iter()
            .filter(|s| s.state == conversations::state::PENDING)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        pending,
        id: id.to_owned(),
        question: conversation.question,
        consultation_slug: ctx.item.consultation.slug.clone(),
        consultation_title: ctx.item.consultation.title.clone(),
        statement,
        voted: published.len() - open.len(),
        total: published.len(),
        can_take_part: check.is_ok(),
        refusal,
        form,
        errors,
        page,
    })
}

async fn show(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    render(
        &show_page(
            &state,
            &session,
            &id,
            q.notice.as_deref(),
            FormData::default(),
            ValidationErrors::new(),
        )
        .await?,
    )
}

/// A vote on one statement: agree, disagree or pass. Voting again changes the vote.
async fn vote(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let conversation = conversations::find(&state.db.conn, &id).await?;
    let ctx = ConsultationContext::load(&state, &session, &conversation.consultation_id).await?;
    ctx.check(&session, Action::Comment)?;
    let user = session.user()?;
    let value = match form.get("vote") {
        "agree" => 1,
        "disagree" => -1,
        "pass" => 0,
        _ => {
            return Err(WebError::BadRequest(
                "vote must be agree, disagree or pass".into(),
            ));
        }
    };
    let statement_id = form.get("statement");
    let known = conversations::statements(&state.db.conn, &id)
        .await?
        .into_iter()
        .any(|s| s.id == statement_id && s.state == conversations::state::PUBLISHED);
    if !known {
        return Err(WebError::NotFound("statement"));
    }
    conversations::vote(
        &state.db.conn,
        &id,
        statement_id,
        &user.id,
        value,
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/conversations/{id}?notice=statement_voted")).into_response())
}

/// A participant adds a statement (waiting for a moderator when the conversation asks so).
async fn add_statement(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let conversation = conversations::find(&state.db.conn, &id).await?;
    let ctx = ConsultationContext::load(&state, &session, &conversation.consultation_id).await?;
    ctx.check(&session, Action::Comment)?;
    let user = session.user()?.clone();
    let mut errors = ValidationErrors::new();
    let body = errors
        .text("statement", form.get("statement"), 5, 300)
        .to_owned();
    if !errors.is_empty() {
        let page = show_page(&state, &session, &id, None, form, errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let base = state.config.url("/statements/");
    let txn = crate::federate::begin(&state).await?;
    let added = conversations::add_statement(
        &txn,
        &id,
        &body,
        &user.id,
        conversation.premoderation,
        |sid| format!("{base}{sid}"),
        Utc::now(),
    )
    .await?;
    if added.state == conversations::state::PUBLISHED {
        publish::statement_changed(&txn, &state.federation, &added, Change::Published).await?;
    }
    crate::federate::commit(&state, txn).await?;
    let notice = if conversation.premoderation {
        "statement_pending"
    } else {
        "statement_added"
    };
    Ok(Redirect::to(&format!("/conversations/{id}?notice={notice}")).into_response())
}

/// A statement at its id: the `Question` for servers, the conversation for people.
async fn statement_object(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ap_id = state.config.url(&format!("/statements/{id}"));
    let s = conversations::statement_by_ap_id(&state.db.conn, &ap_id)
        .await?
        .filter(|s| s.state == conversations::state::PUBLISHED)
        .ok_or(WebError::NotFound("statement"))?;
    if !super::federation::accepts_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/conversations/{}", s.conversation_id)).into_response());
    }
    let question = inspraak_federation::render::statement_question(&state.db.conn, &s).await?;
    let mut response =
        axum::Json(inspraak_federation::objects::with_context(question)).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(inspraak_federation::ACTIVITY_JSON),
    );
    Ok(response)
}

/// A moderator publishes or hides a statement.
async fn decide(
    State(state): State<AppState>,
    Path((id, sid, decision)): Path<(String, String, String)>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let moderator = crate::participation::require_staff(&session)?.clone();
    let new_state = match decision.as_str() {
        "approve" => conversations::state::PUBLISHED,
        "hide" => "hidden",
        _ => return Err(WebError::NotFound("page")),
    };
    let txn = crate::federate::begin(&state).await?;
    if !conversations::set_statement_state(&txn, &id, &sid, new_state).await? {
        return Err(WebError::NotFound("statement"));
    }
    if let Some(s) = conversations::statements(&txn, &id)
        .await?
        .into_iter()
        .find(|s| s.id == sid)
    {
        let change = if new_state == conversations::state::PUBLISHED {
            Change::Published
        } else {
            Change::Removed
        };
        publish::statement_changed(&txn, &state.federation, &s, change).await?;
    }
    crate::federate::commit(&state, txn).await?;
    inspraak_db::audit::record(
        &state.db.conn,
        Some(&moderator.id),
        &format!("statement.{decision}"),
        ("statement", &sid),
        "",
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/conversations/{id}?notice=decided")).into_response())
}

/// The form to start (or import) a conversation.
#[derive(Template)]
#[template(path = "conversations/new.html")]
pub(super) struct NewPage {
    pub(super) page: Page,
    pub(super) consultation_id: String,
    pub(super) consultation_title: String,
    pub(super) form: FormData,
    pub(super) errors: ValidationErrors,
    pub(super) import_error: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let c = consultations::find(&state.db.conn, &id).await?;
    let page = Page::new(
        &state,
        &session,
        &format!("/admin/consultations/{id}/conversations/new"),
    );
    render(&NewPage {
        page,
        consultation_id: c.id,
        consultation_title: c.title,
        form: FormData::default(),
        errors: ValidationErrors::new(),
        import_error: None,
    })
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let c = consultations::find(&state.db.conn, &id).await?;
    let mut errors = ValidationErrors::new();
    let question = errors
        .text("question", form.get("question"), 5, 300)
        .to_owned();
    let seeds: Vec<String> = form
        .get("statements")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if seeds.is_empty() {
        errors.add("statements", inspraak_domain::Problem::Required);
    } else if seeds.len() > 100 || seeds.iter().any(|s| s.chars().count() > 300) {
        errors.add("statements", inspraak_domain::Problem::TooLong { max: 300 });
    }
    if !errors.is_empty() {
        let page = Page::new(
            &state,
            &session,
            &format!("/admin/consultations/{id}/conversations/new"),
        );
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                page,
                consultation_id: c.id,
                consultation_title: c.title,
                form,
                errors,
                import_error: None,
            },
        );
    }
    let conversation_id = new_id();
    let base = state.config.url("/statements/");
    let txn = crate::federate::begin(&state).await?;
    conversations::create(
        &txn,
        conversations::NewConversation {
            ap_id: state
                .config
                .url(&format!("/conversations/{conversation_id}")),
            id: conversation_id.clone(),
            consultation_id: c.id.clone(),
            question,
            premoderation: form.checked("premoderation"),
        },
        &seeds,
        &admin.id,
        |sid| format!("{base}{sid}"),
        Utc::now(),
    )
    .await?;
    // Each statement goes out as a Question fediverse users can vote on.
    for s in conversations::statements(&txn, &conversation_id).await? {
        publish::statement_changed(&txn, &state.federation, &s, Change::Published).await?;
    }
    crate::federate::commit(&state, txn).await?;
    inspraak_db::audit::record(
        &state.db.conn,
        Some(&admin.id),
        "conversation.create",
        ("conversation", &conversation_id),
        form.get("question"),
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/conversations/{conversation_id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(number: i32) -> statement::Model {
        statement::Model {
            id: number.to_string(),
            conversation_id: "c".into(),
            number,
            body: String::new(),
            author_id: None,
            seed: true,
            state: "published".into(),
            created_at: Utc::now(),
            ap_id: String::new(),
            local: true,
        }
    }

    #[test]
    fn higher_priority_statements_come_up_more_often() {
        let candidates = [statement(0), statement(1)];
        let priorities = HashMap::from([(0, 1.0), (1, 9.0)]);
        let picks = (0..1000u64)
            .filter(|i| {
                let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                next_statement(&candidates, &priorities, r).map(|s| s.number) == Some(1)
            })
            .count();
        assert!(
            picks > 800,
            "statement 1 (priority 9) picked {picks} of 1000 times"
        );
        assert!(next_statement(&[], &priorities, 0).is_none());
    }
}
