//! Federation: remote actors, follows in both directions, the persistent outbox with one
//! delivery row per remote inbox, received activity ids (replay protection), domain blocks,
//! and fediverse votes and likes (counted apart from residents).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RemoteActors {
    Table,
    ApId,
    Kind,
    Username,
    Host,
    DisplayName,
    Url,
    Inbox,
    SharedInbox,
    Followers,
    PublicKeyPem,
    UserId,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Follows {
    Table,
    Id,
    Follower,
    Followed,
    Inbox,
    Host,
    ActivityId,
    AcceptedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxActivities {
    Table,
    Id,
    ApId,
    Kind,
    Actor,
    ObjectId,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    ActivityId,
    Inbox,
    Host,
    State,
    Attempts,
    NextAttemptAt,
    LastError,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum ReceivedActivities {
    Table,
    ApId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum DomainBlocks {
    Table,
    Host,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FediverseVotes {
    Table,
    Id,
    PollId,
    OptionId,
    Actor,
    ActivityId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FediverseLikes {
    Table,
    Id,
    ProposalId,
    Actor,
    ActivityId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Polls {
    Table,
    Id,
    RemoteTally,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
}

fn url_col(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(2048).not_null().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn optional_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional_at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn uuid_key(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn serial(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for col in cols {
        statement.col(Alias::new(*col));
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RemoteActors::Table)
                    .col(
                        ColumnDef::new(RemoteActors::ApId)
                            .string_len(2048)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RemoteActors::Kind).string_len(32).not_null())
                    .col(text(RemoteActors::Username))
                    .col(
                        ColumnDef::new(RemoteActors::Host)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(text(RemoteActors::DisplayName))
                    .col(optional_text(RemoteActors::Url))
                    .col(text(RemoteActors::Inbox))
                    .col(optional_text(RemoteActors::SharedInbox))
                    .col(optional_text(RemoteActors::Followers))
                    .col(text(RemoteActors::PublicKeyPem))
                    .col(ColumnDef::new(RemoteActors::UserId).string_len(36).null())
                    .col(at(RemoteActors::FetchedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Follows::Table)
                    .col(uuid_key(Follows::Id))
                    .col(url_col(Follows::Follower))
                    .col(url_col(Follows::Followed))
                    .col(text(Follows::Inbox))
                    .col(ColumnDef::new(Follows::Host).string_len(255).not_null())
                    .col(text(Follows::ActivityId))
                    .col(optional_at(Follows::AcceptedAt))
                    .col(at(Follows::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_follows_pair",
            Follows::Table,
            &["follower", "followed"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_follows_followed",
            Follows::Table,
            &["followed"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutboxActivities::Table)
                    .col(serial(OutboxActivities::Id))
                    .col(
                        ColumnDef::new(OutboxActivities::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(OutboxActivities::Kind)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(url_col(OutboxActivities::Actor))
                    .col(
                        ColumnDef::new(OutboxActivities::ObjectId)
                            .string_len(2048)
                            .null(),
                    )
                    .col(text(OutboxActivities::Data))
                    .col(at(OutboxActivities::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(serial(Deliveries::Id))
                    .col(ColumnDef::new(Deliveries::ActivityId).integer().not_null())
                    .col(url_col(Deliveries::Inbox))
                    .col(ColumnDef::new(Deliveries::Host).string_len(255).not_null())
                    .col(ColumnDef::new(Deliveries::State).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Deliveries::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(at(Deliveries::NextAttemptAt))
                    .col(optional_text(Deliveries::LastError))
                    .col(optional_at(Deliveries::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::ActivityId)
                            .to(OutboxActivities::Table, OutboxActivities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_deliveries_activity_inbox",
            Deliveries::Table,
            &["activity_id", "inbox"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_deliveries_due",
            Deliveries::Table,
            &["state", "host", "next_attempt_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReceivedActivities::Table)
                    .col(
                        ColumnDef::new(ReceivedActivities::ApId)
                            .string_len(2048)
                            .not_null()
                            .primary_key(),
                    )
                    .col(at(ReceivedActivities::ReceivedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DomainBlocks::Table)
                    .col(
                        ColumnDef::new(DomainBlocks::Host)
                            .string_len(255)
                            .not_null()
                            .primary_key(),
                    )
                    .col(text(DomainBlocks::Reason))
                    .col(at(DomainBlocks::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FediverseVotes::Table)
                    .col(uuid_key(FediverseVotes::Id))
                    .col(
                        ColumnDef::new(FediverseVotes::PollId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(FediverseVotes::OptionId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(url_col(FediverseVotes::Actor))
                    .col(
                        ColumnDef::new(FediverseVotes::ActivityId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(at(FediverseVotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FediverseVotes::Table, FediverseVotes::PollId)
                            .to(Polls::Table, Polls::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_fediverse_votes_choice",
            FediverseVotes::Table,
            &["poll_id", "option_id", "actor"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(FediverseLikes::Table)
                    .col(uuid_key(FediverseLikes::Id))
                    .col(
                        ColumnDef::new(FediverseLikes::ProposalId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(url_col(FediverseLikes::Actor))
                    .col(
                        ColumnDef::new(FediverseLikes::ActivityId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(at(FediverseLikes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FediverseLikes::Table, FediverseLikes::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_fediverse_likes_actor",
            FediverseLikes::Table,
            &["proposal_id", "actor"],
            true,
        )
        .await?;

        // A remote poll's counts as its origin last reported them (JSON).
        manager
            .alter_table(
                Table::alter()
                    .table(Polls::Table)
                    .add_column(optional_text(Polls::RemoteTally))
                    .to_owned(),
            )
            .await
    }
}
