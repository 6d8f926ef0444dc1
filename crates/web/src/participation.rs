//! Connects a request to the participation rules: who is asking, what the consultation allows
//! today, and whether an item still takes part.

use crate::page::today;
use crate::session::Session;
use crate::{AppState, WebError};
use inspraak_db::consultations::{self, ConsultationSettings, ConsultationWithPhases};
use inspraak_db::users;
use inspraak_domain::participation::{self, Action, Participant};
use inspraak_domain::{PhaseRules, Role};

/// A consultation with what it allows today.
pub struct ConsultationContext {
    /// The consultation and its phases.
    pub item: ConsultationWithPhases,
    /// Its participation settings.
    pub settings: ConsultationSettings,
    /// What the current phase allows.
    pub rules: PhaseRules,
}

impl ConsultationContext {
    /// Loads a consultation by id or slug. Drafts exist only for staff.
    pub async fn load(
        state: &AppState,
        session: &Session,
        slug_or_id: &str,
    ) -> Result<Self, WebError> {
        let item = consultations::find_with_phases(&state.db.conn, slug_or_id).await?;
        if item.consultation.published_at.is_none() && !is_staff(session) {
            return Err(WebError::NotFound("consultation"));
        }
        let settings = ConsultationSettings::of(&item.consultation);
        let rules = if item.consultation.local {
            item.timeline.rules_on(today())
        } else {
            PhaseRules::FOLLOWED
        };
        Ok(Self {
            item,
            settings,
            rules,
        })
    }

    /// Whether `session` may do `action` here now.
    pub fn check(&self, session: &Session, action: Action) -> Result<(), WebError> {
        participation::check(
            action,
            participant(session),
            self.rules,
            self.settings.participation(),
        )
        .map_err(WebError::Refused)?;
        // A comment on another instance's consultation goes there under the resident's name.
        let visible = session.user.as_ref().is_some_and(|u| u.fediverse_visible);
        if !self.item.consultation.local && !visible {
            return Err(WebError::Refused(
                inspraak_domain::participation::Refusal::NotVisibleInFediverse,
            ));
        }
        Ok(())
    }

    /// Like `check`, as a yes/no for showing or hiding a form.
    pub fn may(&self, session: &Session, action: Action) -> bool {
        self.check(session, action).is_ok()
    }

    /// The consultation's id.
    pub fn id(&self) -> &str {
        &self.item.consultation.id
    }
}

/// The visitor as the rules see them.
pub fn participant(session: &Session) -> Participant {
    match &session.user {
        None => Participant::Anonymous,
        Some(user) => Participant::Account {
            role: users::role_of(user),
            verified: user.verified_at.is_some(),
            blocked: user.blocked_at.is_some(),
        },
    }
}

/// Admins and moderators.
pub fn is_staff(session: &Session) -> bool {
    session.role().is_some_and(Role::can_moderate)
}

/// Admins only.
pub fn is_admin(session: &Session) -> bool {
    session.role().is_some_and(Role::can_manage_consultations)
}

/// The logged-in moderator or admin; `Unauthorized` or `Forbidden` otherwise.
pub fn require_staff(session: &Session) -> Result<&inspraak_db::entity::user::Model, WebError> {
    let user = session.user()?;
    if users::role_of(user).can_moderate() {
        Ok(user)
    } else {
        Err(WebError::Forbidden)
    }
}
