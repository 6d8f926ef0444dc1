//! Objects: what activities carry and what we serve at our ids.

pub mod actor;
pub mod article;
pub mod budget;
pub mod collection;
pub mod common;
pub mod figures;
pub mod joint_vote;
pub mod note;
pub mod page;
pub mod phase;
pub mod process_template;
pub mod question;
pub mod tag;
pub mod tombstone;

pub use actor::{ActorDocument, Endpoints, Multikey, VerifiableActor};
pub use article::Article;
pub use budget::{BudgetOutcome, Image, ProjectPage};
pub use collection::CollectionSummary;
pub use common::Common;
pub use figures::FiguresReport;
pub use joint_vote::{JointVoteDocument, SignedObject, TallyDocument};
pub use note::Note;
pub use page::Page;
pub use phase::PhaseDocument;
pub use process_template::ProcessTemplateDocument;
pub use question::{Question, QuestionOption, Replies};
pub use tag::Tag;
pub use tombstone::Tombstone;

use super::activities::{Create, Delete, Follow, Join, Like, Update};
use super::compat::{self, OtherObject};
use super::values::{Addressing, IdOr};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::{Deserialize, Deserializer};
use serde_json::Value;
use url::Url;

/// Anything an activity may carry, or a fetch may return: read by its `type`. A known type
/// that cannot be read, and every unknown type, is kept as [`OtherObject`], so one odd
/// object never makes a whole activity unreadable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AnyObject {
    /// A proposal (or a long text from elsewhere sent as a `Page`).
    Page(Page),
    /// A guide of the national helpdesk, or an article from elsewhere.
    Article(Article),
    /// A budget project (a `Page` that names its `budget`).
    Project(Box<ProjectPage>),
    /// A budget's outcome (an `Article` that names its `budget`).
    Outcome(Box<BudgetOutcome>),
    /// A comment, reply or vote.
    Note(Note),
    /// A poll or statement.
    Question(Question),
    /// A removed object.
    Tombstone(Tombstone),
    /// An actor.
    Actor(Box<ActorDocument>),
    /// An embedded `Create`.
    Create(Create),
    /// An embedded `Update`.
    Update(Update),
    /// An embedded `Delete`.
    Delete(Delete),
    /// An embedded `Follow` (in `Undo`).
    Follow(Follow),
    /// An embedded `Like` (in `Undo`).
    Like(Like),
    /// An embedded `Join` (in `Accept` and `Reject`).
    Join(Join),
    /// A member's figures (in `Update`).
    Figures(Box<FiguresReport>),
    /// A joint vote (in `Invite`).
    JointVote(Box<JointVoteDocument>),
    /// A member's tally of a joint vote (in `Create`), as read.
    Tally(Box<TallyDocument>),
    /// A signed object we send, exactly as signed.
    Signed(SignedObject),
    /// Anything else, as sent.
    Other(OtherObject),
}

fn read<T: for<'a> Deserialize<'a>>(
    value: &Value,
    wrap: impl FnOnce(T) -> AnyObject,
) -> Result<AnyObject, serde_json::Error> {
    T::deserialize(value).map(wrap)
}

impl AnyObject {
    /// Reads a JSON document by its `type`; a `Page` or `Article` that names a `budget` is a
    /// budget project or outcome.
    pub fn from_value(value: Value) -> Self {
        let of_budget = value.get("budget").is_some();
        let parsed = match compat::kind_of(&value) {
            Some("Page") if of_budget => read(&value, |p| AnyObject::Project(Box::new(p))),
            Some("Article") if of_budget => read(&value, |o| AnyObject::Outcome(Box::new(o))),
            Some("Page") => read(&value, AnyObject::Page),
            Some("Article") => read(&value, AnyObject::Article),
            Some("Note") => read(&value, AnyObject::Note),
            Some("Question") => read(&value, AnyObject::Question),
            Some("Tombstone") => read(&value, AnyObject::Tombstone),
            Some(kind) if super::kind::ActorKind::NAMES.contains(&kind) => {
                read(&value, AnyObject::Actor)
            }
            Some("Create") => read(&value, AnyObject::Create),
            Some("Update") => read(&value, AnyObject::Update),
            Some("Delete") => read(&value, AnyObject::Delete),
            Some("Follow") => read(&value, AnyObject::Follow),
            Some("Like") => read(&value, AnyObject::Like),
            Some("Join") => read(&value, AnyObject::Join),
            Some("Statistics") => read(&value, |f| AnyObject::Figures(Box::new(f))),
            Some("JointVote") => read(&value, |v| AnyObject::JointVote(Box::new(v))),
            Some("Tally") => read(&value, |t| AnyObject::Tally(Box::new(t))),
            _ => return AnyObject::Other(OtherObject::verbatim(value)),
        };
        parsed.unwrap_or_else(|err| {
            tracing::debug!(%err, kind = compat::kind_of(&value), "object kept as sent");
            AnyObject::Other(OtherObject::verbatim(value))
        })
    }

