//! Opinion-mapping conversations (pol.is-style) in a consultation: residents vote agree,
//! disagree or pass on one statement at a time, chosen by the engine's priorities, and may add
//! statements; the report shows the opinion groups, what sets each apart and what they share.
//! The rules live in `inspraak_app::conversations`; the analysis runs in the background there,
//! and pages only read its result.

use super::{conversation_files, conversation_report};
use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::conversations::{self, NewConversationForm, StatementDecision};
use inspraak_db::consultations;
use inspraak_db::entity::statement;
use inspraak_domain::ValidationErrors;
use inspraak_domain::conversation::StatementState;
use inspraak_domain::ids::{ConsultationId, ConversationId, StatementId};
use serde::Deserialize;

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
            "/conversations/{id}/report/{file}",
            get(conversation_report::download),
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
    let id = ConversationId::from(id);
    let view = conversations::participant_view(&state.app, session.caller(), &id).await?;
    let page = Page::new(state, session, &format!("/conversations/{id}")).with_notice(notice);
    let refusal = view
        .refusal
        .map(|r| page.t(&format!("refusal.{}", r.code())).to_owned());
    let consultation = &view.context.item.consultation;
    Ok(ShowPage {
        id: id.to_string(),
        question: view.conversation.question,
        consultation_slug: consultation.slug.clone(),
        consultation_title: consultation.title.clone(),
        statement: view.next,
        voted: view.voted,
        total: view.total,
        can_take_part: view.can_take_part,
        refusal,
        pending: view.pending,
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
    Path(id): Path<ConversationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    conversations::vote(
        &state.app,
        session.caller(),
        &id,
        &StatementId::from(form.get("statement")),
        form.get("vote"),
    )
    .await?;
    Ok(Redirect::to(&format!("/conversations/{id}?notice=statement_voted")).into_response())
}

/// A participant adds a statement (waiting for a moderator when the conversation asks so).
async fn add_statement(
    State(state): State<AppState>,
    Path(id): Path<ConversationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let added =
        conversations::add_statement(&state.app, session.caller(), &id, form.get("statement"))
            .await;
    let notice = match added {
        Ok(StatementState::Published) => "statement_added",
        Ok(_) => "statement_pending",
        Err(AppError::Invalid(errors)) => {
            let page = show_page(&state, &session, &id, None, form, errors).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(other) => return Err(other.into()),
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
    let s = inspraak_db::conversations::statement_by_ap_id(&state.db.conn, &ap_id)
        .await?
        .filter(|s| inspraak_db::conversations::state_of(s) == StatementState::Published)
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
    Path((id, sid, decision)): Path<(ConversationId, StatementId, String)>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let decision: StatementDecision = decision.parse()?;
    conversations::decide_statement(&state.app, session.caller(), &id, &sid, decision).await?;
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

impl NewPage {
    /// The form for consultation `id`, with what was typed and what was wrong.
    pub(super) async fn load(
        state: &AppState,
        session: &Session,
        id: &str,
        form: FormData,
        errors: ValidationErrors,
        import_error: Option<String>,
    ) -> Result<Self, WebError> {
        let c = consultations::find(&state.db.conn, id).await?;
        Ok(NewPage {
            page: Page::new(
                state,
                session,
                &format!("/admin/consultations/{id}/conversations/new"),
            ),
            consultation_id: c.id,
            consultation_title: c.title,
            form,
            errors,
            import_error,
        })
    }
}

async fn new_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let form = FormData::default();
    render(&NewPage::load(&state, &session, &id, form, ValidationErrors::new(), None).await?)
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let submitted = NewConversationForm {
        question: form.get("question").to_owned(),
        statements: form.get("statements").to_owned(),
        premoderation: form.checked("premoderation"),
    };
    match conversations::create(&state.app, session.caller(), &id, submitted).await {
        Ok(conversation_id) => {
            Ok(Redirect::to(&format!("/conversations/{conversation_id}")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page = NewPage::load(&state, &session, &id, form, errors, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
