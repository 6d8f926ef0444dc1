//! Field shapes peers send in more than one way: one value or a list, an id or the object
//! itself, and the addressing every object and activity carries.

use super::compat;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::ops::Deref;
use url::Url;

/// A list that peers may also send as a single value (JSON-LD compaction turns a one-element
/// array into the element). Entries that cannot be read are dropped rather than failing the
/// whole document. Always sent as an array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Deref for OneOrMany<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(compat::one_or_many(Value::deserialize(deserializer)?)))
    }
}

/// A reference that is either the id of something or that thing embedded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum IdOr<T> {
    /// Only the id was sent.
    Id(Url),
    /// The object itself was embedded.
    Object(Box<T>),
}

impl<T> IdOr<T> {
    /// The embedded object, if it was embedded.
    pub fn object(&self) -> Option<&T> {
        match self {
            IdOr::Id(_) => None,
            IdOr::Object(object) => Some(object),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for IdOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        compat::id_or(Value::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// A reference read only for its id: a URL, or an object with an `id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ref(pub Url);

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        compat::id_of(&Value::deserialize(deserializer)?)
            .map(Ref)
            .ok_or_else(|| D::Error::custom("expected an id, or an object with an id"))
    }
}

/// Who an object or activity is addressed to, and the group it belongs to (FEP-1b12).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addressing {
    /// Primary recipients.
    #[serde(default, skip_serializing_if = "<[Url]>::is_empty")]
    pub to: OneOrMany<Url>,
    /// Copies.
    #[serde(default, skip_serializing_if = "<[Url]>::is_empty")]
    pub cc: OneOrMany<Url>,
    /// The consultation's `Group`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub audience: Option<Url>,
}
