//! A change counter for the background analysis: `conversations.analysis_changes` goes up with
//! every vote, import or moderation decision, and `conversation_analyses.changes_seen` records
//! the count an analysis covered. The worker then finds the conversations to analyse with one
//! indexed query instead of counting every conversation's votes every few seconds.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Conversations {
    Table,
    AnalysisChanges,
}

#[derive(DeriveIden)]
enum ConversationAnalyses {
    Table,
    ChangesSeen,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Conversations::Table)
                    .add_column(
                        ColumnDef::new(Conversations::AnalysisChanges)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ConversationAnalyses::Table)
                    .add_column(
                        ColumnDef::new(ConversationAnalyses::ChangesSeen)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("conversations_analysis_changes")
                    .table(Conversations::Table)
                    .col(Conversations::AnalysisChanges)
                    .to_owned(),
            )
            .await?;
        // Conversations that already have votes are analysed once more after the upgrade.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE conversations SET analysis_changes = 1 WHERE id IN \
                 (SELECT conversation_id FROM statement_votes \
                  UNION SELECT conversation_id FROM imported_votes)",
            )
            .await?;
        Ok(())
    }
}
