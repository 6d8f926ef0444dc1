//! The JSON-LD `@context` we publish. Every extension term we use is declared, because JSON-LD
//! processors (Fedify, for one) drop undeclared terms. Received contexts are never read: every
//! peer sends a different one and the terms we read are the usual compacted names.

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{Map, Value};

const ACTIVITYSTREAMS: &str = "https://www.w3.org/ns/activitystreams";
const SECURITY: &str = "https://w3id.org/security/v1";

/// The extension terms of actor documents: the directory terms, a reused process's origin, a
/// province deal's mark, and what the helpdesk's catalogue reads (themes as `Hashtag`s,
/// phases, province).
const ACTOR_TERMS: [(&str, Term); 17] = [
    ("toot", Term::Iri("http://joinmastodon.org/ns#")),
    ("discoverable", Term::Iri("toot:discoverable")),
    (
        "manuallyApprovesFollowers",
        Term::Iri("as:manuallyApprovesFollowers"),
    ),
    ("Hashtag", Term::Iri("as:Hashtag")),
    ("inspraak", Term::Iri("https://inspraak.nl/ns#")),
    ("derivedFrom", Term::Iri("inspraak:derivedFrom")),
    ("provinceDeal", Term::Iri("inspraak:provinceDeal")),
    ("province", Term::Iri("inspraak:province")),
    ("phases", Term::Iri("inspraak:phases")),
    ("Phase", Term::Iri("inspraak:Phase")),
    ("phaseKind", Term::Iri("inspraak:phaseKind")),
    ("startDate", Term::Iri("inspraak:startDate")),
    ("endDate", Term::Iri("inspraak:endDate")),
    // FEP-521a: the Ed25519 keys an organization signs tallies with (security vocabulary).
    (
        "assertionMethod",
        Term::Id("https://w3id.org/security#assertionMethod"),
    ),
    ("Multikey", Term::Iri("https://w3id.org/security#Multikey")),
    (
        "controller",
        Term::Id("https://w3id.org/security#controller"),
    ),
    (
        "publicKeyMultibase",
        Term::Iri("https://w3id.org/security#publicKeyMultibase"),
    ),
];

/// The extension terms of objects and activities, with a budget project's cost, area,
/// categories and budget, the funded projects of a budget's outcome, a blocklist's
/// `DomainBlock` items, and joint votes with their tallies.
const OBJECT_TERMS: [(&str, Term); 31] = [
    ("toot", Term::Iri("http://joinmastodon.org/ns#")),
    ("votersCount", Term::Iri("toot:votersCount")),
    ("discoverable", Term::Iri("toot:discoverable")),
    ("sensitive", Term::Iri("as:sensitive")),
    ("Hashtag", Term::Iri("as:Hashtag")),
    (
        "manuallyApprovesFollowers",
        Term::Iri("as:manuallyApprovesFollowers"),
    ),
    ("inspraak", Term::Iri("https://inspraak.nl/ns#")),
    ("status", Term::Iri("inspraak:status")),
    ("officialAnswer", Term::Iri("inspraak:officialAnswer")),
    ("supports", Term::Iri("inspraak:supports")),
    ("Statistics", Term::Iri("inspraak:Statistics")),
    ("figures", Term::Json("inspraak:figures")),
    ("ProcessTemplate", Term::Iri("inspraak:ProcessTemplate")),
    ("template", Term::Json("inspraak:template")),
    ("cost", Term::Iri("inspraak:cost")),
    ("currency", Term::Iri("inspraak:currency")),
    ("area", Term::Iri("inspraak:area")),
    ("categories", Term::Iri("inspraak:categories")),
    ("feasible", Term::Iri("inspraak:feasible")),
    ("budget", Term::Id("inspraak:budget")),
    ("fundedProjects", Term::Id("inspraak:fundedProjects")),
    ("JointVote", Term::Iri("inspraak:JointVote")),
    ("options", Term::Json("inspraak:options")),
    ("multiple", Term::Iri("inspraak:multiple")),
    ("Tally", Term::Iri("inspraak:Tally")),
    ("jointVote", Term::Id("inspraak:jointVote")),
    ("voters", Term::Iri("inspraak:voters")),
    ("counts", Term::Json("inspraak:counts")),
    ("DomainBlock", Term::Iri("inspraak:DomainBlock")),
    ("domain", Term::Iri("inspraak:domain")),
    ("severity", Term::Iri("inspraak:severity")),
];

/// What a term stands for: an IRI; an IRI whose value is kept as plain JSON (`@json`), for
/// our figures, which no JSON-LD processor should take apart; or an IRI whose values are
/// themselves ids (`@id`), for links such as a project's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Iri(&'static str),
    Json(&'static str),
    Id(&'static str),
}

impl Term {
    fn to_value(self) -> Value {
        match self {
            Term::Iri(iri) => Value::from(iri),
            Term::Json(iri) => Value::Object(Map::from_iter([
                ("@id".to_owned(), Value::from(iri)),
                ("@type".to_owned(), Value::from("@json")),
            ])),
            Term::Id(iri) => Value::Object(Map::from_iter([
                ("@id".to_owned(), Value::from(iri)),
                ("@type".to_owned(), Value::from("@id")),
            ])),
        }
    }
}

impl Serialize for Term {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

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
    fn terms(self) -> &'static [(&'static str, Term)] {
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
            .map(|(term, value)| ((*term).to_owned(), value.to_value()))
            .collect();
        Value::Array(vec![
            Value::from(ACTIVITYSTREAMS),
            Value::from(SECURITY),
            Value::Object(terms),
        ])
    }
}

struct Terms(&'static [(&'static str, Term)]);

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
