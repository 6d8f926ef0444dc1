//! Accounts, sessions, resident verification, consultations with phases, and the audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Email,
    PasswordHash,
    Role,
    VerifiedAt,
    VerificationMethod,
    VerifiedBy,
    Locale,
    ApId,
    Local,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum Sessions {
    Table,
    Id,
    UserId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum VerificationCodes {
    Table,
    Id,
    CodeHash,
    Batch,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedBy,
    UsedAt,
}

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum Consultations {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    BodyMarkdown,
    BodyHtml,
    CoverImage,
    CoverAlt,
    PublishedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ApId,
    Local,
}

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum Phases {
    Table,
    Id,
    ConsultationId,
    Position,
    Kind,
    Title,
    StartsOn,
    EndsOn,
    AllowPropose,
    AllowComment,
    AllowSupport,
    AllowVote,
}

#[derive(DeriveIden)]
#[allow(dead_code)] // `Id` is named through the shared `id()` column helper
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    SubjectType,
    SubjectId,
    Detail,
    CreatedAt,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .string_len(36)
        .not_null()
        .primary_key()
        .to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn nullable_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn nullable_timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn reference(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string_len(36).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Users::Username)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(Users::DisplayName))
                    .col(
                        ColumnDef::new(Users::Email)
                            .string_len(254)
                            .null()
                            .unique_key(),
                    )
                    .col(nullable_text(Users::PasswordHash))
                    .col(
                        ColumnDef::new(Users::Role)
                            .string_len(16)
                            .not_null()
                            .default("resident"),
                    )
                    .col(nullable_timestamp(Users::VerifiedAt))
                    .col(
                        ColumnDef::new(Users::VerificationMethod)
                            .string_len(32)
                            .null(),
                    )
                    .col(reference(Users::VerifiedBy))
                    .col(ColumnDef::new(Users::Locale).string_len(8).null())
                    .col(
                        ColumnDef::new(Users::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(flag(Users::Local).default(true))
                    .col(timestamp(Users::CreatedAt))
                    .col(nullable_timestamp(Users::LastLoginAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(
                        ColumnDef::new(Sessions::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(reference(Sessions::UserId))
                    .col(
                        ColumnDef::new(Sessions::CsrfToken)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(Sessions::CreatedAt))
                    .col(timestamp(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires_at")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VerificationCodes::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(VerificationCodes::CodeHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(VerificationCodes::Batch))
                    .col(reference(VerificationCodes::CreatedBy))
                    .col(timestamp(VerificationCodes::CreatedAt))
                    .col(timestamp(VerificationCodes::ExpiresAt))
                    .col(reference(VerificationCodes::UsedBy))
                    .col(nullable_timestamp(VerificationCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VerificationCodes::Table, VerificationCodes::UsedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Consultations::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Consultations::Slug)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(Consultations::Title))
                    .col(text(Consultations::Summary))
                    .col(text(Consultations::BodyMarkdown))
                    .col(text(Consultations::BodyHtml))
                    .col(nullable_text(Consultations::CoverImage))
                    .col(nullable_text(Consultations::CoverAlt))
                    .col(nullable_timestamp(Consultations::PublishedAt))
                    .col(reference(Consultations::CreatedBy))
                    .col(timestamp(Consultations::CreatedAt))
                    .col(timestamp(Consultations::UpdatedAt))
                    .col(
                        ColumnDef::new(Consultations::ApId)
                            .string_len(2048)
                            .not_null()
                            .unique_key(),
                    )
                    .col(flag(Consultations::Local).default(true))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Phases::Table)
                    .col(id())
                    .col(
                        ColumnDef::new(Phases::ConsultationId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Phases::Position).integer().not_null())
                    .col(ColumnDef::new(Phases::Kind).string_len(16).not_null())
                    .col(nullable_text(Phases::Title))
                    .col(ColumnDef::new(Phases::StartsOn).date().not_null())
                    .col(ColumnDef::new(Phases::EndsOn).date().not_null())
                    .col(flag(Phases::AllowPropose))
                    .col(flag(Phases::AllowComment))
                    .col(flag(Phases::AllowSupport))
                    .col(flag(Phases::AllowVote))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Phases::Table, Phases::ConsultationId)
                            .to(Consultations::Table, Consultations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_phases_consultation")
                    .table(Phases::Table)
                    .col(Phases::ConsultationId)
                    .col(Phases::StartsOn)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id())
                    .col(reference(AuditLog::ActorId))
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(
                        ColumnDef::new(AuditLog::SubjectType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditLog::SubjectId)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(text(AuditLog::Detail))
                    .col(timestamp(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_created_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::CreatedAt)
                    .to_owned(),
            )
            .await
    }
}
