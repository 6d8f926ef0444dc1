//! Forwarding a proposal to the competent authority: the states a forward goes through on
//! each side, what may happen next, and the checks on the staff's note and reason.

use crate::validation::ValidationErrors;
use serde::Serialize;

/// Longest note sent with a forward.
pub const NOTE_MAX: usize = 2000;
/// Longest reason for declining.
pub const REASON_MAX: usize = 2000;

/// Which way a forward went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Our proposal, offered to another organization.
    Sent,
    /// Another organization's proposal, offered to us.
    Received,
}

/// Where a forward stands. A sent forward starts `Sent`; a received one starts `Pending`.
/// Both end `Accepted` or `Declined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardState {
    /// We sent the `Offer`; no answer yet.
    Sent,
    /// Received, waiting for our staff.
    Pending,
    /// Accepted: a proposal on the receiving side stands for it.
    Accepted,
    /// Declined with a reason.
    Declined,
}

/// One step in a forward's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The `Offer` went out.
    Sent,
    /// The `Offer` arrived.
    Received,
    /// Accepted.
    Accepted,
    /// Declined, with the reason as text.
    Declined,
    /// A new status or official answer on the receiving side.
    Status,
}

macro_rules! stored_names {
    ($name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $name {
            /// The name stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

stored_names!(Direction {
    Sent => "sent",
    Received => "received",
});

stored_names!(ForwardState {
    Sent => "sent",
    Pending => "pending",
    Accepted => "accepted",
    Declined => "declined",
});

stored_names!(EventKind {
    Sent => "sent",
    Received => "received",
    Accepted => "accepted",
    Declined => "declined",
    Status => "status",
});

/// Why a step is not possible now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForwardRefusal {
    /// Only a received forward that waits can be accepted or declined.
    #[error("this forward was already answered or is not ours to answer")]
    NotPending,
    /// Only an accepted forward hears of statuses.
    #[error("this forward was not accepted")]
    NotAccepted,
    /// An answer came for a forward that was answered already.
    #[error("this forward was answered already")]
    AlreadyAnswered,
}

impl ForwardState {
    /// The state a new forward starts in.
    pub fn initial(direction: Direction) -> Self {
        match direction {
            Direction::Sent => ForwardState::Sent,
            Direction::Received => ForwardState::Pending,
        }
    }

    /// Whether our staff can still accept or decline it.
    pub fn can_decide(self, direction: Direction) -> Result<(), ForwardRefusal> {
        if direction == Direction::Received && self == ForwardState::Pending {
            Ok(())
        } else {
            Err(ForwardRefusal::NotPending)
        }
    }

    /// Whether the other side's answer to our `Offer` can still be taken.
    pub fn can_take_answer(self, direction: Direction) -> Result<(), ForwardRefusal> {
        if direction == Direction::Sent && self == ForwardState::Sent {
            Ok(())
        } else {
            Err(ForwardRefusal::AlreadyAnswered)
        }
    }

    /// Whether statuses flow (either way) for it.
    pub fn can_carry_status(self) -> Result<(), ForwardRefusal> {
        if self == ForwardState::Accepted {
            Ok(())
        } else {
            Err(ForwardRefusal::NotAccepted)
        }
    }
}

/// Checks the note sent with a forward (may be empty); returns it trimmed.
pub fn validate_note(note: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let note = errors.text("note", note, 0, NOTE_MAX).to_owned();
    errors.into_result()?;
    Ok(note)
}

/// Checks the reason for declining (required); returns it trimmed.
pub fn validate_reason(reason: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let reason = errors.text("reason", reason, 1, REASON_MAX).to_owned();
    errors.into_result()?;
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_waiting_received_forward_can_be_decided() {
        assert!(
            ForwardState::Pending
                .can_decide(Direction::Received)
                .is_ok()
        );
        assert!(
            ForwardState::Accepted
                .can_decide(Direction::Received)
                .is_err()
        );
        assert!(ForwardState::Sent.can_decide(Direction::Sent).is_err());
        assert!(ForwardState::Sent.can_take_answer(Direction::Sent).is_ok());
        assert!(
            ForwardState::Declined
                .can_take_answer(Direction::Sent)
                .is_err()
        );
        assert!(ForwardState::Accepted.can_carry_status().is_ok());
        assert!(ForwardState::Pending.can_carry_status().is_err());
    }

    #[test]
    fn a_reason_is_required_and_a_note_is_not() {
        assert!(validate_reason("  ").is_err());
        assert_eq!(
            validate_reason(" te klein ").ok().as_deref(),
            Some("te klein")
        );
        assert_eq!(validate_note("").ok().as_deref(), Some(""));
        assert!(validate_note(&"x".repeat(NOTE_MAX + 1)).is_err());
        for state in ["sent", "pending", "accepted", "declined"] {
            assert_eq!(
                ForwardState::parse(state).map(ForwardState::as_str),
                Some(state)
            );
        }
    }
}
