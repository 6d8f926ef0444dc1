//! Reused processes keep their provenance both ways: a draft records the ActivityPub id of the
//! consultation its process came from (`derived_from`) and the older origins before that
//! (`ancestry`, a JSON array, oldest first); an origin lists its published reuses
//! (`consultation_reuses`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    DerivedFrom,
    Ancestry,
}

#[derive(DeriveIden)]
enum ConsultationReuses {
    Table,
    Id,
    OriginApId,
    CopyApId,
    CopyTitle,
    CopyUrl,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Consultations::DerivedFrom)
                .string_len(2048)
                .null()
                .to_owned(),
            ColumnDef::new(Consultations::Ancestry)
                .text()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Consultations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ConsultationReuses::Table)
                    .col(
                        ColumnDef::new(ConsultationReuses::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ConsultationReuses::OriginApId)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsultationReuses::CopyApId)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsultationReuses::CopyTitle)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsultationReuses::CopyUrl)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConsultationReuses::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("consultation_reuses_origin_copy")
                    .table(ConsultationReuses::Table)
                    .col(ConsultationReuses::OriginApId)
                    .col(ConsultationReuses::CopyApId)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
