//! A conversation's data in the pol.is openData format: export (so any pol.is tool can read
//! ours) and import (so a municipality can bring an old pol.is conversation in).

use super::conversations::{NewPage, stored_analysis};
use crate::form::FormData;
use crate::page::{Page, render_status};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use inspraak_db::entity::statement;
use inspraak_db::{consultations, conversations, new_id};
use inspraak_domain::ValidationErrors;
use std::collections::HashMap;

/// Largest openData upload (the three files together).
pub const IMPORT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// The conversation in the pol.is openData format, so any pol.is tool can read it.
/// Participants are numbered in the order they first took part; no names or accounts.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let conversation = conversations::find(&state.db.conn, &id).await?;
    let _ctx = ConsultationContext::load(&state, &session, &conversation.consultation_id).await?;
    let statements = conversations::statements(&state.db.conn, &id).await?;
    let numbered = crate::conversation_votes::numbered(&state.db.conn, &id, &statements).await?;
    let votes = &numbered.votes;
    let pid = &numbered.residents;
    let moderated = |s: &statement::Model| match s.state.as_str() {
        conversations::state::PUBLISHED => "1",
        conversations::state::PENDING => "0",
        _ => "-1",
    };
    let date = |at: chrono::DateTime<Utc>| at.format("%a %b %d %H:%M:%S UTC %Y").to_string();
    let text = match file.as_str() {
        "comments.csv" => {
            let mut csv = crate::csv::Csv::new(&[
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]);
            for s in &statements {
                let on_it = votes.iter().filter(|v| v.1 == s.number);
                let agrees = on_it.clone().filter(|v| v.2 == 1).count();
                let disagrees = on_it.filter(|v| v.2 == -1).count();
                csv.row([
                    s.created_at.timestamp_millis().to_string(),
                    date(s.created_at),
                    s.number.to_string(),
                    s.author_id
                        .as_deref()
                        .and_then(|a| pid.get(a))
                        .map_or(String::new(), ToString::to_string),
                    agrees.to_string(),
                    disagrees.to_string(),
                    moderated(s).to_owned(),
                    s.body.clone(),
                ]);
            }
            csv.finish()
        }
        "votes.csv" => {
            let mut csv =
                crate::csv::Csv::new(&["timestamp", "datetime", "comment-id", "voter-id", "vote"]);
            let mut sorted: Vec<_> = votes.iter().collect();
            sorted.sort_by_key(|v| (v.3, v.0, v.1));
            for &(voter, number, vote, at) in sorted {
                let when = chrono::DateTime::from_timestamp_millis(at).unwrap_or_default();
                csv.row([
                    at.to_string(),
                    date(when),
                    number.to_string(),
                    voter.to_string(),
                    vote.to_string(),
                ]);
            }
            csv.finish()
        }
        "participants-votes.csv" => {
            let groups: HashMap<u64, usize> = stored_analysis(&state, &id)
                .await?
                .map(|a| {
                    a.participants
                        .iter()
                        .filter_map(|p| p.group.map(|g| (p.pid, g)))
                        .collect()
                })
                .unwrap_or_default();
            let mut participants: Vec<u64> = votes
                .iter()
                .map(|v| v.0)
                .chain(pid.values().copied())
                .collect();
            participants.sort_unstable();
            participants.dedup();
            let authored: HashMap<u64, usize> = statements
                .iter()
                .filter_map(|s| s.author_id.as_deref().and_then(|a| pid.get(a)))
                .fold(HashMap::new(), |mut m, p| {
                    *m.entry(*p).or_default() += 1;
                    m
                });
            let numbers: Vec<i32> = statements.iter().map(|s| s.number).collect();
            let mut header: Vec<String> = [
                "participant",
                "group-id",
                "n-comments",
                "n-votes",
                "n-agree",
                "n-disagree",
            ]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
            header.extend(numbers.iter().map(ToString::to_string));
            let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut csv = crate::csv::Csv::new(&header_refs);
            let mut by_participant: HashMap<u64, HashMap<i32, i32>> = HashMap::new();
            for &(p, n, v, _) in votes {
                by_participant.entry(p).or_default().insert(n, v);
            }
            let empty = HashMap::new();
            for p in participants {
                let mine = by_participant.get(&p).unwrap_or(&empty);
                let mut row = vec![
                    p.to_string(),
                    groups.get(&p).map_or(String::new(), ToString::to_string),
                    authored.get(&p).copied().unwrap_or(0).to_string(),
                    mine.len().to_string(),
                    mine.values().filter(|v| **v == 1).count().to_string(),
                    mine.values().filter(|v| **v == -1).count().to_string(),
                ];
                row.extend(
                    numbers
                        .iter()
                        .map(|n| mine.get(n).map_or(String::new(), ToString::to_string)),
                );
                csv.row(row);
            }
            csv.finish()
        }
        _ => return Err(WebError::NotFound("file")),
    };
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// Imports a conversation exported from pol.is (or from Inspraak) in the openData format:
/// its statements and its votes, with participants as numbers.
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let c = consultations::find(&state.db.conn, &id).await?;
    let mut fields: HashMap<String, String> = HashMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("malformed upload: {e}")))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| WebError::BadRequest(format!("malformed upload: {e}")))?;
        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
    crate::csrf::check(
        &session,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let get = |k: &str| fields.get(k).map_or("", String::as_str);
    let mut errors = ValidationErrors::new();
    let question = errors.text("question", get("question"), 5, 300).to_owned();
    let refuse = |errors: ValidationErrors, message: Option<String>| {
        let page = Page::new(
            &state,
            &session,
            &format!("/admin/consultations/{id}/conversations/new"),
        );
        let form = FormData::from_pairs([("question", get("question").to_owned())]);
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                page,
                consultation_id: c.id.clone(),
                consultation_title: c.title.clone(),
                form,
                errors,
                import_error: message,
            },
        )
    };
    if !errors.is_empty() {
        return refuse(errors, None);
    }
    let votes_file = Some(get("votes")).filter(|t| !t.trim().is_empty());
    let data = match inspraak_consensus::opendata::parse(
        get("comments"),
        get("participants_votes"),
        votes_file,
    ) {
        Ok(data) => data,
        Err(err) => return refuse(errors, Some(err.to_string())),
    };
    let statements: Vec<conversations::ImportedStatement> = data
        .comments
        .iter()
        .map(|cm| conversations::ImportedStatement {
            number: i32::try_from(cm.id).unwrap_or(i32::MAX),
            body: cm.body.trim().chars().take(1000).collect(),
            state: if cm.moderated == -1 {
                "hidden"
            } else {
                conversations::state::PUBLISHED
            }
            .into(),
            created_at: chrono::DateTime::from_timestamp_millis(cm.timestamp)
                .unwrap_or_else(Utc::now),
        })
        .collect();
    let votes: Vec<(i64, i32, i32, i64)> = data
        .events
        .iter()
        .map(|e| {
            let vote = match e.vote {
                inspraak_consensus::Vote::Agree => 1,
                inspraak_consensus::Vote::Disagree => -1,
                inspraak_consensus::Vote::Pass => 0,
            };
            (
                i64::try_from(e.pid).unwrap_or(i64::MAX),
                i32::try_from(e.tid).unwrap_or(i32::MAX),
                vote,
                e.at,
            )
        })
        .collect();
    let conversation_id = new_id();
    let base = state.config.url("/statements/");
    conversations::import(
        &state.db.conn,
        conversations::NewConversation {
            ap_id: state
                .config
                .url(&format!("/conversations/{conversation_id}")),
            id: conversation_id.clone(),
            consultation_id: c.id.clone(),
            question,
            premoderation: false,
        },
        &statements,
        &votes,
        |sid| format!("{base}{sid}"),
        Utc::now(),
    )
    .await?;
    inspraak_db::audit::record(
        &state.db.conn,
        Some(&admin.id),
        "conversation.import",
        ("conversation", &conversation_id),
        format!("{} statements, {} votes", statements.len(), votes.len()),
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/conversations/{conversation_id}/report")).into_response())
}
