//! Joint regional votes. On the organizer (a province deal): its `joint_votes` and each
//! member's answer and tally (`joint_vote_members`, keeping the signed tally as received so
//! it can be republished unchanged). On a member: the invitations it received
//! (`joint_vote_invites`, with the local poll its residents vote in and the tally it signed).
//! `assertion_keys` holds the Ed25519 keys our actors sign objects with (FEP-8b32).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deals {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum JointVotes {
    Table,
    Id,
    ApId,
    DealId,
    Question,
    Options,
    Multiple,
    ClosesAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum JointVoteMembers {
    Table,
    Id,
    JointVoteId,
    OrganizationApId,
    Name,
    Inbox,
    InviteActivityId,
    Participation,
    TallyState,
    Tally,
    Voters,
    Counts,
    TallyNote,
    TallyAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum JointVoteInvites {
    Table,
    Id,
    JointVoteApId,
    OrganizerApId,
    OrganizerName,
    OrganizerInbox,
    InviteActivityId,
    Question,
    Options,
    Multiple,
    ClosesAt,
    Participation,
    PollId,
    Tally,
    TallyAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AssertionKeys {
    Table,
    KeyId,
    Controller,
    PublicKeyMultibase,
    PrivateSeed,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn long(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn optional_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JointVotes::Table)
                    .col(id(JointVotes::Id).primary_key())
                    .col(text(JointVotes::ApId, 2048).unique_key())
                    .col(id(JointVotes::DealId))
                    .col(text(JointVotes::Question, 300))
                    .col(long(JointVotes::Options))
                    .col(ColumnDef::new(JointVotes::Multiple).boolean().not_null())
                    .col(time(JointVotes::ClosesAt))
                    .col(ColumnDef::new(JointVotes::CreatedBy).string_len(36).null())
                    .col(time(JointVotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JointVotes::Table, JointVotes::DealId)
                            .to(Deals::Table, Deals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JointVoteMembers::Table)
                    .col(id(JointVoteMembers::Id).primary_key())
                    .col(id(JointVoteMembers::JointVoteId))
                    .col(text(JointVoteMembers::OrganizationApId, 2048))
                    .col(text(JointVoteMembers::Name, 300))
                    .col(text(JointVoteMembers::Inbox, 2048))
                    .col(text(JointVoteMembers::InviteActivityId, 2048))
                    .col(text(JointVoteMembers::Participation, 20))
                    .col(text(JointVoteMembers::TallyState, 20))
                    .col(optional_text(JointVoteMembers::Tally))
                    .col(
                        ColumnDef::new(JointVoteMembers::Voters)
                            .big_integer()
                            .null(),
                    )
                    .col(optional_text(JointVoteMembers::Counts))
                    .col(optional_text(JointVoteMembers::TallyNote))
                    .col(optional_time(JointVoteMembers::TallyAt))
                    .col(time(JointVoteMembers::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(JointVoteMembers::Table, JointVoteMembers::JointVoteId)
                            .to(JointVotes::Table, JointVotes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("joint_vote_members_vote_organization")
                    .table(JointVoteMembers::Table)
                    .col(JointVoteMembers::JointVoteId)
                    .col(JointVoteMembers::OrganizationApId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(JointVoteInvites::Table)
                    .col(id(JointVoteInvites::Id).primary_key())
                    .col(text(JointVoteInvites::JointVoteApId, 2048).unique_key())
                    .col(text(JointVoteInvites::OrganizerApId, 2048))
                    .col(text(JointVoteInvites::OrganizerName, 300))
                    .col(text(JointVoteInvites::OrganizerInbox, 2048))
                    .col(text(JointVoteInvites::InviteActivityId, 2048))
                    .col(text(JointVoteInvites::Question, 300))
                    .col(long(JointVoteInvites::Options))
                    .col(
                        ColumnDef::new(JointVoteInvites::Multiple)
                            .boolean()
                            .not_null(),
                    )
                    .col(time(JointVoteInvites::ClosesAt))
                    .col(text(JointVoteInvites::Participation, 20))
                    .col(
                        ColumnDef::new(JointVoteInvites::PollId)
                            .string_len(36)
                            .null(),
                    )
                    .col(optional_text(JointVoteInvites::Tally))
                    .col(optional_time(JointVoteInvites::TallyAt))
                    .col(time(JointVoteInvites::CreatedAt))
                    .col(time(JointVoteInvites::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssertionKeys::Table)
                    .col(text(AssertionKeys::KeyId, 2048).primary_key())
                    .col(text(AssertionKeys::Controller, 2048))
                    .col(text(AssertionKeys::PublicKeyMultibase, 200))
                    .col(
                        ColumnDef::new(AssertionKeys::PrivateSeed)
                            .string_len(200)
                            .null(),
                    )
                    .col(time(AssertionKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}
