//! Opinion-mapping conversations: statements, votes, and stored analyses.

use crate::entity::conversation::{ActiveModel, Column, Entity, Model};
use crate::entity::{conversation_analysis, imported_vote, statement, statement_vote};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::conversation::{StatementState, StatementVote};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// A statement's state as stored.
pub fn state_of(s: &statement::Model) -> StatementState {
    // An unknown stored state is treated as the safe choice: not shown.
    s.state.parse().unwrap_or(StatementState::Hidden)
}

/// A resident's vote as stored, with the statement's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentVote {
    /// The account.
    pub user_id: String,
    /// The statement's number in its conversation.
    pub number: i32,
    /// 1 agree, −1 disagree, 0 pass.
    pub vote: i32,
    /// When the resident first voted on the statement.
    pub created_at: DateTime<Utc>,
    /// When the vote last changed.
    pub changed_at: DateTime<Utc>,
}

/// A vote that came with an imported conversation: a numbered participant, no account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedVote {
    /// The participant's number in the original conversation.
    pub participant: i64,
    /// The statement's number.
    pub number: i32,
    /// 1 agree, −1 disagree, 0 pass.
    pub vote: i32,
    /// When, in milliseconds since 1970.
    pub at_ms: i64,
}

/// A new conversation.
#[derive(Debug, Clone)]
pub struct NewConversation {
    /// Its id.
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The question.
    pub question: String,
    /// Participants' statements wait for a moderator.
    pub premoderation: bool,
    /// Its ActivityPub id.
    pub ap_id: String,
}

/// Stores a conversation with its seed statements (numbered from 0), in one transaction.
/// `statement_ap_id` makes a statement's ActivityPub id from its id.
pub async fn create(
    db: &impl TransactionTrait,
    new: NewConversation,
    seeds: &[String],
    author_id: &str,
    statement_ap_id: impl Fn(&str) -> String,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let txn = db.begin().await?;
    let created = ActiveModel {
        id: Set(new.id.clone()),
        consultation_id: Set(new.consultation_id),
        question: Set(new.question),
        premoderation: Set(new.premoderation),
        created_at: Set(now),
        ap_id: Set(new.ap_id),
        local: Set(true),
        analysis_changes: Set(0),
    }
    .insert(&txn)
    .await?;
    for (number, body) in seeds.iter().enumerate() {
        let id = new_id();
        statement::ActiveModel {
            ap_id: Set(statement_ap_id(&id)),
            id: Set(id),
            conversation_id: Set(new.id.clone()),
            number: Set(i32::try_from(number).unwrap_or(i32::MAX)),
            body: Set(body.clone()),
            author_id: Set(Some(author_id.to_owned())),
            seed: Set(true),
            state: Set(StatementState::Published.as_str().into()),
            created_at: Set(now),
            local: Set(true),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// The conversation with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("conversation"))
}

/// A consultation's conversations, oldest first.
pub async fn list_for_consultation(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ConsultationId.eq(consultation_id))
        .order_by_asc(Column::CreatedAt)
        .all(db)
        .await?)
}

