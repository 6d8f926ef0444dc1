//! A consultation's data as open data: the public export (CSV and JSON), the admins' full
//! export, and the API's participation endpoints all read from here, so they cannot disagree.
//!
//! The public version holds no personal data beyond public display names, and leaves out what
//! is not public: pending and hidden items, deleted comments, and poll results that are not
//! shown yet. Columns are documented in docs/open-data.md.

use crate::i18n::{Locale, Translations};
use crate::{AppState, WebError};
use chrono::{DateTime, Utc};
use inspraak_app::participation::{self, Publicity};
use inspraak_db::consultations::Consultation;
use inspraak_db::entity::{comment, custom_status, proposal};
use inspraak_db::{comments, moderation, polls, proposals, users};
use inspraak_domain::poll::{ResultsVisibility, results_visible};
use inspraak_domain::proposal::{AnswerStatus, SupportProgress};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenProposal {
    /// Opaque id.
    pub id: String,
    /// Its page.
    pub url: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body as written (Markdown).
    pub body_markdown: String,
    /// Public name of the author.
    pub author: String,
    /// Themes and areas.
    pub tags: Vec<String>,
    /// `published`, `withdrawn` (and, in the full export, `pending`).
    pub state: String,
    /// Key of the latest official answer's status, if answered.
    pub status: Option<String>,
    /// That status in words (Dutch).
    pub status_label: Option<String>,
    /// The latest official answer (Markdown).
    pub answer: Option<String>,
    /// Supports by verified residents.
    pub supports: u64,
    /// The consultation's support threshold (0 = none).
    pub threshold: u64,
    /// Whether the threshold is reached.
    pub threshold_reached: bool,
    /// Submitted.
    pub created_at: DateTime<Utc>,
    /// Full export only: the author's account id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// Full export only: when moderation hid it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_at: Option<DateTime<Utc>>,
    /// Full export only: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_reason: Option<String>,
}

/// One comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenComment {
    /// Opaque id.
    pub id: String,
    /// The proposal it is about, or none for the consultation itself.
    pub proposal_id: Option<String>,
    /// The comment it answers.
    pub parent_id: Option<String>,
    /// Public name of the author.
    pub author: String,
    /// `for`, `against` or `neutral`.
    pub stance: String,
    /// The text (Markdown).
    pub body_markdown: String,
    /// Written.
    pub created_at: DateTime<Utc>,
    /// Last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Full export only: `published`, `pending` or `deleted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Full export only: why moderation hid it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_reason: Option<String>,
    /// Full export only: the author's account id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
}

/// One poll option with its count.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenPollOption {
    /// Opaque id.
    pub id: String,
    /// The option.
    pub label: String,
    /// Ballots choosing it; absent while results are not shown.
    pub votes: Option<u64>,
}

/// One poll.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenPoll {
    /// Opaque id.
    pub id: String,
    /// The question.
    pub question: String,
    /// Multiple choice.
    pub multiple: bool,
    /// When it closes or closed.
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether it still takes ballots.
    pub open: bool,
    /// `live` or `after_closing`.
    pub results_visibility: String,
    /// Whether the counts below are filled in.
    pub results_visible: bool,
    /// Residents who voted; absent while results are not shown.
    pub voters: Option<u64>,
    /// The options.
    pub options: Vec<OpenPollOption>,
}

/// A whole consultation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationExport {
    /// Opaque id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
    /// Proposals, newest first.
    pub proposals: Vec<OpenProposal>,
    /// Comments, oldest first.
    pub comments: Vec<OpenComment>,
    /// Polls, oldest first.
    pub polls: Vec<OpenPoll>,
    /// Full export only: open reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_reports: Option<Vec<serde_json::Value>>,
}

/// Public or full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: only what is public.
    Public,
    /// Admins: everything, with account ids and moderation details.
    Admins,
}

/// A status key in words: built-in statuses translated, custom ones by their label.
pub fn status_label(key: &str, custom: &[custom_status::Model], t: &Translations) -> String {
    if AnswerStatus::from_key(key).is_some() {
        return t.get(&format!("status.{key}")).to_owned();
    }
    custom
        .iter()
        .find(|s| key.strip_prefix("custom:") == Some(s.id.as_str()))
        .map(|s| s.label.clone())
        .unwrap_or_else(|| key.to_owned())
}

/// Whether a proposal is in the public record.
pub fn proposal_is_public(p: &proposal::Model) -> bool {
    participation::proposal_publicity(p) == Publicity::Public
}

/// Whether a comment is in the public record.
pub fn comment_is_public(c: &comment::Model) -> bool {
    participation::comment_publicity(c) == Publicity::Public
}

