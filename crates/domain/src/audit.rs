//! The audit log's vocabulary: every action staff (or the instance, on behalf of another
//! instance) take that a municipality must be able to account for.

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
    /// An area (district) was added.
    AreaCreate,
    /// An admin recorded the area (district) a resident lives in.
    AccountArea,
    /// A participatory budget was made.
    BudgetCreate,
    /// A Pabulib file was imported as a closed budget.
    BudgetImport,
    /// A project was added to a budget.
    BudgetProjectCreate,
    /// A budget's outcome was published.
    BudgetOutcomePublish,
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
    /// Province staff made a deal.
    DealCreate,
    /// Our admin applied to join a deal (`Join`).
    DealApply,
    /// Province staff accepted a municipality into a deal.
    DealAccept,
    /// Province staff rejected an application.
    DealReject,
    /// Our admin left a deal (`Leave`).
    DealLeave,
    /// Province staff removed a member.
    DealRemove,
    /// A municipality applied to one of our deals.
    DealJoinReceived,
    /// A member left one of our deals.
    DealLeaveReceived,
    /// The province accepted our application.
    DealAcceptReceived,
    /// The province rejected our application.
    DealRejectReceived,
    /// The province removed us from a deal.
    DealRemoveReceived,
    /// An admin registered the instance with the national helpdesk.
    HelpdeskRegister,
    /// Helpdesk staff published a guide.
    GuideCreate,
    /// Helpdesk staff changed a guide.
    GuideUpdate,
    /// Helpdesk staff removed a guide.
    GuideDelete,
    /// Organizer staff opened a joint vote for a deal's members (`Invite`).
    JointVoteCreate,
    /// A deal invited us to a joint vote.
    JointVoteInvited,
    /// Our admin took part in a joint vote (`Accept` of the `Invite`).
    JointVoteTakePart,
    /// Our admin declined a joint vote (`Reject` of the `Invite`).
    JointVoteDecline,
    /// A member answered our joint vote's invitation.
    JointVoteAnswerReceived,
    /// We published our signed tally of a joint vote.
    TallyPublish,
    /// A member's tally arrived and was counted.
    TallyReceived,
    /// A member's tally arrived and was refused (proof, figures, repeat or late).
    TallyRefused,
    /// Staff forwarded a proposal to another organization (`Offer`).
    ForwardSend,
    /// Another organization forwarded a proposal to us.
    ForwardReceived,
    /// Staff accepted a forwarded proposal as a local proposal (`Accept`).
    ForwardAccept,
    /// Staff declined a forwarded proposal (`Reject`).
    ForwardDecline,
    /// The organization we forwarded to accepted.
    ForwardAcceptReceived,
    /// The organization we forwarded to declined.
    ForwardDeclineReceived,
    /// We told the origin of a forwarded proposal its new status or answer (`Update`).
    ForwardStatusSend,
    /// The organization we forwarded to sent a new status or answer.
    ForwardStatusReceived,
    /// A report was forwarded to the reported content's server (`Flag` by the instance actor).
    ModerationForward,
    /// An admin added a domain to our recommended blocklist.
    BlocklistRecommend,
    /// An admin removed a domain from our recommended blocklist.
    BlocklistUnrecommend,
    /// An admin subscribed to a remote blocklist.
    BlocklistSubscribe,
    /// An admin ended a blocklist subscription.
    BlocklistUnsubscribe,
    /// A subscribed list was fetched and applied (blocks added or lifted).
    BlocklistRefresh,
    /// An admin accepted a suggested block.
    BlocklistAccept,
    /// An admin dismissed a suggested block.
    BlocklistDismiss,
    /// An admin imported a Mastodon domain-block CSV.
    BlocklistImport,
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
            AreaCreate => "area.create",
            AccountArea => "account.area",
            BudgetCreate => "budget.create",
            BudgetImport => "budget.import",
            BudgetProjectCreate => "budget.project_create",
            BudgetOutcomePublish => "budget.outcome_publish",
            ProposalAnswer => "proposal.answer",
            ModerationHide => "moderation.hide",
            ModerationShow => "moderation.show",
            ModerationApprove => "moderation.approve",
            ModerationAutoHide => "moderation.auto_hide",
            FederationFollow => "federation.follow",
            FederationUnfollow => "federation.unfollow",
            FederationBlock => "federation.block",
            FederationUnblock => "federation.unblock",
            DealCreate => "deal.create",
            DealApply => "deal.apply",
            DealAccept => "deal.accept",
            DealReject => "deal.reject",
            DealLeave => "deal.leave",
            DealRemove => "deal.remove",
            DealJoinReceived => "deal.join_received",
            DealLeaveReceived => "deal.leave_received",
            DealAcceptReceived => "deal.accept_received",
            DealRejectReceived => "deal.reject_received",
            DealRemoveReceived => "deal.remove_received",
            HelpdeskRegister => "helpdesk.register",
            GuideCreate => "guide.create",
            GuideUpdate => "guide.update",
            GuideDelete => "guide.delete",
            JointVoteCreate => "joint_vote.create",
            JointVoteInvited => "joint_vote.invited",
            JointVoteTakePart => "joint_vote.take_part",
            JointVoteDecline => "joint_vote.decline",
            JointVoteAnswerReceived => "joint_vote.answer_received",
            TallyPublish => "tally.publish",
            TallyReceived => "tally.received",
            TallyRefused => "tally.refused",
            ForwardSend => "forward.send",
            ForwardReceived => "forward.received",
            ForwardAccept => "forward.accept",
            ForwardDecline => "forward.decline",
            ForwardAcceptReceived => "forward.accept_received",
            ForwardDeclineReceived => "forward.decline_received",
            ForwardStatusSend => "forward.status_send",
            ForwardStatusReceived => "forward.status_received",
            ModerationForward => "moderation.forward",
            BlocklistRecommend => "blocklist.recommend",
            BlocklistUnrecommend => "blocklist.unrecommend",
            BlocklistSubscribe => "blocklist.subscribe",
            BlocklistUnsubscribe => "blocklist.unsubscribe",
            BlocklistRefresh => "blocklist.refresh",
            BlocklistAccept => "blocklist.accept",
            BlocklistDismiss => "blocklist.dismiss",
            BlocklistImport => "blocklist.import",
        }
    }
}
