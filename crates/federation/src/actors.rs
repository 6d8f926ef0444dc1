//! The actors this instance hosts, as ActivityPub documents.
//!
//! | actor | type | id |
//! |---|---|---|
//! | the instance (signs fetches, FEP-2677) | `Application` | `{base}/actor` |
//! | the municipality, province or helpdesk | `Organization` | `{base}/organization` |
//! | a consultation (FEP-1b12) | `Group` | `{base}/consultations/{slug}` |

use crate::FederationError;
use crate::keys::ActorKeys;
use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

/// The JSON-LD context of actor documents: every extension term used is declared, because
/// JSON-LD processors (Fedify, for one) drop undeclared terms.
pub fn actor_context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers"
        }
    ])
}

/// Where an actor's shared inbox is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The instance-wide inbox.
    pub shared_inbox: Url,
}

/// An actor document.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    /// JSON-LD context.
    #[serde(rename = "@context")]
    pub context: Value,
    /// The actor's id.
    pub id: Url,
    /// `Application`, `Organization` or `Group`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The handle's local part; Mastodon requires it and checks it against WebFinger.
    pub preferred_username: String,
    /// Display name.
    pub name: String,
    /// Short description (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The web page for people.
    pub url: Url,
    /// Where activities for this actor go.
    pub inbox: Url,
    /// What it published.
    pub outbox: Url,
    /// Who follows it.
    pub followers: Url,
    /// Its key, for HTTP signatures.
    pub public_key: PublicKey,
    /// The shared inbox.
    pub endpoints: Endpoints,
    /// Follows are accepted automatically.
    pub manually_approves_followers: bool,
    /// May be listed in directories.
    pub discoverable: bool,
    /// For a `Group`: the organization behind it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Url>,
    /// When it was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

/// The URLs every actor hosted here has, derived from its id and the instance's base URL.
fn document(
    base: &Url,
    id: Url,
    kind: &'static str,
    username: &str,
    name: &str,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let under =
        |suffix: &str| Url::parse(&format!("{}/{suffix}", id.as_str().trim_end_matches('/')));
    Ok(ActorDocument {
        context: actor_context(),
        inbox: under("inbox")?,
        outbox: under("outbox")?,
        followers: under("followers")?,
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.clone(),
            public_key_pem: keys.public_pem.clone(),
        },
        endpoints: Endpoints {
            shared_inbox: base.join("/inbox")?,
        },
        url: id.clone(),
        id,
        kind,
        preferred_username: username.to_owned(),
        name: name.to_owned(),
        summary: None,
        manually_approves_followers: false,
        discoverable: true,
        attributed_to: None,
        published: None,
    })
}

/// The instance actor's id.
pub fn instance_actor_id(base: &Url) -> Result<Url, FederationError> {
    Ok(base.join("/actor")?)
}

/// The organization actor's id.
pub fn organization_id(base: &Url) -> Result<Url, FederationError> {
    Ok(base.join("/organization")?)
}

/// The handle of the instance actor (`acct:inspraak@host`); reserved, like the organization's.
pub const INSTANCE_USERNAME: &str = "inspraak";

/// The handle of the organization actor for an instance kind: `gemeente`, `provincie` or
/// `helpdesk`.
pub fn organization_username(kind: &str) -> &'static str {
    match kind {
        "province" => "provincie",
        "helpdesk" => "helpdesk",
        _ => "gemeente",
    }
}

/// The instance `Application` actor; it signs fetches so authorized-fetch servers answer.
pub fn application(
    base: &Url,
    instance_name: &str,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let mut doc = document(
        base,
        instance_actor_id(base)?,
        "Application",
        INSTANCE_USERNAME,
        instance_name,
        keys,
    )?;
    doc.url = base.clone();
    doc.discoverable = false;
    Ok(doc)
}

/// The municipality (or province, or helpdesk) as an `Organization` that people can follow.
pub fn organization(
    base: &Url,
    kind: &str,
    instance_name: &str,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let mut doc = document(
        base,
        organization_id(base)?,
        "Organization",
        organization_username(kind),
        instance_name,
        keys,
    )?;
    doc.url = base.clone();
    Ok(doc)
}

/// What a consultation's `Group` shows.
pub struct GroupFacts<'a> {
    /// Its ActivityPub id.
    pub ap_id: &'a str,
    /// Its slug: the handle's local part.
    pub slug: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its summary, as plain text.
    pub summary: &'a str,
    /// When it was published.
    pub published: Option<DateTime<Utc>>,
}

/// A consultation as a `Group` (FEP-1b12) that announces what happens in it.
pub fn group(
    base: &Url,
    facts: GroupFacts<'_>,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let mut doc = document(
        base,
        Url::parse(facts.ap_id)?,
        "Group",
        facts.slug,
        facts.title,
        keys,
    )?;
    doc.summary = Some(format!("<p>{}</p>", escape(facts.summary)));
    doc.attributed_to = Some(organization_id(base)?);
    doc.published = facts.published;
    Ok(doc)
}

/// A resident or staff member as a `Person`: only the public name, which the site shows next
/// to their contributions anyway. Their comments and proposals are attributed to it.
pub fn person(
    base: &Url,
    ap_id: &str,
    username: &str,
    display_name: &str,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let mut doc = document(
        base,
        Url::parse(ap_id)?,
        "Person",
        username,
        display_name,
        keys,
    )?;
    doc.url = base.clone();
    doc.discoverable = false;
    Ok(doc)
}

/// Escapes text for use inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> ActorKeys {
        ActorKeys {
            public_pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into(),
            private_pem: None,
        }
    }

    #[test]
    fn a_group_has_the_fields_mastodon_needs() {
        let base = Url::parse("https://inspraak.gemeente.example").expect("url");
        let facts = GroupFacts {
            ap_id: "https://inspraak.gemeente.example/consultations/stationsplein",
            slug: "stationsplein",
            title: "Stationsplein",
            summary: "Meer <groen>",
            published: None,
        };
        let json =
            serde_json::to_value(group(&base, facts, &keys()).expect("group")).expect("json");
        assert_eq!(json["type"], "Group");
        assert_eq!(json["preferredUsername"], "stationsplein");
        assert_eq!(
            json["inbox"],
            "https://inspraak.gemeente.example/consultations/stationsplein/inbox"
        );
        assert_eq!(
            json["endpoints"]["sharedInbox"],
            "https://inspraak.gemeente.example/inbox"
        );
        assert_eq!(
            json["publicKey"]["id"],
            "https://inspraak.gemeente.example/consultations/stationsplein#main-key"
        );
        assert_eq!(
            json["publicKey"]["owner"],
            "https://inspraak.gemeente.example/consultations/stationsplein"
        );
        assert_eq!(
            json["attributedTo"],
            "https://inspraak.gemeente.example/organization"
        );
        assert_eq!(json["summary"], "<p>Meer &lt;groen&gt;</p>");
        assert!(
            json["@context"][2]["discoverable"].is_string(),
            "extension terms are declared"
        );
    }

    #[test]
    fn organization_handles_follow_the_instance_kind() {
        assert_eq!(organization_username("municipality"), "gemeente");
        assert_eq!(organization_username("province"), "provincie");
        assert_eq!(organization_username("helpdesk"), "helpdesk");
    }
}
