//! Province deals. On a province: its `deals`, the municipalities that applied or belong
//! (`deal_members`, with the figures each member last sent) and the consultations members
//! announced (`deal_consultations`). On a municipality: its own applications and
//! memberships (`memberships`, with the figures last sent to each deal).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deals {
    Table,
    Id,
    Slug,
    ApId,
    Name,
    Summary,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DealMembers {
    Table,
    Id,
    DealId,
    OrganizationApId,
    Name,
    Host,
    Inbox,
    State,
    JoinActivityId,
    Figures,
    FiguresAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DealConsultations {
    Table,
    Id,
    DealId,
    OrganizationApId,
    ConsultationApId,
    Title,
    Url,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    DealApId,
    DealName,
    DealUrl,
    DealInbox,
    Host,
    State,
    JoinActivityId,
    FiguresSent,
    FiguresSentAt,
    CreatedAt,
    UpdatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

async fn unique(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: &[DynIden],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table).unique();
    for col in cols {
        index.col(col.clone());
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Deals::Table)
                    .col(id(Deals::Id).primary_key())
                    .col(text(Deals::Slug, 100).unique_key())
                    .col(text(Deals::ApId, 2048).unique_key())
                    .col(text(Deals::Name, 200))
                    .col(ColumnDef::new(Deals::Summary).text().not_null())
                    .col(time(Deals::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealMembers::Table)
                    .col(id(DealMembers::Id).primary_key())
                    .col(id(DealMembers::DealId))
                    .col(text(DealMembers::OrganizationApId, 2048))
                    .col(text(DealMembers::Name, 300))
                    .col(text(DealMembers::Host, 255))
                    .col(text(DealMembers::Inbox, 2048))
                    .col(text(DealMembers::State, 20))
                    .col(text(DealMembers::JoinActivityId, 2048))
                    .col(ColumnDef::new(DealMembers::Figures).text().null())
                    .col(
                        ColumnDef::new(DealMembers::FiguresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(time(DealMembers::CreatedAt))
                    .col(time(DealMembers::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealMembers::Table, DealMembers::DealId)
                            .to(Deals::Table, Deals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "deal_members_deal_organization",
            DealMembers::Table,
            &[
                DealMembers::DealId.into_iden(),
                DealMembers::OrganizationApId.into_iden(),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(DealConsultations::Table)
                    .col(id(DealConsultations::Id).primary_key())
                    .col(id(DealConsultations::DealId))
                    .col(text(DealConsultations::OrganizationApId, 2048))
                    .col(text(DealConsultations::ConsultationApId, 2048))
                    .col(text(DealConsultations::Title, 300))
                    .col(text(DealConsultations::Url, 2048))
                    .col(time(DealConsultations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DealConsultations::Table, DealConsultations::DealId)
                            .to(Deals::Table, Deals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "deal_consultations_deal_consultation",
            DealConsultations::Table,
            &[
                DealConsultations::DealId.into_iden(),
                DealConsultations::ConsultationApId.into_iden(),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(id(Memberships::Id).primary_key())
                    .col(text(Memberships::DealApId, 2048).unique_key())
                    .col(text(Memberships::DealName, 300))
                    .col(text(Memberships::DealUrl, 2048))
                    .col(text(Memberships::DealInbox, 2048))
                    .col(text(Memberships::Host, 255))
                    .col(text(Memberships::State, 20))
                    .col(text(Memberships::JoinActivityId, 2048))
                    .col(ColumnDef::new(Memberships::FiguresSent).text().null())
                    .col(
                        ColumnDef::new(Memberships::FiguresSentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(time(Memberships::CreatedAt))
                    .col(time(Memberships::UpdatedAt))
                    .to_owned(),
            )
            .await
    }
}
