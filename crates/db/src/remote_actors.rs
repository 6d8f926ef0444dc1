//! Actors hosted elsewhere: stored when they are fetched, refreshed when they change, and
//! given a `users` row (local = false) when they write something here.

use crate::entity::remote_actor::{ActiveModel, Column, Entity, Model};
use crate::entity::user;
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The remote actor with this id, if it was seen before.
pub async fn find(db: &impl ConnectionTrait, ap_id: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find_by_id(ap_id).one(db).await?)
}

/// Stores or refreshes a fetched actor and returns the stored row.
pub async fn upsert(db: &impl ConnectionTrait, actor: Model) -> Result<Model, DbError> {
    let ap_id = actor.ap_id.clone();
    let mut row: ActiveModel = actor.into();
    // The users link is ours, not the remote's: keep whatever is stored.
    row.user_id = sea_orm::ActiveValue::NotSet;
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::ApId)
                .update_columns([
                    Column::Kind,
                    Column::Username,
                    Column::Host,
                    Column::DisplayName,
                    Column::Url,
                    Column::Inbox,
                    Column::SharedInbox,
                    Column::Followers,
                    Column::PublicKeyPem,
                    Column::FetchedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find(db, &ap_id)
        .await?
        .ok_or(DbError::NotFound("remote actor"))
}

/// The `users` row that stands for a remote actor (made on first need): remote comments,
/// proposals and votes point at it like local ones do. It has no password and cannot log in.
pub async fn user_for(
    db: &impl ConnectionTrait,
    actor: &Model,
    now: DateTime<Utc>,
) -> Result<user::Model, DbError> {
    if let Some(existing) = user::Entity::find()
        .filter(user::Column::ApId.eq(actor.ap_id.as_str()))
        .one(db)
        .await?
    {
        if existing.display_name != actor.display_name {
            let mut row: user::ActiveModel = existing.into();
            row.display_name = Set(actor.display_name.clone());
            return Ok(row.update(db).await?);
        }
        return Ok(existing);
    }
    let row = user::ActiveModel {
        id: Set(new_id()),
        // `name@host` cannot clash with a local username, which has no `@`.
        username: Set(truncate(&format!("{}@{}", actor.username, actor.host), 64)),
        display_name: Set(actor.display_name.clone()),
        email: Set(None),
        password_hash: Set(None),
        role: Set("resident".into()),
        verified_at: Set(None),
        verification_method: Set(None),
        verified_by: Set(None),
        area_id: Set(None),
        locale: Set(None),
        ap_id: Set(actor.ap_id.clone()),
        local: Set(false),
        created_at: Set(now),
        last_login_at: Set(None),
        blocked_at: Set(None),
        blocked_reason: Set(None),
        blocked_by: Set(None),
        fediverse_visible: Set(true),
    };
    let inserted = user::Entity::insert(row.clone())
        .on_conflict(
            OnConflict::column(user::Column::ApId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match inserted {
        Ok(_) => {}
        // The same `name@host` under another id (a moved account): make the name unique.
        Err(err)
            if matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            let mut row = row;
            let id = new_id();
            row.username = Set(truncate(
                &format!("{}@{}~{}", actor.username, actor.host, &id[24..]),
                64,
            ));
            row.id = Set(id);
            user::Entity::insert(row).exec_without_returning(db).await?;
        }
        Err(err) => return Err(DbError::Sql(err)),
    }
    let user = user::Entity::find()
        .filter(user::Column::ApId.eq(actor.ap_id.as_str()))
        .one(db)
        .await?
        .ok_or(DbError::NotFound("user"))?;
    Entity::update_many()
        .col_expr(
            Column::UserId,
            sea_orm::sea_query::Expr::value(user.id.clone()),
        )
        .filter(Column::ApId.eq(actor.ap_id.as_str()))
        .exec(db)
        .await?;
    Ok(user)
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
