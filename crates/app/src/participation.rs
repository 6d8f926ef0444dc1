//! Connects a caller to the participation rules: what a consultation allows today, and who may
//! see an item that is still waiting for a moderator.

use crate::{App, AppError, Caller};
use inspraak_db::comments;
use inspraak_db::consultations::{self, ConsultationSettings, ConsultationWithPhases};
use inspraak_db::entity::{comment, proposal};
use inspraak_db::proposals;
use inspraak_domain::PhaseRules;
use inspraak_domain::comment::CommentState;
use inspraak_domain::participation::{self, Action, Refusal};
use inspraak_domain::proposal::ProposalState;

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
    pub async fn load(app: &App, caller: Caller<'_>, slug_or_id: &str) -> Result<Self, AppError> {
        let item = consultations::find_with_phases(app.conn(), slug_or_id).await?;
        if item.consultation.published_at.is_none() && !caller.is_staff() {
            return Err(AppError::NotFound("consultation"));
        }
        let settings = ConsultationSettings::of(&item.consultation);
        let rules = if item.consultation.local {
            item.timeline.rules_on(crate::clock::today())
        } else {
            PhaseRules::FOLLOWED
        };
        Ok(Self {
            item,
            settings,
            rules,
        })
    }

    /// Whether `caller` may do `action` here now.
    pub fn check(&self, caller: Caller<'_>, action: Action) -> Result<(), AppError> {
        participation::check(
            action,
            caller.participant(),
            self.rules,
            self.settings.participation(),
        )
        .map_err(AppError::Refused)?;
        // A comment on another instance's consultation goes there under the resident's name.
        if !self.item.consultation.local && !caller.visible_in_fediverse() {
            return Err(AppError::Refused(Refusal::NotVisibleInFediverse));
        }
        Ok(())
    }

    /// Like `check`, as a yes/no for showing or hiding a form.
    pub fn may(&self, caller: Caller<'_>, action: Action) -> bool {
        self.check(caller, action).is_ok()
    }

    /// Why `caller` may not do `action` here now, if a participation rule says no.
    pub fn refusal(&self, caller: Caller<'_>, action: Action) -> Option<Refusal> {
        match self.check(caller, action) {
            Err(AppError::Refused(r)) => Some(r),
            _ => None,
        }
    }

    /// The consultation's id.
    pub fn id(&self) -> &str {
        &self.item.consultation.id
    }
}

/// Whether the caller may see this proposal at all (pending ones: staff and author only).
pub fn proposal_visible(p: &proposal::Model, caller: Caller<'_>) -> bool {
    proposals::state_of(p) != ProposalState::Pending || caller.is_staff() || caller.is(&p.author_id)
}

/// Whether the caller may see this comment (pending ones: staff and author only).
pub fn comment_visible(c: &comment::Model, caller: Caller<'_>) -> bool {
    comments::state_of(c) != CommentState::Pending || caller.is_staff() || caller.is(&c.author_id)
}

/// How the public (and other servers) see an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publicity {
    /// In the public record.
    Public,
    /// Not public yet (waiting for a moderator): it does not exist for the public.
    Unpublished,
    /// Was public and is not any more (hidden or deleted): gone, with a tombstone.
    Removed,
}

/// How the public sees a proposal.
pub fn proposal_publicity(p: &proposal::Model) -> Publicity {
    if proposals::state_of(p) == ProposalState::Pending {
        Publicity::Unpublished
    } else if p.hidden_at.is_some() {
        Publicity::Removed
    } else {
        Publicity::Public
    }
}

/// How the public sees a comment.
pub fn comment_publicity(c: &comment::Model) -> Publicity {
    match comments::state_of(c) {
        CommentState::Pending => Publicity::Unpublished,
        CommentState::Deleted => Publicity::Removed,
        CommentState::Published if c.hidden_at.is_some() => Publicity::Removed,
        CommentState::Published => Publicity::Public,
    }
}