    /// Its id, when it has one.
    pub fn id(&self) -> Option<Url> {
        match self {
            AnyObject::Page(o) => Some(o.id.clone()),
            AnyObject::Article(o) => Some(o.id.clone()),
            AnyObject::Project(o) => Some(o.id.clone()),
            AnyObject::Outcome(o) => Some(o.id.clone()),
            AnyObject::Note(o) => Some(o.id.clone()),
            AnyObject::Question(o) => Some(o.id.clone()),
            AnyObject::Tombstone(o) => Some(o.id.clone()),
            AnyObject::Actor(o) => Some(o.id.clone()),
            AnyObject::Create(a) => Some(a.id.clone()),
            AnyObject::Update(a) => Some(a.id.clone()),
            AnyObject::Delete(a) => Some(a.id.clone()),
            AnyObject::Follow(a) => Some(a.id.clone()),
            AnyObject::Like(a) => Some(a.id.clone()),
            AnyObject::Join(a) => Some(a.id.clone()),
            AnyObject::Figures(f) => Some(f.id.clone()),
            AnyObject::JointVote(v) => Some(v.id.clone()),
            AnyObject::Tally(t) => Some(t.id.clone()),
            AnyObject::Signed(o) => o.id(),
            AnyObject::Other(o) => o.id(),
        }
    }

    /// Its type's name.
    pub fn kind(&self) -> &str {
        match self {
            AnyObject::Page(o) => match o.kind {
                super::kind::PageKind::Page => "Page",
                super::kind::PageKind::Article => "Article",
            },
            AnyObject::Article(_) | AnyObject::Outcome(_) => "Article",
            AnyObject::Project(_) => "Page",
            AnyObject::Note(_) => "Note",
            AnyObject::Question(_) => "Question",
            AnyObject::Tombstone(_) => "Tombstone",
            AnyObject::Actor(o) => o.kind.name(),
            AnyObject::Create(_) => "Create",
            AnyObject::Update(_) => "Update",
            AnyObject::Delete(_) => "Delete",
            AnyObject::Follow(_) => "Follow",
            AnyObject::Like(_) => "Like",
            AnyObject::Join(_) => "Join",
            AnyObject::Figures(_) => "Statistics",
            AnyObject::JointVote(_) => "JointVote",
            AnyObject::Tally(_) => "Tally",
            AnyObject::Signed(o) => o.0.get("type").and_then(Value::as_str).unwrap_or_default(),
            AnyObject::Other(o) => o.kind(),
        }
    }

    /// For an activity: who did it.
    pub fn actor(&self) -> Option<Url> {
        match self {
            AnyObject::Create(a) => Some(a.actor.clone()),
            AnyObject::Update(a) => Some(a.actor.clone()),
            AnyObject::Delete(a) => Some(a.actor.clone()),
            AnyObject::Follow(a) => Some(a.actor.clone()),
            AnyObject::Like(a) => Some(a.actor.clone()),
            AnyObject::Join(a) => Some(a.actor.clone()),
            AnyObject::Other(o) => o.actor(),
            _ => None,
        }
    }

    /// For a `Page`, `Article`, `Note` or `Question` (budget projects and outcomes too): what
    /// they share.
    pub fn common(&self) -> Option<&Common> {
        match self {
            AnyObject::Page(o) => Some(&o.common),
            AnyObject::Article(o) => Some(&o.common),
            AnyObject::Project(o) => Some(&o.common),
            AnyObject::Outcome(o) => Some(&o.common),
            AnyObject::Note(o) => Some(&o.common),
            AnyObject::Question(o) => Some(&o.common),
            _ => None,
        }
    }

    /// For an object: its author.
    pub fn attributed_to(&self) -> Option<Url> {
        match self {
            AnyObject::Actor(o) => o.attributed_to.clone(),
            AnyObject::Figures(f) => Some(f.attributed_to.clone()),
            AnyObject::JointVote(v) => Some(v.attributed_to.clone()),
            AnyObject::Tally(t) => Some(t.attributed_to.clone()),
            AnyObject::Signed(o) => o.0.get("attributedTo").and_then(compat::id_of),
            AnyObject::Other(o) => o.attributed_to(),
            _ => self.common().and_then(|c| c.attributed_to.clone()),
        }
    }

    /// For an object: what it answers.
    pub fn in_reply_to(&self) -> Option<&Url> {
        match self {
            AnyObject::Note(o) => o.in_reply_to.as_ref(),
            _ => None,
        }
    }

    /// For an object: its HTML text.
    pub fn content(&self) -> Option<&str> {
        self.common().and_then(|c| c.content.as_deref())
    }

    /// For an object or actor: when it was published, as it says.
    pub fn published(&self) -> Option<DateTime<Utc>> {
        match self {
            AnyObject::Actor(o) => o.published,
            _ => self.common().and_then(|c| c.published),
        }
    }

    /// For an object: who it is addressed to.
    pub fn addressing(&self) -> Addressing {
        match self {
            AnyObject::Figures(f) => f.addressing.clone(),
            _ => self
                .common()
                .map(|c| c.addressing.clone())
                .unwrap_or_default(),
        }
    }

    /// For an activity: what it is finally about (the object inside any embedded
    /// activities); for an object: itself.
    pub fn subject(&self) -> Option<Url> {
        match self {
            AnyObject::Create(a) => a.object.subject(),
            AnyObject::Update(a) => a.object.subject(),
            AnyObject::Delete(a) => a.object.subject(),
            AnyObject::Other(o) => o.subject(),
            other => other.id(),
        }
    }
}

impl IdOr<AnyObject> {
    /// The id referred to or embedded.
    pub fn id(&self) -> Option<Url> {
        match self {
            IdOr::Id(id) => Some(id.clone()),
            IdOr::Object(object) => object.id(),
        }
    }

    /// What it is finally about (see [`AnyObject::subject`]).
    pub fn subject(&self) -> Option<Url> {
        match self {
            IdOr::Id(id) => Some(id.clone()),
            IdOr::Object(object) => object.subject(),
        }
    }
}

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::from_value(Value::deserialize(deserializer)?))
    }
}
