//! A conversation's data in the pol.is openData format: export (so any pol.is tool can read
//! ours) and import (so a municipality can bring an old pol.is conversation in). The format
//! itself (parsing and the tables) lives beside the engine in `inspraak_consensus::opendata`.

use super::{analysis, numbering};
use crate::audit::{self, AuditAction};
use crate::participation::ConsultationContext;
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_consensus::opendata::{self, export};
use inspraak_db::{consultations, conversations, new_id};
use inspraak_domain::ValidationErrors;
use inspraak_domain::conversation::StatementState;
use inspraak_domain::csv::Csv;
use inspraak_domain::ids::{ConsultationId, ConversationId};
use std::collections::HashMap;

/// One of the three openData files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenDataFile {
    /// `comments.csv`.
    Comments,
    /// `votes.csv`.
    Votes,
    /// `participants-votes.csv`.
    ParticipantsVotes,
}

impl std::str::FromStr for OpenDataFile {
    type Err = AppError;

    fn from_str(name: &str) -> Result<Self, AppError> {
        match name {
            "comments.csv" => Ok(OpenDataFile::Comments),
            "votes.csv" => Ok(OpenDataFile::Votes),
            "participants-votes.csv" => Ok(OpenDataFile::ParticipantsVotes),
            _ => Err(AppError::NotFound("file")),
        }
    }
}

/// One openData file of a conversation, as CSV text. Participants are numbers: no names or
/// accounts.
pub async fn export(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
    file: OpenDataFile,
) -> Result<String, AppError> {
    let conversation = conversations::find(app.conn(), id).await?;
    ConsultationContext::load(app, caller, &conversation.consultation_id).await?;
    let statements = conversations::statements(app.conn(), id).await?;
    let numbered = numbering::numbered(app.conn(), id, &statements).await?;
    let comments: Vec<export::ExportComment> = statements
        .iter()
        .filter_map(|s| {
            Some(export::ExportComment {
                tid: u64::try_from(s.number).ok()?,
                created_ms: s.created_at.timestamp_millis(),
                author: s
                    .author_id
                    .as_deref()
                    .and_then(|a| numbered.residents.get(a).copied()),
                moderated: conversations::state_of(s).polis_moderated(),
                body: s.body.clone(),
            })
        })
        .collect();
    let table = match file {
        OpenDataFile::Comments => export::comments_table(&comments, &numbered.votes),
        OpenDataFile::Votes => export::votes_table(&numbered.votes),
        OpenDataFile::ParticipantsVotes => {
            let groups: HashMap<u64, usize> = analysis::stored(app.conn(), id)
                .await?
                .map(|a| {
                    a.participants
                        .iter()
                        .filter_map(|p| p.group.map(|g| (p.pid, g)))
                        .collect()
                })
                .unwrap_or_default();
            let residents: Vec<u64> = numbered.residents.values().copied().collect();
            export::participants_votes_table(&comments, &numbered.votes, &residents, &groups)
        }
    };
    let header: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let mut csv = Csv::new(&header);
    for row in table.rows {
        csv.row(row);
    }
    Ok(csv.finish())
}

/// The uploaded files of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportFiles {
    /// The question for the new conversation.
    pub question: String,
    /// `comments.csv`.
    pub comments: String,
    /// `participants-votes.csv`.
    pub participants_votes: String,
    /// `votes.csv`, when given (it carries the times of the votes).
    pub votes: Option<String>,
}

/// Longest imported statement, in characters.
const IMPORTED_STATEMENT_MAX: usize = 1000;

/// Imports a conversation exported from pol.is (or from Inspraak): its statements and its
/// votes, with participants as numbers. Returns the new conversation's id. A malformed file is
/// [`AppError::Unreadable`], naming the file and line.
pub async fn import(
    app: &App,
    caller: Caller<'_>,
    consultation_id: &ConsultationId,
    files: ImportFiles,
) -> Result<ConversationId, AppError> {
    let admin = caller.require_admin()?;
    let c = consultations::find(app.conn(), consultation_id).await?;
    let mut errors = ValidationErrors::new();
    let question = errors.text("question", &files.question, 5, 300).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let votes_file = files.votes.as_deref().filter(|t| !t.trim().is_empty());
    let data = opendata::parse(&files.comments, &files.participants_votes, votes_file)
        .map_err(|err| AppError::Unreadable(err.to_string()))?;
    let statements: Vec<conversations::ImportedStatement> = data
        .comments
        .iter()
        .map(|cm| conversations::ImportedStatement {
            number: i32::try_from(cm.id).unwrap_or(i32::MAX),
            body: cm
                .body
                .trim()
                .chars()
                .take(IMPORTED_STATEMENT_MAX)
                .collect(),
            state: if cm.moderated == -1 {
                StatementState::Hidden
            } else {
                StatementState::Published
            },
            created_at: chrono::DateTime::from_timestamp_millis(cm.timestamp)
                .unwrap_or_else(Utc::now),
        })
        .collect();
    let votes: Vec<conversations::ImportedVote> = data
        .events
        .iter()
        .map(|e| conversations::ImportedVote {
            participant: i64::try_from(e.pid).unwrap_or(i64::MAX),
            number: i32::try_from(e.tid).unwrap_or(i32::MAX),
            vote: i32::try_from(e.vote.to_export()).unwrap_or(0),
            at_ms: e.at,
        })
        .collect();
    let conversation_id = new_id();
    let base = app.url("/statements/");
    let now = Utc::now();
    let txn = app.begin().await?;
    conversations::import(
        &txn,
        conversations::NewConversation {
            ap_id: app.url(&format!("/conversations/{conversation_id}")),
            id: conversation_id.clone(),
            consultation_id: c.id.clone(),
            question,
            premoderation: false,
        },
        &statements,
        &votes,
        |sid| format!("{base}{sid}"),
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConversationImport,
        ("conversation", &conversation_id),
        format!("{} statements, {} votes", statements.len(), votes.len()),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(conversation_id.into())
}
