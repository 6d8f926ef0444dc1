//! The values of `type`: one single-valued enum per activity or object type we send, so a
//! struct can only ever serialise with its own type, and the open sets (actors, tags) with a
//! catch-all for what others send.

use serde::{Deserialize, Serialize};

/// A `type` with exactly one value, known at compile time.
pub trait Kind: Default + Serialize {
    /// The type's name on the wire.
    const NAME: &'static str;
}

macro_rules! single_kinds {
    ($($name:ident => $variant:ident),* $(,)?) => {$(
        #[doc = concat!("The `", stringify!($variant), "` type.")]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            #[doc = concat!("`", stringify!($variant), "`.")]
            #[default]
            $variant,
        }

        impl Kind for $name {
            const NAME: &'static str = stringify!($variant);
        }
    )*};
}

single_kinds! {
    CreateType => Create,
    UpdateType => Update,
    DeleteType => Delete,
    AnnounceType => Announce,
    FollowType => Follow,
    AcceptType => Accept,
    RejectType => Reject,
    UndoType => Undo,
    LikeType => Like,
    FlagType => Flag,
    JoinType => Join,
    LeaveType => Leave,
    RemoveType => Remove,
    OfferType => Offer,
    StatisticsType => Statistics,
    InviteType => Invite,
    JointVoteType => JointVote,
    TallyType => Tally,
    MultikeyType => Multikey,
    ProcessTemplateType => ProcessTemplate,
    NoteType => Note,
    ArticleType => Article,
    PageType => Page,
    ImageType => Image,
    PhaseType => Phase,
    QuestionType => Question,
    TombstoneType => Tombstone,
    CollectionType => Collection,
    OrderedCollectionType => OrderedCollection,
}

/// `Page`, or `Article` as Lemmy-like and blog software sends long texts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageKind {
    /// A proposal: title, summary, link.
    #[default]
    Page,
    /// A long text from elsewhere, read like a `Page`.
    Article,
}

/// The actor types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    /// A resident, or a fediverse account.
    Person,
    /// A consultation (FEP-1b12).
    Group,
    /// A municipality, province or helpdesk.
    Organization,
    /// The instance actor.
    Application,
    /// A bot.
    Service,
    /// Anything else: refused where an actor is needed.
    #[serde(other)]
    Other,
}

impl ActorKind {
    /// The actor types as received names.
    pub const NAMES: [&'static str; 5] = [
        ActorKind::Person.name(),
        ActorKind::Group.name(),
        ActorKind::Organization.name(),
        ActorKind::Application.name(),
        ActorKind::Service.name(),
    ];

    /// The type's name on the wire.
    pub const fn name(self) -> &'static str {
        match self {
            ActorKind::Person => "Person",
            ActorKind::Group => "Group",
            ActorKind::Organization => "Organization",
            ActorKind::Application => "Application",
            ActorKind::Service => "Service",
            ActorKind::Other => "Other",
        }
    }
}

/// What a `tag` entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagKind {
    /// `#word`, shown as a topic.
    Hashtag,
    /// `@someone`, who gets a copy.
    Mention,
    /// Emoji and anything else: kept out of our logic.
    #[serde(other)]
    Other,
}
