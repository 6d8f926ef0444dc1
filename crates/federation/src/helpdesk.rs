//! The national helpdesk over ActivityPub. Any instance, when another instance's
//! `Organization` follows its own, announces its current consultations to that follower
//! (so a catalogue starts complete); a helpdesk also follows such an organization back, which
//! is what "registering with the helpdesk" means. Guides arrive as `Article`s from the
//! organizations we follow and are kept as copies.

use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::follow::{self, FollowPlan};
use crate::inbox::same_origin;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::Article;
use crate::publish;
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use chrono_tz::Europe::Amsterdam;
use inspraak_db::guides::{self, RemoteGuide};
use inspraak_db::{audit, follows};
use inspraak_domain::guide::{SUMMARY_MAX, TITLE_MAX};
use inspraak_domain::text::sanitize_html;
use sea_orm::DatabaseTransaction;

/// The audit log's name for a follow the helpdesk made back on its own.
pub const FOLLOW_BACK_ACTION: &str = "helpdesk.follow_back";
/// Longest guide body kept from elsewhere, in characters of HTML.
const GUIDE_HTML_MAX: usize = 200_000;

/// Today in the municipality's calendar (phases are whole Amsterdam days).
fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&Amsterdam).date_naive()
}

/// Another instance's `Organization` now follows ours (its follow was just accepted, in
/// `txn`): it gets our open and upcoming consultations, and a helpdesk follows it back.
pub async fn organization_followed(
    data: &Fed,
    txn: &DatabaseTransaction,
    follower: &RemoteActor,
) -> Result<(), FederationError> {
    if follower.row.kind != ActorKind::Organization.name() {
        return Ok(());
    }
    let inbox = follower.shared_inbox_or_inbox().to_string();
    let sent = publish::announce_consultations_to(txn, data, &inbox, today()).await?;
    tracing::info!(follower = %follower.id, sent, "consultations announced to a new follower");
    if !data.is_helpdesk() {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    if follows::find(txn, organization.as_str(), &follower.row.ap_id)
        .await?
        .is_some()
    {
        return Ok(());
    }
    follow::follow(txn, data, &FollowPlan::of_actor(follower.clone())).await?;
    audit::record(
        txn,
        None,
        FOLLOW_BACK_ACTION,
        ("actor", &follower.row.ap_id),
        format!("@{}@{}", follower.row.username, follower.row.host),
        Utc::now(),
    )
    .await?;
    tracing::info!(organization = %follower.id, "the helpdesk follows a registered instance back");
    Ok(())
}

/// A guide (an `Article` that is not part of a consultation) from `sender`: kept only when our
/// organization follows the sender and the guide is the sender's own; anything else is
/// ignored with a log line.
pub async fn guide_received(
    data: &Fed,
    txn: &DatabaseTransaction,
    sender: &RemoteActor,
    article: &Article,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let followed = follows::find(txn, organization.as_str(), &sender.row.ap_id)
        .await?
        .is_some();
    if !followed {
        tracing::info!(sender = %sender.id, article = %article.id, "an article from an actor we do not follow ignored");
        return Ok(());
    }
    let author = article.common.attributed_to.as_ref().unwrap_or(&sender.id);
    if *author != sender.id || !same_origin(&article.id, &sender.id) {
        tracing::info!(sender = %sender.id, article = %article.id, "an article that is not the sender's own ignored");
        return Ok(());
    }
    let text = |s: &Option<String>, max| plain_text(s.as_deref().unwrap_or_default(), max);
    let html: String = article
        .common
        .content
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(GUIDE_HTML_MAX)
        .collect();
    let mut title = text(&article.common.name, TITLE_MAX);
    if title.is_empty() {
        title = article.id.to_string().chars().take(TITLE_MAX).collect();
    }
    let now = Utc::now();
    let saved = guides::upsert_remote(
        txn,
        RemoteGuide {
            ap_id: article.id.to_string(),
            title,
            summary: text(&article.summary, SUMMARY_MAX),
            body_html: sanitize_html(&html),
            attributed_to: sender.row.ap_id.clone(),
            origin_host: sender.row.host.clone(),
            published_at: article
                .common
                .published
                .filter(|d| *d <= now)
                .unwrap_or(now),
        },
        now,
    )
    .await?;
    tracing::info!(guide = %saved.id, from = %sender.id, "guide received");
    Ok(())
}
