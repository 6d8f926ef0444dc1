//! The JSON API under `/api/v1`, with its OpenAPI document generated from this code.

use crate::open_data::{self, Audience, OpenComment, OpenPoll, OpenPollOption, OpenProposal};
use crate::page::today;
use crate::{AppState, WebError};
use crate::{api_budgets, api_forwards, api_joint_votes, api_moderation, api_network, api_write};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Json;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use inspraak_db::consultations::{self, ConsultationWithPhases, Visibility};
use inspraak_domain::{Phase, PhaseRules, PhaseState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The OpenAPI description of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Inspraak API", version = "1", description = "Public, read-only data of one Inspraak instance: its consultations and their phases.", license(name = "EUPL-1.2")),
    paths(
        instance, statistics, list_consultations, get_consultation, get_template, list_proposals, get_proposal, list_comments, list_polls,
        api_write::me, api_write::submit_proposal, api_write::support, api_write::unsupport, api_write::post_comment,
        api_write::cast_ballot, api_write::report, api_write::import_template,
        api_write::reuse_consultation, api_write::publish_consultation, api_write::unpublish_consultation,
        crate::routes::exports::json, crate::routes::exports::csv,
        api_network::list_deals, api_network::get_deal, api_network::create_deal,
        api_network::accept_member, api_network::reject_member, api_network::remove_member,
        api_network::list_memberships, api_network::apply, api_network::leave,
        api_joint_votes::create, api_joint_votes::of_deal, api_joint_votes::results, api_joint_votes::invites,
        api_joint_votes::take_part, api_joint_votes::decline,
        api_forwards::forward_proposal, api_forwards::list_forwards, api_forwards::get_forward,
        api_forwards::accept_forward, api_forwards::decline_forward,
        crate::api_catalogue::catalogue,
        api_budgets::list_areas, api_budgets::create_area, api_budgets::list_budgets, api_budgets::create_budget,
        api_budgets::get_budget, api_budgets::add_project, api_budgets::get_ballot, api_budgets::put_ballot,
        api_budgets::check_ballot, api_budgets::get_outcome, api_budgets::publish_outcome,
        api_budgets::export_pabulib, api_budgets::import_budget, crate::routes::exports::budget_projects,
        api_moderation::list_recommended, api_moderation::add_recommended, api_moderation::remove_recommended,
        api_moderation::list_subscriptions, api_moderation::add_subscription, api_moderation::remove_subscription,
        api_moderation::refresh_subscription, api_moderation::list_suggestions, api_moderation::accept_suggestion,
        api_moderation::dismiss_suggestion, api_moderation::list_blocks, api_moderation::export_blocks,
        api_moderation::import_blocks, api_moderation::forward_report
    ),
    modifiers(&BearerToken),
    components(schemas(
        InstanceInfo, ConsultationPage, ConsultationSummary, ConsultationDetail, ReuseDto, PhaseDto, RulesDto, ApiErrorBody, FieldProblem,
        OpenProposal, OpenComment, OpenPoll, OpenPollOption, ProposalDetail, AnswerDto, api_forwards::ForwardedFrom,
        api_write::Me, api_write::NewProposal, api_write::Created, api_write::SupportState, api_write::NewComment,
        api_write::Ballot, api_write::BallotState, api_write::NewReport, api_write::ReportState,
        api_write::TemplateImport, api_write::ReusePlacement,
        api_network::DealList, api_network::NewDeal, api_network::Made, api_network::Membership, api_network::Application,
        api_joint_votes::NewJointVote, api_joint_votes::Opened, api_joint_votes::JointVoteList, api_joint_votes::Invitation, api_joint_votes::InvitationList,
        api_joint_votes::TakePart, api_joint_votes::Taken,
        api_forwards::ForwardDto, api_forwards::ForwardEventDto, api_forwards::NewForward, api_forwards::ForwardLists,
        api_forwards::AcceptForward, api_forwards::Accepted, api_forwards::DeclineForward,
        crate::api_catalogue::CatalogueDto, crate::api_catalogue::CatalogueConsultation,
        crate::api_catalogue::CataloguePhase, crate::api_catalogue::CatalogueTemplate,
        crate::api_catalogue::CatalogueReuse,
        api_budgets::AreaDto, api_budgets::NewArea, api_budgets::MethodDto, api_budgets::CapDto,
        api_budgets::BudgetAreaDto, api_budgets::ProposalLink, api_budgets::ProjectDto, api_budgets::BudgetDto,
        api_budgets::NewBudgetArea, api_budgets::NewBudget, api_budgets::NewProject, api_budgets::ChoiceDto,
        api_budgets::BallotInput, api_budgets::BallotCheckDto, api_budgets::OwnBallotDto, api_budgets::VerdictDto,
        api_budgets::AreaOutcomeDto, api_budgets::OutcomeDto,
        api_moderation::DomainEntry, api_moderation::Subscription, api_moderation::SubscriptionEntry,
        api_moderation::NewSubscription, api_moderation::DomainBlock, api_moderation::Imported,
        api_moderation::Forward, api_moderation::ForwardedTo
    )),
    tags(
        (name = "consultations", description = "Participation processes and their phases"),
        (name = "participation", description = "Proposals, comments and polls: the public record, as in the open-data export"),
        (name = "open data", description = "Each consultation's public record as JSON and CSV, without personal data"),
        (name = "network", description = "Province deals: members, their own figures added up, and membership actions (Join, Accept, Reject, Leave, Remove) for admins with an API token"),
        (name = "forwarding", description = "Forwarding a proposal to the competent authority (`Offer`), accepting it into a consultation (`Accept` with the new proposal as `result`) or declining it with a reason (`Reject`), for admins with an API token; statuses flow back as `Update`s"),
        (name = "helpdesk", description = "The national helpdesk's catalogue of open consultations and reusable processes (on a helpdesk instance only)"),
        (name = "budgets", description = "Participatory budgets: areas, budgets with their projects, the resident's ballot (read, checked and cast with a personal token), outcomes explained project by project, and Pabulib `.pb` files out and in"),
        (name = "moderation", description = "Shared moderation for admins with an API token: the recommended domain blocklist (served to others at `/blocklists/recommended`), subscriptions to other instances' lists (auto-apply or review) and their suggestions, domain blocks as JSON and Mastodon CSV, and forwarding a report to the server an item came from"),
        (name = "taking part", description = "Proposing, supporting, commenting, voting and reporting with a personal API token (made on the account page), under the same rules as the web forms")
    )
)]
pub struct ApiDoc;

