//! Our organization's applications to and memberships of province deals elsewhere, with the
//! figures we last sent each deal.

use crate::entity::membership::{ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::deal::MembershipState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// An application to store.
#[derive(Debug, Clone)]
pub struct NewMembership<'a> {
    /// The deal's `Group`.
    pub deal_ap_id: &'a str,
    /// Its name.
    pub deal_name: &'a str,
    /// Its page.
    pub deal_url: &'a str,
    /// Its inbox.
    pub deal_inbox: &'a str,
    /// The province's host.
    pub host: &'a str,
    /// Our `Join`.
    pub join_activity_id: &'a str,
}

/// Records that we applied (again): the state is `applied`, the figures forgotten.
pub async fn apply(
    db: &impl ConnectionTrait,
    new: NewMembership<'_>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        id: Set(new_id()),
        deal_ap_id: Set(new.deal_ap_id.to_owned()),
        deal_name: Set(new.deal_name.to_owned()),
        deal_url: Set(new.deal_url.to_owned()),
        deal_inbox: Set(new.deal_inbox.to_owned()),
        host: Set(new.host.to_owned()),
        state: Set(MembershipState::Applied.as_str().to_owned()),
        join_activity_id: Set(new.join_activity_id.to_owned()),
        figures_sent: Set(None),
        figures_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::DealApId)
                .update_columns([
                    Column::DealName,
                    Column::DealUrl,
                    Column::DealInbox,
                    Column::State,
                    Column::JoinActivityId,
                    Column::FiguresSent,
                    Column::FiguresSentAt,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    find_by_deal(db, new.deal_ap_id)
        .await?
        .ok_or(DbError::NotFound("membership"))
}

/// Every application and membership, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .order_by_desc(Column::UpdatedAt)
        .all(db)
        .await?)
}

/// A membership by id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("membership"))
}

/// Our membership of a deal, by the deal's id.
pub async fn find_by_deal(
    db: &impl ConnectionTrait,
    deal_ap_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::DealApId.eq(deal_ap_id))
        .one(db)
        .await?)
}

/// The deals we are an accepted member of.
pub async fn accepted(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::State.eq(MembershipState::Member.as_str()))
        .all(db)
        .await?)
}

/// Sets the state of our membership.
pub async fn set_state(
    db: &impl ConnectionTrait,
    membership: &Model,
    state: MembershipState,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: ActiveModel = membership.clone().into();
    row.state = Set(state.as_str().to_owned());
    row.updated_at = Set(now);
    row.figures_sent = Set(None);
    row.update(db).await?;
    Ok(())
}

/// Records the figures just sent to a deal.
pub async fn figures_sent(
    db: &impl ConnectionTrait,
    id: &str,
    figures: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(Column::FiguresSent, Expr::value(figures.to_owned()))
        .col_expr(Column::FiguresSentAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
