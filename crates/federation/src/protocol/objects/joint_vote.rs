//! A joint regional vote as a deal sends it to its members (`JointVote`, carried by an
//! `Invite`), and a member's tally of it (`Tally`, carried by a `Create`, signed with an
//! FEP-8b32 integrity proof).

use crate::protocol::compat;
use crate::protocol::kind::{JointVoteType, TallyType};
use chrono::{DateTime, Utc};
use inspraak_domain::joint_vote::{OptionCount, TallyFigures};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// The question a deal asks its members' residents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JointVoteDocument {
    /// Its id, on the organizer's host.
    pub id: Url,
    /// `JointVote`.
    #[serde(rename = "type")]
    pub kind: JointVoteType,
    /// The deal that organizes it.
    #[serde(deserialize_with = "compat::required_reference")]
    pub attributed_to: Url,
    /// The question.
    pub name: String,
    /// The options, in order.
    pub options: Vec<String>,
    /// Whether a resident may choose more than one option.
    #[serde(default)]
    pub multiple: bool,
    /// When voting closes everywhere.
    pub end_time: DateTime<Utc>,
    /// The organizer's page with the results.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::href"
    )]
    pub url: Option<Url>,
}

/// A member's tally as read (its `@context` and `proof` are checked on the raw JSON, never
/// on this reading).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TallyDocument {
    /// Its id, on the member's host.
    pub id: Url,
    /// `Tally`.
    #[serde(rename = "type")]
    pub kind: TallyType,
    /// The member organization that counted.
    #[serde(deserialize_with = "compat::required_reference")]
    pub attributed_to: Url,
    /// The joint vote it counts, on the organizer's host.
    #[serde(deserialize_with = "compat::required_reference")]
    pub joint_vote: Url,
    /// Residents who voted.
    pub voters: u64,
    /// Votes per option, in the organizer's order.
    pub counts: Vec<OptionCount>,
    /// When it was counted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub published: Option<DateTime<Utc>>,
}

impl TallyDocument {
    /// Its figures.
    pub fn figures(&self) -> TallyFigures {
        TallyFigures {
            voters: self.voters,
            counts: self.counts.clone(),
        }
    }
}

/// A signed object, kept exactly as signed (its `@context` included) so that its proof still
/// verifies wherever it is embedded or republished.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct SignedObject(pub Value);

impl SignedObject {
    /// Its id.
    pub fn id(&self) -> Option<Url> {
        self.0.get("id").and_then(compat::id_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::activities::{Create, Invite};
    use crate::protocol::objects::AnyObject;
    use serde_json::json;

    #[test]
    fn an_invite_carries_the_joint_vote_and_a_create_the_tally_as_signed() {
        let invite: Invite = serde_json::from_value(json!({
            "id": "https://p.example/activities/1", "type": "Invite",
            "actor": "https://p.example/deals/regio", "to": ["https://a.example/organization"],
            "object": {"id": "https://p.example/joint-votes/1", "type": "JointVote",
                "attributedTo": "https://p.example/deals/regio", "name": "OV-pas?",
                "options": ["Ja", "Nee"], "endTime": "2026-12-12T10:00:00Z"}
        }))
        .expect("an Invite");
        let Some(AnyObject::JointVote(vote)) = invite.object.object() else {
            panic!("a JointVote");
        };
        assert_eq!(vote.options, ["Ja", "Nee"]);
        assert!(!vote.multiple);

        let signed = json!({"@context": ["https://www.w3.org/ns/activitystreams"],
            "id": "https://a.example/joint-votes/tallies/1", "type": "Tally",
            "attributedTo": "https://a.example/organization",
            "jointVote": "https://p.example/joint-votes/1", "voters": 3,
            "counts": [{"name": "Ja", "votes": 2}, {"name": "Nee", "votes": 1}],
            "proof": {"type": "DataIntegrityProof", "proofValue": "z1"}});
        let sent = AnyObject::Signed(SignedObject(signed.clone()));
        // Sent verbatim, @context and proof included, so the proof still verifies.
        assert_eq!(serde_json::to_value(&sent).expect("json"), signed);
        let create: Create = serde_json::from_value(json!({
            "id": "https://a.example/activities/2", "type": "Create",
            "actor": "https://a.example/organization", "object": signed
        }))
        .expect("a Create");
        let Some(AnyObject::Tally(tally)) = create.object.object() else {
            panic!("a Tally");
        };
        assert_eq!(tally.figures().voters, 3);
        assert_eq!(tally.figures().counts[1].votes, 1);
    }
}
