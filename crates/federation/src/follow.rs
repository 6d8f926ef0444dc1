//! Following other instances from here: an admin gives a handle (`@verkeer@gemeente-b.nl`) or
//! a URL; we resolve the actor, store it, send a `Follow` from our organization, and keep a
//! copy of a followed consultation so its contents can be shown as "nearby".

use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::inbox::store_followed_group;
use crate::protocol::objects::ActorDocument;
use crate::publish;
use crate::signer::RemoteActor;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use chrono::Utc;
use inspraak_db::follows::{self, NewFollow};
use sea_orm::DatabaseTransaction;
use url::Url;

/// Resolves a handle (`name@host`, with or without a leading `@`) or an actor URL.
pub async fn resolve(data: &Fed, handle_or_url: &str) -> Result<RemoteActor, FederationError> {
    let input = handle_or_url.trim();
    if input.starts_with("https://") || input.starts_with("http://") {
        let url = Url::parse(input)?;
        return ObjectId::<RemoteActor>::from(url).dereference(data).await;
    }
    let handle = input.trim_start_matches('@');
    if !handle.contains('@') {
        return Err(FederationError::Invalid(
            "give a handle like @name@host or an https:// address".into(),
        ));
    }
    webfinger_resolve_actor::<_, RemoteActor>(handle, data).await
}

/// What a follow needs from the network, fetched before any transaction.
pub struct FollowPlan {
    /// The actor to follow.
    pub remote: RemoteActor,
    /// A followed consultation's `Group` document, stored as a copy at once.
    group_document: Option<ActorDocument>,
}

impl FollowPlan {
    /// A follow of an actor that is not a consultation: nothing to fetch first.
    pub fn of_actor(remote: RemoteActor) -> Self {
        Self {
            remote,
            group_document: None,
        }
    }
}

/// Checks that `remote` can be followed and fetches what the follow stores.
pub async fn prepare(data: &Fed, remote: RemoteActor) -> Result<FollowPlan, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    if remote.row.ap_id == organization.as_str() {
        return Err(FederationError::Invalid(
            "an instance cannot follow itself".into(),
        ));
    }
    let group_document = if remote.row.kind == "Group" {
        Some(
            fetch_object_http::<_, ActorDocument>(&remote.id, data)
                .await?
                .object,
        )
    } else {
        None
    };
    Ok(FollowPlan {
        remote,
        group_document,
    })
}

/// Our organization follows the planned actor, within the caller's transaction: the `Follow`
/// goes to the outbox and a consultation's copy is stored. The caller commits and wakes the
/// delivery worker.
pub async fn follow(
    txn: &DatabaseTransaction,
    data: &Fed,
    plan: &FollowPlan,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let remote = &plan.remote;
    let activity_id = publish::follow(txn, data, &remote.row).await?;
    follows::upsert(
        txn,
        NewFollow {
            follower: organization.to_string(),
            followed: remote.row.ap_id.clone(),
            inbox: remote.row.inbox.clone(),
            host: remote.row.host.clone(),
            activity_id,
            accepted: false,
        },
        Utc::now(),
    )
    .await?;
    if let Some(document) = &plan.group_document {
        store_followed_group(txn, document).await?;
    }
    tracing::info!(followed = %remote.row.ap_id, "following");
    Ok(())
}

/// Our organization stops following the actor with this id, within the caller's transaction;
/// `false` when it was not followed.
pub async fn unfollow(
    txn: &DatabaseTransaction,
    data: &Fed,
    ap_id: &str,
) -> Result<bool, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let Some(existing) = follows::find(txn, organization.as_str(), ap_id).await? else {
        return Ok(false);
    };
    if let Some(remote) = inspraak_db::remote_actors::find(txn, ap_id).await? {
        publish::unfollow(txn, data, &remote, &existing.activity_id).await?;
    }
    follows::remove(txn, organization.as_str(), ap_id).await?;
    Ok(true)
}
