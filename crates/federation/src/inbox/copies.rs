//! Our copies of what happens in consultations we follow: their groups, proposals, comments
//! and polls, stored as sent but sanitised.

use super::resolve::Resolved;
use crate::FederationError;
use crate::protocol::kind::TagKind;
use crate::protocol::objects::{ActorDocument, Note, Page, Question};
use crate::signer::{RemoteActor, plain_text};
use chrono::{DateTime, Utc};
use inspraak_db::entity::consultation;
use inspraak_db::remote_content::{
    self, Found, OptionTally, RemoteComment, RemoteConsultation, RemotePoll, RemoteProposal,
    RemoteTally,
};
use inspraak_domain::comment::{CommentState, reply_depth};
use inspraak_domain::consultation::PHASE_TITLE_MAX;
use inspraak_domain::text::sanitize_html;
use inspraak_domain::{Phase, PhaseKind, Timeline};
use sea_orm::DatabaseTransaction;

/// Longest remote text we keep, in characters.
const MAX_CONTENT: usize = 20_000;

/// Sanitised HTML of a remote `content`.
pub(super) fn safe_html(html: Option<&str>) -> String {
    let html = html.unwrap_or_default();
    sanitize_html(&html.chars().take(MAX_CONTENT).collect::<String>())
}

/// When a remote object says it was published; never in the future.
pub(super) fn published_of(published: Option<DateTime<Utc>>) -> DateTime<Utc> {
    published
        .filter(|d| *d <= Utc::now())
        .unwrap_or_else(Utc::now)
}

/// Where a comment sits in its consultation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Place {
    /// The proposal it is about.
    pub proposal_id: Option<String>,
    /// The budget project it is about.
    pub budget_project_id: Option<String>,
    /// The comment it answers.
    pub parent_id: Option<String>,
    /// Its nesting depth.
    pub depth: i32,
}

/// Where a comment answering `parent` sits: under the same proposal or project as its parent
/// comment, one level deeper, or at the top of a proposal's or project's thread.
pub(super) fn comment_place(parent: Option<&Found>) -> Place {
    match parent {
        Some(Found::Comment(c)) => Place {
            proposal_id: c.proposal_id.clone(),
            budget_project_id: c.budget_project_id.clone(),
            parent_id: Some(c.id.clone()),
            depth: reply_depth(c.depth).unwrap_or(c.depth),
        },
        Some(Found::Proposal(p)) => Place {
            proposal_id: Some(p.id.clone()),
            ..Place::default()
        },
        Some(Found::Project(p)) => Place {
            budget_project_id: Some(p.id.clone()),
            ..Place::default()
        },
        _ => Place::default(),
    }
}

