//! The national helpdesk: what a consultation copy needs for the catalogue (its themes, its
//! instance's province, its origin organization and host; its phases go in `phases` like
//! ours), and guides (`Article`s written on a helpdesk, and copies of those received).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Themes,
    Province,
    OriginHost,
    OriginOrganization,
}

#[derive(DeriveIden)]
enum Guides {
    Table,
    Id,
    ApId,
    Local,
    Slug,
    Title,
    Summary,
    BodyMarkdown,
    BodyHtml,
    AuthorId,
    AttributedTo,
    OriginHost,
    PublishedAt,
    UpdatedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Consultations::Themes)
                .text()
                .null()
                .to_owned(),
            ColumnDef::new(Consultations::Province)
                .string_len(100)
                .null()
                .to_owned(),
            ColumnDef::new(Consultations::OriginHost)
                .string_len(300)
                .null()
                .to_owned(),
            ColumnDef::new(Consultations::OriginOrganization)
                .string_len(2048)
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
                    .table(Guides::Table)
                    .col(
                        ColumnDef::new(Guides::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Guides::ApId).string_len(2048).not_null())
                    .col(ColumnDef::new(Guides::Local).boolean().not_null())
                    .col(ColumnDef::new(Guides::Slug).string_len(100).not_null())
                    .col(ColumnDef::new(Guides::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Guides::Summary).string_len(500).not_null())
                    .col(ColumnDef::new(Guides::BodyMarkdown).text().not_null())
                    .col(ColumnDef::new(Guides::BodyHtml).text().not_null())
                    .col(ColumnDef::new(Guides::AuthorId).string_len(36).null())
                    .col(
                        ColumnDef::new(Guides::AttributedTo)
                            .string_len(2048)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Guides::OriginHost)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Guides::PublishedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Guides::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Guides::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("guides_ap_id", Guides::ApId),
            ("guides_slug", Guides::Slug),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Guides::Table)
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("guides_published_at")
                    .table(Guides::Table)
                    .col(Guides::PublishedAt)
                    .to_owned(),
            )
            .await
    }
}
