//! Joint votes. As organizer: the votes, each member's answer and its counted tally. As a
//! member: the invitations, the poll our residents vote in and the tally we signed.

use crate::entity::{joint_vote, joint_vote_invite, joint_vote_member};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::joint_vote::{Participation, TallyState};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

/// A joint vote to store.
#[derive(Debug, Clone)]
pub struct NewJointVote<'a> {
    /// Its id (also in its ActivityPub id).
    pub id: &'a str,
    /// Its ActivityPub id.
    pub ap_id: &'a str,
    /// The deal whose members are asked.
    pub deal_id: &'a str,
    /// The question.
    pub question: &'a str,
    /// Options, JSON array.
    pub options: &'a str,
    /// Multiple choice.
    pub multiple: bool,
    /// Closing time.
    pub closes_at: DateTime<Utc>,
    /// Who opened it.
    pub created_by: &'a str,
}

/// Stores a new joint vote.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewJointVote<'_>,
    now: DateTime<Utc>,
) -> Result<joint_vote::Model, DbError> {
    Ok(joint_vote::ActiveModel {
        id: Set(new.id.to_owned()),
        ap_id: Set(new.ap_id.to_owned()),
        deal_id: Set(new.deal_id.to_owned()),
        question: Set(new.question.to_owned()),
        options: Set(new.options.to_owned()),
        multiple: Set(new.multiple),
        closes_at: Set(new.closes_at),
        created_by: Set(Some(new.created_by.to_owned())),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// A joint vote by id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<joint_vote::Model, DbError> {
    joint_vote::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("joint vote"))
}

/// A joint vote by its ActivityPub id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<joint_vote::Model>, DbError> {
    Ok(joint_vote::Entity::find()
        .filter(joint_vote::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// A deal's joint votes, newest first.
pub async fn of_deal(
    db: &impl ConnectionTrait,
    deal_id: &str,
) -> Result<Vec<joint_vote::Model>, DbError> {
    Ok(joint_vote::Entity::find()
        .filter(joint_vote::Column::DealId.eq(deal_id))
        .order_by_desc(joint_vote::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A member invited to a joint vote.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    /// The joint vote.
    pub joint_vote_id: &'a str,
    /// The member's organization.
    pub organization_ap_id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its inbox.
    pub inbox: &'a str,
    /// Our `Invite`'s id.
    pub invite_activity_id: &'a str,
}

/// Records an invited member.
pub async fn add_member(
    db: &impl ConnectionTrait,
    new: NewMember<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    joint_vote_member::ActiveModel {
        id: Set(new_id()),
        joint_vote_id: Set(new.joint_vote_id.to_owned()),
        organization_ap_id: Set(new.organization_ap_id.to_owned()),
        name: Set(new.name.to_owned()),
        inbox: Set(new.inbox.to_owned()),
        invite_activity_id: Set(new.invite_activity_id.to_owned()),
        participation: Set(Participation::Invited.as_str().to_owned()),
        tally_state: Set(TallyState::Missing.as_str().to_owned()),
        tally: Set(None),
        voters: Set(None),
        counts: Set(None),
        tally_note: Set(None),
        tally_at: Set(None),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The members asked, by name.
pub async fn members(
    db: &impl ConnectionTrait,
    joint_vote_id: &str,
) -> Result<Vec<joint_vote_member::Model>, DbError> {
    Ok(joint_vote_member::Entity::find()
        .filter(joint_vote_member::Column::JointVoteId.eq(joint_vote_id))
        .order_by_asc(joint_vote_member::Column::Name)
        .all(db)
        .await?)
}

/// A member's entry by its id.
pub async fn member(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<joint_vote_member::Model, DbError> {
    joint_vote_member::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("joint vote member"))
}

/// The member entry our `Invite` with this id went to.
pub async fn member_by_invite(
    db: &impl ConnectionTrait,
    invite_activity_id: &str,
) -> Result<Option<joint_vote_member::Model>, DbError> {
    Ok(joint_vote_member::Entity::find()
        .filter(joint_vote_member::Column::InviteActivityId.eq(invite_activity_id))
        .one(db)
        .await?)
}

/// An organization's entry in a joint vote.
pub async fn member_of(
    db: &impl ConnectionTrait,
    joint_vote_id: &str,
    organization_ap_id: &str,
) -> Result<Option<joint_vote_member::Model>, DbError> {
    Ok(joint_vote_member::Entity::find()
        .filter(joint_vote_member::Column::JointVoteId.eq(joint_vote_id))
        .filter(joint_vote_member::Column::OrganizationApId.eq(organization_ap_id))
        .one(db)
        .await?)
}

/// Records a member's answer to the invitation.
pub async fn set_participation(
    db: &impl ConnectionTrait,
    member: &joint_vote_member::Model,
    participation: Participation,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row = member.clone().into_active_model();
    row.participation = Set(participation.as_str().to_owned());
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// A tally that counts.
#[derive(Debug, Clone)]
pub struct CountedTally<'a> {
    /// The object as received, proof included.
    pub raw: &'a str,
    /// Its voters.
    pub voters: u64,
    /// Its counts, JSON.
    pub counts: &'a str,
}

/// Stores a member's counted tally.
pub async fn count_tally(
    db: &impl ConnectionTrait,
    member: &joint_vote_member::Model,
    tally: CountedTally<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row = member.clone().into_active_model();
    row.tally_state = Set(TallyState::Valid.as_str().to_owned());
    row.tally = Set(Some(tally.raw.to_owned()));
    row.voters = Set(Some(i64::try_from(tally.voters).unwrap_or(i64::MAX)));
    row.counts = Set(Some(tally.counts.to_owned()));
    row.tally_note = Set(None);
    row.tally_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// Notes a refused tally; a member whose tally already counts keeps it (and its state).
pub async fn refuse_tally(
    db: &impl ConnectionTrait,
    member: &joint_vote_member::Model,
    state: TallyState,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row = member.clone().into_active_model();
    if TallyState::parse(&member.tally_state) != TallyState::Valid {
        row.tally_state = Set(state.as_str().to_owned());
        row.tally_at = Set(Some(now));
    }
    row.tally_note = Set(Some(note.chars().take(500).collect()));
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// An invitation as received.
#[derive(Debug, Clone)]
pub struct NewInvite<'a> {
    /// The organizer's joint vote id.
    pub joint_vote_ap_id: &'a str,
    /// The deal that invites.
    pub organizer_ap_id: &'a str,
    /// Its name.
    pub organizer_name: &'a str,
    /// Its inbox.
    pub organizer_inbox: &'a str,
    /// The `Invite`'s id.
    pub invite_activity_id: &'a str,
    /// The question.
    pub question: &'a str,
    /// Options, JSON array.
    pub options: &'a str,
    /// Multiple choice.
    pub multiple: bool,
    /// Closing time.
    pub closes_at: DateTime<Utc>,
}

/// Stores an invitation once (a repeated `Invite` changes nothing); whether it is new.
pub async fn store_invite(
    db: &impl ConnectionTrait,
    new: NewInvite<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = joint_vote_invite::ActiveModel {
        id: Set(new_id()),
        joint_vote_ap_id: Set(new.joint_vote_ap_id.to_owned()),
        organizer_ap_id: Set(new.organizer_ap_id.to_owned()),
        organizer_name: Set(new.organizer_name.to_owned()),
        organizer_inbox: Set(new.organizer_inbox.to_owned()),
        invite_activity_id: Set(new.invite_activity_id.to_owned()),
        question: Set(new.question.to_owned()),
        options: Set(new.options.to_owned()),
        multiple: Set(new.multiple),
        closes_at: Set(new.closes_at),
        participation: Set(Participation::Invited.as_str().to_owned()),
        poll_id: Set(None),
        tally: Set(None),
        tally_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let inserted = joint_vote_invite::Entity::insert(row)
        .on_conflict(
            OnConflict::column(joint_vote_invite::Column::JointVoteApId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Our invitations, newest first.
pub async fn invites(db: &impl ConnectionTrait) -> Result<Vec<joint_vote_invite::Model>, DbError> {
    Ok(joint_vote_invite::Entity::find()
        .order_by_desc(joint_vote_invite::Column::CreatedAt)
        .all(db)
        .await?)
}

/// An invitation by id.
pub async fn invite(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<joint_vote_invite::Model, DbError> {
    joint_vote_invite::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("joint vote invitation"))
}

/// The invitation whose poll this is, if the poll is part of a joint vote.
pub async fn invite_of_poll(
    db: &impl ConnectionTrait,
    poll_id: &str,
) -> Result<Option<joint_vote_invite::Model>, DbError> {
    Ok(joint_vote_invite::Entity::find()
        .filter(joint_vote_invite::Column::PollId.eq(poll_id))
        .one(db)
        .await?)
}

/// Records our answer (and, when we take part, the poll our residents vote in).
pub async fn answer_invite(
    db: &impl ConnectionTrait,
    invite: &joint_vote_invite::Model,
    participation: Participation,
    poll_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row = invite.clone().into_active_model();
    row.participation = Set(participation.as_str().to_owned());
    row.poll_id = Set(poll_id.map(str::to_owned));
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// Joint votes we take part in that have closed and still need our tally.
pub async fn due_tallies(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<joint_vote_invite::Model>, DbError> {
    Ok(joint_vote_invite::Entity::find()
        .filter(joint_vote_invite::Column::Participation.eq(Participation::TakingPart.as_str()))
        .filter(joint_vote_invite::Column::ClosesAt.lte(now))
        .filter(joint_vote_invite::Column::Tally.is_null())
        .all(db)
        .await?)
}

/// Stores the tally we signed; `false` when another process stored one first.
pub async fn store_own_tally(
    db: &impl ConnectionTrait,
    invite_id: &str,
    tally: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let updated = joint_vote_invite::Entity::update_many()
        .col_expr(
            joint_vote_invite::Column::Tally,
            sea_orm::sea_query::Expr::value(tally.to_owned()),
        )
        .col_expr(
            joint_vote_invite::Column::TallyAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(joint_vote_invite::Column::Id.eq(invite_id))
        .filter(joint_vote_invite::Column::Tally.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}
