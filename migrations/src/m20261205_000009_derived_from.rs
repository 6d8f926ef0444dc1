//! Reused processes keep their provenance: the ActivityPub id of the consultation a draft was
//! made from (a process template's `derived_from`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    DerivedFrom,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Consultations::Table)
                    .add_column(
                        ColumnDef::new(Consultations::DerivedFrom)
                            .string_len(2048)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
