//! The JSON-LD `@context` we publish. Every extension term we use is declared, because JSON-LD
//! processors (Fedify, for one) drop undeclared terms. Received contexts are never read: every
//! peer sends a different one and the terms we read are the usual compacted names.

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{Map, Value};

const ACTIVITYSTREAMS: &str = "https://www.w3.org/ns/activitystreams";
const SECURITY: &str = "https://w3id.org/security/v1";

/// The extension terms of actor documents: the directory terms, a reused process's origin,
/// and what the helpdesk's catalogue reads (themes as `Hashtag`s, phases, province).
const ACTOR_TERMS: [(&str, &str); 12] = [
    ("toot", "http://joinmastodon.org/ns#"),
    ("discoverable", "toot:discoverable"),
    ("manuallyApprovesFollowers", "as:manuallyApprovesFollowers"),
    ("Hashtag", "as:Hashtag"),
    ("inspraak", "https://inspraak.nl/ns#"),
    ("derivedFrom", "inspraak:derivedFrom"),
    ("province", "inspraak:province"),
    ("phases", "inspraak:phases"),
    ("Phase", "inspraak:Phase"),
    ("phaseKind", "inspraak:phaseKind"),
    ("startDate", "inspraak:startDate"),
    ("endDate", "inspraak:endDate"),
];

/// The extension terms of objects and activities.
const OBJECT_TERMS: [(&str, &str); 9] = [
    ("toot", "http://joinmastodon.org/ns#"),
    ("votersCount", "toot:votersCount"),
    ("discoverable", "toot:discoverable"),
    ("sensitive", "as:sensitive"),
    ("Hashtag", "as:Hashtag"),
    ("manuallyApprovesFollowers", "as:manuallyApprovesFollowers"),
    ("inspraak", "https://inspraak.nl/ns#"),
    ("status", "inspraak:status"),
    ("officialAnswer", "inspraak:officialAnswer"),
];

/// Which of our two contexts a document carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Context {
    /// Objects and activities: AS2, security, and the poll, hashtag and answer terms.
    #[default]
    Objects,
    /// Actor documents: AS2, security (keys), and the directory terms.
    Actors,
}

impl Context {
    fn terms(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Context::Objects => &OBJECT_TERMS,
            Context::Actors => &ACTOR_TERMS,
        }
    }

    /// The context as a JSON value, for documents that are built as values.
    pub fn to_value(self) -> Value {
        let terms: Map<String, Value> = self
            .terms()
            .iter()
            .map(|(term, iri)| ((*term).to_owned(), Value::from(*iri)))
            .collect();
        Value::Array(vec![
            Value::from(ACTIVITYSTREAMS),
            Value::from(SECURITY),
            Value::Object(terms),
        ])
    }
}

struct Terms(&'static [(&'static str, &'static str)]);

impl Serialize for Terms {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(3))?;
        seq.serialize_element(ACTIVITYSTREAMS)?;
        seq.serialize_element(SECURITY)?;
        seq.serialize_element(&Terms(self.terms()))?;
        seq.end()
    }
}

/// A document with our context in front, as stored and served at its id.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WithContext<T> {
    /// The context.
    #[serde(rename = "@context")]
    pub context: Context,
    /// The document.
    #[serde(flatten)]
    pub inner: T,
}

impl<T> WithContext<T> {
    /// `inner` with the objects' context.
    pub fn new(inner: T) -> Self {
        Self {
            context: Context::Objects,
            inner,
        }
    }
}
