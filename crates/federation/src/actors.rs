//! The actors this instance hosts, as ActivityPub documents.
//!
//! | actor | type | id |
//! |---|---|---|
//! | the instance (signs fetches, FEP-2677) | `Application` | `{base}/actor` |
//! | the municipality, province or helpdesk | `Organization` | `{base}/organization` |
//! | a consultation (FEP-1b12) | `Group` | `{base}/consultations/{slug}` |
//! | a province deal | `Group` (`provinceDeal`) | `{base}/deals/{slug}` |

use crate::FederationError;
use crate::keys::ActorKeys;
use crate::objects::escape;
use crate::protocol::context::Context;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::PhaseDocument;
use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use inspraak_domain::Phase;
use url::Url;

pub use crate::protocol::objects::{ActorDocument, Endpoints};

/// The URLs every actor hosted here has, derived from its id and the instance's base URL.
fn document(
    base: &Url,
    id: Url,
    kind: ActorKind,
    username: &str,
    name: &str,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let under =
        |suffix: &str| Url::parse(&format!("{}/{suffix}", id.as_str().trim_end_matches('/')));
    Ok(ActorDocument {
        context: Some(Context::Actors),
        inbox: Some(under("inbox")?),
        outbox: Some(under("outbox")?),
        followers: Some(under("followers")?),
        public_key: Some(PublicKey {
            id: format!("{id}#main-key"),
            owner: id.clone(),
            public_key_pem: keys.public_pem.clone(),
        }),
        endpoints: Some(Endpoints {
            shared_inbox: Some(base.join("/inbox")?),
        }),
        url: Some(id.clone()),
        id,
        kind,
        preferred_username: Some(username.to_owned()),
        name: Some(name.to_owned()),
        summary: None,
        manually_approves_followers: Some(false),
        discoverable: Some(true),
        attributed_to: None,
        published: None,
        derived_from: None,
        province_deal: None,
        province: None,
        tag: Default::default(),
        phases: Default::default(),
        assertion_method: Default::default(),
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
        ActorKind::Application,
        INSTANCE_USERNAME,
        instance_name,
        keys,
    )?;
    doc.url = Some(base.clone());
    doc.discoverable = Some(false);
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
        ActorKind::Organization,
        organization_username(kind),
        instance_name,
        keys,
    )?;
    doc.url = Some(base.clone());
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
    /// The consultation whose process it reuses.
    pub derived_from: Option<&'a str>,
    /// Its themes, as `Hashtag`s.
    pub themes: &'a [String],
    /// Its phases with their dates.
    pub phases: &'a [Phase],
    /// The province the instance names in its configuration.
    pub province: Option<&'a str>,
}

/// A phase as a `Group` carries it.
pub fn phase_document(phase: &Phase) -> PhaseDocument {
    PhaseDocument {
        kind: Default::default(),
        name: phase.title.clone(),
        phase_kind: Some(phase.kind.as_str().to_owned()),
        start_date: phase.starts_on,
        end_date: phase.ends_on,
    }
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
        ActorKind::Group,
        facts.slug,
        facts.title,
        keys,
    )?;
    doc.summary = Some(format!("<p>{}</p>", escape(facts.summary)));
    doc.attributed_to = Some(organization_id(base)?);
    doc.published = facts.published;
    doc.derived_from = facts.derived_from.map(Url::parse).transpose()?;
    doc.province = facts.province.map(str::to_owned);
    doc.tag = facts
        .themes
        .iter()
        .map(|theme| crate::objects::hashtag(base.as_str(), theme))
        .collect::<Result<Vec<_>, FederationError>>()?
        .into();
    doc.phases = facts
        .phases
        .iter()
        .map(phase_document)
        .collect::<Vec<_>>()
        .into();
    Ok(doc)
}

/// What a province deal's `Group` shows.
pub struct DealFacts<'a> {
    /// Its ActivityPub id.
    pub ap_id: &'a str,
    /// Its slug: the handle's local part.
    pub slug: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its summary, as plain text.
    pub summary: &'a str,
    /// When it was made.
    pub published: DateTime<Utc>,
}

/// A province deal as a `Group` that municipalities `Join` and anyone may follow; it
/// announces its members' new consultations.
pub fn deal(
    base: &Url,
    facts: DealFacts<'_>,
    keys: &ActorKeys,
) -> Result<ActorDocument, FederationError> {
    let mut doc = document(
        base,
        Url::parse(facts.ap_id)?,
        ActorKind::Group,
        facts.slug,
        facts.name,
        keys,
    )?;
    doc.summary = Some(format!("<p>{}</p>", escape(facts.summary)));
    doc.attributed_to = Some(organization_id(base)?);
    doc.published = Some(facts.published);
    doc.province_deal = Some(true);
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
        ActorKind::Person,
        username,
        display_name,
        keys,
    )?;
    doc.url = Some(base.clone());
    doc.discoverable = Some(false);
    Ok(doc)
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
            derived_from: None,
            themes: &["groen".to_owned()],
            phases: &[],
            province: Some("Zuid-Holland"),
        };
        let doc = group(&base, facts, &keys()).expect("group");
        let url = |s: &str| Url::parse(s).expect("url");
        assert_eq!(doc.kind, ActorKind::Group);
        assert_eq!(doc.preferred_username.as_deref(), Some("stationsplein"));
        assert_eq!(
            doc.inbox,
            Some(url(
                "https://inspraak.gemeente.example/consultations/stationsplein/inbox"
            ))
        );
        assert_eq!(
            doc.endpoints.as_ref().and_then(|e| e.shared_inbox.clone()),
            Some(url("https://inspraak.gemeente.example/inbox"))
        );
        let key = doc.public_key.as_ref().expect("key");
        assert_eq!(
            key.id,
            "https://inspraak.gemeente.example/consultations/stationsplein#main-key"
        );
        assert_eq!(
            key.owner,
            url("https://inspraak.gemeente.example/consultations/stationsplein")
        );
        assert_eq!(
            doc.attributed_to,
            Some(url("https://inspraak.gemeente.example/organization"))
        );
        assert_eq!(doc.summary.as_deref(), Some("<p>Meer &lt;groen&gt;</p>"));
        assert_eq!(doc.tag[0].name.as_deref(), Some("#groen"));
        assert_eq!(doc.province.as_deref(), Some("Zuid-Holland"));
        let text = serde_json::to_string(&doc).expect("json");
        assert!(
            text.contains(r#""discoverable":"toot:discoverable""#),
            "extension terms are declared"
        );
        assert!(text.contains(r#""sharedInbox":"https://inspraak.gemeente.example/inbox""#));
    }

    #[test]
    fn organization_handles_follow_the_instance_kind() {
        assert_eq!(organization_username("municipality"), "gemeente");
        assert_eq!(organization_username("province"), "provincie");
        assert_eq!(organization_username("helpdesk"), "helpdesk");
    }
}
