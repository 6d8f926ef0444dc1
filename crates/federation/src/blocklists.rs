//! Shared domain blocklists over ActivityPub. A province or the helpdesk publishes its
//! recommended list as an `OrderedCollection` of `DomainBlock` items (terms in our context);
//! subscribers fetch it signed by their instance actor, through the domain block list and
//! the SSRF-safe client, and check every entry before anything is applied. A subscriber's
//! instance actor also follows the list at its publisher, which sends an `Update` of the
//! collection (by id, never embedded) when it changes; the subscriber then fetches it again.

use crate::FederationError;
use crate::actors;
use crate::context::{Fed, FederationData};
use crate::envelope::{Outbox, target};
use crate::inbox::same_origin;
use crate::protocol::activities::{Follow, Undo, Update};
use crate::protocol::context::Context;
use crate::protocol::objects::AnyObject;
use crate::protocol::values::{Addressing, IdOr, Ref};
use crate::signer::RemoteActor;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Actor;
use chrono::{DateTime, Utc};
use inspraak_db::entity::recommended_block;
use inspraak_db::follows::{self, NewFollow};
use inspraak_db::outbox::Target;
use inspraak_domain::blocklist::{self, BlockEntry, MAX_ENTRIES, Severity};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// Where an instance serves its recommended list.
pub const RECOMMENDED_PATH: &str = "/blocklists/recommended";

/// The type of a blocklist's items.
pub const DOMAIN_BLOCK: &str = "DomainBlock";

/// One item of a blocklist collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainBlockItem {
    /// `DomainBlock`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The blocked host name.
    pub domain: String,
    /// `suspend` or `silence`.
    pub severity: String,
    /// The public comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// A blocklist collection as it travels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlocklistDocument {
    /// Its id, which is where it is fetched.
    pub id: Url,
    /// `OrderedCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Who publishes it (the organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Url>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// How many entries.
    #[serde(default)]
    pub total_items: u64,
    /// The entries.
    #[serde(default)]
    pub ordered_items: Vec<Value>,
}

/// Our recommended list as served, with our context.
pub fn recommended_document(
    data: &FederationData,
    rows: &[recommended_block::Model],
) -> Result<Value, FederationError> {
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            serde_json::to_value(DomainBlockItem {
                kind: DOMAIN_BLOCK.to_owned(),
                domain: r.host.clone(),
                severity: r.severity.clone(),
                summary: Some(r.comment.clone()).filter(|c| !c.is_empty()),
            })
        })
        .collect::<Result<_, _>>()?;
    let document = BlocklistDocument {
        id: Url::parse(&data.url(RECOMMENDED_PATH))?,
        kind: "OrderedCollection".to_owned(),
        attributed_to: Some(actors::organization_id(&data.base)?),
        name: Some(format!("{}: recommended domain blocks", data.instance_name)),
        updated: rows.iter().map(|r| r.created_at).max(),
        total_items: rows.len() as u64,
        ordered_items: items,
    };
    let mut value = serde_json::to_value(document)?;
    if let Value::Object(map) = &mut value {
        map.insert("@context".to_owned(), Context::Objects.to_value());
    }
    Ok(value)
}

/// Reads and checks a fetched list: an `OrderedCollection` at `url` of at most
/// [`MAX_ENTRIES`] `DomainBlock`s with valid host names. Entries naming our own host or the
/// list's host (or a domain above either) are left out; a bad entry refuses the whole list.
pub fn check_document(
    document: BlocklistDocument,
    url: &Url,
    own_host: &str,
) -> Result<Vec<BlockEntry>, FederationError> {
    let invalid = |why: String| FederationError::Invalid(format!("{url}: {why}"));
    if document.kind != "OrderedCollection" {
        return Err(invalid("not an OrderedCollection".into()));
    }
    if document.ordered_items.len() > MAX_ENTRIES || document.total_items > MAX_ENTRIES as u64 {
        return Err(invalid(format!("more than {MAX_ENTRIES} entries")));
    }
    let list_host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let mut entries: Vec<BlockEntry> = Vec::new();
    for (n, raw) in document.ordered_items.into_iter().enumerate() {
        let item: DomainBlockItem =
            serde_json::from_value(raw).map_err(|e| invalid(format!("entry {}: {e}", n + 1)))?;
        if item.kind != DOMAIN_BLOCK {
            return Err(invalid(format!("entry {} is not a {DOMAIN_BLOCK}", n + 1)));
        }
        let host = blocklist::valid_host(&item.domain).ok_or_else(|| {
            invalid(format!(
                "entry {}: \"{}\" is not a host name",
                n + 1,
                item.domain
            ))
        })?;
        let severity: Severity = item
            .severity
            .parse()
            .map_err(|()| invalid(format!("entry {}: unknown severity", n + 1)))?;
        if blocklist::covers(&host, own_host) || blocklist::covers(&host, &list_host) {
            tracing::warn!(list = %url, %host, "a list naming us or itself: entry left out");
            continue;
        }
        if entries.iter().any(|e| e.host == host) {
            continue;
        }
        entries.push(BlockEntry {
            host,
            severity,
            comment: blocklist::clean_comment(item.summary.as_deref().unwrap_or_default()),
        });
    }
    Ok(entries)
}

/// A fetched and checked list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedList {
    /// Its entries, checked.
    pub entries: Vec<BlockEntry>,
    /// Who publishes it (`attributedTo`), when on the list's own host.
    pub publisher: Option<Url>,
}

