//! Copies of other instances' consultations, proposals, comments and polls (`local = false`),
//! kept in the same tables as ours so pages list both. Each upsert is keyed by `ap_id`, so
//! receiving the same object twice, or an `Update` of it, leaves one current row.

use crate::entity::{
    budget_project, comment, consultation, poll, poll_option, proposal, proposal_answer,
};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::comment::CommentState;
use inspraak_domain::proposal::ProposalState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

/// A remote consultation (a `Group`).
#[derive(Debug, Clone)]
pub struct RemoteConsultation {
    /// The `Group`'s id.
    pub ap_id: String,
    /// Its name.
    pub title: String,
    /// Its summary, sanitised HTML reduced to text.
    pub summary: String,
    /// When it was published there.
    pub published_at: DateTime<Utc>,
    /// Its themes, checked.
    pub themes: Vec<String>,
    /// The province its instance names.
    pub province: Option<String>,
    /// The consultation whose process it reuses.
    pub derived_from: Option<String>,
    /// The host (with port) it comes from.
    pub origin_host: String,
    /// The `Organization` it is attributed to, when on its own host.
    pub origin_organization: Option<String>,
    /// Its phases, checked; `None` leaves the stored ones alone.
    pub timeline: Option<inspraak_domain::Timeline>,
}

/// Stores or refreshes a remote consultation, with its phases when it sent them.
pub async fn upsert_consultation(
    db: &impl ConnectionTrait,
    remote: RemoteConsultation,
    now: DateTime<Utc>,
) -> Result<consultation::Model, DbError> {
    let timeline = remote.timeline.clone();
    let saved = store_consultation(db, remote, now).await?;
    if let Some(timeline) = timeline {
        crate::consultations::replace_copy_phases(db, &saved.id, &timeline).await?;
    }
    Ok(saved)
}

