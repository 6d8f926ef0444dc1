//! Participation: proposals with supports and official answers, comments, polls with ballots,
//! reports and blocking. Uniqueness that the rules depend on (one support per resident per
//! proposal, one ballot per resident per poll, one report per person per item) is enforced
//! here, by the database, not only by the code.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    BlockedAt,
    BlockedReason,
    BlockedBy,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
    SupportThreshold,
    VerifiedToPropose,
    VerifiedToComment,
    Premoderation,
}

#[derive(DeriveIden)]
enum CustomStatuses {
    Table,
    ConsultationId,
    Label,
    Position,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    ConsultationId,
    AuthorId,
    Title,
    Summary,
    BodyMarkdown,
    BodyHtml,
    Tags,
    State,
    StatusKey,
    HiddenAt,
    HiddenReason,
    HiddenBy,
    CreatedAt,
    UpdatedAt,
    WithdrawnAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
enum ProposalAnswers {
    Table,
    ProposalId,
    StatusKey,
    AnswerMarkdown,
    AnswerHtml,
    AnsweredBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Supports {
    Table,
    ProposalId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    ConsultationId,
    ProposalId,
    ParentId,
    AuthorId,
    BodyMarkdown,
    BodyHtml,
    Stance,
    Depth,
    State,
    HiddenAt,
    HiddenReason,
    HiddenBy,
    CreatedAt,
    EditedAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
enum Polls {
    Table,
    Id,
    ConsultationId,
    Question,
    Multiple,
    ClosesAt,
    ResultsVisibility,
    CreatedBy,
    CreatedAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
enum PollOptions {
    Table,
    Id,
    PollId,
    Position,
    Label,
}

#[derive(DeriveIden)]
enum Ballots {
    Table,
    Id,
    PollId,
    UserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BallotChoices {
    Table,
    BallotId,
    OptionId,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    ContentKind,
    ContentId,
    ReporterId,
    Reason,
    Note,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
    Resolution,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn key(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn optional_key(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).null().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn optional_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn short(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(32).not_null().to_owned()
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

fn flag(col: impl IntoIden, default: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

fn ap_id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .string_len(2048)
        .not_null()
        .unique_key()
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

async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    // SQLite takes one column per ALTER TABLE.
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
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
        add_column(manager, Users::Table, optional_at(Users::BlockedAt)).await?;
        add_column(manager, Users::Table, optional_text(Users::BlockedReason)).await?;
        add_column(manager, Users::Table, optional_key(Users::BlockedBy)).await?;

        add_column(
            manager,
            Consultations::Table,
            ColumnDef::new(Consultations::SupportThreshold)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Consultations::Table,
            flag(Consultations::VerifiedToPropose, false),
        )
        .await?;
        add_column(
            manager,
            Consultations::Table,
            flag(Consultations::VerifiedToComment, false),
        )
        .await?;
        add_column(
            manager,
            Consultations::Table,
            flag(Consultations::Premoderation, false),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CustomStatuses::Table)
                    .col(id())
                    .col(key(CustomStatuses::ConsultationId))
                    .col(text(CustomStatuses::Label))
                    .col(
                        ColumnDef::new(CustomStatuses::Position)
                            .integer()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        (CustomStatuses::Table, CustomStatuses::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(id())
                    .col(key(Proposals::ConsultationId))
                    .col(key(Proposals::AuthorId))
                    .col(text(Proposals::Title))
                    .col(text(Proposals::Summary))
                    .col(text(Proposals::BodyMarkdown))
                    .col(text(Proposals::BodyHtml))
                    .col(text(Proposals::Tags))
                    .col(short(Proposals::State))
                    .col(ColumnDef::new(Proposals::StatusKey).string_len(64).null())
                    .col(optional_at(Proposals::HiddenAt))
                    .col(optional_text(Proposals::HiddenReason))
                    .col(optional_key(Proposals::HiddenBy))
                    .col(at(Proposals::CreatedAt))
                    .col(at(Proposals::UpdatedAt))
                    .col(optional_at(Proposals::WithdrawnAt))
                    .col(ap_id(Proposals::ApId))
                    .col(flag(Proposals::Local, true))
                    .foreign_key(&mut cascade(
                        (Proposals::Table, Proposals::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Proposals::Table, Proposals::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_proposals_consultation",
            Proposals::Table,
            &["consultation_id", "created_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProposalAnswers::Table)
                    .col(id())
                    .col(key(ProposalAnswers::ProposalId))
                    .col(
                        ColumnDef::new(ProposalAnswers::StatusKey)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(text(ProposalAnswers::AnswerMarkdown))
                    .col(text(ProposalAnswers::AnswerHtml))
                    .col(optional_key(ProposalAnswers::AnsweredBy))
                    .col(at(ProposalAnswers::CreatedAt))
                    .foreign_key(&mut cascade(
                        (ProposalAnswers::Table, ProposalAnswers::ProposalId),
                        (Proposals::Table, Proposals::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_proposal_answers_proposal",
            ProposalAnswers::Table,
            &["proposal_id", "created_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Supports::Table)
                    .col(id())
                    .col(key(Supports::ProposalId))
                    .col(key(Supports::UserId))
                    .col(at(Supports::CreatedAt))
                    .foreign_key(&mut cascade(
                        (Supports::Table, Supports::ProposalId),
                        (Proposals::Table, Proposals::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Supports::Table, Supports::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_supports_proposal_user",
            Supports::Table,
            &["proposal_id", "user_id"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(id())
                    .col(key(Comments::ConsultationId))
                    .col(optional_key(Comments::ProposalId))
                    .col(optional_key(Comments::ParentId))
                    .col(key(Comments::AuthorId))
                    .col(text(Comments::BodyMarkdown))
                    .col(text(Comments::BodyHtml))
                    .col(short(Comments::Stance))
                    .col(
                        ColumnDef::new(Comments::Depth)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(short(Comments::State))
                    .col(optional_at(Comments::HiddenAt))
                    .col(optional_text(Comments::HiddenReason))
                    .col(optional_key(Comments::HiddenBy))
                    .col(at(Comments::CreatedAt))
                    .col(optional_at(Comments::EditedAt))
                    .col(ap_id(Comments::ApId))
                    .col(flag(Comments::Local, true))
                    .foreign_key(&mut cascade(
                        (Comments::Table, Comments::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Comments::Table, Comments::ProposalId),
                        (Proposals::Table, Proposals::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Comments::Table, Comments::AuthorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_comments_thread",
            Comments::Table,
            &["consultation_id", "proposal_id", "created_at"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Polls::Table)
                    .col(id())
                    .col(key(Polls::ConsultationId))
                    .col(text(Polls::Question))
                    .col(flag(Polls::Multiple, false))
                    .col(optional_at(Polls::ClosesAt))
                    .col(short(Polls::ResultsVisibility))
                    .col(optional_key(Polls::CreatedBy))
                    .col(at(Polls::CreatedAt))
                    .col(ap_id(Polls::ApId))
                    .col(flag(Polls::Local, true))
                    .foreign_key(&mut cascade(
                        (Polls::Table, Polls::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PollOptions::Table)
                    .col(id())
                    .col(key(PollOptions::PollId))
                    .col(ColumnDef::new(PollOptions::Position).integer().not_null())
                    .col(text(PollOptions::Label))
                    .foreign_key(&mut cascade(
                        (PollOptions::Table, PollOptions::PollId),
                        (Polls::Table, Polls::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Ballots::Table)
                    .col(id())
                    .col(key(Ballots::PollId))
                    .col(key(Ballots::UserId))
                    .col(at(Ballots::CreatedAt))
                    .col(at(Ballots::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Ballots::Table, Ballots::PollId),
                        (Polls::Table, Polls::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Ballots::Table, Ballots::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_ballots_poll_user",
            Ballots::Table,
            &["poll_id", "user_id"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(BallotChoices::Table)
                    .col(key(BallotChoices::BallotId))
                    .col(key(BallotChoices::OptionId))
                    .primary_key(
                        Index::create()
                            .col(BallotChoices::BallotId)
                            .col(BallotChoices::OptionId),
                    )
                    .foreign_key(&mut cascade(
                        (BallotChoices::Table, BallotChoices::BallotId),
                        (Ballots::Table, Ballots::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (BallotChoices::Table, BallotChoices::OptionId),
                        (PollOptions::Table, PollOptions::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(id())
                    .col(short(Reports::ContentKind))
                    .col(key(Reports::ContentId))
                    .col(key(Reports::ReporterId))
                    .col(short(Reports::Reason))
                    .col(text(Reports::Note))
                    .col(at(Reports::CreatedAt))
                    .col(optional_at(Reports::ResolvedAt))
                    .col(optional_key(Reports::ResolvedBy))
                    .col(ColumnDef::new(Reports::Resolution).string_len(32).null())
                    .foreign_key(&mut cascade(
                        (Reports::Table, Reports::ReporterId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_reports_once_per_person",
            Reports::Table,
            &["content_kind", "content_id", "reporter_id"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_reports_open",
            Reports::Table,
            &["resolved_at", "created_at"],
            false,
        )
        .await
    }
}
