//! Opinion-mapping conversations in consultations: statements (numbered per conversation, as
//! pol.is numbers comments), residents' agree / disagree / pass votes, and the latest analysis
//! with the state the next one starts from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    ConsultationId,
    Question,
    Premoderation,
    CreatedAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
enum Statements {
    Table,
    Id,
    ConversationId,
    Number,
    Body,
    AuthorId,
    Seed,
    State,
    CreatedAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
enum StatementVotes {
    Table,
    Id,
    ConversationId,
    StatementId,
    UserId,
    Vote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ImportedVotes {
    Table,
    Id,
    ConversationId,
    Participant,
    Number,
    Vote,
    At,
}

#[derive(DeriveIden)]
enum ConversationAnalyses {
    Table,
    ConversationId,
    VotesSeen,
    StateJson,
    AnalysisJson,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Consultations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn key(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn at(col: impl IntoIden) -> ColumnDef {
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
        manager
            .create_table(
                Table::create()
                    .table(Conversations::Table)
                    .col(key(Conversations::Id).primary_key())
                    .col(key(Conversations::ConsultationId))
                    .col(ColumnDef::new(Conversations::Question).text().not_null())
                    .col(
                        ColumnDef::new(Conversations::Premoderation)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(at(Conversations::CreatedAt))
                    .col(
                        ColumnDef::new(Conversations::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Conversations::Local)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .foreign_key(&mut cascade(
                        (Conversations::Table, Conversations::ConsultationId),
                        (Consultations::Table, Consultations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Statements::Table)
                    .col(key(Statements::Id).primary_key())
                    .col(key(Statements::ConversationId))
                    .col(ColumnDef::new(Statements::Number).integer().not_null())
                    .col(ColumnDef::new(Statements::Body).text().not_null())
                    .col(ColumnDef::new(Statements::AuthorId).string_len(36).null())
                    .col(
                        ColumnDef::new(Statements::Seed)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(Statements::State).string_len(16).not_null())
                    .col(at(Statements::CreatedAt))
                    .col(
                        ColumnDef::new(Statements::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Statements::Local)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .foreign_key(&mut cascade(
                        (Statements::Table, Statements::ConversationId),
                        (Conversations::Table, Conversations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_statements_number",
            Statements::Table,
            &["conversation_id", "number"],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatementVotes::Table)
                    .col(key(StatementVotes::Id).primary_key())
                    .col(key(StatementVotes::ConversationId))
                    .col(key(StatementVotes::StatementId))
                    .col(key(StatementVotes::UserId))
                    .col(ColumnDef::new(StatementVotes::Vote).integer().not_null())
                    .col(at(StatementVotes::CreatedAt))
                    .col(at(StatementVotes::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (StatementVotes::Table, StatementVotes::StatementId),
                        (Statements::Table, Statements::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (StatementVotes::Table, StatementVotes::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "uq_statement_votes_user",
            StatementVotes::Table,
            &["statement_id", "user_id"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_statement_votes_conversation",
            StatementVotes::Table,
            &["conversation_id", "created_at"],
            false,
        )
        .await?;
        // Votes brought in with an imported pol.is conversation: numbered participants, no
        // accounts here.
        manager
            .create_table(
                Table::create()
                    .table(ImportedVotes::Table)
                    .col(key(ImportedVotes::Id).primary_key())
                    .col(key(ImportedVotes::ConversationId))
                    .col(
                        ColumnDef::new(ImportedVotes::Participant)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportedVotes::Number).integer().not_null())
                    .col(ColumnDef::new(ImportedVotes::Vote).integer().not_null())
                    .col(ColumnDef::new(ImportedVotes::At).big_integer().not_null())
                    .foreign_key(&mut cascade(
                        (ImportedVotes::Table, ImportedVotes::ConversationId),
                        (Conversations::Table, Conversations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_imported_votes_conversation",
            ImportedVotes::Table,
            &["conversation_id"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationAnalyses::Table)
                    .col(key(ConversationAnalyses::ConversationId).primary_key())
                    .col(
                        ColumnDef::new(ConversationAnalyses::VotesSeen)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConversationAnalyses::StateJson)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ConversationAnalyses::AnalysisJson)
                            .text()
                            .not_null(),
                    )
                    .col(at(ConversationAnalyses::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (
                            ConversationAnalyses::Table,
                            ConversationAnalyses::ConversationId,
                        ),
                        (Conversations::Table, Conversations::Id),
                    ))
                    .to_owned(),
            )
            .await
    }
}
