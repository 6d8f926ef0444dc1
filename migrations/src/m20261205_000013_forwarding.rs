//! Forwarding a proposal to the competent authority (`Offer`/`Accept`/`Reject`, then the
//! status `Update`s). `forwards` holds both directions: a forward we sent (our proposal,
//! offered to another organization) and one we received (another organization's proposal,
//! waiting for our staff or turned into a local proposal). `forward_events` is each
//! forward's history: sent, received, accepted, declined and every status that came back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Forwards {
    Table,
    Id,
    Direction,
    State,
    OfferApId,
    ProposalId,
    ProposalApId,
    OrganizationApId,
    OrganizationName,
    Inbox,
    Note,
    Title,
    BodyHtml,
    Url,
    Supports,
    ResultApId,
    Reason,
    Status,
    AnswerHtml,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ForwardEvents {
    Table,
    Id,
    ForwardId,
    Kind,
    Status,
    TextHtml,
    CreatedAt,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn optional(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    cols: &[DynIden],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(Forwards::Table);
    if unique {
        index.unique();
    }
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
                    .table(Forwards::Table)
                    .col(id(Forwards::Id).primary_key())
                    .col(text(Forwards::Direction, 10))
                    .col(text(Forwards::State, 20))
                    .col(text(Forwards::OfferApId, 2048))
                    .col(optional(Forwards::ProposalId, 36))
                    .col(text(Forwards::ProposalApId, 2048))
                    .col(text(Forwards::OrganizationApId, 2048))
                    .col(text(Forwards::OrganizationName, 300))
                    .col(text(Forwards::Inbox, 2048))
                    .col(ColumnDef::new(Forwards::Note).text().not_null())
                    .col(text(Forwards::Title, 300))
                    .col(ColumnDef::new(Forwards::BodyHtml).text().not_null())
                    .col(text(Forwards::Url, 2048))
                    .col(ColumnDef::new(Forwards::Supports).big_integer().null())
                    .col(optional(Forwards::ResultApId, 2048))
                    .col(ColumnDef::new(Forwards::Reason).text().null())
                    .col(optional(Forwards::Status, 300))
                    .col(ColumnDef::new(Forwards::AnswerHtml).text().null())
                    .col(optional(Forwards::CreatedBy, 36))
                    .col(time(Forwards::CreatedAt))
                    .col(time(Forwards::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "forwards_direction_offer",
            &[
                Forwards::Direction.into_iden(),
                Forwards::OfferApId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "forwards_proposal",
            &[Forwards::ProposalId.into_iden()],
            false,
        )
        .await?;
        index(
            manager,
            "forwards_result",
            &[Forwards::ResultApId.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ForwardEvents::Table)
                    .col(id(ForwardEvents::Id).primary_key())
                    .col(id(ForwardEvents::ForwardId))
                    .col(text(ForwardEvents::Kind, 20))
                    .col(optional(ForwardEvents::Status, 300))
                    .col(ColumnDef::new(ForwardEvents::TextHtml).text().null())
                    .col(time(ForwardEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ForwardEvents::Table, ForwardEvents::ForwardId)
                            .to(Forwards::Table, Forwards::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }
}
