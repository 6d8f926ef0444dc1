//! Who may do what on an instance.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// An account's role on its own instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Municipality staff who run consultations and manage accounts.
    Admin,
    /// Staff or volunteers who keep discussions civil.
    Moderator,
    /// Everyone else: residents and visitors with an account.
    Resident,
}

impl Role {
    /// All roles, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Moderator, Role::Resident];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
            Role::Resident => "resident",
        }
    }

    /// Admins create, edit and publish consultations.
    pub fn can_manage_consultations(self) -> bool {
        self == Role::Admin
    }

    /// Admins manage accounts, roles and resident verification.
    pub fn can_manage_accounts(self) -> bool {
        self == Role::Admin
    }

    /// Admins and moderators see the moderation tools.
    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Admin | Role::Moderator)
    }
}

/// The text is not a known role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected admin, moderator or resident)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_rights_follow_rank() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
        assert!(Role::Admin.can_manage_consultations());
        assert!(!Role::Moderator.can_manage_consultations());
        assert!(!Role::Resident.can_manage_consultations());
        assert!(Role::Moderator.can_moderate());
        assert!(!Role::Resident.can_moderate());
        assert!(!Role::Moderator.can_manage_accounts());
    }
}
