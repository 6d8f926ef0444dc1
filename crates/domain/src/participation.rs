//! Who may take part how, and when: the one place that answers "may this person do this now?".
//!
//! Binding actions (supporting a proposal, voting) count for the municipality, so they need a
//! verified resident, whatever the account's role. Proposing and commenting are open to every
//! account unless the consultation asks for verification for those too. Nothing is possible
//! outside the phase that allows it, and a blocked account can do nothing.

use crate::phase::PhaseRules;
use crate::role::Role;
use serde::{Deserialize, Serialize};

/// Something a participant does in a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Submit a proposal.
    Propose,
    /// Write a comment or reply.
    Comment,
    /// Support someone's proposal.
    Support,
    /// Cast or change a ballot in a poll.
    Vote,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 4] = [
        Action::Propose,
        Action::Comment,
        Action::Support,
        Action::Vote,
    ];

    /// The stored and translated name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Propose => "propose",
            Action::Comment => "comment",
            Action::Support => "support",
            Action::Vote => "vote",
        }
    }

    /// Whether the current phase allows it.
    pub fn allowed_by(self, rules: PhaseRules) -> bool {
        match self {
            Action::Propose => rules.propose,
            Action::Comment => rules.comment,
            Action::Support => rules.support,
            Action::Vote => rules.vote,
        }
    }
}

/// The person asking, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participant {
    /// Not logged in.
    Anonymous,
    /// A local account.
    Account {
        /// Its role.
        role: Role,
        /// Verified as a resident.
        verified: bool,
        /// Blocked by a moderator.
        blocked: bool,
    },
}

/// A consultation's own participation settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParticipationSettings {
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may comment.
    pub verified_to_comment: bool,
}

/// Why an action is refused; each becomes a clear message and a 4xx status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Log in first.
    #[error("log in first")]
    LoginRequired,
    /// The account is blocked.
    #[error("this account is blocked")]
    Blocked,
    /// Only verified residents may do this.
    #[error("only verified residents may do this")]
    VerificationRequired,
    /// The current phase does not allow it.
    #[error("the current phase does not allow this")]
    NotInThisPhase,
    /// Taking part in another instance's consultation needs the resident to appear by name in
    /// the fediverse.
    #[error("appear by name in the fediverse to take part in another municipality's consultation")]
    NotVisibleInFediverse,
}

impl Refusal {
    /// Stable code for the API and translations.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::LoginRequired => "login_required",
            Refusal::Blocked => "blocked",
            Refusal::VerificationRequired => "verification_required",
            Refusal::NotInThisPhase => "not_in_this_phase",
            Refusal::NotVisibleInFediverse => "fediverse_hidden",
        }
    }
}

/// Decides whether `who` may do `action` in a phase with `rules` under `settings`.
pub fn check(
    action: Action,
    who: Participant,
    rules: PhaseRules,
    settings: ParticipationSettings,
) -> Result<(), Refusal> {
    let Participant::Account {
        verified, blocked, ..
    } = who
    else {
        return Err(Refusal::LoginRequired);
    };
    if blocked {
        return Err(Refusal::Blocked);
    }
    let needs_verification = match action {
        Action::Support | Action::Vote => true,
        Action::Propose => settings.verified_to_propose,
        Action::Comment => settings.verified_to_comment,
    };
    if needs_verification && !verified {
        return Err(Refusal::VerificationRequired);
    }
    if !action.allowed_by(rules) {
        return Err(Refusal::NotInThisPhase);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::PhaseKind;

    /// The participants the table covers, with a name for failure messages.
    fn participants() -> Vec<(&'static str, Participant)> {
        let account = |role, verified, blocked| Participant::Account {
            role,
            verified,
            blocked,
        };
        vec![
            ("anonymous", Participant::Anonymous),
            ("resident", account(Role::Resident, false, false)),
            ("verified resident", account(Role::Resident, true, false)),
            (
                "blocked verified resident",
                account(Role::Resident, true, true),
            ),
            ("moderator", account(Role::Moderator, false, false)),
            ("verified moderator", account(Role::Moderator, true, false)),
            ("admin", account(Role::Admin, false, false)),
            ("verified admin", account(Role::Admin, true, false)),
        ]
    }

    /// What each phase kind allows by default, written out by hand (not derived from the code
    /// under test) so a changed default shows up here.
    fn phase_allows(kind: PhaseKind, action: Action) -> bool {
        use Action::*;
        use PhaseKind::*;
        matches!(
            (kind, action),
            (Information, Comment)
                | (Proposals, Propose)
                | (Proposals, Comment)
                | (Proposals, Support)
                | (Voting, Vote)
                | (Voting, Comment)
                | (Budgeting, Vote)
                | (Budgeting, Comment)
                | (Evaluation, Comment)
        )
    }

    fn expected(
        kind: PhaseKind,
        action: Action,
        who: Participant,
        settings: ParticipationSettings,
    ) -> Result<(), Refusal> {
        match who {
            Participant::Anonymous => Err(Refusal::LoginRequired),
            Participant::Account { blocked: true, .. } => Err(Refusal::Blocked),
            Participant::Account { verified, .. } => {
                let binding = matches!(action, Action::Support | Action::Vote);
                let asked = (action == Action::Propose && settings.verified_to_propose)
                    || (action == Action::Comment && settings.verified_to_comment);
                if (binding || asked) && !verified {
                    Err(Refusal::VerificationRequired)
                } else if !phase_allows(kind, action) {
                    Err(Refusal::NotInThisPhase)
                } else {
                    Ok(())
                }
            }
        }
    }

    #[test]
    fn every_phase_action_and_role_combination() {
        let all_settings = [
            ParticipationSettings::default(),
            ParticipationSettings {
                verified_to_propose: true,
                verified_to_comment: false,
            },
            ParticipationSettings {
                verified_to_propose: false,
                verified_to_comment: true,
            },
            ParticipationSettings {
                verified_to_propose: true,
                verified_to_comment: true,
            },
        ];
        let mut checked = 0;
        for kind in PhaseKind::ALL {
            for action in Action::ALL {
                for (name, who) in participants() {
                    for settings in all_settings {
                        let got = check(action, who, kind.default_rules(), settings);
                        assert_eq!(
                            got,
                            expected(kind, action, who, settings),
                            "{kind:?} {action:?} {name} {settings:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 4 * 8 * 4);
    }

    #[test]
    fn binding_actions_need_verification_whatever_the_role() {
        let rules = PhaseRules {
            support: true,
            vote: true,
            ..PhaseRules::NONE
        };
        let admin = Participant::Account {
            role: Role::Admin,
            verified: false,
            blocked: false,
        };
        let settings = ParticipationSettings::default();
        assert_eq!(
            check(Action::Support, admin, rules, settings),
            Err(Refusal::VerificationRequired)
        );
        assert_eq!(
            check(Action::Vote, admin, rules, settings),
            Err(Refusal::VerificationRequired)
        );
    }

    #[test]
    fn custom_switches_override_the_kind() {
        let rules = PhaseRules {
            vote: true,
            ..PhaseRules::NONE
        };
        let resident = Participant::Account {
            role: Role::Resident,
            verified: true,
            blocked: false,
        };
        let settings = ParticipationSettings::default();
        assert_eq!(check(Action::Vote, resident, rules, settings), Ok(()));
        assert_eq!(
            check(Action::Comment, resident, rules, settings),
            Err(Refusal::NotInThisPhase)
        );
    }
}
