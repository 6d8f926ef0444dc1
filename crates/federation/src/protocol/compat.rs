//! The one place that reads untyped JSON: what peers send in shapes too varied for a struct
//! (an id as a string, an object, or a one-element list; text that may be missing or not a
//! string; dates that may not parse), and activities we pass on exactly as received.
//!
//! Everything here is lenient on purpose: a field we cannot read becomes `None` (or is
//! dropped from a list) instead of refusing the whole activity, as the code did before typing.

use super::values::IdOr;
use chrono::{DateTime, Utc};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// The id in a JSON-LD reference: a string, or an object with an `id`, or a one-element list
/// of either.
pub fn id_of(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o.get("id").and_then(id_of_string),
        Value::Array(items) if items.len() == 1 => items.first().and_then(id_of),
        _ => None,
    }
}

fn id_of_string(value: &Value) -> Option<Url> {
    value.as_str().and_then(|s| Url::parse(s).ok())
}

/// The `type` of a JSON object, when it is a single string.
pub fn kind_of(value: &Value) -> Option<&str> {
    value.get("type").and_then(Value::as_str)
}

/// Reads an id-or-object field: a string or one-element list is an id; an object is read as
/// `T`, and kept by its id when it cannot be read (it is then fetched, never trusted).
pub fn id_or<T: DeserializeOwned>(value: Value) -> Result<IdOr<T>, String> {
    match value {
        Value::Object(_) => match T::deserialize(&value) {
            Ok(object) => Ok(IdOr::Object(Box::new(object))),
            Err(err) => {
                tracing::debug!(%err, "embedded object kept by its id");
                id_of(&value)
                    .map(IdOr::Id)
                    .ok_or_else(|| format!("an embedded object without an id: {err}"))
            }
        },
        Value::Array(mut items) if items.len() == 1 => id_or(items.remove(0)),
        other => id_of(&other)
            .map(IdOr::Id)
            .ok_or_else(|| "expected an id or an object".to_owned()),
    }
}

/// Reads a one-or-many field, dropping entries that cannot be read.
pub fn one_or_many<T: DeserializeOwned>(value: Value) -> Vec<T> {
    let items = match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .filter_map(|item| {
            T::deserialize(&item)
                .inspect_err(|err| tracing::debug!(%err, "list entry ignored"))
                .ok()
        })
        .collect()
}

/// `deserialize_with` for an optional reference (string, object with `id`, one-element list).
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    Ok(id_of(&Value::deserialize(d)?))
}

/// `deserialize_with` for an actor, which must be there but may be an object.
pub fn required_reference<'de, D: Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    id_of(&Value::deserialize(d)?)
        .ok_or_else(|| serde::de::Error::custom("expected an id, or an object with an id"))
}

/// `deserialize_with` for text that may be missing or not a string.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// `deserialize_with` for an RFC 3339 time; anything else is no time.
pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Value::deserialize(d)?
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

/// `deserialize_with` for a count; anything but a non-negative integer is no count.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Value::deserialize(d)?.as_u64())
}

/// `deserialize_with` for a `url`: a string, a `Link` with `href`, or a list of those.
pub fn href<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    Ok(href_of(&Value::deserialize(d)?))
}

fn href_of(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o.get("href").and_then(id_of_string),
        Value::Array(items) => items.iter().find_map(href_of),
        _ => None,
    }
}

/// `deserialize_with` for a nested object that may be malformed: then it is absent.
pub fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(&value)
        .inspect_err(|err| tracing::debug!(%err, "unreadable field ignored"))
        .ok())
}

/// A document as JSON, for the few places that hand out values. Our own types always
/// serialise; a failure would be a bug, logged and answered with `null`.
pub fn to_value(document: &impl Serialize) -> Value {
    serde_json::to_value(document).unwrap_or_else(|err| {
        tracing::error!(%err, "a document could not be serialised");
        Value::Null
    })
}

/// Something of a type we do not model, or an activity we pass on exactly as received (a
/// reply we announce to a group's followers keeps every field its author sent).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct OtherObject(Value);

impl OtherObject {
    /// Keeps `value` as it is, without its `@context` (it travels embedded).
    pub fn verbatim(mut value: Value) -> Self {
        if let Value::Object(map) = &mut value {
            map.remove("@context");
        }
        Self(value)
    }

    /// Its id, when it has one.
    pub fn id(&self) -> Option<Url> {
        self.0.get("id").and_then(id_of_string)
    }

    /// Its type, when it is a single string.
    pub fn kind(&self) -> &str {
        kind_of(&self.0).unwrap_or_default()
    }

    /// Its `actor`, for activities.
    pub fn actor(&self) -> Option<Url> {
        self.0.get("actor").and_then(id_of)
    }

    /// Its `attributedTo`, for objects.
    pub fn attributed_to(&self) -> Option<Url> {
        self.0.get("attributedTo").and_then(id_of)
    }

    /// What it is finally about: the object inside any embedded activities.
    pub fn subject(&self) -> Option<Url> {
        let mut object = &self.0;
        while matches!(
            kind_of(object),
            Some("Create" | "Update" | "Delete" | "Announce" | "Undo" | "Accept")
        ) {
            match object.get("object") {
                Some(inner) => object = inner,
                None => return None,
            }
        }
        id_of(object)
    }
}
