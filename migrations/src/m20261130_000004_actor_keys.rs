//! Signing keys of the actors this instance hosts (and, later, public keys of remote ones).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActorKeys {
    Table,
    ApId,
    PublicKeyPem,
    PrivateKeyPem,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ActorKeys::Table)
                    .col(
                        ColumnDef::new(ActorKeys::ApId)
                            .string_len(2048)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ActorKeys::PublicKeyPem).text().not_null())
                    .col(ColumnDef::new(ActorKeys::PrivateKeyPem).text().null())
                    .col(
                        ColumnDef::new(ActorKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