/// A consultation's proposals for an audience, newest first.
pub async fn proposals_of(
    state: &AppState,
    c: &Consultation,
    audience: Audience,
) -> Result<Vec<OpenProposal>, WebError> {
    let db = &state.db.conn;
    let full = audience == Audience::Admins;
    let t = Translations::of(Locale::Nl);
    let custom = proposals::custom_statuses(db, &c.id).await?;
    let rows: Vec<proposal::Model> = proposals::list_for_consultation(db, &c.id)
        .await?
        .into_iter()
        .filter(|p| full || proposal_is_public(p))
        .collect();
    let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
    let counts = proposals::support_counts(db, &ids).await?;
    let answers = proposals::latest_answers(db, &ids).await?;
    let authors = users::display_names(db, rows.iter().map(|p| p.author_id.clone())).await?;
    let threshold = u64::try_from(c.support_threshold).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|p| {
            let progress = SupportProgress {
                count: counts.get(&p.id).copied().unwrap_or(0),
                threshold,
            };
            OpenProposal {
                url: state.config.url(&format!("/proposals/{}", p.id)),
                author: authors.get(&p.author_id).cloned().unwrap_or_default(),
                tags: proposals::tags_of(&p),
                status_label: p.status_key.as_deref().map(|k| status_label(k, &custom, t)),
                answer: answers.get(&p.id).map(|a| a.answer_markdown.clone()),
                supports: progress.count,
                threshold,
                threshold_reached: progress.reached(),
                author_id: full.then(|| p.author_id.clone()),
                hidden_at: if full { p.hidden_at } else { None },
                hidden_reason: if full { p.hidden_reason.clone() } else { None },
                id: p.id,
                title: p.title,
                summary: p.summary,
                body_markdown: p.body_markdown,
                state: p.state,
                status: p.status_key,
                created_at: p.created_at,
            }
        })
        .collect())
}

/// A consultation's comments (on it and on its proposals) for an audience, oldest first.
pub async fn comments_of(
    state: &AppState,
    c: &Consultation,
    audience: Audience,
) -> Result<Vec<OpenComment>, WebError> {
    let db = &state.db.conn;
    let full = audience == Audience::Admins;
    let rows: Vec<comment::Model> = comments::all_of_consultation(db, &c.id)
        .await?
        .into_iter()
        .filter(|x| full || comment_is_public(x))
        .collect();
    let authors = users::display_names(db, rows.iter().map(|x| x.author_id.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|x| OpenComment {
            author: authors.get(&x.author_id).cloned().unwrap_or_default(),
            state: full.then(|| x.state.clone()),
            hidden_reason: if full { x.hidden_reason.clone() } else { None },
            author_id: full.then(|| x.author_id.clone()),
            id: x.id,
            proposal_id: x.proposal_id,
            parent_id: x.parent_id,
            stance: x.stance,
            body_markdown: x.body_markdown,
            created_at: x.created_at,
            edited_at: x.edited_at,
        })
        .collect())
}

/// A consultation's polls, with counts where the audience may see them, oldest first.
pub async fn polls_of(
    state: &AppState,
    c: &Consultation,
    audience: Audience,
) -> Result<Vec<OpenPoll>, WebError> {
    let now = Utc::now();
    let mut out = Vec::new();
    for item in polls::list_for_consultation(&state.db.conn, &c.id).await? {
        out.push(open_poll(state, &item, audience == Audience::Admins, now).await?);
    }
    Ok(out)
}

/// Builds the export of one consultation for an audience.
pub async fn export(
    state: &AppState,
    c: &Consultation,
    audience: Audience,
) -> Result<ConsultationExport, WebError> {
    let proposals = proposals_of(state, c, audience).await?;
    let comments = comments_of(state, c, audience).await?;
    let polls = polls_of(state, c, audience).await?;
    let open_reports = match audience {
        Audience::Public => None,
        // The full export lists every item, so its ids say which reports belong here.
        Audience::Admins => {
            let ids: std::collections::HashSet<&str> = proposals
                .iter()
                .map(|p| p.id.as_str())
                .chain(comments.iter().map(|x| x.id.as_str()))
                .collect();
            Some(
                moderation::open_reports(&state.db.conn)
                    .await?
                    .into_iter()
                    .filter(|r| ids.contains(r.content_id.as_str()))
                    .map(|r| {
                        serde_json::json!({
                            "content_kind": r.content_kind, "content_id": r.content_id, "reporter_id": r.reporter_id,
                            "reason": r.reason, "note": r.note, "created_at": r.created_at,
                        })
                    })
                    .collect(),
            )
        }
    };
    Ok(ConsultationExport {
        id: c.id.clone(),
        title: c.title.clone(),
        url: state.config.url(&format!("/consultations/{}", c.slug)),
        exported_at: Utc::now(),
        proposals,
        comments,
        polls,
        open_reports,
    })
}

