//! NodeInfo 2.1 (FEP-f1d5) and the discovery document that links it and the instance actor
//! (FEP-2677).

use serde::{Deserialize, Serialize};

/// `/.well-known/nodeinfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfoLinks {
    /// The NodeInfo document and the instance actor.
    pub links: Vec<NodeInfoLink>,
}

/// One link of [`NodeInfoLinks`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfoLink {
    /// What it links.
    pub rel: String,
    /// Where.
    pub href: String,
}

/// `/nodeinfo/2.1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfo {
    /// `2.1`.
    pub version: String,
    /// What runs here.
    pub software: Software,
    /// `activitypub`.
    pub protocols: Vec<String>,
    /// Bridges to other networks: none.
    pub services: Services,
    /// Whether anyone may sign up.
    pub open_registrations: bool,
    /// Accounts and posts.
    pub usage: NodeUsage,
    /// The instance's name and kind.
    pub metadata: Metadata,
}

/// NodeInfo's `software`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// `inspraak`.
    pub name: String,
    /// The running version.
    pub version: String,
    /// The source.
    pub repository: String,
    /// The project's site.
    pub homepage: String,
}

/// NodeInfo's `services`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Services {
    /// Networks we read from.
    pub inbound: Vec<String>,
    /// Networks we publish to.
    pub outbound: Vec<String>,
}

/// NodeInfo's `usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeUsage {
    /// Local accounts.
    pub users: UserCount,
    /// Local proposals and comments.
    pub local_posts: u64,
}

/// NodeInfo's `usage.users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCount {
    /// All local accounts.
    pub total: u64,
}

/// NodeInfo's `metadata`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The instance's name.
    pub node_name: String,
    /// `municipality`, `province` or `helpdesk`.
    pub instance_kind: String,
}
