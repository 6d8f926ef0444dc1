//! Shared moderation: reports forwarded to the reported content's server, a domain block's
//! severity and whether an admin made it by hand, the recommended blocklist a province or the
//! helpdesk publishes, subscriptions to remote blocklists and their entries.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    ForwardedAt,
    ForwardedTo,
}

#[derive(DeriveIden)]
enum DomainBlocks {
    Table,
    Severity,
    Manual,
}

#[derive(DeriveIden)]
enum RecommendedBlocks {
    Table,
    Host,
    Severity,
    Comment,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BlocklistSubscriptions {
    Table,
    Id,
    Url,
    Mode,
    LastFetchedAt,
    LastError,
    RefreshRequestedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BlocklistEntries {
    Table,
    Id,
    SubscriptionId,
    Host,
    Severity,
    Comment,
    State,
    CreatedAt,
}

fn at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn key<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            ColumnDef::new(Reports::ForwardedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Reports::ForwardedTo)
                .string_len(300)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reports::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ColumnDef::new(DomainBlocks::Severity)
                .string_len(16)
                .not_null()
                .default("suspend")
                .to_owned(),
            ColumnDef::new(DomainBlocks::Manual)
                .boolean()
                .not_null()
                .default(true)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DomainBlocks::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RecommendedBlocks::Table)
                    .col(
                        ColumnDef::new(RecommendedBlocks::Host)
                            .string_len(255)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RecommendedBlocks::Severity)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RecommendedBlocks::Comment).text().not_null())
                    .col(at(RecommendedBlocks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlocklistSubscriptions::Table)
                    .col(key(BlocklistSubscriptions::Id))
                    .col(
                        ColumnDef::new(BlocklistSubscriptions::Url)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistSubscriptions::Mode)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistSubscriptions::LastFetchedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistSubscriptions::LastError)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistSubscriptions::RefreshRequestedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(at(BlocklistSubscriptions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("blocklist_subscriptions_url")
                    .table(BlocklistSubscriptions::Table)
                    .col(BlocklistSubscriptions::Url)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlocklistEntries::Table)
                    .col(key(BlocklistEntries::Id))
                    .col(
                        ColumnDef::new(BlocklistEntries::SubscriptionId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistEntries::Host)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BlocklistEntries::Severity)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(BlocklistEntries::Comment).text().not_null())
                    .col(
                        ColumnDef::new(BlocklistEntries::State)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(at(BlocklistEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BlocklistEntries::Table, BlocklistEntries::SubscriptionId)
                            .to(BlocklistSubscriptions::Table, BlocklistSubscriptions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("blocklist_entries_subscription_host")
                    .table(BlocklistEntries::Table)
                    .col(BlocklistEntries::SubscriptionId)
                    .col(BlocklistEntries::Host)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("blocklist_entries_host")
                    .table(BlocklistEntries::Table)
                    .col(BlocklistEntries::Host)
                    .to_owned(),
            )
            .await
    }
}
