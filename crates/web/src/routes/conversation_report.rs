//! A conversation's outcome: the opinion map (SVG with a text equivalent), each group's
//! representative statements, consensus, the group-aware ranking, and fediverse votes apart.

use super::conversations::stored_analysis;
use crate::page::{Page, render};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use inspraak_db::conversations;
use std::collections::HashMap;

/// A point on the map, scaled into the picture.
struct Point {
    x: f64,
    y: f64,
    group: String,
}

/// A statement with its share of agreement, for the report.
struct StatementLine {
    number: u64,
    text: String,
    percent: u64,
    agree: bool,
}

struct GroupView {
    name: String,
    class: String,
    size: usize,
    statements: Vec<StatementLine>,
}

#[derive(Template)]
#[template(path = "conversations/report.html")]
struct ReportPage {
    page: Page,
    id: String,
    question: String,
    analysed: bool,
    participants: usize,
    points: Vec<Point>,
    groups: Vec<GroupView>,
    consensus: Vec<StatementLine>,
    ranking: Vec<(u64, String, String)>,
    /// Votes from fediverse accounts per statement (number, text, agree, disagree, pass),
    /// counted apart from residents.
    fediverse: Vec<(i32, String, u64, u64, u64)>,
    /// Participants not (yet) in a group: too few votes.
    ungrouped: usize,
}

pub async fn report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let conversation = conversations::find(&state.db.conn, &id).await?;
    let _ctx =
        ConsultationContext::load(&state.app, session.caller(), &conversation.consultation_id)
            .await?;
    let page = Page::new(&state, &session, &format!("/conversations/{id}/report"));
    let texts: HashMap<u64, String> = conversations::statements(&state.db.conn, &id)
        .await?
        .into_iter()
        .filter_map(|s| u64::try_from(s.number).ok().map(|n| (n, s.body)))
        .collect();
    let text = |n: &u64| texts.get(n).cloned().unwrap_or_default();
    let tally = conversations::fediverse_tally(&state.db.conn, &id).await?;
    let mut fediverse: Vec<(i32, String, u64, u64, u64)> =
        conversations::statements(&state.db.conn, &id)
            .await?
            .into_iter()
            .filter_map(|s| {
                tally
                    .get(&s.id)
                    .map(|&(a, d, p)| (s.number, s.body, a, d, p))
            })
            .collect();
    fediverse.sort_by_key(|f| f.0);
    let Some(analysis) = stored_analysis(&state, &id).await? else {
        return render(&ReportPage {
            page,
            id,
            question: conversation.question,
            analysed: false,
            participants: 0,
            points: Vec::new(),
            groups: Vec::new(),
            consensus: Vec::new(),
            ranking: Vec::new(),
            fediverse,
            ungrouped: 0,
        });
    };
    let group_name = |g: usize| {
        page.t("conversations.group")
            .replace("{n}", &(g + 1).to_string())
    };
    // Scale positions into a 400 × 300 picture with a margin.
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &analysis.participants {
        min_x = min_x.min(p.position[0]);
        max_x = max_x.max(p.position[0]);
        min_y = min_y.min(p.position[1]);
        max_y = max_y.max(p.position[1]);
    }
    let scale = |v: f64, lo: f64, hi: f64, size: f64| {
        if hi - lo < 1e-12 {
            size / 2.0
        } else {
            20.0 + (v - lo) / (hi - lo) * (size - 40.0)
        }
    };
    let points = analysis
        .participants
        .iter()
        .map(|p| Point {
            x: (scale(p.position[0], min_x, max_x, 400.0) * 10.0).round() / 10.0,
            y: (scale(p.position[1], min_y, max_y, 300.0) * 10.0).round() / 10.0,
            group: p.group.map_or("none".to_owned(), |g| format!("g{}", g % 5)),
        })
        .collect();
    let groups = analysis
        .groups
        .iter()
        .map(|g| GroupView {
            name: group_name(g.id),
            class: format!("g{}", g.id % 5),
            size: g.members.len(),
            statements: g
                .representatives
                .iter()
                .map(|(tid, r)| StatementLine {
                    number: *tid,
                    text: text(tid),
                    percent: (r.n_success * 100).checked_div(r.n_trials).unwrap_or(0),
                    agree: r.side == inspraak_consensus::Side::Agree,
                })
                .collect(),
        })
        .collect();
    let consensus = analysis
        .consensus_agree
        .iter()
        .map(|(tid, c)| (tid, c, true))
        .chain(
            analysis
                .consensus_disagree
                .iter()
                .map(|(tid, c)| (tid, c, false)),
        )
        .map(|(tid, c, agree)| StatementLine {
            number: *tid,
            text: text(tid),
            percent: (c.n_success * 100).checked_div(c.n_trials).unwrap_or(0),
            agree,
        })
        .collect();
    let mut ranked: Vec<_> = analysis.comments.iter().collect();
    ranked.sort_by(|a, b| b.agree_consensus.total_cmp(&a.agree_consensus));
    let ranking = ranked
        .iter()
        .take(10)
        .map(|c| (c.tid, text(&c.tid), format!("{:.2}", c.agree_consensus)))
        .collect();
    render(&ReportPage {
        page,
        id,
        question: conversation.question,
        analysed: true,
        participants: analysis.participants.len(),
        points,
        groups,
        consensus,
        ranking,
        fediverse,
        ungrouped: analysis
            .participants
            .iter()
            .filter(|p| p.group.is_none())
            .count(),
    })
}
