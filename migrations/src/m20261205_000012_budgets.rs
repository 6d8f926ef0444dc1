//! Participatory budgets. The municipality's `areas` (districts), which accounts and letter
//! codes may carry; a consultation's `budgets`, each with its areas' money (`budget_areas`),
//! `budget_projects`, and ballots (`budget_ballots`, one per resident per budget, with their
//! `budget_ballot_choices`). Project images are files in the media folder, like covers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
    Slug,
    Name,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    AreaId,
}

#[derive(DeriveIden)]
enum VerificationCodes {
    Table,
    AreaId,
}

#[derive(DeriveIden)]
enum Budgets {
    Table,
    Id,
    ConsultationId,
    ApId,
    Title,
    Description,
    Method,
    MethodA,
    MethodB,
    Rule,
    Caps,
    Imported,
    SourceMeta,
    OutcomePublishedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BudgetAreas {
    Table,
    Id,
    BudgetId,
    AreaId,
    Name,
    Amount,
    Position,
}

#[derive(DeriveIden)]
enum BudgetProjects {
    Table,
    Id,
    BudgetId,
    BudgetAreaId,
    ApId,
    Number,
    Title,
    Description,
    Cost,
    Categories,
    Feasible,
    FeasibilityNote,
    Image,
    ImageAlt,
    ProposalId,
    Position,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetBallots {
    Table,
    Id,
    BudgetId,
    BudgetAreaId,
    UserId,
    VoterRef,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BudgetBallotChoices {
    Table,
    BallotId,
    ProjectId,
    Points,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn optional_id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).null().to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn long_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn number(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: &[DynIden],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
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
                    .table(Areas::Table)
                    .col(id(Areas::Id).primary_key())
                    .col(text(Areas::Slug, 100).unique_key())
                    .col(text(Areas::Name, 200))
                    .col(ColumnDef::new(Areas::Position).integer().not_null())
                    .col(time(Areas::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(optional_id(Users::AreaId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(VerificationCodes::Table)
                    .add_column(optional_id(VerificationCodes::AreaId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Budgets::Table)
                    .col(id(Budgets::Id).primary_key())
                    .col(id(Budgets::ConsultationId))
                    .col(text(Budgets::ApId, 2048).unique_key())
                    .col(text(Budgets::Title, 300))
                    .col(long_text(Budgets::Description))
                    .col(text(Budgets::Method, 20))
                    .col(ColumnDef::new(Budgets::MethodA).integer().not_null())
                    .col(ColumnDef::new(Budgets::MethodB).integer().not_null())
                    .col(text(Budgets::Rule, 40))
                    .col(long_text(Budgets::Caps))
                    .col(ColumnDef::new(Budgets::Imported).boolean().not_null())
                    .col(ColumnDef::new(Budgets::SourceMeta).text().null())
                    .col(
                        ColumnDef::new(Budgets::OutcomePublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(optional_id(Budgets::CreatedBy))
                    .col(time(Budgets::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Budgets::Table, Budgets::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "budgets_consultation",
            Budgets::Table,
            &[Budgets::ConsultationId.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetAreas::Table)
                    .col(id(BudgetAreas::Id).primary_key())
                    .col(id(BudgetAreas::BudgetId))
                    .col(optional_id(BudgetAreas::AreaId))
                    .col(text(BudgetAreas::Name, 200))
                    .col(number(BudgetAreas::Amount))
                    .col(ColumnDef::new(BudgetAreas::Position).integer().not_null())
                    .foreign_key(&mut cascade(
                        (BudgetAreas::Table, BudgetAreas::BudgetId),
                        (Budgets::Table, Budgets::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetProjects::Table)
                    .col(id(BudgetProjects::Id).primary_key())
                    .col(id(BudgetProjects::BudgetId))
                    .col(id(BudgetProjects::BudgetAreaId))
                    .col(text(BudgetProjects::ApId, 2048).unique_key())
                    .col(text(BudgetProjects::Number, 100))
                    .col(text(BudgetProjects::Title, 300))
                    .col(long_text(BudgetProjects::Description))
                    .col(number(BudgetProjects::Cost))
                    .col(long_text(BudgetProjects::Categories))
                    .col(
                        ColumnDef::new(BudgetProjects::Feasible)
                            .boolean()
                            .not_null(),
                    )
                    .col(long_text(BudgetProjects::FeasibilityNote))
                    .col(ColumnDef::new(BudgetProjects::Image).string_len(100).null())
                    .col(text(BudgetProjects::ImageAlt, 300))
                    .col(optional_id(BudgetProjects::ProposalId))
                    .col(
                        ColumnDef::new(BudgetProjects::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(time(BudgetProjects::CreatedAt))
                    .col(time(BudgetProjects::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (BudgetProjects::Table, BudgetProjects::BudgetId),
                        (Budgets::Table, Budgets::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "budget_projects_number",
            BudgetProjects::Table,
            &[
                BudgetProjects::BudgetId.into_iden(),
                BudgetProjects::Number.into_iden(),
            ],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetBallots::Table)
                    .col(id(BudgetBallots::Id).primary_key())
                    .col(id(BudgetBallots::BudgetId))
                    .col(id(BudgetBallots::BudgetAreaId))
                    .col(optional_id(BudgetBallots::UserId))
                    .col(
                        ColumnDef::new(BudgetBallots::VoterRef)
                            .string_len(100)
                            .null(),
                    )
                    .col(time(BudgetBallots::CreatedAt))
                    .col(time(BudgetBallots::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (BudgetBallots::Table, BudgetBallots::BudgetId),
                        (Budgets::Table, Budgets::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // One ballot per resident per budget; imported ballots have no account (NULLs differ).
        index(
            manager,
            "budget_ballots_voter",
            BudgetBallots::Table,
            &[
                BudgetBallots::BudgetId.into_iden(),
                BudgetBallots::UserId.into_iden(),
            ],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetBallotChoices::Table)
                    .col(id(BudgetBallotChoices::BallotId))
                    .col(id(BudgetBallotChoices::ProjectId))
                    .col(number(BudgetBallotChoices::Points))
                    .primary_key(
                        Index::create()
                            .col(BudgetBallotChoices::BallotId)
                            .col(BudgetBallotChoices::ProjectId),
                    )
                    .foreign_key(&mut cascade(
                        (BudgetBallotChoices::Table, BudgetBallotChoices::BallotId),
                        (BudgetBallots::Table, BudgetBallots::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
