//! How other servers find our actors: WebFinger (RFC 7033, as Mastodon uses it) and NodeInfo
//! 2.1 (FEP-f1d5) with the instance-actor link of FEP-2677.

use crate::protocol::compat;
use crate::protocol::nodeinfo::{
    Metadata, NodeInfo, NodeInfoLink, NodeInfoLinks, NodeUsage, Services, Software, UserCount,
};
use activitypub_federation::fetch::webfinger::{Webfinger, WebfingerLink};
use serde_json::Value;
use url::Url;

/// The `host[:port]` part of a handle for an instance at `base`.
pub fn handle_host(base: &Url) -> String {
    match (base.host_str(), base.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// The local part of `acct:name@host` when `host` is ours; `None` otherwise. Accepts the
/// resource with or without the `acct:` scheme, as servers send both.
pub fn local_name<'a>(resource: &'a str, base: &Url) -> Option<&'a str> {
    let handle = resource
        .strip_prefix("acct:")
        .unwrap_or(resource)
        .trim_start_matches('@');
    let (name, host) = handle.rsplit_once('@')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    (valid && host.eq_ignore_ascii_case(&handle_host(base))).then_some(name)
}

/// The WebFinger answer for an actor: a `self` link to its ActivityPub document (with its
/// type, so a client can tell a `Group` from a `Person`) and a profile-page link for people.
pub fn webfinger(name: &str, base: &Url, actor: Url, kind: &str, profile: Url) -> Webfinger {
    let type_property = Url::parse("https://www.w3.org/ns/activitystreams#type")
        .ok()
        .map(|key| (key, kind.to_owned()));
    Webfinger {
        subject: format!("acct:{name}@{}", handle_host(base)),
        aliases: vec![actor.clone()],
        links: vec![
            WebfingerLink {
                rel: Some("self".into()),
                kind: Some(crate::ACTIVITY_JSON.into()),
                href: Some(actor),
                properties: type_property.into_iter().collect(),
                ..Default::default()
            },
            WebfingerLink {
                rel: Some("http://webfinger.net/rel/profile-page".into()),
                kind: Some("text/html".into()),
                href: Some(profile),
                ..Default::default()
            },
        ],
        properties: Default::default(),
    }
}

/// `/.well-known/nodeinfo`: where the NodeInfo document and the instance actor are.
pub fn nodeinfo_links(base: &Url) -> Value {
    let at = |path: &str| format!("{}{path}", base.as_str().trim_end_matches('/'));
    let link = |rel: &str, path: &str| NodeInfoLink {
        rel: rel.to_owned(),
        href: at(path),
    };
    compat::to_value(&NodeInfoLinks {
        links: vec![
            link(
                "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "/nodeinfo/2.1",
            ),
            link(
                "https://www.w3.org/ns/activitystreams#Application",
                "/actor",
            ),
        ],
    })
}

/// Figures for NodeInfo's `usage`.
pub struct Usage {
    /// Local accounts.
    pub users: u64,
    /// Local proposals and comments.
    pub local_posts: u64,
}

/// `/nodeinfo/2.1`.
pub fn nodeinfo(
    name: &str,
    kind: &str,
    version: &str,
    usage: Usage,
    open_registrations: bool,
) -> Value {
    compat::to_value(&NodeInfo {
        version: "2.1".into(),
        software: Software {
            name: "inspraak".into(),
            version: version.into(),
            repository: "https://example.invalid/inspraak".into(),
            homepage: "https://example.invalid/inspraak".into(),
        },
        protocols: vec![String::from("activitypub")],
        services: Services::default(),
        open_registrations,
        usage: NodeUsage {
            users: UserCount { total: usage.users },
            local_posts: usage.local_posts,
        },
        metadata: Metadata {
            node_name: name.into(),
            instance_kind: kind.into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_match_only_our_host_and_port() {
        let base = Url::parse("http://localhost:8080").expect("url");
        assert_eq!(
            local_name("acct:verkeersplan@localhost:8080", &base),
            Some("verkeersplan")
        );
        assert_eq!(
            local_name("verkeersplan@localhost:8080", &base),
            Some("verkeersplan")
        );
        assert_eq!(local_name("acct:verkeersplan@localhost:9090", &base), None);
        assert_eq!(local_name("acct:verkeersplan@elders.example", &base), None);
        assert_eq!(local_name("acct:<script>@localhost:8080", &base), None);
        let prod = Url::parse("https://inspraak.gemeente.example").expect("url");
        assert_eq!(handle_host(&prod), "inspraak.gemeente.example");
        assert_eq!(
            local_name("acct:gemeente@INSPRAAK.gemeente.example", &prod),
            Some("gemeente")
        );
    }

    #[test]
    fn the_webfinger_answer_links_the_actor_and_its_page() {
        let base = Url::parse("https://muni.example").expect("url");
        let actor = base.join("/consultations/plein").expect("url");
        let answer = webfinger(
            "plein",
            &base,
            actor,
            "Group",
            base.join("/consultations/plein").expect("url"),
        );
        assert_eq!(answer.subject, "acct:plein@muni.example");
        let own = &answer.links[0];
        assert_eq!(own.rel.as_deref(), Some("self"));
        assert_eq!(own.kind.as_deref(), Some("application/activity+json"));
        assert_eq!(
            own.href.as_ref().map(Url::as_str),
            Some("https://muni.example/consultations/plein")
        );
        let type_key = Url::parse("https://www.w3.org/ns/activitystreams#type").expect("url");
        assert_eq!(
            own.properties.get(&type_key).map(String::as_str),
            Some("Group")
        );
        assert_eq!(
            answer.links[1].rel.as_deref(),
            Some("http://webfinger.net/rel/profile-page")
        );
    }

    #[test]
    fn nodeinfo_reads_back_as_its_type() {
        let info = nodeinfo(
            "Gemeente",
            "municipality",
            "1.0",
            Usage {
                users: 2,
                local_posts: 3,
            },
            true,
        );
        let info: NodeInfo = serde_json::from_value(info).expect("nodeinfo");
        assert_eq!(info.version, "2.1");
        assert_eq!(info.usage.users.total, 2);
        assert_eq!(info.metadata.instance_kind, "municipality");
        let links: NodeInfoLinks = serde_json::from_value(nodeinfo_links(
            &Url::parse("https://a.example").expect("url"),
        ))
        .expect("links");
        assert_eq!(links.links[1].href, "https://a.example/actor");
    }
}
