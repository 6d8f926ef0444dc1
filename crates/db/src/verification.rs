//! Resident verification codes: generated in batches for a mailing, redeemed once.

use crate::entity::verification_code::{ActiveModel, Column, Entity};
use crate::{DbError, new_id, users};
use chrono::{DateTime, Utc};
use inspraak_domain::VerificationMethod;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

/// Stores the hashes of a new batch of codes in one transaction.
pub async fn create_batch(
    db: &impl TransactionTrait,
    code_hashes: Vec<String>,
    batch: &str,
    area_id: Option<&str>,
    created_by: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    for hash in code_hashes {
        ActiveModel {
            id: Set(new_id()),
            code_hash: Set(hash),
            batch: Set(batch.to_owned()),
            created_by: Set(Some(created_by.to_owned())),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_by: Set(None),
            used_at: Set(None),
            area_id: Set(area_id.map(str::to_owned)),
        }
        .insert(&txn)
        .await
        .map_err(|e| DbError::unique(e, "code"))?;
    }
    txn.commit().await?;
    Ok(())
}

/// Redeems a code for an account and marks the account verified, atomically: a code works
/// once, even when two people type it at the same moment. `NotFound("code")` when the code is
/// unknown, used or expired (deliberately not told apart).
pub async fn redeem(
    db: &impl TransactionTrait,
    code_hash: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let claimed = Entity::update_many()
        .col_expr(Column::UsedBy, Expr::value(user_id))
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::CodeHash.eq(code_hash))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(DbError::NotFound("code"));
    }
    users::mark_verified(&txn, user_id, VerificationMethod::LetterCode, None, now).await?;
    // A code printed for a district says where the resident lives.
    let area: Option<Option<String>> = Entity::find()
        .select_only()
        .column(Column::AreaId)
        .filter(Column::CodeHash.eq(code_hash))
        .into_tuple()
        .one(&txn)
        .await?;
    if let Some(Some(area_id)) = area {
        users::set_area(&txn, user_id, Some(&area_id)).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// One mailing's codes at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    /// The batch label.
    pub batch: String,
    /// Codes generated.
    pub total: i64,
    /// Codes redeemed.
    pub used: i64,
    /// When the batch was made (its first code).
    pub created_at: DateTime<Utc>,
}

/// All batches, newest first.
pub async fn batches(db: &DatabaseConnection) -> Result<Vec<BatchSummary>, DbError> {
    let rows: Vec<(String, i64, i64, DateTime<Utc>)> = Entity::find()
        .select_only()
        .column(Column::Batch)
        .column_as(Expr::from(Func::count(Expr::col(Column::Id))), "total")
        .column_as(Expr::from(Func::count(Expr::col(Column::UsedAt))), "used")
        .column_as(
            Expr::from(Func::min(Expr::col(Column::CreatedAt))),
            "created_at",
        )
        .group_by(Column::Batch)
        .order_by_desc(Expr::from(Func::min(Expr::col(Column::CreatedAt))))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(batch, total, used, created_at)| BatchSummary {
            batch,
            total,
            used,
            created_at,
        })
        .collect())
}
