//! Consultations and their phases.

use crate::entity::consultation::{self, ActiveModel, Column, Entity, Model};
use crate::entity::phase;
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::consultation::ValidConsultation;
use inspraak_domain::{Phase, PhaseKind, PhaseRules, Timeline};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

/// A consultation with its phases in date order.
#[derive(Debug, Clone)]
pub struct ConsultationWithPhases {
    /// The consultation row.
    pub consultation: Model,
    /// Its phases.
    pub timeline: Timeline,
}

/// What is stored when an admin creates a consultation.
#[derive(Debug, Clone)]
pub struct NewConsultation {
    /// The checked fields.
    pub fields: ValidConsultation,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// The admin.
    pub created_by: String,
    /// The ActivityPub id (derived from the slug by the caller, who knows the public URL).
    pub ap_id: String,
    /// Publish straight away, or keep as draft.
    pub publish: bool,
    /// The phases, already checked as a timeline.
    pub timeline: Timeline,
    /// How residents take part.
    pub settings: ConsultationSettings,
    /// The ActivityPub id of the consultation whose process this one reuses.
    pub derived_from: Option<String>,
    /// The origins before `derived_from`, oldest first.
    pub ancestry: Vec<String>,
}

/// A consultation's participation settings, as staff set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsultationSettings {
    /// Supports a proposal needs; 0 for no threshold.
    pub support_threshold: i32,
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may comment.
    pub verified_to_comment: bool,
    /// New proposals and comments wait for a moderator.
    pub premoderation: bool,
}

impl ConsultationSettings {
    /// The settings stored on a consultation row.
    pub fn of(c: &Model) -> Self {
        ConsultationSettings {
            support_threshold: c.support_threshold,
            verified_to_propose: c.verified_to_propose,
            verified_to_comment: c.verified_to_comment,
            premoderation: c.premoderation,
        }
    }

    /// The part the participation rules need.
    pub fn participation(&self) -> inspraak_domain::ParticipationSettings {
        inspraak_domain::ParticipationSettings {
            verified_to_propose: self.verified_to_propose,
            verified_to_comment: self.verified_to_comment,
        }
    }
}

