//! The rows behind an instance's figures: every contribution made here, with its author and
//! moment. Only local activity; public items only (no pending or hidden ones).

use crate::DbError;
use crate::entity::{
    ballot, comment, consultation, consultation_reuse, proposal, statement_vote, support,
};
use chrono::{DateTime, Utc};
use inspraak_domain::comment::CommentState;
use inspraak_domain::proposal::ProposalState;
use inspraak_domain::statistics::{ActivityKind, Contribution, ReuseLink};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// Every contribution of this instance's residents.
pub async fn contributions(db: &impl ConnectionTrait) -> Result<Vec<Contribution>, DbError> {
    let mut out = Vec::new();
    let mut push = |kind: ActivityKind, rows: Vec<(String, DateTime<Utc>)>| {
        out.extend(
            rows.into_iter()
                .map(|(user_id, at)| Contribution { kind, user_id, at }),
        );
    };
    let proposals: Vec<(String, DateTime<Utc>)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::AuthorId)
        .column(proposal::Column::CreatedAt)
        .filter(proposal::Column::Local.eq(true))
        .filter(proposal::Column::HiddenAt.is_null())
        .filter(proposal::Column::State.ne(ProposalState::Pending.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    push(ActivityKind::Proposal, proposals);
    let comments: Vec<(String, DateTime<Utc>)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::AuthorId)
        .column(comment::Column::CreatedAt)
        .filter(comment::Column::Local.eq(true))
        .filter(comment::Column::HiddenAt.is_null())
        .filter(comment::Column::State.eq(CommentState::Published.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    push(ActivityKind::Comment, comments);
    let supports: Vec<(String, DateTime<Utc>)> = support::Entity::find()
        .select_only()
        .column(support::Column::UserId)
        .column(support::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    push(ActivityKind::Support, supports);
    let ballots: Vec<(String, DateTime<Utc>)> = ballot::Entity::find()
        .select_only()
        .column(ballot::Column::UserId)
        .column(ballot::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    push(ActivityKind::Ballot, ballots);
    let votes: Vec<(String, DateTime<Utc>)> = statement_vote::Entity::find()
        .select_only()
        .column(statement_vote::Column::UserId)
        .column(statement_vote::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    push(ActivityKind::StatementVote, votes);
    Ok(out)
}

/// Reuses that involve this instance's published consultations: each copy made here from
/// another process, and each published copy elsewhere of a process of ours.
pub async fn reuse_links(db: &impl ConnectionTrait) -> Result<Vec<ReuseLink>, DbError> {
    let copies: Vec<(String, Option<String>)> = consultation::Entity::find()
        .select_only()
        .column(consultation::Column::ApId)
        .column(consultation::Column::DerivedFrom)
        .filter(consultation::Column::Local.eq(true))
        .filter(consultation::Column::PublishedAt.is_not_null())
        .filter(consultation::Column::DerivedFrom.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut links: Vec<ReuseLink> = copies
        .into_iter()
        .filter_map(|(copy, origin)| origin.map(|origin| ReuseLink { origin, copy }))
        .collect();
    let elsewhere: Vec<(String, String)> = consultation_reuse::Entity::find()
        .select_only()
        .column(consultation_reuse::Column::OriginApId)
        .column(consultation_reuse::Column::CopyApId)
        .into_tuple()
        .all(db)
        .await?;
    links.extend(
        elsewhere
            .into_iter()
            .map(|(origin, copy)| ReuseLink { origin, copy }),
    );
    links.sort();
    links.dedup();
    Ok(links)
}