async fn store_consultation(
    db: &impl ConnectionTrait,
    remote: RemoteConsultation,
    now: DateTime<Utc>,
) -> Result<consultation::Model, DbError> {
    let themes = crate::consultations::themes_column(&remote.themes);
    if let Some(existing) = find_consultation(db, &remote.ap_id).await? {
        if existing.local {
            return Err(DbError::Conflict("ap_id"));
        }
        let mut row: consultation::ActiveModel = existing.into();
        row.title = Set(remote.title);
        row.summary = Set(remote.summary);
        row.themes = Set(themes);
        row.province = Set(remote.province);
        row.derived_from = Set(remote.derived_from);
        row.origin_host = Set(Some(remote.origin_host));
        row.origin_organization = Set(remote.origin_organization);
        row.updated_at = Set(now);
        return Ok(row.update(db).await?);
    }
    let id = new_id();
    Ok(consultation::ActiveModel {
        // Remote slugs only need to be unique here; they never appear in ActivityPub ids.
        slug: Set(format!(
            "r-{}",
            id.replace('-', "").get(20..).unwrap_or(&id)
        )),
        id: Set(id),
        title: Set(remote.title),
        summary: Set(remote.summary),
        body_markdown: Set(String::new()),
        body_html: Set(String::new()),
        cover_image: Set(None),
        cover_alt: Set(None),
        published_at: Set(Some(remote.published_at)),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ap_id: Set(remote.ap_id),
        local: Set(false),
        themes: Set(themes),
        province: Set(remote.province),
        derived_from: Set(remote.derived_from),
        origin_host: Set(Some(remote.origin_host)),
        origin_organization: Set(remote.origin_organization),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The consultation (local or remote) with this ActivityPub id.
pub async fn find_consultation(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<consultation::Model>, DbError> {
    Ok(consultation::Entity::find()
        .filter(consultation::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// A remote proposal (a `Page`).
#[derive(Debug, Clone)]
pub struct RemoteProposal {
    /// Its id.
    pub ap_id: String,
    /// The consultation copy it belongs to.
    pub consultation_id: String,
    /// The `users` row of its author.
    pub author_id: String,
    /// Its title.
    pub title: String,
    /// Its summary (plain text).
    pub summary: String,
    /// Its body, sanitised HTML.
    pub body_html: String,
    /// Its hashtags, without `#`.
    pub tags: Vec<String>,
    /// The official status its origin gave it.
    pub status_key: Option<String>,
    /// The official answer text, sanitised HTML.
    pub answer_html: Option<String>,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// Stores or refreshes a remote proposal; a new official answer is added to its history.
pub async fn upsert_proposal(
    db: &impl ConnectionTrait,
    remote: RemoteProposal,
    now: DateTime<Utc>,
) -> Result<proposal::Model, DbError> {
    let existing = proposal::Entity::find()
        .filter(proposal::Column::ApId.eq(remote.ap_id.as_str()))
        .one(db)
        .await?;
    let saved = match existing {
        Some(existing) if existing.local => return Err(DbError::Conflict("ap_id")),
        Some(existing) => {
            let mut row: proposal::ActiveModel = existing.into();
            row.title = Set(remote.title.clone());
            row.summary = Set(remote.summary.clone());
            row.body_html = Set(remote.body_html.clone());
            row.tags = Set(remote.tags.join(","));
            row.status_key = Set(remote.status_key.clone());
            row.updated_at = Set(now);
            row.update(db).await?
        }
        None => {
            proposal::ActiveModel {
                id: Set(new_id()),
                consultation_id: Set(remote.consultation_id.clone()),
                author_id: Set(remote.author_id.clone()),
                title: Set(remote.title.clone()),
                summary: Set(remote.summary.clone()),
                body_markdown: Set(String::new()),
                body_html: Set(remote.body_html.clone()),
                tags: Set(remote.tags.join(",")),
                state: Set(ProposalState::Published.as_str().to_owned()),
                status_key: Set(remote.status_key.clone()),
                hidden_at: Set(None),
                hidden_reason: Set(None),
                hidden_by: Set(None),
                created_at: Set(remote.published_at),
                updated_at: Set(now),
                withdrawn_at: Set(None),
                ap_id: Set(remote.ap_id.clone()),
                local: Set(false),
            }
            .insert(db)
            .await?
        }
    };
    if let (Some(status), Some(answer)) = (remote.status_key, remote.answer_html) {
        let latest = proposal_answer::Entity::find()
            .filter(proposal_answer::Column::ProposalId.eq(saved.id.as_str()))
            .order_by_desc(proposal_answer::Column::CreatedAt)
            .one(db)
            .await?;
        if latest.is_none_or(|l| l.status_key != status || l.answer_html != answer) {
            proposal_answer::ActiveModel {
                id: Set(new_id()),
                proposal_id: Set(saved.id.clone()),
                status_key: Set(status),
                answer_markdown: Set(String::new()),
                answer_html: Set(answer),
                answered_by: Set(None),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(saved)
}

/// A remote comment (a `Note`), or a fediverse reply to one of our items.
#[derive(Debug, Clone)]
pub struct RemoteComment {
    /// Its id.
    pub ap_id: String,
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// The proposal it is about.
    pub proposal_id: Option<String>,
    /// The budget project it is about (ours: replies from the fediverse).
    pub budget_project_id: Option<String>,
    /// The comment it answers.
    pub parent_id: Option<String>,
    /// Nesting depth.
    pub depth: i32,
    /// The `users` row of its author.
    pub author_id: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// Published, or pending (pre-moderation).
    pub state: CommentState,
    /// When it was written.
    pub published_at: DateTime<Utc>,
}

/// Stores a remote comment, or refreshes its text when it is known (an edit).
pub async fn upsert_comment(
    db: &impl ConnectionTrait,
    remote: RemoteComment,
    now: DateTime<Utc>,
) -> Result<comment::Model, DbError> {
    let existing = comment::Entity::find()
        .filter(comment::Column::ApId.eq(remote.ap_id.as_str()))
        .one(db)
        .await?;
    match existing {
        Some(existing) if existing.local => Err(DbError::Conflict("ap_id")),
        Some(existing) => {
            let mut row: comment::ActiveModel = existing.into();
            row.body_html = Set(remote.body_html);
            row.edited_at = Set(Some(now));
            Ok(row.update(db).await?)
        }
        None => Ok(comment::ActiveModel {
            id: Set(new_id()),
            consultation_id: Set(remote.consultation_id),
            proposal_id: Set(remote.proposal_id),
            budget_project_id: Set(remote.budget_project_id),
            parent_id: Set(remote.parent_id),
            author_id: Set(remote.author_id),
            body_markdown: Set(String::new()),
            body_html: Set(remote.body_html),
            stance: Set("neutral".into()),
            depth: Set(remote.depth),
            state: Set(remote.state.as_str().to_owned()),
            hidden_at: Set(None),
            hidden_reason: Set(None),
            hidden_by: Set(None),
            created_at: Set(remote.published_at),
            edited_at: Set(None),
            ap_id: Set(remote.ap_id),
            local: Set(false),
        }
        .insert(db)
        .await?),
    }
}

/// A remote poll (a `Question`).
#[derive(Debug, Clone)]
pub struct RemotePoll {
    /// Its id.
    pub ap_id: String,
    /// The consultation copy.
    pub consultation_id: String,
    /// The question.
    pub question: String,
    /// `anyOf` rather than `oneOf`.
    pub multiple: bool,
    /// Its `endTime`.
    pub closes_at: Option<DateTime<Utc>>,
    /// The options in order.
    pub options: Vec<String>,
    /// The counts as the origin reports them.
    pub tally: RemoteTally,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// A remote poll's counts as its origin last reported them (stored as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteTally {
    /// The options in order, with their counts.
    pub options: Vec<OptionTally>,
    /// How many voted, when the origin says.
    #[serde(default)]
    pub voters: Option<u64>,
}

/// One option's count in a [`RemoteTally`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionTally {
    /// The option's text.
    pub name: String,
    /// Its votes.
    pub count: u64,
}

/// The stored counts of a remote poll; `None` for our own polls, or (logged) when what is
/// stored does not read as counts.
pub fn tally_of(p: &poll::Model) -> Option<RemoteTally> {
    let stored = p.remote_tally.as_deref()?;
    match serde_json::from_str(stored) {
        Ok(tally) => Some(tally),
        Err(err) => {
            tracing::warn!(poll = %p.id, error = %err, "stored remote tally does not read; not shown");
            None
        }
    }
}

/// Stores or refreshes a remote poll; its options are replaced when they changed.
pub async fn upsert_poll(
    db: &impl ConnectionTrait,
    remote: RemotePoll,
) -> Result<poll::Model, DbError> {
    let tally =
        serde_json::to_string(&remote.tally).map_err(|e| DbError::Encode("remote tally", e))?;
    let existing = poll::Entity::find()
        .filter(poll::Column::ApId.eq(remote.ap_id.as_str()))
        .one(db)
        .await?;
    let saved = match existing {
        Some(existing) if existing.local => return Err(DbError::Conflict("ap_id")),
        Some(existing) => {
            let mut row: poll::ActiveModel = existing.into();
            row.question = Set(remote.question);
            row.multiple = Set(remote.multiple);
            row.closes_at = Set(remote.closes_at);
            row.remote_tally = Set(Some(tally));
            row.update(db).await?
        }
        None => {
            poll::ActiveModel {
                id: Set(new_id()),
                consultation_id: Set(remote.consultation_id),
                question: Set(remote.question),
                multiple: Set(remote.multiple),
                closes_at: Set(remote.closes_at),
                results_visibility: Set("live".into()),
                created_by: Set(None),
                created_at: Set(remote.published_at),
                ap_id: Set(remote.ap_id),
                local: Set(false),
                remote_tally: Set(Some(tally)),
            }
            .insert(db)
            .await?
        }
    };
    let current: Vec<String> = poll_option::Entity::find()
        .filter(poll_option::Column::PollId.eq(saved.id.as_str()))
        .order_by_asc(poll_option::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.label)
        .collect();
    if current != remote.options {
        poll_option::Entity::delete_many()
            .filter(poll_option::Column::PollId.eq(saved.id.as_str()))
            .exec(db)
            .await?;
        for (position, label) in remote.options.into_iter().enumerate() {
            poll_option::ActiveModel {
                id: Set(new_id()),
                poll_id: Set(saved.id.clone()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                label: Set(label),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(saved)
}

/// Something of ours or a copy, found by ActivityPub id.
#[derive(Debug, Clone)]
pub enum Found {
    /// A consultation.
    Consultation(consultation::Model),
    /// A proposal.
    Proposal(proposal::Model),
    /// A comment.
    Comment(comment::Model),
    /// A poll.
    Poll(poll::Model),
    /// One of our budget projects.
    Project(budget_project::Model),
}

/// Finds a consultation, proposal, comment, poll or budget project by its ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<Found>, DbError> {
    if let Some(p) = proposal::Entity::find()
        .filter(proposal::Column::ApId.eq(ap_id))
        .one(db)
        .await?
    {
        return Ok(Some(Found::Proposal(p)));
    }
    if let Some(c) = comment::Entity::find()
        .filter(comment::Column::ApId.eq(ap_id))
        .one(db)
        .await?
    {
        return Ok(Some(Found::Comment(c)));
    }
    if let Some(p) = poll::Entity::find()
        .filter(poll::Column::ApId.eq(ap_id))
        .one(db)
        .await?
    {
        return Ok(Some(Found::Poll(p)));
    }
    if let Some(p) = budget_project::Entity::find()
        .filter(budget_project::Column::ApId.eq(ap_id))
        .one(db)
        .await?
    {
        return Ok(Some(Found::Project(p)));
    }
    Ok(find_consultation(db, ap_id).await?.map(Found::Consultation))
}

/// Removes a remote copy (proposal, comment or poll) by ActivityPub id. Local rows are never
/// touched. Returns whether something was removed.
pub async fn delete_copy(db: &impl ConnectionTrait, ap_id: &str) -> Result<bool, DbError> {
    let mut removed = 0;
    removed += proposal::Entity::delete_many()
        .filter(proposal::Column::ApId.eq(ap_id))
        .filter(proposal::Column::Local.eq(false))
        .exec(db)
        .await?
        .rows_affected;
    removed += comment::Entity::delete_many()
        .filter(comment::Column::ApId.eq(ap_id))
        .filter(comment::Column::Local.eq(false))
        .exec(db)
        .await?
        .rows_affected;
    removed += poll::Entity::delete_many()
        .filter(poll::Column::ApId.eq(ap_id))
        .filter(poll::Column::Local.eq(false))
        .exec(db)
        .await?
        .rows_affected;
    Ok(removed > 0)
}

/// Removes the copy of another instance's consultation (with everything in it).
pub async fn delete_consultation_copy(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<bool, DbError> {
    Ok(consultation::Entity::delete_many()
        .filter(consultation::Column::ApId.eq(ap_id))
        .filter(consultation::Column::Local.eq(false))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}