/// Declares the personal-token scheme the write endpoints use.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token from the account page"))
                    .build(),
            ),
        );
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api_write::routes())
        .merge(api_network::routes())
        .merge(api_joint_votes::routes())
        .merge(api_forwards::routes())
        .merge(api_moderation::routes())
        .merge(api_budgets::routes())
        .route("/openapi.json", get(openapi))
        .route("/instance", get(instance))
        .route("/statistics", get(statistics))
        .route("/catalogue", get(crate::api_catalogue::catalogue))
        .route("/consultations", get(list_consultations))
        .route("/consultations/{id}", get(get_consultation))
        .route("/consultations/{id}/proposals", get(list_proposals))
        .route("/consultations/{id}/comments", get(list_comments))
        .route("/consultations/{id}/polls", get(list_polls))
        .route("/consultations/{id}/template", get(get_template))
        .route("/proposals/{id}", get(get_proposal))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// An error answer.
#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    /// Machine-readable code, e.g. `not_found`, `bad_request`, `invalid`.
    pub error: String,
    /// What went wrong, in English.
    pub message: String,
    /// For `invalid`: each field and its problem.
    pub fields: Vec<FieldProblem>,
}

/// One field's problem.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field.
    pub field: String,
    /// The problem code, e.g. `too_long`.
    pub problem: String,
    /// The limit involved, if any.
    pub limit: Option<usize>,
}

/// Which instance this is.
#[derive(Serialize, ToSchema)]
pub struct InstanceInfo {
    /// The municipality's name.
    pub name: String,
    /// The public base URL.
    pub url: String,
    /// Always `inspraak`.
    pub software: String,
    /// The software version.
    pub version: String,
}

