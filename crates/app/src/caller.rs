//! Who is asking: the account behind a request (or nobody), as the use cases see it.

use crate::AppError;
use inspraak_db::entity::user;
use inspraak_db::users;
use inspraak_domain::Role;
use inspraak_domain::participation::Participant;

/// The account a use case runs for, if anyone is logged in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caller<'a> {
    user: Option<&'a user::Model>,
}

impl<'a> Caller<'a> {
    /// A caller for this account, or an anonymous one.
    pub fn new(user: Option<&'a user::Model>) -> Self {
        Self { user }
    }

    /// Nobody logged in.
    pub fn anonymous() -> Self {
        Self { user: None }
    }

    /// The logged-in account, or `Unauthorized`.
    pub fn user(&self) -> Result<&'a user::Model, AppError> {
        self.user.ok_or(AppError::Unauthorized)
    }

    /// The logged-in account, if any.
    pub fn account(&self) -> Option<&'a user::Model> {
        self.user
    }

    /// Whether this is the account with this id.
    pub fn is(&self, user_id: &str) -> bool {
        self.user.is_some_and(|u| u.id == user_id)
    }

    /// The logged-in account's role, if any.
    pub fn role(&self) -> Option<Role> {
        self.user.map(users::role_of)
    }

    /// Admins and moderators.
    pub fn is_staff(&self) -> bool {
        self.role().is_some_and(Role::can_moderate)
    }

    /// Admins only.
    pub fn is_admin(&self) -> bool {
        self.role().is_some_and(Role::can_manage_consultations)
    }

    /// The logged-in moderator or admin; `Unauthorized` or `Forbidden` otherwise.
    pub fn require_staff(&self) -> Result<&'a user::Model, AppError> {
        let user = self.user()?;
        if users::role_of(user).can_moderate() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The logged-in admin; `Unauthorized` or `Forbidden` otherwise.
    pub fn require_admin(&self) -> Result<&'a user::Model, AppError> {
        let user = self.user()?;
        if users::role_of(user).can_manage_consultations() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The caller as the participation rules see them.
    pub fn participant(&self) -> Participant {
        match self.user {
            None => Participant::Anonymous,
            Some(user) => Participant::Account {
                role: users::role_of(user),
                verified: user.verified_at.is_some(),
                blocked: user.blocked_at.is_some(),
            },
        }
    }

    /// Whether the caller appears by name in the fediverse.
    pub fn visible_in_fediverse(&self) -> bool {
        self.user.is_some_and(|u| u.fediverse_visible)
    }
}