/// Fetches a remote list (signed, at most 1 MiB, its id equal to `url`) and checks it.
pub async fn fetch(data: &Fed, url: &Url) -> Result<FetchedList, FederationError> {
    if data.is_local(url) {
        return Err(FederationError::Invalid("this is our own list".to_owned()));
    }
    let document = fetch_object_http::<_, BlocklistDocument>(url, data)
        .await?
        .object;
    let publisher = document
        .attributed_to
        .clone()
        .filter(|p| same_origin(p, url));
    let own = data
        .base
        .host_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Ok(FetchedList {
        entries: check_document(document, url, &own)?,
        publisher,
    })
}

/// Whether `url` is our own recommended list and we publish one.
pub fn is_our_list(data: &FederationData, url: &Url) -> bool {
    matches!(data.instance_kind.as_str(), "province" | "helpdesk")
        && data.url(RECOMMENDED_PATH) == url.as_str()
}

/// The inbox of a list's publisher, to follow the list there; `None` (logged) when it cannot
/// be had: the list is then only refetched on the interval. Network work.
pub async fn publisher_inbox(data: &Fed, publisher: &Url) -> Option<Target> {
    match ObjectId::<RemoteActor>::from(publisher.clone())
        .dereference(data)
        .await
    {
        Ok(actor) => target(actor.shared_inbox_or_inbox().as_str()),
        Err(err) => {
            tracing::warn!(%publisher, error = %err, "a list's publisher cannot be followed");
            None
        }
    }
}

/// Our instance actor follows the list at `list` through its publisher's `inbox`, so that it
/// hears of changes; in the caller's transaction.
pub async fn follow_list(
    db: &impl ConnectionTrait,
    data: &FederationData,
    list: &Url,
    inbox: Target,
) -> Result<(), FederationError> {
    let instance = actors::instance_actor_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let follow: Follow = outbox.activity(&instance, Ref(list.clone()), Addressing::default())?;
    outbox.record(&follow, vec![inbox.clone()]).await?;
    follows::upsert(
        db,
        NewFollow {
            follower: instance.to_string(),
            followed: list.to_string(),
            inbox: inbox.inbox,
            host: inbox.host,
            activity_id: follow.id.to_string(),
            accepted: false,
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// Our instance actor stops following a list (`Undo` of its `Follow`), if it did.
pub async fn unfollow_list(
    db: &impl ConnectionTrait,
    data: &FederationData,
    list: &Url,
) -> Result<(), FederationError> {
    let instance = actors::instance_actor_id(&data.base)?;
    let Some(existing) = follows::find(db, instance.as_str(), list.as_str()).await? else {
        return Ok(());
    };
    let outbox = Outbox::new(db, data);
    let follow = Follow::new(
        Url::parse(&existing.activity_id)?,
        instance.clone(),
        Ref(list.clone()),
        Addressing::default(),
    );
    let undone = IdOr::Object(Box::new(AnyObject::Follow(follow)));
    let undo: Undo = outbox.activity(&instance, undone, Addressing::default())?;
    outbox
        .record(&undo, target(&existing.inbox).into_iter().collect())
        .await?;
    follows::remove(db, instance.as_str(), list.as_str()).await?;
    Ok(())
}

/// Tells the instances following our recommended list that it changed: an `Update` naming
/// the collection by id, from our organization; in the caller's transaction.
pub async fn announce_change(
    db: &impl ConnectionTrait,
    data: &FederationData,
) -> Result<(), FederationError> {
    let list = Url::parse(&data.url(RECOMMENDED_PATH))?;
    let outbox = Outbox::new(db, data);
    let targets = outbox.followers(&[list.as_str()]).await?;
    if targets.is_empty() {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    let update: Update = outbox.stamped(&organization, IdOr::Id(list), Addressing::default())?;
    outbox.record(&update, targets).await?;
    Ok(())
}

/// An `Update` by `actor` naming `object`: when `object` is a list we subscribe to on the
/// actor's host, the list is marked for fetching again (nothing embedded is believed).
/// Returns whether it was such a list.
pub async fn update_received(
    data: &Fed,
    actor: &Url,
    object: &Url,
) -> Result<bool, FederationError> {
    if !same_origin(actor, object) {
        return Ok(false);
    }
    let due =
        inspraak_db::blocklists::request_refresh(&data.db, object.as_str(), Utc::now()).await?;
    if due {
        tracing::info!(list = %object, "a subscribed blocklist changed");
    }
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(items: Value) -> BlocklistDocument {
        serde_json::from_value(json!({
            "id": "https://provincie.example/blocklists/recommended",
            "type": "OrderedCollection",
            "totalItems": 2,
            "orderedItems": items,
        }))
        .expect("document")
    }

    #[test]
    fn a_list_is_checked_entry_by_entry() {
        let url = Url::parse("https://provincie.example/blocklists/recommended").expect("url");
        let good = document(json!([
            {"type": "DomainBlock", "domain": "Spam.Example", "severity": "suspend", "summary": "spam"},
            {"type": "DomainBlock", "domain": "gemeente.example", "severity": "suspend"},
            {"type": "DomainBlock", "domain": "provincie.example", "severity": "silence"},
        ]));
        let entries = check_document(good, &url, "gemeente.example").expect("valid");
        assert_eq!(entries.len(), 1, "our host and the list's are left out");
        assert_eq!(entries[0].host, "spam.example");
        let bad = document(
            json!([{"type": "DomainBlock", "domain": "not a host", "severity": "suspend"}]),
        );
        assert!(check_document(bad, &url, "gemeente.example").is_err());
        let huge: Vec<Value> = (0..=MAX_ENTRIES)
            .map(|i| json!({"type": "DomainBlock", "domain": format!("s{i}.example"), "severity": "suspend"}))
            .collect();
        assert!(check_document(document(Value::Array(huge)), &url, "x.example").is_err());
    }
}