/// One poll with its counts, if they may be shown (`staff` sees them always).
pub async fn open_poll(
    state: &AppState,
    item: &polls::PollWithOptions,
    staff: bool,
    now: DateTime<Utc>,
) -> Result<OpenPoll, WebError> {
    let p = &item.poll;
    let visibility = ResultsVisibility::parse(&p.results_visibility);
    let visible = results_visible(visibility, p.closes_at, now, staff);
    let results = if visible {
        Some(polls::results(&state.db.conn, &p.id).await?)
    } else {
        None
    };
    let per_option: HashMap<String, u64> = results
        .as_ref()
        .map(|r| r.per_option.clone())
        .unwrap_or_default();
    Ok(OpenPoll {
        id: p.id.clone(),
        question: p.question.clone(),
        multiple: p.multiple,
        closes_at: p.closes_at,
        open: inspraak_domain::poll::is_open(p.closes_at, now),
        results_visibility: visibility.as_str().to_owned(),
        results_visible: visible,
        voters: results.as_ref().map(|r| r.voters),
        options: item
            .options
            .iter()
            .map(|o| OpenPollOption {
                id: o.id.clone(),
                label: o.label.clone(),
                votes: visible.then(|| per_option.get(&o.id).copied().unwrap_or(0)),
            })
            .collect(),
    })
}

/// One project of a participatory budget, as open data.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenBudgetProject {
    /// The budget's id.
    pub budget_id: String,
    /// The budget's title.
    pub budget: String,
    /// The consultation's slug.
    pub consultation: String,
    /// The budget area's name.
    pub area: String,
    /// The project's id.
    pub project_id: String,
    /// Its number in the budget (the Pabulib `project_id`).
    pub number: String,
    /// Its title.
    pub title: String,
    /// What it costs, in whole euros.
    pub cost: u64,
    /// Its categories.
    pub categories: Vec<String>,
    /// Whether it could be chosen.
    pub feasible: bool,
    /// Votes (points on points ballots); only once voting is over.
    pub votes: Option<u64>,
    /// Whether the outcome funds it; only once voting is over.
    pub funded: Option<bool>,
}

/// The projects of these budgets as `caller` may see them, with votes and the outcome only
/// once a budget's voting is over (never a preview, whoever asks). Budgets the caller may not
/// see are left out.
pub async fn budget_projects_of(
    state: &AppState,
    caller: inspraak_app::Caller<'_>,
    budget_ids: &[String],
) -> Result<Vec<OpenBudgetProject>, WebError> {
    use inspraak_app::AppError;
    use inspraak_app::budgets::{self, BudgetStatus};
    let mut rows = Vec::new();
    for id in budget_ids {
        let (budget, outcome) = match budgets::outcome(&state.app, caller, id).await {
            Ok(found) => found,
            Err(AppError::NotFound(_)) => continue,
            Err(other) => return Err(other.into()),
        };
        let closed = budget.status == BudgetStatus::Closed;
        let mut counted: HashMap<String, (u64, bool)> = HashMap::new();
        for area in outcome.iter().flat_map(|o| &o.areas).filter(|_| closed) {
            for verdict in &area.explanation.verdicts {
                if let Some(p) = area.projects.get(verdict.project) {
                    counted.insert(p.id.clone(), (verdict.votes, verdict.funded.is_some()));
                }
            }
        }
        let record = &budget.record;
        for p in &record.projects {
            let area = record
                .areas
                .iter()
                .find(|a| a.id == p.budget_area_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            let result = closed.then(|| counted.get(&p.id).copied().unwrap_or((0, false)));
            rows.push(OpenBudgetProject {
                budget_id: record.budget.id.clone(),
                budget: record.budget.title.clone(),
                consultation: budget.ctx.item.consultation.slug.clone(),
                area,
                project_id: p.id.clone(),
                number: p.number.clone(),
                title: p.title.clone(),
                cost: u64::try_from(p.cost).unwrap_or(0),
                categories: inspraak_db::budgets::BudgetRecord::categories_of(p),
                feasible: p.feasible,
                votes: result.map(|(votes, _)| votes),
                funded: result.map(|(_, funded)| funded),
            });
        }
    }
    Ok(rows)
}
