//! Province deals, on a municipality: the admin applies to a deal by handle or URL (`Join`)
//! and may leave it (`Leave`); while a member, the instance sends the deal its own figures
//! whenever they change, at most once per interval.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::entity::membership;
use inspraak_db::memberships::{self, NewMembership};
use inspraak_domain::Problem;
use inspraak_domain::deal::MembershipState;
use inspraak_federation::deals as send;
use inspraak_federation::signer::plain_text;
use std::time::Duration;
use url::Url;

/// Longest handle or address an admin may type.
const TARGET_MAX: usize = 500;

/// Our applications and memberships, newest first.
pub async fn list(app: &App) -> Result<Vec<membership::Model>, AppError> {
    Ok(memberships::list(app.conn()).await?)
}

/// The admin applies to the deal at `target` (`@slug@province-host` or its URL): a `Join` goes
/// to the deal. An application or membership that is still running is a conflict; a target
/// that is not a deal is a bad request with the reason.
pub async fn apply(
    app: &App,
    caller: Caller<'_>,
    target: &str,
) -> Result<membership::Model, AppError> {
    let admin = caller.require_admin()?;
    let target = target.trim();
    if target.is_empty() || target.len() > TARGET_MAX {
        return Err(AppError::field("deal", Problem::Required));
    }
    let fed = app.federation.to_request_data();
    let (remote, document) = send::resolve_deal(&fed, target).await.map_err(|err| {
        tracing::warn!(%target, error = %err, "cannot apply to a deal");
        AppError::BadRequest(format!("{target}: {err}"))
    })?;
    if let Some(existing) = memberships::find_by_deal(app.conn(), remote.id.as_str()).await?
        && MembershipState::parse(&existing.state).is_some_and(MembershipState::is_active)
    {
        return Err(AppError::Conflict("membership"));
    }
    let inbox = remote.shared_inbox_or_inbox().to_string();
    let name = plain_text(
        document.name.as_deref().unwrap_or(&remote.row.display_name),
        300,
    );
    let url = document.url.as_ref().unwrap_or(&document.id).to_string();
    let now = Utc::now();
    let txn = app.begin().await?;
    let join = send::join(&txn, &app.federation, &remote.id, &inbox).await?;
    let made = memberships::apply(
        &txn,
        NewMembership {
            deal_ap_id: remote.id.as_str(),
            deal_name: &name,
            deal_url: &url,
            deal_inbox: &inbox,
            host: &remote.row.host,
            join_activity_id: join.as_str(),
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::DealApply,
        ("membership", &made.id),
        remote.id.as_str(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(made)
}

/// The admin leaves a deal (or withdraws an application): a `Leave` goes to the deal. Leaving
/// what is not running is a conflict.
pub async fn leave(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let membership = memberships::find(app.conn(), id).await?;
    if !MembershipState::parse(&membership.state).is_some_and(MembershipState::is_active) {
        return Err(AppError::Conflict("membership state"));
    }
    let deal = Url::parse(&membership.deal_ap_id).map_err(|e| AppError::internal("deal id", e))?;
    let now = Utc::now();
    let txn = app.begin().await?;
    send::leave(&txn, &app.federation, &deal, &membership.deal_inbox).await?;
    memberships::set_state(&txn, &membership, MembershipState::Left, now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::DealLeave,
        ("membership", &membership.id),
        &membership.deal_ap_id,
        now,
    )
    .await?;
    app.commit(txn).await
}

/// The inboxes of the deals we belong to: our new consultations are announced there too.
pub async fn deal_inboxes(app: &App) -> Result<Vec<inspraak_db::outbox::Target>, AppError> {
    Ok(memberships::accepted(app.conn())
        .await?
        .iter()
        .filter_map(|m| inspraak_federation::envelope::target(&m.deal_inbox))
        .collect())
}

/// Sends our figures to every deal we belong to whose last figures differ; returns how many
/// deals were sent figures.
pub async fn send_changed_figures(app: &App) -> Result<usize, AppError> {
    let accepted = memberships::accepted(app.conn()).await?;
    if accepted.is_empty() {
        return Ok(0);
    }
    let figures = crate::statistics::of_instance(app).await?;
    let json = serde_json::to_string(&figures).map_err(|e| AppError::internal("figures", e))?;
    let changed: Vec<&membership::Model> = accepted
        .iter()
        .filter(|m| m.figures_sent.as_deref() != Some(json.as_str()))
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let now = Utc::now();
    let txn = app.begin().await?;
    for membership in &changed {
        let deal =
            Url::parse(&membership.deal_ap_id).map_err(|e| AppError::internal("deal id", e))?;
        send::send_figures(
            &txn,
            &app.federation,
            &deal,
            &membership.deal_inbox,
            figures.clone(),
        )
        .await?;
        memberships::figures_sent(&txn, &membership.id, &json, now).await?;
    }
    app.commit(txn).await?;
    Ok(changed.len())
}

/// Runs for the life of the process: every `interval`, sends changed figures to our deals, so
/// a deal hears of our figures at most once per interval.
pub async fn run_figures_worker(app: App, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match send_changed_figures(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deals = n, "figures sent to deals"),
            Err(err) => tracing::warn!(error = %crate::chain(&err), "could not send figures"),
        }
    }
}
