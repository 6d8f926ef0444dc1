//! What arrives about our participatory budgets. Binding ballots stay at home: fediverse users
//! cannot vote in a budget, so a `Like`, a poll-style vote or an `Announce` of a project (or of
//! an outcome) changes nothing here; it is accepted (202) and logged. A reply to a project is a
//! comment on it, as elsewhere (see `content`).

use crate::FederationError;
use crate::context::FederationData;
use inspraak_db::{budgets, remote_content};
use sea_orm::ConnectionTrait;
use url::Url;

/// Which of our budget things `id` names: `"project"` (a project's `Page`), `"outcome"` (a
/// budget's outcome `Article`, `{budget}/outcome`), or `None`. Cheap for anything else: ids
/// on other hosts are not looked up.
pub(super) async fn ours(
    db: &impl ConnectionTrait,
    data: &FederationData,
    id: &Url,
) -> Result<Option<&'static str>, FederationError> {
    if !data.is_local(id) {
        return Ok(None);
    }
    if let Some(remote_content::Found::Project(_)) =
        remote_content::find_by_ap_id(db, id.as_str()).await?
    {
        return Ok(Some("project"));
    }
    let Some(budget_page) = id.as_str().strip_suffix("/outcome") else {
        return Ok(None);
    };
    Ok(budgets::find_by_ap_id(db, budget_page)
        .await?
        .map(|_| "outcome"))
}

/// Logs that `what` from `actor` about one of our budget things was accepted and ignored.
pub(super) fn ignored(what: &str, actor: &Url, object: &Url) {
    tracing::info!(
        %actor,
        %object,
        what,
        "ignored: fediverse users cannot vote in a budget"
    );
}