/// Stores a proposal in a followed consultation.
pub(super) async fn store_proposal(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    author_id: String,
    page: &Page,
) -> Result<(), FederationError> {
    let tags = page
        .common
        .tag
        .iter()
        .filter(|t| t.kind == TagKind::Hashtag)
        .filter_map(|t| t.name.as_deref())
        .map(|n| plain_text(n.trim_start_matches('#'), 40).to_lowercase())
        .take(10)
        .collect();
    let text = |s: &Option<String>, max| plain_text(s.as_deref().unwrap_or_default(), max);
    remote_content::upsert_proposal(
        txn,
        RemoteProposal {
            ap_id: page.id.to_string(),
            consultation_id: copy.id.clone(),
            author_id,
            title: text(&page.common.name, 200),
            summary: text(&page.summary, 500),
            body_html: safe_html(page.common.content.as_deref()),
            tags,
            status_key: page.status.as_deref().map(|s| plain_text(s, 64)),
            answer_html: page.official_answer.as_deref().map(|a| safe_html(Some(a))),
            published_at: published_of(page.common.published),
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// Stores a comment in a followed consultation.
pub(super) async fn store_comment(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    author_id: String,
    note: &Note,
    parent: Option<&Found>,
) -> Result<(), FederationError> {
    let place = comment_place(parent);
    remote_content::upsert_comment(
        txn,
        RemoteComment {
            ap_id: note.id.to_string(),
            consultation_id: copy.id.clone(),
            proposal_id: place.proposal_id,
            budget_project_id: place.budget_project_id,
            parent_id: place.parent_id,
            depth: place.depth,
            author_id,
            body_html: safe_html(note.common.content.as_deref()),
            state: CommentState::Published,
            published_at: published_of(note.common.published),
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// Stores a remote poll with its counts.
pub(super) async fn store_question(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    question: &Question,
) -> Result<(), FederationError> {
    let (multiple, options) = question.options();
    let name_of = |name: &Option<String>| plain_text(name.as_deref().unwrap_or_default(), 200);
    let tally = RemoteTally {
        options: options
            .iter()
            .take(20)
            .map(|o| OptionTally {
                name: name_of(&o.name),
                count: o.count(),
            })
            .collect(),
        voters: question.voters_count,
    };
    remote_content::upsert_poll(
        txn,
        RemotePoll {
            ap_id: question.id.to_string(),
            consultation_id: copy.id.clone(),
            question: plain_text(question.common.name.as_deref().unwrap_or_default(), 300),
            multiple,
            closes_at: question.end_time,
            options: tally.options.iter().map(|o| o.name.clone()).collect(),
            tally,
            published_at: published_of(question.common.published),
        },
    )
    .await?;
    Ok(())
}

/// The local copy of a followed group, made from its document (fetched in `resolve`).
pub(super) async fn ensure_group(
    txn: &DatabaseTransaction,
    group: &RemoteActor,
    resolved: &Resolved,
) -> Result<consultation::Model, FederationError> {
    if let Some(copy) = remote_content::find_consultation(txn, group.id.as_str()).await? {
        return Ok(copy);
    }
    let document = resolved
        .group
        .as_ref()
        .ok_or_else(|| FederationError::Invalid("the group could not be fetched".into()))?;
    store_group(txn, document).await
}

/// Stores a remote `Group` as a consultation copy.
pub(super) async fn store_group(
    txn: &DatabaseTransaction,
    document: &ActorDocument,
) -> Result<consultation::Model, FederationError> {
    let title = plain_text(
        document
            .name
            .as_deref()
            .or(document.preferred_username.as_deref())
            .unwrap_or_default(),
        200,
    );
    let origin_organization = document
        .attributed_to
        .as_ref()
        .filter(|org| super::same_origin(org, &document.id))
        .map(|org| org.as_str().chars().take(URL_MAX).collect());
    Ok(remote_content::upsert_consultation(
        txn,
        RemoteConsultation {
            ap_id: document.id.to_string(),
            title,
            summary: plain_text(document.summary.as_deref().unwrap_or_default(), 1000),
            published_at: published_of(document.published),
            themes: themes_of(document),
            province: document
                .province
                .as_deref()
                .map(|p| plain_text(p, PROVINCE_MAX))
                .filter(|p| !p.is_empty()),
            derived_from: document
                .derived_from
                .as_ref()
                .map(|d| d.as_str().chars().take(URL_MAX).collect()),
            origin_host: super::origin(&document.id),
            origin_organization,
            timeline: timeline_of(document),
        },
        Utc::now(),
    )
    .await?)
}

/// Longest URL we keep from a remote document.
const URL_MAX: usize = 2048;
/// Longest province name we keep.
const PROVINCE_MAX: usize = 100;
/// Most themes kept of one consultation.
const THEMES_MAX: usize = 10;
/// Most phases kept of one consultation.
const PHASES_MAX: usize = 20;

/// A remote `Group`'s hashtags as themes: lowercase words of letters, digits, spaces and
/// hyphens, at most [`THEMES_MAX`], each once.
fn themes_of(document: &ActorDocument) -> Vec<String> {
    let mut themes: Vec<String> = Vec::new();
    for name in document
        .tag
        .iter()
        .filter(|t| t.kind == TagKind::Hashtag)
        .filter_map(|t| t.name.as_deref())
    {
        let theme = plain_text(name.trim_start_matches('#'), 40).to_lowercase();
        let fits = !theme.is_empty()
            && theme
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
        if fits && !themes.contains(&theme) {
            themes.push(theme);
        }
        if themes.len() == THEMES_MAX {
            break;
        }
    }
    themes
}

/// A remote `Group`'s phases as a checked timeline; `None` (keep what is stored) when it sent
/// none or they overlap.
fn timeline_of(document: &ActorDocument) -> Option<Timeline> {
    if document.phases.is_empty() {
        return None;
    }
    let phases = document
        .phases
        .iter()
        .take(PHASES_MAX)
        .map(|p| {
            let kind = p
                .phase_kind
                .as_deref()
                .and_then(|k| k.parse::<PhaseKind>().ok())
                .unwrap_or(PhaseKind::Information);
            Phase {
                kind,
                title: p
                    .name
                    .as_deref()
                    .map(|n| plain_text(n, PHASE_TITLE_MAX))
                    .filter(|n| !n.is_empty()),
                starts_on: p.start_date,
                ends_on: p.end_date,
                rules: kind.default_rules(),
            }
        })
        .collect();
    Timeline::new(phases)
        .inspect_err(|err| tracing::info!(group = %document.id, %err, "unusable phases ignored"))
        .ok()
}

/// Stores a followed group's consultation copy (used when an admin follows a group).
pub async fn store_followed_group(
    txn: &DatabaseTransaction,
    document: &ActorDocument,
) -> Result<consultation::Model, FederationError> {
    store_group(txn, document).await
}
