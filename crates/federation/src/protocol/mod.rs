//! Every ActivityPub message shape Inspraak sends or accepts, as serde types: objects
//! (`Page`, `Note`, `Question`, actors, `Tombstone`), activities (`Create` … `Flag`), the
//! inbound dispatch enum, our `@context`, and NodeInfo. Reading is lenient where peers differ
//! (see [`values`] and [`compat`]); writing always produces the same shapes.

pub mod activities;
pub mod compat;
pub mod context;
pub mod kind;
pub mod nodeinfo;
pub mod objects;
pub mod values;

use std::sync::LazyLock;
use url::Url;

/// The ActivityStreams Public collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

static PUBLIC_URL: LazyLock<Url> =
    LazyLock::new(|| Url::parse(PUBLIC).expect("the Public collection is a valid URL"));

/// The Public collection as a URL.
pub fn public() -> Url {
    PUBLIC_URL.clone()
}
