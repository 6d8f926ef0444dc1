//! Accounts.

use crate::entity::user::{self, ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::{Role, VerificationMethod};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};

/// What is needed to make a local account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Validated, lowercase.
    pub username: String,
    /// Validated.
    pub display_name: String,
    /// Validated, optional.
    pub email: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// The role.
    pub role: Role,
    /// The account's ActivityPub id.
    pub ap_id: String,
}

/// Stores a new local account; `Conflict("username")` or `Conflict("email")` when taken.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        id: Set(new_id()),
        username: Set(new.username),
        display_name: Set(new.display_name),
        email: Set(new.email),
        password_hash: Set(Some(new.password_hash)),
        role: Set(new.role.as_str().to_owned()),
        verified_at: Set(None),
        verification_method: Set(None),
        verified_by: Set(None),
        area_id: Set(None),
        locale: Set(None),
        ap_id: Set(new.ap_id),
        local: Set(true),
        created_at: Set(now),
        last_login_at: Set(None),
        blocked_at: Set(None),
        blocked_reason: Set(None),
        blocked_by: Set(None),
        fediverse_visible: Set(false),
    };
    row.insert(db).await.map_err(|err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) if message.contains("email") => {
            DbError::Conflict("email")
        }
        Some(SqlErr::UniqueConstraintViolation(_)) => DbError::Conflict("username"),
        _ => DbError::Sql(err),
    })
}

/// The account with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("account"))
}

/// The local account with this username, if any.
pub async fn find_local_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Username.eq(username.to_lowercase()))
        .filter(Column::Local.eq(true))
        .one(db)
        .await?)
}

/// Whether a username or e-mail address is already in use (for friendly form errors; the
/// unique constraints remain the real guard).
pub async fn taken(
    db: &impl ConnectionTrait,
    username: &str,
    email: Option<&str>,
) -> Result<Option<&'static str>, DbError> {
    if Entity::find()
        .filter(Column::Username.eq(username))
        .count(db)
        .await?
        > 0
    {
        return Ok(Some("username"));
    }
    if let Some(email) = email
        && Entity::find()
            .filter(Column::Email.eq(email))
            .count(db)
            .await?
            > 0
    {
        return Ok(Some("email"));
    }
    Ok(None)
}

/// Local accounts, newest first, optionally only those matching `query` in name or username.
pub async fn list_local(
    db: &impl ConnectionTrait,
    query: Option<&str>,
    limit: u64,
    offset: u64,
) -> Result<Vec<Model>, DbError> {
    let mut select = Entity::find().filter(Column::Local.eq(true));
    if let Some(q) = query.map(str::trim).filter(|q| !q.is_empty()) {
        // Typed `%` and `_` are searched for literally, not used as wildcards.
        let escaped = q.replace('!', "!!").replace('%', "!%").replace('_', "!_");
        let pattern = |text: String| LikeExpr::new(format!("%{text}%")).escape('!');
        select = select.filter(
            Condition::any()
                .add(Column::Username.like(pattern(escaped.to_lowercase())))
                .add(Column::DisplayName.like(pattern(escaped))),
        );
    }
    Ok(select
        .order_by_desc(Column::CreatedAt)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?)
}

/// How many local accounts exist.
pub async fn count_local(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .count(db)
        .await?)
}

/// How many local accounts have this role.
pub async fn count_with_role(db: &impl ConnectionTrait, role: Role) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .filter(Column::Role.eq(role.as_str()))
        .count(db)
        .await?)
}

/// How many local admins there are, locking their rows until the transaction ends, so that
/// two admins demoting each other at the same moment cannot both see "another admin is
/// left". On SQLite the write transaction (`begin_write`) already runs alone.
pub async fn count_admins_locked(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    let query = Entity::find()
        .filter(Column::Local.eq(true))
        .filter(Column::Role.eq(Role::Admin.as_str()));
    let admins = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        query.lock_exclusive().all(db).await?
    } else {
        query.all(db).await?
    };
    Ok(admins.len() as u64)
}

/// Changes an account's role.
pub async fn set_role(db: &impl ConnectionTrait, id: &str, role: Role) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.role = Set(role.as_str().to_owned());
    Ok(row.update(db).await?)
}

/// Marks an account as a verified resident, unless it already is (the first proof stands).
pub async fn mark_verified(
    db: &impl ConnectionTrait,
    id: &str,
    method: VerificationMethod,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let existing = find(db, id).await?;
    if existing.verified_at.is_some() {
        return Ok(existing);
    }
    let mut row: ActiveModel = existing.into();
    row.verified_at = Set(Some(now));
    row.verification_method = Set(Some(method.as_str().to_owned()));
    row.verified_by = Set(by.map(str::to_owned));
    Ok(row.update(db).await?)
}

/// Records the area (district) a resident lives in, or forgets it.
pub async fn set_area(
    db: &impl ConnectionTrait,
    id: &str,
    area_id: Option<&str>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.area_id = Set(area_id.map(str::to_owned));
    Ok(row.update(db).await?)
}

/// Withdraws a resident verification (e.g. a mistaken manual check).
pub async fn revoke_verification(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.verified_at = Set(None);
    row.verification_method = Set(None);
    row.verified_by = Set(None);
    Ok(row.update(db).await?)
}

/// Remembers a successful log-in.
pub async fn record_login(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::LastLoginAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the preferred interface language.
pub async fn set_locale(db: &impl ConnectionTrait, id: &str, locale: &str) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::Locale, sea_orm::sea_query::Expr::value(locale))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The account's role, read leniently: an unknown stored value counts as the least powerful.
pub fn role_of(user: &user::Model) -> Role {
    user.role.parse().unwrap_or(Role::Resident)
}

/// Blocks an account (with `Some`) or lifts the block (with `None`).
pub async fn set_blocked(
    db: &impl ConnectionTrait,
    id: &str,
    block: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.blocked_at = Set(block.map(|_| now));
    row.blocked_reason = Set(block.map(|(reason, _)| reason.to_owned()));
    row.blocked_by = Set(block.map(|(_, by)| by.to_owned()));
    Ok(row.update(db).await?)
}

/// Display names of accounts by id, for listing authors without a join per row.
pub async fn display_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = String>,
) -> Result<std::collections::HashMap<String, String>, DbError> {
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, String)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::DisplayName)
        .filter(Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Blocked local accounts, most recently blocked first.
pub async fn list_blocked(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::BlockedAt.is_not_null())
        .order_by_desc(Column::BlockedAt)
        .all(db)
        .await?)
}

/// Sets whether a resident appears by name in the fediverse.
pub async fn set_fediverse_visible(
    db: &impl ConnectionTrait,
    id: &str,
    visible: bool,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(
            Column::FediverseVisible,
            sea_orm::sea_query::Expr::value(visible),
        )
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether a user appears by name in the fediverse: residents who chose so, and remote
/// accounts (which are fediverse actors already).
pub fn appears_by_name(user: &Model) -> bool {
    user.fediverse_visible || !user.local
}

/// The id under which a user's contributions appear in the fediverse: their own `Person` when
/// they appear by name, otherwise `fallback` (the consultation's group).
pub fn fediverse_author<'a>(user: &'a Model, fallback: &'a str) -> &'a str {
    if appears_by_name(user) {
        &user.ap_id
    } else {
        fallback
    }
}