#[utoipa::path(get, path = "/api/v1/instance", responses((status = 200, body = InstanceInfo)))]
async fn instance(State(state): State<AppState>) -> Json<InstanceInfo> {
    Json(InstanceInfo {
        name: state.config.instance_name.clone(),
        url: state.config.public_url.to_string(),
        software: "inspraak".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// What residents may do.
#[derive(Serialize, ToSchema)]
pub struct RulesDto {
    /// Submit proposals.
    pub propose: bool,
    /// Comment.
    pub comment: bool,
    /// Support proposals.
    pub support: bool,
    /// Vote in polls.
    pub vote: bool,
}

impl From<PhaseRules> for RulesDto {
    fn from(r: PhaseRules) -> Self {
        RulesDto {
            propose: r.propose,
            comment: r.comment,
            support: r.support,
            vote: r.vote,
        }
    }
}

/// One phase.
#[derive(Serialize, ToSchema)]
pub struct PhaseDto {
    /// `information`, `proposals`, `voting`, `evaluation` or `closed`.
    pub kind: String,
    /// Custom title, if any.
    pub title: Option<String>,
    /// First day (inclusive), in the municipality's calendar.
    pub starts_on: NaiveDate,
    /// Last day (inclusive).
    pub ends_on: NaiveDate,
    /// What residents may do in it.
    pub rules: RulesDto,
    /// Running today.
    pub current: bool,
}

fn phase_dto(p: &Phase, today: NaiveDate) -> PhaseDto {
    PhaseDto {
        kind: p.kind.as_str().into(),
        title: p.title.clone(),
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        rules: p.rules.into(),
        current: p.contains(today),
    }
}

/// A consultation in a list.
#[derive(Serialize, ToSchema)]
pub struct ConsultationSummary {
    /// Opaque id.
    pub id: String,
    /// Short name used in URLs.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: String,
    /// The HTML page.
    pub url: String,
    /// The ActivityPub id.
    pub ap_id: String,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// `unscheduled`, `upcoming`, `active`, `between` or `finished`.
    pub state: String,
    /// The phase running today.
    pub current_phase: Option<PhaseDto>,
    /// Its themes, lowercase.
    pub themes: Vec<String>,
}

/// A consultation with everything public about it.
#[derive(Serialize, ToSchema)]
pub struct ConsultationDetail {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: ConsultationSummary,
    /// The body, rendered and sanitised.
    pub body_html: String,
    /// The body as written (Markdown).
    pub body_markdown: String,
    /// The cover image URL.
    pub cover_image: Option<String>,
    /// The cover image's alternative text.
    pub cover_alt: Option<String>,
    /// Every phase in date order.
    pub phases: Vec<PhaseDto>,
    /// What residents may do today.
    pub allowed_now: RulesDto,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The ActivityPub id of the consultation whose process this one reuses.
    pub derived_from: Option<String>,
    /// The origins before `derived_from`, oldest first.
    pub ancestry: Vec<String>,
    /// Published reuses of this consultation's process.
    pub reused_by: Vec<ReuseDto>,
}

/// A published reuse of a consultation's process.
#[derive(Serialize, ToSchema)]
pub struct ReuseDto {
    /// The copy's ActivityPub id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
}

fn summary(
    state: &AppState,
    item: &ConsultationWithPhases,
    today: NaiveDate,
) -> ConsultationSummary {
    let c = &item.consultation;
    let phase_state = item.timeline.state_on(today);
    let current = match phase_state {
        PhaseState::Active { index } => item
            .timeline
            .phases()
            .get(index)
            .map(|p| phase_dto(p, today)),
        _ => None,
    };
    ConsultationSummary {
        id: c.id.clone(),
        slug: c.slug.clone(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        url: state.config.url(&format!("/consultations/{}", c.slug)),
        ap_id: c.ap_id.clone(),
        published_at: c.published_at,
        state: phase_state.as_str().into(),
        current_phase: current,
        themes: consultations::themes_of(c),
    }
}

/// One page of consultations.
#[derive(Serialize, ToSchema)]
pub struct ConsultationPage {
    /// The consultations, newest first.
    pub items: Vec<ConsultationSummary>,
    /// How many exist in all.
    pub total: u64,
    /// The page size used.
    pub limit: u64,
    /// The offset used.
    pub offset: u64,
}

/// Paging parameters.
#[derive(Deserialize, IntoParams)]
pub struct Paging {
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<u64>,
    /// How many to skip (default 0).
    pub offset: Option<u64>,
}

/// Parses a query string, answering 400 with the reason when it does not fit.
fn parse_query<T: for<'de> Deserialize<'de>>(raw: Option<String>) -> Result<T, WebError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| WebError::BadRequest(format!("invalid query: {e}")))
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations",
    tag = "consultations",
    params(Paging),
    responses(
        (status = 200, description = "Published consultations, newest first", body = ConsultationPage),
        (status = 400, description = "Invalid paging parameters", body = ApiErrorBody)
    )
)]
async fn list_consultations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ConsultationPage>, WebError> {
    let paging: Paging = parse_query(raw)?;
    let limit = paging.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(WebError::BadRequest(
            "limit must be between 1 and 100".into(),
        ));
    }
    let offset = paging.offset.unwrap_or(0);
    let today = today();
    let rows = consultations::list(&state.db.conn, Visibility::Published, limit, offset).await?;
    let total = consultations::count(&state.db.conn, Visibility::Published).await?;
    let items = rows
        .iter()
        .map(|item| summary(&state, item, today))
        .collect();
    Ok(Json(ConsultationPage {
        items,
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/statistics",
    tag = "consultations",
    responses(
        (status = 200, description = "This instance's own figures: `consultations` (`total`, `open`, `upcoming`, `finished`), `totals` and each of the last 12 `weeks` (`proposals`, `comments`, `supports`, `ballots`, `statement_votes`, with `participants`: distinct residents), and `participants` overall. Local activity only, public items only; no names.", body = Object)
    )
)]
async fn statistics(
    State(state): State<AppState>,
) -> Result<Json<inspraak_domain::statistics::Statistics>, WebError> {
    Ok(Json(
        inspraak_app::statistics::of_instance(&state.app).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/template",
    tag = "consultations",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses(
        (status = 200, description = "The process template (format inspraak-process-template, version 1; see docs/process-template.md)", body = Object),
        (status = 404, description = "No consultation you may see has this id", body = ApiErrorBody)
    )
)]
async fn get_template(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<inspraak_domain::template::ProcessTemplate>, WebError> {
    let caller = inspraak_app::Caller::anonymous();
    Ok(Json(
        inspraak_app::templates::export(&state.app, caller, &id).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}",
    tag = "consultations",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses(
        (status = 200, body = ConsultationDetail),
        (status = 404, description = "No published consultation has this id", body = ApiErrorBody)
    )
)]
async fn get_consultation(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ConsultationDetail>, WebError> {
    let item = consultations::find_with_phases(&state.db.conn, &id).await?;
    if item.consultation.published_at.is_none() {
        return Err(WebError::NotFound("consultation"));
    }
    let today = today();
    let c = &item.consultation;
    Ok(Json(ConsultationDetail {
        summary: summary(&state, &item, today),
        body_html: c.body_html.clone(),
        body_markdown: c.body_markdown.clone(),
        cover_image: c
            .cover_image
            .as_ref()
            .map(|f| state.config.url(&format!("/media/{f}"))),
        cover_alt: c.cover_alt.clone(),
        phases: item
            .timeline
            .phases()
            .iter()
            .map(|p| phase_dto(p, today))
            .collect(),
        allowed_now: item.timeline.rules_on(today).into(),
        updated_at: c.updated_at,
        derived_from: c.derived_from.clone(),
        ancestry: consultations::ancestry_of(c),
        reused_by: consultations::reuses_of(&state.db.conn, &c.ap_id)
            .await?
            .into_iter()
            .map(|r| ReuseDto {
                id: r.copy_ap_id,
                title: r.copy_title,
                url: r.copy_url,
            })
            .collect(),
    }))
}

/// The published consultation with this id or slug.
async fn published(
    state: &AppState,
    id: &str,
) -> Result<inspraak_db::consultations::Consultation, WebError> {
    let item = consultations::find_with_phases(&state.db.conn, id).await?;
    if item.consultation.published_at.is_none() {
        return Err(WebError::NotFound("consultation"));
    }
    Ok(item.consultation)
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/proposals",
    tag = "participation",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses(
        (status = 200, description = "Public proposals, newest first, with support counts and answers", body = Vec<OpenProposal>),
        (status = 404, body = ApiErrorBody)
    )
)]
async fn list_proposals(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<OpenProposal>>, WebError> {
    let c = published(&state, &id).await?;
    Ok(Json(
        open_data::proposals_of(&state, &c, Audience::Public).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/comments",
    tag = "participation",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses(
        (status = 200, description = "Public comments on the consultation and its proposals, oldest first", body = Vec<OpenComment>),
        (status = 404, body = ApiErrorBody)
    )
)]
async fn list_comments(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<OpenComment>>, WebError> {
    let c = published(&state, &id).await?;
    Ok(Json(
        open_data::comments_of(&state, &c, Audience::Public).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/consultations/{id}/polls",
    tag = "participation",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses(
        (status = 200, description = "Polls, with counts where the poll shows them", body = Vec<OpenPoll>),
        (status = 404, body = ApiErrorBody)
    )
)]
async fn list_polls(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<OpenPoll>>, WebError> {
    let c = published(&state, &id).await?;
    Ok(Json(
        open_data::polls_of(&state, &c, Audience::Public).await?,
    ))
}

/// One official answer in a proposal's history.
#[derive(Serialize, ToSchema)]
pub struct AnswerDto {
    /// Status key.
    pub status: String,
    /// The status in words (Dutch).
    pub status_label: String,
    /// The answer (Markdown).
    pub answer: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A proposal with its answer history.
#[derive(Serialize, ToSchema)]
pub struct ProposalDetail {
    /// The proposal as in the open-data export.
    #[serde(flatten)]
    pub proposal: OpenProposal,
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// Every official answer, oldest first.
    pub answers: Vec<AnswerDto>,
    /// Where we forwarded it, each with its state, latest status and history.
    pub forwards: Vec<api_forwards::ForwardDto>,
    /// The organization that forwarded it to us, when it was made from a forward.
    pub forwarded_from: Option<api_forwards::ForwardedFrom>,
}

#[utoipa::path(
    get,
    path = "/api/v1/proposals/{id}",
    tag = "participation",
    params(("id" = String, Path, description = "The proposal's id")),
    responses((status = 200, body = ProposalDetail), (status = 404, body = ApiErrorBody))
)]
async fn get_proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProposalDetail>, WebError> {
    let p = inspraak_db::proposals::find(&state.db.conn, &id).await?;
    if !open_data::proposal_is_public(&p) {
        return Err(WebError::NotFound("proposal"));
    }
    let c = published(&state, &p.consultation_id).await?;
    let proposal = open_data::proposals_of(&state, &c, Audience::Public)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(WebError::NotFound("proposal"))?;
    let custom = inspraak_db::proposals::custom_statuses(&state.db.conn, &c.id).await?;
    let t = crate::Translations::of(crate::Locale::Nl);
    let answers = inspraak_db::proposals::answers(&state.db.conn, &id)
        .await?
        .into_iter()
        .map(|a| AnswerDto {
            status_label: open_data::status_label(&a.status_key, &custom, t),
            status: a.status_key,
            answer: a.answer_markdown,
            created_at: a.created_at,
        })
        .collect();
    let (forwards, forwarded_from) = api_forwards::of_proposal(&state, &id).await?;
    Ok(Json(ProposalDetail {
        proposal,
        consultation_id: c.id,
        answers,
        forwards,
        forwarded_from,
    }))
}
