//! Actor documents: ours (`Application`, `Organization`, `Group`, `Person`) and those of
//! others, read leniently.

use super::phase::PhaseDocument;
use super::tag::Tag;
use crate::protocol::compat;
use crate::protocol::context::Context;
use crate::protocol::kind::{ActorKind, MultikeyType};
use crate::protocol::values::OneOrMany;
use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// Where an actor's shared inbox is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The instance-wide inbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub shared_inbox: Option<Url>,
}

/// An actor document. Ours always fill every field; others may leave out all but `id` and
/// `type` (see [`VerifiableActor`] for what a signing actor must have).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    /// Our context when served; absent when embedded in an activity. Received contexts are
    /// not read.
    #[serde(
        rename = "@context",
        skip_deserializing,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<Context>,
    /// The actor's id.
    pub id: Url,
    /// `Person`, `Group`, `Organization`, `Application` or `Service`.
    #[serde(rename = "type")]
    pub kind: ActorKind,
    /// The handle's local part; Mastodon requires it and checks it against WebFinger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Short description (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The web page for people (a string or a `Link`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::href"
    )]
    pub url: Option<Url>,
    /// Where activities for this actor go.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub inbox: Option<Url>,
    /// What it published.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub outbox: Option<Url>,
    /// Who follows it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub followers: Option<Url>,
    /// Its key, for HTTP signatures. Several keys in a list are not understood.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::lenient"
    )]
    pub public_key: Option<PublicKey>,
    /// The shared inbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::lenient"
    )]
    pub endpoints: Option<Endpoints>,
    /// Whether follows wait for approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manually_approves_followers: Option<bool>,
    /// May be listed in directories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    /// For a `Group`: the organization behind it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub attributed_to: Option<Url>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub published: Option<DateTime<Utc>>,
    /// For a `Group`: the consultation whose process it reuses (`inspraak:derivedFrom`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub derived_from: Option<Url>,
    /// Set on a province deal's `Group`: municipalities may `Join` it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_deal: Option<bool>,
    /// For an `Organization` (and its `Group`s): the province it lies in
    /// (`inspraak:province`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub province: Option<String>,
    /// For a `Group`: its themes, as `Hashtag`s.
    #[serde(default, skip_serializing_if = "<[Tag]>::is_empty")]
    pub tag: OneOrMany<Tag>,
    /// For a `Group`: its phases with their dates (`inspraak:phases`); unreadable entries
    /// are dropped.
    #[serde(default, skip_serializing_if = "<[PhaseDocument]>::is_empty")]
    pub phases: OneOrMany<PhaseDocument>,
    /// For an `Organization`: the Ed25519 keys its signed objects verify with (FEP-521a);
    /// unreadable entries are dropped.
    #[serde(default, skip_serializing_if = "<[Multikey]>::is_empty")]
    pub assertion_method: OneOrMany<Multikey>,
}

/// A public key as FEP-521a publishes it: an Ed25519 key as a Multikey (`z6Mk…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Multikey {
    /// Its id, which proofs name as their `verificationMethod`.
    pub id: Url,
    /// `Multikey`.
    #[serde(rename = "type")]
    pub kind: MultikeyType,
    /// The actor it belongs to.
    #[serde(deserialize_with = "compat::required_reference")]
    pub controller: Url,
    /// The key, multibase-encoded.
    pub public_key_multibase: String,
}

/// An actor that can sign what it sends: an actor document with an inbox and a key. A
/// document without them fails to parse, as a fetched actor did before typing.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "ActorDocument")]
pub struct VerifiableActor {
    /// The document.
    pub document: ActorDocument,
    /// Its inbox.
    pub inbox: Url,
    /// Its key.
    pub public_key: PublicKey,
}

impl TryFrom<ActorDocument> for VerifiableActor {
    type Error = String;

    fn try_from(document: ActorDocument) -> Result<Self, String> {
        let inbox = document
            .inbox
            .clone()
            .ok_or_else(|| format!("actor {} has no inbox", document.id))?;
        let public_key = document
            .public_key
            .clone()
            .ok_or_else(|| format!("actor {} has no usable publicKey", document.id))?;
        Ok(Self {
            document,
            inbox,
            public_key,
        })
    }
}