/// Changes a consultation's participation settings.
pub async fn update_settings(
    db: &impl ConnectionTrait,
    id: &str,
    settings: ConsultationSettings,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.support_threshold = Set(settings.support_threshold);
    row.verified_to_propose = Set(settings.verified_to_propose);
    row.verified_to_comment = Set(settings.verified_to_comment);
    row.premoderation = Set(settings.premoderation);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Stores a consultation and its phases in one transaction; `Conflict("slug")` when taken.
pub async fn create(
    db: &impl TransactionTrait,
    new: NewConsultation,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let txn = db.begin().await?;
    let id = new_id();
    let row = ActiveModel {
        id: Set(id.clone()),
        slug: Set(new.fields.slug),
        title: Set(new.fields.title),
        summary: Set(new.fields.summary),
        body_markdown: Set(new.fields.body),
        body_html: Set(new.body_html),
        cover_image: Set(None),
        cover_alt: Set(None),
        published_at: Set(new.publish.then_some(now)),
        created_by: Set(Some(new.created_by)),
        created_at: Set(now),
        updated_at: Set(now),
        ap_id: Set(new.ap_id),
        local: Set(true),
        support_threshold: Set(new.settings.support_threshold),
        verified_to_propose: Set(new.settings.verified_to_propose),
        verified_to_comment: Set(new.settings.verified_to_comment),
        premoderation: Set(new.settings.premoderation),
        derived_from: Set(new.derived_from),
        themes: Set(themes_column(&new.fields.themes)),
        province: Set(None),
        origin_host: Set(None),
        origin_organization: Set(None),
        ancestry: Set((!new.ancestry.is_empty())
            .then(|| serde_json::to_string(&new.ancestry))
            .transpose()
            .map_err(|e| DbError::Encode("ancestry", e))?),
    }
    .insert(&txn)
    .await
    .map_err(|e| DbError::unique(e, "slug"))?;
    insert_phases(&txn, &id, new.timeline.phases()).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes the texts of a consultation (its slug and id stay: they are its identity).
pub async fn update_texts(
    db: &impl ConnectionTrait,
    id: &str,
    fields: ValidConsultation,
    body_html: String,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.themes = Set(themes_column(&fields.themes));
    row.title = Set(fields.title);
    row.summary = Set(fields.summary);
    row.body_markdown = Set(fields.body);
    row.body_html = Set(body_html);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Publishes (with `Some(now)`) or withdraws to draft (with `None`).
pub async fn set_published(
    db: &impl ConnectionTrait,
    id: &str,
    at: Option<DateTime<Utc>>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.published_at = Set(at);
    Ok(row.update(db).await?)
}

/// Sets or clears the cover image.
pub async fn set_cover(
    db: &impl ConnectionTrait,
    id: &str,
    cover: Option<(String, String)>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    let (file, alt) = cover.unzip();
    row.cover_image = Set(file);
    row.cover_alt = Set(alt);
    Ok(row.update(db).await?)
}

/// Replaces all phases of a consultation in one transaction.
pub async fn replace_phases(
    db: &impl TransactionTrait,
    id: &str,
    timeline: &Timeline,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let mut row: ActiveModel = find(&txn, id).await?.into();
    row.updated_at = Set(now);
    row.update(&txn).await?;
    phase::Entity::delete_many()
        .filter(phase::Column::ConsultationId.eq(id))
        .exec(&txn)
        .await?;
    insert_phases(&txn, id, timeline.phases()).await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_phases(
    db: &impl ConnectionTrait,
    consultation_id: &str,
    phases: &[Phase],
) -> Result<(), DbError> {
    for (position, p) in phases.iter().enumerate() {
        phase::ActiveModel {
            id: Set(new_id()),
            consultation_id: Set(consultation_id.to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            kind: Set(p.kind.as_str().to_owned()),
            title: Set(p.title.clone()),
            starts_on: Set(p.starts_on),
            ends_on: Set(p.ends_on),
            allow_propose: Set(p.rules.propose),
            allow_comment: Set(p.rules.comment),
            allow_support: Set(p.rules.support),
            allow_vote: Set(p.rules.vote),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The consultation with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("consultation"))
}

/// The consultation with this slug or id, with its phases.
pub async fn find_with_phases(
    db: &impl ConnectionTrait,
    slug_or_id: &str,
) -> Result<ConsultationWithPhases, DbError> {
    let consultation = Entity::find()
        .filter(
            Condition::any()
                .add(Column::Slug.eq(slug_or_id))
                .add(Column::Id.eq(slug_or_id)),
        )
        .one(db)
        .await?
        .ok_or(DbError::NotFound("consultation"))?;
    let mut phases = phases_of(db, std::slice::from_ref(&consultation.id)).await?;
    let timeline = phases.remove(&consultation.id).unwrap_or_default();
    Ok(ConsultationWithPhases {
        consultation,
        timeline,
    })
}

/// Which consultations to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only published ones: what the public sees.
    Published,
    /// Drafts too: what staff see.
    All,
}

/// Consultations with phases, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    visibility: Visibility,
    limit: u64,
    offset: u64,
) -> Result<Vec<ConsultationWithPhases>, DbError> {
    // Copies of other instances' consultations are listed apart, as "nearby".
    let mut select = Entity::find().filter(Column::Local.eq(true));
    if visibility == Visibility::Published {
        select = select.filter(Column::PublishedAt.is_not_null());
    }
    let rows = select
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let ids: Vec<String> = rows.iter().map(|c| c.id.clone()).collect();
    let mut phases = phases_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|consultation| {
            let timeline = phases.remove(&consultation.id).unwrap_or_default();
            ConsultationWithPhases {
                consultation,
                timeline,
            }
        })
        .collect())
}

/// How many consultations match.
pub async fn count(db: &impl ConnectionTrait, visibility: Visibility) -> Result<u64, DbError> {
    // Copies of other instances' consultations are listed apart, as "nearby".
    let mut select = Entity::find().filter(Column::Local.eq(true));
    if visibility == Visibility::Published {
        select = select.filter(Column::PublishedAt.is_not_null());
    }
    Ok(select.count(db).await?)
}

/// The phases of several consultations, keyed by consultation id, in one query.
async fn phases_of(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<HashMap<String, Timeline>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = phase::Entity::find()
        .filter(phase::Column::ConsultationId.is_in(ids.iter().cloned()))
        .order_by_asc(phase::Column::Position)
        .all(db)
        .await?;
    let mut grouped: HashMap<String, Vec<Phase>> = HashMap::new();
    for row in rows {
        grouped
            .entry(row.consultation_id.clone())
            .or_default()
            .push(to_domain(row));
    }
    // Stored timelines were checked on the way in; should one be inconsistent after a manual
    // edit of the database, show its phases rather than hide the consultation.
    Ok(grouped
        .into_iter()
        .map(|(id, phases)| {
            let timeline =
                Timeline::new(phases.clone()).unwrap_or_else(|_| Timeline::unchecked(phases));
            (id, timeline)
        })
        .collect())
}

fn to_domain(row: phase::Model) -> Phase {
    Phase {
        kind: row.kind.parse().unwrap_or(PhaseKind::Information),
        title: row.title,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        rules: PhaseRules {
            propose: row.allow_propose,
            comment: row.allow_comment,
            support: row.allow_support,
            vote: row.allow_vote,
        },
    }
}

/// Themes as stored: comma-separated, `None` for none.
pub fn themes_column(themes: &[String]) -> Option<String> {
    (!themes.is_empty()).then(|| themes.join(","))
}

/// A consultation's themes, as stored.
pub fn themes_of(c: &Model) -> Vec<String> {
    c.themes
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every copy of another instance's consultation, with its phases, newest first: what the
/// helpdesk's catalogue searches (at most `limit`).
pub async fn list_remote_with_phases(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<ConsultationWithPhases>, DbError> {
    let rows = list_remote(db, limit).await?;
    let ids: Vec<String> = rows.iter().map(|c| c.id.clone()).collect();
    let mut phases = phases_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|consultation| {
            let timeline = phases.remove(&consultation.id).unwrap_or_default();
            ConsultationWithPhases {
                consultation,
                timeline,
            }
        })
        .collect())
}

/// Replaces the phases of a consultation copy within the caller's transaction.
pub async fn replace_copy_phases(
    db: &impl ConnectionTrait,
    consultation_id: &str,
    timeline: &Timeline,
) -> Result<(), DbError> {
    phase::Entity::delete_many()
        .filter(phase::Column::ConsultationId.eq(consultation_id))
        .exec(db)
        .await?;
    insert_phases(db, consultation_id, timeline.phases()).await
}

/// Re-export for callers that need the row type by name.
pub type Consultation = consultation::Model;

/// Consultations of other instances that this one follows ("nearby"), newest first.
pub async fn list_remote(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(false))
        .order_by_desc(Column::PublishedAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// The origins of a consultation's process before its `derived_from`, oldest first. A stored
/// value that does not read is logged and treated as none.
pub fn ancestry_of(c: &Model) -> Vec<String> {
    let Some(stored) = c.ancestry.as_deref() else {
        return Vec::new();
    };
    serde_json::from_str(stored).unwrap_or_else(|err| {
        tracing::warn!(consultation = %c.id, error = %err, "stored ancestry does not read");
        Vec::new()
    })
}

/// Records that `copy` reuses the process of our consultation `origin_ap_id`; repeating it
/// changes nothing. Returns whether it was new.
pub async fn record_reuse(
    db: &impl ConnectionTrait,
    origin_ap_id: &str,
    copy_ap_id: &str,
    copy_title: &str,
    copy_url: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    use crate::entity::consultation_reuse;
    use sea_orm::sea_query::OnConflict;
    let row = consultation_reuse::ActiveModel {
        id: Set(new_id()),
        origin_ap_id: Set(origin_ap_id.to_owned()),
        copy_ap_id: Set(copy_ap_id.to_owned()),
        copy_title: Set(copy_title.chars().take(300).collect()),
        copy_url: Set(copy_url.to_owned()),
        created_at: Set(now),
    };
    let inserted = consultation_reuse::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                consultation_reuse::Column::OriginApId,
                consultation_reuse::Column::CopyApId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// The published reuses of one of our consultations, oldest first.
pub async fn reuses_of(
    db: &impl ConnectionTrait,
    origin_ap_id: &str,
) -> Result<Vec<crate::entity::consultation_reuse::Model>, DbError> {
    use crate::entity::consultation_reuse;
    Ok(consultation_reuse::Entity::find()
        .filter(consultation_reuse::Column::OriginApId.eq(origin_ap_id))
        .order_by_asc(consultation_reuse::Column::CreatedAt)
        .all(db)
        .await?)
}
