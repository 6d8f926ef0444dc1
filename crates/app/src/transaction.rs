//! Changes that federate run in one transaction with the activities they cause (stored in the
//! outbox) and their audit entry, so a change is never published without being saved, nor saved
//! without being published. After the commit the delivery worker is woken.

use crate::{App, AppError};
use inspraak_db::{DbError, comments, proposals};
use inspraak_domain::moderation::ContentKind;
use inspraak_federation::publish;
use sea_orm::DatabaseTransaction;

pub use inspraak_federation::publish::Change;

impl App {
    /// Starts the transaction for a change, its activities and its audit entry (on SQLite it
    /// takes the write lock at once; see `inspraak_db::begin_write`).
    pub(crate) async fn begin(&self) -> Result<DatabaseTransaction, AppError> {
        Ok(inspraak_db::begin_write(&self.db.conn).await?)
    }

    /// Commits, then wakes the delivery worker.
    pub(crate) async fn commit(&self, txn: DatabaseTransaction) -> Result<(), AppError> {
        txn.commit().await.map_err(DbError::from)?;
        self.federation.outbox_signal.notify_one();
        Ok(())
    }

    /// Publishes a change to a proposal or comment (by id) within `txn`.
    pub(crate) async fn item_changed(
        &self,
        txn: &DatabaseTransaction,
        kind: ContentKind,
        id: &str,
        change: Change,
    ) -> Result<(), AppError> {
        let data = &*self.federation;
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
}
