//! Polls: voting, changing one's ballot, and results as the poll allows; staff create them.

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::open_data::open_poll;
use crate::page::{Page, render, render_status};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_app::AppError;
use inspraak_app::polls::PollForm;
use inspraak_db::polls;
use inspraak_domain::ValidationErrors;
use inspraak_domain::ids::{ConsultationId, PollId};
use inspraak_domain::participation::Action;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/polls/{id}/vote", post(vote))
        .route("/admin/consultations/{id}/polls/new", get(new_form))
        .route("/admin/consultations/{id}/polls", post(create))
}

/// One option as the poll shows it.
pub struct OptionView {
    /// Id (the form value).
    pub id: String,
    /// Text.
    pub label: String,
    /// Ballots for it, when results are shown.
    pub votes: Option<u64>,
    /// Share of voters, whole percent.
    pub percent: u64,
    /// On the visitor's ballot.
    pub chosen: bool,
}

/// A poll as the consultation page shows it.
pub struct PollView {
    /// Id, also the anchor `poll-{id}`.
    pub id: String,
    /// The question.
    pub question: String,
    /// Checkboxes instead of radio buttons.
    pub multiple: bool,
    /// Still takes ballots.
    pub open: bool,
    /// Closing moment, formatted.
    pub closes: Option<String>,
    /// Options.
    pub options: Vec<OptionView>,
    /// Voters, when results are shown.
    pub voters: Option<u64>,
    /// The visitor has a ballot in it.
    pub voted: bool,
    /// The visitor may vote (or change the vote) now.
    pub can_vote: bool,
    /// Why not, when logged in but refused.
    pub refusal: Option<String>,
    /// Results come after closing.
    pub results_later: bool,
    /// Votes from fediverse accounts per option, counted apart (our polls only).
    pub fediverse: Vec<(String, u64)>,
    /// Another instance's poll: the caption and counts as its origin reports them.
    pub remote: Option<(String, Vec<(String, u64)>)>,
    /// Part of a joint vote: the organizer's name and the joint vote's page.
    pub joint: Option<(String, String)>,
}

/// The counts of another instance's poll, from what its origin last sent.
fn remote_tally(
    page: &Page,
    poll: &inspraak_db::entity::poll::Model,
) -> Option<(String, Vec<(String, u64)>)> {
    if poll.local {
        return None;
    }
    let tally = inspraak_db::remote_content::tally_of(poll)?;
    let host = url::Url::parse(&poll.ap_id).ok()?.host_str()?.to_owned();
    let rows = tally
        .options
        .into_iter()
        .map(|o| (o.name, o.count))
        .collect();
    Some((
        page.t("federation.remote_votes").replace("{host}", &host),
        rows,
    ))
}

/// The consultation's polls for a page.
pub async fn views(
    state: &AppState,
    session: &Session,
    page: &Page,
    ctx: &ConsultationContext,
) -> Result<Vec<PollView>, WebError> {
    let now = Utc::now();
    let mut out = Vec::new();
    for item in polls::list_for_consultation(&state.db.conn, ctx.id()).await? {
        let open_data = open_poll(state, &item, session.caller().is_staff(), now).await?;
        let ballot = match &session.user {
            Some(u) => polls::ballot_of(&state.db.conn, &item.poll.id, &u.id).await?,
            None => None,
        };
        let chosen = ballot.clone().unwrap_or_default();
        let refusal = match (ctx.refusal(session.caller(), Action::Vote), open_data.open) {
            (Some(r), _) => Some(page.t(&format!("refusal.{}", r.code())).to_owned()),
            (_, false) => Some(page.t("refusal.closed").to_owned()),
            _ => None,
        };
        let voters = open_data.voters;
        let fediverse = if item.poll.local && open_data.results_visible {
            let (counts, _) = inspraak_db::fediverse::tally(&state.db.conn, &item.poll.id).await?;
            if counts.is_empty() {
                Vec::new()
            } else {
                item.options
                    .iter()
                    .map(|o| (o.label.clone(), counts.get(&o.id).copied().unwrap_or(0)))
                    .collect()
            }
        } else {
            Vec::new()
        };
        let remote = remote_tally(page, &item.poll);
        let joint = inspraak_db::joint_votes::invite_of_poll(&state.db.conn, &item.poll.id)
            .await?
            .map(|i| (i.organizer_name, i.joint_vote_ap_id));
        out.push(PollView {
            fediverse,
            remote,
            joint,
            id: item.poll.id.clone(),
            question: item.poll.question.clone(),
            multiple: item.poll.multiple,
            open: open_data.open,
            closes: item.poll.closes_at.map(|at| page.moment(at)),
            options: open_data
                .options
                .into_iter()
                .map(|o| OptionView {
                    chosen: chosen.contains(&o.id),
                    percent: match (o.votes, voters) {
                        (Some(v), Some(total)) if total > 0 => v * 100 / total,
                        _ => 0,
                    },
                    id: o.id,
                    label: o.label,
                    votes: o.votes,
                })
                .collect(),
            voters,
            voted: ballot.is_some(),
            can_vote: refusal.is_none(),
            refusal,
            results_later: !open_data.results_visible,
        });
    }
    Ok(out)
}

/// Casts or changes a ballot. The form sends `option` once per ticked box, so the body is read
/// as a list of pairs rather than a map.
async fn vote(
    State(state): State<AppState>,
    Path(id): Path<PollId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let slug =
        inspraak_app::polls::cast_ballot(&state.app, session.caller(), &id, &form.all("option"))
            .await?;
    Ok(Redirect::to(&format!("/consultations/{slug}?notice=voted#poll-{id}")).into_response())
}

#[derive(Template)]
#[template(path = "admin/poll_new.html")]
struct NewPollPage {
    page: Page,
    consultation_id: String,
    consultation_title: String,
    form: FormData,
    errors: ValidationErrors,
}

async fn new_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let c = inspraak_db::consultations::find(&state.db.conn, &id).await?;
    let page = Page::new(
        &state,
        &session,
        &format!("/admin/consultations/{id}/polls/new"),
    );
    let form = FormData::from_pairs([("results", "after_closing".to_owned())]);
    render(&NewPollPage {
        page,
        consultation_id: c.id,
        consultation_title: c.title,
        form,
        errors: ValidationErrors::new(),
    })
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let submitted = PollForm {
        question: form.get("question").to_owned(),
        options: form.get("options").to_owned(),
        multiple: form.checked("multiple"),
        closes_at: form.get("closes_at").to_owned(),
        results: form.get("results").to_owned(),
    };
    match inspraak_app::polls::create(&state.app, session.caller(), &id, submitted).await {
        Ok(created) => {
            let c = inspraak_db::consultations::find(&state.db.conn, &id).await?;
            Ok(Redirect::to(&format!(
                "/consultations/{}?notice=poll_created#poll-{}",
                c.slug, created.id
            ))
            .into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let c = inspraak_db::consultations::find(&state.db.conn, &id).await?;
            let page = Page::new(
                &state,
                &session,
                &format!("/admin/consultations/{id}/polls/new"),
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPollPage {
                    page,
                    consultation_id: c.id,
                    consultation_title: c.title,
                    form,
                    errors,
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}
