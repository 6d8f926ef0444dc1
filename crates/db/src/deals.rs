//! Province deals hosted here: the deals, the municipalities in them with the figures each
//! last sent, and the consultations members announced.

use crate::entity::{deal, deal_consultation, deal_member};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::deal::MemberState;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// Most consultations a deal lists.
const CONSULTATIONS_SHOWN: u64 = 200;

/// A deal to store.
#[derive(Debug, Clone)]
pub struct NewDeal {
    /// Its handle's local part.
    pub slug: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// Its name.
    pub name: String,
    /// Plain-text summary.
    pub summary: String,
}

/// Stores a new deal; a taken slug is [`DbError::Conflict`].
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewDeal,
    now: DateTime<Utc>,
) -> Result<deal::Model, DbError> {
    let row = deal::ActiveModel {
        id: Set(new_id()),
        slug: Set(new.slug),
        ap_id: Set(new.ap_id),
        name: Set(new.name),
        summary: Set(new.summary),
        created_at: Set(now),
    };
    row.insert(db).await.map_err(|e| DbError::unique(e, "slug"))
}

/// Every deal, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<deal::Model>, DbError> {
    Ok(deal::Entity::find()
        .order_by_desc(deal::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A deal by id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<deal::Model, DbError> {
    deal::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("deal"))
}

/// A deal by slug.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<deal::Model>, DbError> {
    Ok(deal::Entity::find()
        .filter(deal::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A deal by its ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<deal::Model>, DbError> {
    Ok(deal::Entity::find()
        .filter(deal::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// An application to store.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    /// The deal.
    pub deal_id: &'a str,
    /// The municipality's organization.
    pub organization_ap_id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its host.
    pub host: &'a str,
    /// Its inbox.
    pub inbox: &'a str,
    /// The `Join`.
    pub join_activity_id: &'a str,
}

/// Records an application (`Join`): a new member row, or an old one (rejected, left, removed)
/// pending again. Returns the row.
pub async fn apply(
    db: &impl ConnectionTrait,
    new: NewApplication<'_>,
    now: DateTime<Utc>,
) -> Result<deal_member::Model, DbError> {
    let row = deal_member::ActiveModel {
        id: Set(new_id()),
        deal_id: Set(new.deal_id.to_owned()),
        organization_ap_id: Set(new.organization_ap_id.to_owned()),
        name: Set(new.name.to_owned()),
        host: Set(new.host.to_owned()),
        inbox: Set(new.inbox.to_owned()),
        state: Set(MemberState::Pending.as_str().to_owned()),
        join_activity_id: Set(new.join_activity_id.to_owned()),
        figures: Set(None),
        figures_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    deal_member::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                deal_member::Column::DealId,
                deal_member::Column::OrganizationApId,
            ])
            .update_columns([
                deal_member::Column::Name,
                deal_member::Column::Inbox,
                deal_member::Column::State,
                deal_member::Column::JoinActivityId,
                deal_member::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    member_of(db, new.deal_id, new.organization_ap_id)
        .await?
        .ok_or(DbError::NotFound("member"))
}

/// The member row of an organization in a deal.
pub async fn member_of(
    db: &impl ConnectionTrait,
    deal_id: &str,
    organization: &str,
) -> Result<Option<deal_member::Model>, DbError> {
    Ok(deal_member::Entity::find()
        .filter(deal_member::Column::DealId.eq(deal_id))
        .filter(deal_member::Column::OrganizationApId.eq(organization))
        .one(db)
        .await?)
}

/// A member row by id, within a deal.
pub async fn member(
    db: &impl ConnectionTrait,
    deal_id: &str,
    member_id: &str,
) -> Result<deal_member::Model, DbError> {
    deal_member::Entity::find_by_id(member_id.to_owned())
        .filter(deal_member::Column::DealId.eq(deal_id))
        .one(db)
        .await?
        .ok_or(DbError::NotFound("member"))
}

/// Every member row of a deal (all states), oldest application first.
pub async fn members(
    db: &impl ConnectionTrait,
    deal_id: &str,
) -> Result<Vec<deal_member::Model>, DbError> {
    Ok(deal_member::Entity::find()
        .filter(deal_member::Column::DealId.eq(deal_id))
        .order_by_asc(deal_member::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The deals an organization is an accepted member of.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    organization: &str,
) -> Result<Vec<deal_member::Model>, DbError> {
    Ok(deal_member::Entity::find()
        .filter(deal_member::Column::OrganizationApId.eq(organization))
        .filter(deal_member::Column::State.eq(MemberState::Member.as_str()))
        .all(db)
        .await?)
}

/// Sets a member's state; a state change clears the figures when it is no longer a member
/// (a member that leaves stops counting).
pub async fn set_state(
    db: &impl ConnectionTrait,
    member: &deal_member::Model,
    state: MemberState,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: deal_member::ActiveModel = member.clone().into();
    row.state = Set(state.as_str().to_owned());
    row.updated_at = Set(now);
    if state != MemberState::Member {
        row.figures = Set(None);
        row.figures_at = Set(None);
    }
    row.update(db).await?;
    Ok(())
}

/// Stores the figures a member sent (checked JSON).
pub async fn store_figures(
    db: &impl ConnectionTrait,
    member_id: &str,
    figures: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    deal_member::Entity::update_many()
        .col_expr(
            deal_member::Column::Figures,
            sea_orm::sea_query::Expr::value(figures.to_owned()),
        )
        .col_expr(
            deal_member::Column::FiguresAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(deal_member::Column::Id.eq(member_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A consultation a member announced.
#[derive(Debug, Clone)]
pub struct AnnouncedConsultation<'a> {
    /// The deal.
    pub deal_id: &'a str,
    /// The member.
    pub organization_ap_id: &'a str,
    /// The consultation's `Group`.
    pub consultation_ap_id: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its page.
    pub url: &'a str,
}

/// Records a member's consultation in a deal; `false` when it was known already.
pub async fn add_consultation(
    db: &impl ConnectionTrait,
    new: AnnouncedConsultation<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let known = deal_consultation::Entity::find()
        .filter(deal_consultation::Column::DealId.eq(new.deal_id))
        .filter(deal_consultation::Column::ConsultationApId.eq(new.consultation_ap_id))
        .one(db)
        .await?;
    if let Some(row) = known {
        let mut row: deal_consultation::ActiveModel = row.into();
        row.title = Set(new.title.to_owned());
        row.update(db).await?;
        return Ok(false);
    }
    deal_consultation::ActiveModel {
        id: Set(new_id()),
        deal_id: Set(new.deal_id.to_owned()),
        organization_ap_id: Set(new.organization_ap_id.to_owned()),
        consultation_ap_id: Set(new.consultation_ap_id.to_owned()),
        title: Set(new.title.to_owned()),
        url: Set(new.url.to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// The consultations members announced to a deal, newest first.
pub async fn consultations(
    db: &impl ConnectionTrait,
    deal_id: &str,
) -> Result<Vec<deal_consultation::Model>, DbError> {
    Ok(deal_consultation::Entity::find()
        .filter(deal_consultation::Column::DealId.eq(deal_id))
        .order_by_desc(deal_consultation::Column::CreatedAt)
        .limit(CONSULTATIONS_SHOWN)
        .all(db)
        .await?)
}
