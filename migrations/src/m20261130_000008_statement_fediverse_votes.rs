//! Votes on conversation statements from fediverse accounts (agree, disagree or pass on the
//! statement's `Question`), counted apart from residents.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatementFediverseVotes {
    Table,
    Id,
    StatementId,
    Actor,
    Vote,
    ActivityId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Statements {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatementFediverseVotes::Table)
                    .col(
                        ColumnDef::new(StatementFediverseVotes::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(StatementFediverseVotes::StatementId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StatementFediverseVotes::Actor)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StatementFediverseVotes::Vote)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StatementFediverseVotes::ActivityId)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(StatementFediverseVotes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                StatementFediverseVotes::Table,
                                StatementFediverseVotes::StatementId,
                            )
                            .to(Statements::Table, Statements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_statement_fediverse_votes_actor")
                    .table(StatementFediverseVotes::Table)
                    .col(StatementFediverseVotes::StatementId)
                    .col(StatementFediverseVotes::Actor)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
