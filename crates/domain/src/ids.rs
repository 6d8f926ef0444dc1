//! Ids of the things that cross crate boundaries, as types: a proposal's id cannot be passed
//! where a comment's is expected. They are UUIDv7 text (see docs/architecture.md) and deref to
//! `&str` for storage and URLs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),+ $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

id_type!(
    /// An account's id.
    UserId,
    /// A consultation's id (some routes also take its slug in the same place).
    ConsultationId,
    /// A proposal's id.
    ProposalId,
    /// A comment's id.
    CommentId,
    /// A poll's id.
    PollId,
    /// A conversation's id.
    ConversationId,
    /// A statement's id.
    StatementId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_text_and_serialise_as_plain_strings() {
        let id = ProposalId::from("0190-abc");
        assert_eq!(id.as_str(), "0190-abc");
        assert_eq!(format!("/proposals/{id}"), "/proposals/0190-abc");
        assert_eq!(&*id, "0190-abc");
        assert_eq!(
            serde_json::to_string(&id).ok().as_deref(),
            Some("\"0190-abc\"")
        );
        let back: ProposalId = serde_json::from_str("\"x\"").expect("an id");
        assert_eq!(back, ProposalId::from("x"));
    }
}
