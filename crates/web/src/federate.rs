//! Changes that federate run in one transaction with the activities they cause (stored in the
//! outbox), so a change is never published without being saved, nor saved without being
//! published. After the commit the delivery worker is woken.

use crate::{AppState, WebError};
use inspraak_db::{DbError, comments, proposals};
use inspraak_domain::moderation::ContentKind;
use inspraak_federation::FederationError;
use inspraak_federation::publish::{self, Change};
use sea_orm::{DatabaseTransaction, TransactionTrait};

/// Starts the transaction for a change and its activities.
pub async fn begin(state: &AppState) -> Result<DatabaseTransaction, WebError> {
    Ok(state.db.conn.begin().await.map_err(DbError::from)?)
}

/// Commits, then wakes the delivery worker.
pub async fn commit(state: &AppState, txn: DatabaseTransaction) -> Result<(), WebError> {
    txn.commit().await.map_err(DbError::from)?;
    state.federation.outbox_signal.notify_one();
    Ok(())
}

impl From<FederationError> for WebError {
    fn from(err: FederationError) -> Self {
        match err {
            FederationError::Db(db) => db.into(),
            FederationError::Invalid(message) => WebError::BadRequest(message),
            FederationError::Forbidden(_) => WebError::Forbidden,
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// Publishes a change to a proposal or comment (by id) within `txn`.
pub async fn item_changed(
    txn: &DatabaseTransaction,
    state: &AppState,
    kind: ContentKind,
    id: &str,
    change: Change,
) -> Result<(), WebError> {
    let data = &*state.federation;
    match kind {
        ContentKind::Proposal => {
            let p = proposals::find(txn, id).await?;
            publish::proposal_changed(txn, data, &p, change).await?;
        }
        ContentKind::Comment => {
            let c = comments::find(txn, id).await?;
            publish::comment_changed(txn, data, &c, change).await?;
        }
    }
    Ok(())
}
