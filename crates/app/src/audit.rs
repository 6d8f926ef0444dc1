//! The audit log's vocabulary: every action staff (or the instance) take that a municipality
//! must be able to account for. Entries are written in the same transaction as the action.

use crate::AppError;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// An audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// An admin account was made on the command line.
    AccountCreateAdmin,
    /// An admin changed an account's role.
    AccountRole,
    /// A moderator blocked an account.
    AccountBlock,
    /// A moderator lifted a block.
    AccountUnblock,
    /// A resident verified themselves with a letter code.
    AccountVerifyCode,
    /// An admin verified a resident by hand.
    AccountVerifyManual,
    /// An admin withdrew a resident's verification.
    AccountUnverify,
    /// An admin printed a batch of letter codes.
    VerificationCodes,
    /// A consultation was made.
    ConsultationCreate,
    /// A consultation's texts changed.
    ConsultationUpdate,
    /// A consultation's phases were replaced.
    ConsultationPhases,
    /// A consultation's participation settings changed.
    ConsultationSettings,
    /// A custom answer status was added.
    ConsultationStatusAdd,
    /// A consultation was published.
    ConsultationPublish,
    /// A consultation went back to draft.
    ConsultationUnpublish,
    /// A cover image was uploaded.
    ConsultationCover,
    /// A cover image was removed.
    ConsultationCoverRemove,
    /// A draft was made from a reused process (a template).
    ConsultationReuse,
    /// A conversation was started.
    ConversationCreate,
    /// A pol.is conversation was imported.
    ConversationImport,
    /// A moderator allowed a pending statement.
    StatementApprove,
    /// A moderator hid a statement.
    StatementHide,
    /// A poll was made.
    PollCreate,
    /// Staff answered a proposal officially.
    ProposalAnswer,
    /// A moderator hid an item.
    ModerationHide,
    /// A moderator showed a hidden item again.
    ModerationShow,
    /// A moderator approved a pending item.
    ModerationApprove,
    /// Reports hid an item automatically.
    ModerationAutoHide,
    /// An admin followed another instance or actor.
    FederationFollow,
    /// An admin stopped following.
    FederationUnfollow,
    /// An admin blocked a domain.
    FederationBlock,
    /// An admin lifted a domain block.
    FederationUnblock,
    /// An admin registered the instance with the national helpdesk.
    HelpdeskRegister,
    /// Helpdesk staff published a guide.
    GuideCreate,
    /// Helpdesk staff changed a guide.
    GuideUpdate,
    /// Helpdesk staff removed a guide.
    GuideDelete,
}

impl AuditAction {
    /// The name stored in the log and its CSV download (stable: reports are built on it).
    pub fn as_str(self) -> &'static str {
        use AuditAction::*;
        match self {
            AccountCreateAdmin => "account.create_admin",
            AccountRole => "account.role",
            AccountBlock => "account.block",
            AccountUnblock => "account.unblock",
            AccountVerifyCode => "account.verify_code",
            AccountVerifyManual => "account.verify_manual",
            AccountUnverify => "account.unverify",
            VerificationCodes => "verification.codes",
            ConsultationCreate => "consultation.create",
            ConsultationUpdate => "consultation.update",
            ConsultationPhases => "consultation.phases",
            ConsultationSettings => "consultation.settings",
            ConsultationStatusAdd => "consultation.status_add",
            ConsultationPublish => "consultation.publish",
            ConsultationUnpublish => "consultation.unpublish",
            ConsultationCover => "consultation.cover",
            ConsultationCoverRemove => "consultation.cover_remove",
            ConsultationReuse => "consultation.reuse",
            ConversationCreate => "conversation.create",
            ConversationImport => "conversation.import",
            StatementApprove => "statement.approve",
            StatementHide => "statement.hide",
            PollCreate => "poll.create",
            ProposalAnswer => "proposal.answer",
            ModerationHide => "moderation.hide",
            ModerationShow => "moderation.show",
            ModerationApprove => "moderation.approve",
            ModerationAutoHide => "moderation.auto_hide",
            FederationFollow => "federation.follow",
            FederationUnfollow => "federation.unfollow",
            FederationBlock => "federation.block",
            FederationUnblock => "federation.unblock",
            HelpdeskRegister => "helpdesk.register",
            GuideCreate => "guide.create",
            GuideUpdate => "guide.update",
            GuideDelete => "guide.delete",
        }
    }
}

/// Writes an audit entry on `db` (pass the action's transaction).
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
    action: AuditAction,
    subject: (&str, &str),
    detail: impl Into<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    inspraak_db::audit::record(db, actor_id, action.as_str(), subject, detail, now).await?;
    Ok(())
}