/// A conversation's statements, by number.
pub async fn statements(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<Vec<statement::Model>, DbError> {
    Ok(statement::Entity::find()
        .filter(statement::Column::ConversationId.eq(conversation_id))
        .order_by_asc(statement::Column::Number)
        .all(db)
        .await?)
}

/// Adds a participant's statement with the next number; `pending` when pre-moderated.
pub async fn add_statement(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    body: &str,
    author_id: &str,
    pending: bool,
    statement_ap_id: impl Fn(&str) -> String,
    now: DateTime<Utc>,
) -> Result<statement::Model, DbError> {
    // Two statements at the same moment race for a number; the unique index decides and the
    // loser takes the next one.
    for _ in 0..5 {
        let next: Option<i32> = statement::Entity::find()
            .select_only()
            .column_as(statement::Column::Number.max(), "n")
            .filter(statement::Column::ConversationId.eq(conversation_id))
            .into_tuple::<Option<i32>>()
            .one(db)
            .await?
            .flatten();
        let id = new_id();
        let row = statement::ActiveModel {
            ap_id: Set(statement_ap_id(&id)),
            id: Set(id),
            conversation_id: Set(conversation_id.to_owned()),
            number: Set(next.map_or(0, |n| n + 1)),
            body: Set(body.to_owned()),
            author_id: Set(Some(author_id.to_owned())),
            seed: Set(false),
            state: Set(if pending {
                StatementState::Pending
            } else {
                StatementState::Published
            }
            .as_str()
            .into()),
            created_at: Set(now),
            local: Set(true),
        };
        match row.insert(db).await {
            Ok(saved) => return Ok(saved),
            Err(err)
                if matches!(
                    err.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                continue;
            }
            Err(err) => return Err(DbError::Sql(err)),
        }
    }
    Err(DbError::Conflict("number"))
}

/// Records (or changes) a vote: 1 agree, −1 disagree, 0 pass.
pub async fn vote(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    statement_id: &str,
    user_id: &str,
    vote: StatementVote,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = statement_vote::ActiveModel {
        id: Set(new_id()),
        conversation_id: Set(conversation_id.to_owned()),
        statement_id: Set(statement_id.to_owned()),
        user_id: Set(user_id.to_owned()),
        vote: Set(vote.value()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    statement_vote::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                statement_vote::Column::StatementId,
                statement_vote::Column::UserId,
            ])
            .update_columns([
                statement_vote::Column::Vote,
                statement_vote::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    mark_changed(db, conversation_id).await
}

/// Notes that something the analysis reads changed (a vote, an import, a moderation
/// decision), so the background worker analyses the conversation again.
pub async fn mark_changed(db: &impl ConnectionTrait, conversation_id: &str) -> Result<(), DbError> {
    Entity::update_many()
        .col_expr(
            Column::AnalysisChanges,
            Expr::col(Column::AnalysisChanges).add(1),
        )
        .filter(Column::Id.eq(conversation_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The statements a user has voted on in a conversation.
pub async fn voted_by(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    user_id: &str,
) -> Result<Vec<String>, DbError> {
    Ok(statement_vote::Entity::find()
        .select_only()
        .column(statement_vote::Column::StatementId)
        .filter(statement_vote::Column::ConversationId.eq(conversation_id))
        .filter(statement_vote::Column::UserId.eq(user_id))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Every vote of a conversation: (user, statement number, vote, first voted, last changed).
pub async fn all_votes(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<Vec<ResidentVote>, DbError> {
    let numbers: std::collections::HashMap<String, i32> = statements(db, conversation_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.number))
        .collect();
    Ok(statement_vote::Entity::find()
        .filter(statement_vote::Column::ConversationId.eq(conversation_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|v| {
            numbers.get(&v.statement_id).map(|&number| ResidentVote {
                user_id: v.user_id,
                number,
                vote: v.vote,
                created_at: v.created_at,
                changed_at: v.updated_at,
            })
        })
        .collect())
}

/// The residents' votes of a conversation that changed at or after `since` (statements by
/// number), for an analysis that merges only what is new.
pub async fn votes_changed_since(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    since: DateTime<Utc>,
) -> Result<Vec<ResidentVote>, DbError> {
    let numbers: std::collections::HashMap<String, i32> = statements(db, conversation_id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.number))
        .collect();
    Ok(statement_vote::Entity::find()
        .filter(statement_vote::Column::ConversationId.eq(conversation_id))
        .filter(statement_vote::Column::UpdatedAt.gte(since))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|v| {
            numbers.get(&v.statement_id).map(|&number| ResidentVote {
                user_id: v.user_id,
                number,
                vote: v.vote,
                created_at: v.created_at,
                changed_at: v.updated_at,
            })
        })
        .collect())
}

/// How many votes a conversation has (a changed vote counts once).
pub async fn vote_count(db: &impl ConnectionTrait, conversation_id: &str) -> Result<u64, DbError> {
    Ok(statement_vote::Entity::find()
        .filter(statement_vote::Column::ConversationId.eq(conversation_id))
        .count(db)
        .await?)
}

/// The latest stored analysis.
pub async fn analysis(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<Option<conversation_analysis::Model>, DbError> {
    Ok(conversation_analysis::Entity::find_by_id(conversation_id)
        .one(db)
        .await?)
}

/// Stores an analysis, replacing the previous one.
pub async fn store_analysis(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    votes_seen: i64,
    changes_seen: i64,
    state_json: String,
    analysis_json: String,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = conversation_analysis::ActiveModel {
        conversation_id: Set(conversation_id.to_owned()),
        votes_seen: Set(votes_seen),
        changes_seen: Set(changes_seen),
        state_json: Set(state_json),
        analysis_json: Set(analysis_json),
        updated_at: Set(now),
    };
    conversation_analysis::Entity::insert(row)
        .on_conflict(
            OnConflict::column(conversation_analysis::Column::ConversationId)
                .update_columns([
                    conversation_analysis::Column::VotesSeen,
                    conversation_analysis::Column::ChangesSeen,
                    conversation_analysis::Column::StateJson,
                    conversation_analysis::Column::AnalysisJson,
                    conversation_analysis::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Conversations whose votes changed since their last analysis, with the change count to
/// record when analysing them: one query over an index, whatever the number of conversations
/// (a helpdesk with thousands of quiet ones spends its time on the few that change).
pub async fn stale(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbError> {
    use sea_orm::sea_query::{Alias, Func, Query};
    let analyses = Alias::new("a");
    let seen = Func::coalesce([
        Expr::col((analyses.clone(), conversation_analysis::Column::ChangesSeen)),
        Expr::val(0i64),
    ]);
    let query = Query::select()
        .columns([(Entity, Column::Id), (Entity, Column::AnalysisChanges)])
        .from(Entity)
        .join_as(
            sea_orm::JoinType::LeftJoin,
            conversation_analysis::Entity,
            analyses.clone(),
            Expr::col((
                analyses.clone(),
                conversation_analysis::Column::ConversationId,
            ))
            .equals((Entity, Column::Id)),
        )
        .and_where(Expr::col((Entity, Column::Local)).eq(true))
        .and_where(Expr::col((Entity, Column::AnalysisChanges)).gt(0i64))
        .and_where(Expr::col((Entity, Column::AnalysisChanges)).gt(seen))
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", "id")?,
                row.try_get::<i64>("", "analysis_changes")?,
            ))
        })
        .collect()
}

/// A conversation's change count now (read before its votes, so a vote that arrives during
/// an analysis makes it stale again).
pub async fn changes(db: &impl ConnectionTrait, conversation_id: &str) -> Result<i64, DbError> {
    Ok(find(db, conversation_id).await?.analysis_changes)
}

/// Sets a statement's state (a moderator's decision): `published` or `hidden`.
pub async fn set_statement_state(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    id: &str,
    new_state: StatementState,
) -> Result<bool, DbError> {
    let changed = statement::Entity::update_many()
        .col_expr(statement::Column::State, Expr::value(new_state.as_str()))
        .filter(statement::Column::Id.eq(id))
        .filter(statement::Column::ConversationId.eq(conversation_id))
        .exec(db)
        .await?
        .rows_affected
        > 0;
    if changed {
        mark_changed(db, conversation_id).await?;
    }
    Ok(changed)
}

/// A statement of an imported conversation.
#[derive(Debug, Clone)]
pub struct ImportedStatement {
    /// Its number (pol.is comment id).
    pub number: i32,
    /// The text.
    pub body: String,
    /// Its state.
    pub state: StatementState,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// Stores an imported conversation with its statements and votes, in one transaction.
pub async fn import(
    db: &impl TransactionTrait,
    new: NewConversation,
    statements: &[ImportedStatement],
    votes: &[ImportedVote],
    statement_ap_id: impl Fn(&str) -> String,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let txn = db.begin().await?;
    let conversation_id = new.id.clone();
    let created = ActiveModel {
        id: Set(new.id),
        consultation_id: Set(new.consultation_id),
        question: Set(new.question),
        premoderation: Set(new.premoderation),
        created_at: Set(now),
        ap_id: Set(new.ap_id),
        local: Set(true),
        analysis_changes: Set(0),
    }
    .insert(&txn)
    .await?;
    for s in statements {
        let id = new_id();
        statement::ActiveModel {
            ap_id: Set(statement_ap_id(&id)),
            id: Set(id),
            conversation_id: Set(conversation_id.clone()),
            number: Set(s.number),
            body: Set(s.body.clone()),
            author_id: Set(None),
            seed: Set(false),
            state: Set(s.state.as_str().to_owned()),
            created_at: Set(s.created_at),
            local: Set(true),
        }
        .insert(&txn)
        .await?;
    }
    let rows: Vec<imported_vote::ActiveModel> = votes
        .iter()
        .map(|v| imported_vote::ActiveModel {
            id: Set(new_id()),
            conversation_id: Set(conversation_id.clone()),
            participant: Set(v.participant),
            number: Set(v.number),
            vote: Set(v.vote),
            at: Set(v.at_ms),
        })
        .collect();
    for chunk in rows.chunks(500) {
        imported_vote::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    if !votes.is_empty() {
        mark_changed(&txn, &conversation_id).await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// The imported votes of a conversation: (participant, statement number, vote, time in ms).
pub async fn imported_votes(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<Vec<ImportedVote>, DbError> {
    Ok(imported_vote::Entity::find()
        .filter(imported_vote::Column::ConversationId.eq(conversation_id))
        .all(db)
        .await?
        .into_iter()
        .map(|v| ImportedVote {
            participant: v.participant,
            number: v.number,
            vote: v.vote,
            at_ms: v.at,
        })
        .collect())
}

/// How many imported votes a conversation has.
pub async fn imported_count(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<u64, DbError> {
    Ok(imported_vote::Entity::find()
        .filter(imported_vote::Column::ConversationId.eq(conversation_id))
        .count(db)
        .await?)
}

/// The statement (of any conversation) with this ActivityPub id.
pub async fn statement_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<statement::Model>, DbError> {
    Ok(statement::Entity::find()
        .filter(statement::Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Records a fediverse account's vote on a statement (its first vote counts; repeats and
/// changes are ignored, as in a single-choice poll). Returns whether it was new.
pub async fn add_fediverse_vote(
    db: &impl ConnectionTrait,
    statement_id: &str,
    actor: &str,
    vote: i32,
    activity_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    use crate::entity::statement_fediverse_vote as sfv;
    let row = sfv::ActiveModel {
        id: Set(new_id()),
        statement_id: Set(statement_id.to_owned()),
        actor: Set(actor.to_owned()),
        vote: Set(vote),
        activity_id: Set(activity_id.to_owned()),
        created_at: Set(now),
    };
    let inserted = sfv::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Fediverse votes per statement of a conversation: statement id → (agree, disagree, pass).
pub async fn fediverse_tally(
    db: &impl ConnectionTrait,
    conversation_id: &str,
) -> Result<std::collections::HashMap<String, (u64, u64, u64)>, DbError> {
    use crate::entity::statement_fediverse_vote as sfv;
    let ids: Vec<String> = statements(db, conversation_id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut tally: std::collections::HashMap<String, (u64, u64, u64)> = Default::default();
    for v in sfv::Entity::find()
        .filter(sfv::Column::StatementId.is_in(ids))
        .all(db)
        .await?
    {
        let t = tally.entry(v.statement_id).or_default();
        match v.vote {
            1 => t.0 += 1,
            -1 => t.1 += 1,
            _ => t.2 += 1,
        }
    }
    Ok(tally)
}
