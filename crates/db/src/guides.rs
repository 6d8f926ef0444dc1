//! Guides: those written here (on a helpdesk) and copies of those received from a followed
//! helpdesk, in one table (`local` tells them apart), newest first.

use crate::entity::guide::{ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A guide written here, checked and rendered.
#[derive(Debug, Clone)]
pub struct NewGuide {
    /// Its slug as wished (made unique here).
    pub slug: String,
    /// The title.
    pub title: String,
    /// Plain-text opening.
    pub summary: String,
    /// The Markdown.
    pub body_markdown: String,
    /// The rendered, sanitised body.
    pub body_html: String,
    /// Who wrote it.
    pub author_id: String,
    /// Our organization.
    pub attributed_to: String,
    /// Our host.
    pub origin_host: String,
}

/// A free slug: `wished`, or `wished-2`, `wished-3`, … when taken.
async fn free_slug(db: &impl ConnectionTrait, wished: &str) -> Result<String, DbError> {
    let taken: Vec<String> = Entity::find()
        .select_only()
        .column(Column::Slug)
        .filter(Column::Slug.starts_with(wished))
        .into_tuple()
        .all(db)
        .await?;
    if !taken.iter().any(|s| s == wished) {
        return Ok(wished.to_owned());
    }
    Ok((2..)
        .map(|n| format!("{wished}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(new_id))
}

/// Stores a new guide written here; its `ap_id` is made from its slug by `ap_id_of`.
pub async fn create_local(
    db: &impl ConnectionTrait,
    new: NewGuide,
    ap_id_of: impl FnOnce(&str) -> String,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let slug = free_slug(db, &new.slug).await?;
    ActiveModel {
        id: Set(new_id()),
        ap_id: Set(ap_id_of(&slug)),
        local: Set(true),
        slug: Set(slug),
        title: Set(new.title),
        summary: Set(new.summary),
        body_markdown: Set(new.body_markdown),
        body_html: Set(new.body_html),
        author_id: Set(Some(new.author_id)),
        attributed_to: Set(new.attributed_to),
        origin_host: Set(new.origin_host),
        published_at: Set(now),
        updated_at: Set(now),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| DbError::unique(e, "slug"))
}

/// Changes a guide's title and text (its slug and id stay).
pub async fn update_local(
    db: &impl ConnectionTrait,
    id: &str,
    new: NewGuide,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.title = Set(new.title);
    row.summary = Set(new.summary);
    row.body_markdown = Set(new.body_markdown);
    row.body_html = Set(new.body_html);
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// A guide received from elsewhere, sanitised.
#[derive(Debug, Clone)]
pub struct RemoteGuide {
    /// The `Article`'s id.
    pub ap_id: String,
    /// Its title.
    pub title: String,
    /// Its summary, plain text.
    pub summary: String,
    /// Its body, sanitised HTML.
    pub body_html: String,
    /// The `Organization` it is attributed to.
    pub attributed_to: String,
    /// The host it comes from.
    pub origin_host: String,
    /// When it says it was published (never in the future).
    pub published_at: DateTime<Utc>,
}

/// Stores or refreshes a received guide; one of ours with that id is a `Conflict`.
pub async fn upsert_remote(
    db: &impl ConnectionTrait,
    remote: RemoteGuide,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    if let Some(existing) = find_by_ap_id(db, &remote.ap_id).await? {
        if existing.local {
            return Err(DbError::Conflict("ap_id"));
        }
        let mut row: ActiveModel = existing.into();
        row.title = Set(remote.title);
        row.summary = Set(remote.summary);
        row.body_html = Set(remote.body_html);
        row.updated_at = Set(now);
        return Ok(row.update(db).await?);
    }
    let id = new_id();
    Ok(ActiveModel {
        slug: Set(format!("r-{}", id.replace('-', ""))),
        id: Set(id),
        ap_id: Set(remote.ap_id),
        local: Set(false),
        title: Set(remote.title),
        summary: Set(remote.summary),
        body_markdown: Set(String::new()),
        body_html: Set(remote.body_html),
        author_id: Set(None),
        attributed_to: Set(remote.attributed_to),
        origin_host: Set(remote.origin_host),
        published_at: Set(remote.published_at),
        updated_at: Set(now),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The guide with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("guide"))
}

/// The guide with this slug.
pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Model, DbError> {
    Entity::find()
        .filter(Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(DbError::NotFound("guide"))
}

/// The guide (ours or a copy) with this ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Guides, newest first: only ours (`Some(true)`), only copies (`Some(false)`) or all.
pub async fn list(
    db: &impl ConnectionTrait,
    local: Option<bool>,
    limit: u64,
) -> Result<Vec<Model>, DbError> {
    let mut select = Entity::find();
    if let Some(local) = local {
        select = select.filter(Column::Local.eq(local));
    }
    Ok(select
        .order_by_desc(Column::PublishedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Removes a guide by id; returns whether it was there.
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbError> {
    Ok(Entity::delete_by_id(id).exec(db).await?.rows_affected > 0)
}

/// Removes the copy of a received guide; returns whether there was one.
pub async fn delete_copy(db: &impl ConnectionTrait, ap_id: &str) -> Result<bool, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::ApId.eq(ap_id))
        .filter(Column::Local.eq(false))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}
