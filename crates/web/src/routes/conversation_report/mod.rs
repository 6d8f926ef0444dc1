//! A conversation's outcome, after pol.is's report: a plain-language summary at the top, the
//! opinion map (group regions as hulls, points sized by count when dense), each group's
//! representative statements, consensus, the group-aware ranking, every statement's agree,
//! disagree and pass bars per group, the comment map, fediverse votes apart, and the figures as
//! CSV. Every picture has a table beside it for screen readers.

mod figures;
mod geometry;
mod map;

use crate::page::{Page, render};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use figures::{StatementFigures, Summary, passes, percent};
use inspraak_consensus::{Analysis, Tally};
use inspraak_db::conversations;
use inspraak_db::entity::{conversation, statement};
use inspraak_domain::conversation::StatementState;
use map::{CommentMap, OpinionMap};
use std::collections::{BTreeMap, HashMap};

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

/// One bar: everyone's or one group's votes on a statement.
struct BarRow {
    /// `all`, or the group's number.
    group: String,
    name: String,
    agree: u64,
    disagree: u64,
    pass: u64,
    seen: u64,
    /// Shares in percent, for the text.
    percents: (u64, u64, u64),
    /// Where each part of the bar starts and how wide it is, out of 100.
    widths: (f64, f64, f64),
    /// Where the disagree and pass parts start.
    starts: (f64, f64),
}

/// A statement with its bars.
struct StatementBars {
    number: u64,
    text: String,
    rows: Vec<BarRow>,
}

/// The plain-language summary.
struct SummaryView {
    groups: String,
    agreed: Vec<(u64, String)>,
    /// The full stop after the agreed statements, unless the last one ends in its own.
    agreed_end: &'static str,
    /// The statement they differ most on, and the sentence that says so.
    differ: Option<(u64, String)>,
}

#[derive(Template)]
#[template(path = "conversations/report.html")]
struct ReportPage {
    page: Page,
    id: String,
    question: String,
    analysed: bool,
    participants: usize,
    map: OpinionMap,
    groups: Vec<GroupView>,
    consensus: Vec<StatementLine>,
    ranking: Vec<(u64, String, String)>,
    summary: SummaryView,
    bars: Vec<StatementBars>,
    comments: CommentMap,
    /// Votes from fediverse accounts per statement (number, text, agree, disagree, pass),
    /// counted apart from residents.
    fediverse: Vec<(i32, String, u64, u64, u64)>,
    /// Participants not (yet) in a group: too few votes.
    ungrouped: usize,
}

/// What the report and its downloads read: the conversation, its shown statements, the
/// stored analysis and the figures counted from the votes.
struct Loaded {
    conversation: conversation::Model,
    statements: Vec<statement::Model>,
    /// Shown statements' texts by number.
    texts: BTreeMap<u64, String>,
    analysis: Option<Analysis>,
    figures: Vec<StatementFigures>,
}

async fn load(state: &AppState, session: &Session, id: &str) -> Result<Loaded, WebError> {
    let conversation = conversations::find(&state.db.conn, id).await?;
    ConsultationContext::load(&state.app, session.caller(), &conversation.consultation_id).await?;
    let statements = conversations::statements(&state.db.conn, id).await?;
    let texts: BTreeMap<u64, String> = statements
        .iter()
        .filter(|s| conversations::state_of(s) == StatementState::Published)
        .filter_map(|s| u64::try_from(s.number).ok().map(|n| (n, s.body.clone())))
        .collect();
    let stored =
        inspraak_app::conversations::analysis::stored_with_changes(&state.db.conn, id).await?;
    // An analysis that covers every change keeps the counts its groups came from: no need to
    // read every vote. While votes are newer than the analysis, they are counted.
    let current = stored
        .as_ref()
        .is_some_and(|(_, seen)| *seen == conversation.analysis_changes);
    let analysis = stored.map(|(analysis, _)| analysis);
    let figures = match &analysis {
        None => Vec::new(),
        Some(a) if !a.tallies.is_empty() && current => {
            let tids: Vec<u64> = texts.keys().copied().collect();
            figures::from_analysis(&a.tallies, a.groups.len(), &tids)
        }
        Some(a) => {
            let numbered =
                inspraak_app::conversations::numbering::numbered(&state.db.conn, id, &statements)
                    .await?;
            let index: HashMap<usize, usize> = a
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| (g.id, i))
                .collect();
            let group_of: HashMap<u64, usize> = a
                .participants
                .iter()
                .filter_map(|p| Some((p.pid, *index.get(&p.group?)?)))
                .collect();
            let tids: Vec<u64> = texts.keys().copied().collect();
            figures::tallies(&numbered.votes, &group_of, a.groups.len(), &tids)
        }
    };
    Ok(Loaded {
        conversation,
        statements,
        texts,
        analysis,
        figures,
    })
}

/// The report page.
pub async fn report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &session, &id).await?;
    let page = Page::new(&state, &session, &format!("/conversations/{id}/report"));
    let tally = conversations::fediverse_tally(&state.db.conn, &id).await?;
    let mut fediverse: Vec<(i32, String, u64, u64, u64)> = loaded
        .statements
        .iter()
        .filter_map(|s| {
            tally
                .get(&s.id)
                .map(|&(a, d, p)| (s.number, s.body.clone(), a, d, p))
        })
        .collect();
    fediverse.sort_by_key(|f| f.0);
    let texts = &loaded.texts;
    let text = |n: &u64| texts.get(n).cloned().unwrap_or_default();
    let Some(analysis) = &loaded.analysis else {
        return render(&ReportPage {
            page,
            id,
            question: loaded.conversation.question,
            analysed: false,
            participants: 0,
            map: OpinionMap {
                dots: Vec::new(),
                hulls: Vec::new(),
                binned: false,
            },
            groups: Vec::new(),
            consensus: Vec::new(),
            ranking: Vec::new(),
            summary: SummaryView {
                groups: String::new(),
                agreed: Vec::new(),
                agreed_end: "",
                differ: None,
            },
            bars: Vec::new(),
            comments: CommentMap {
                dots: Vec::new(),
                origin: [0.0, 0.0],
            },
            fediverse,
            ungrouped: 0,
        });
    };
    let group_name = |id: usize| page.t.with_number("conversations.group", id + 1);
    let groups = analysis
        .groups
        .iter()
        .map(|g| GroupView {
            name: group_name(g.id),
            class: map::group_class(g.id),
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
    let mut ranked: Vec<_> = analysis
        .comments
        .iter()
        .filter(|c| texts.contains_key(&c.tid))
        .collect();
    ranked.sort_by(|a, b| b.agree_consensus.total_cmp(&a.agree_consensus));
    let ranking = ranked
        .iter()
        .take(10)
        .map(|c| (c.tid, text(&c.tid), format!("{:.2}", c.agree_consensus)))
        .collect();
    let group_names: Vec<String> = analysis.groups.iter().map(|g| group_name(g.id)).collect();
    let summary = summary_view(
        &page,
        analysis,
        &figures::summarise(&loaded.figures, &analysis.comments),
        &group_names,
        &text,
    );
    let bars = loaded
        .figures
        .iter()
        .map(|f| StatementBars {
            number: f.tid,
            text: text(&f.tid),
            rows: std::iter::once(bar_row(
                "all".to_owned(),
                page.t("conversations.everyone").to_owned(),
                &f.all,
            ))
            .chain(
                f.groups
                    .iter()
                    .zip(&analysis.groups)
                    .map(|(t, g)| bar_row((g.id + 1).to_string(), group_name(g.id), t)),
            )
            .collect(),
        })
        .collect();
    render(&ReportPage {
        participants: analysis.participants.len(),
        map: map::opinion_map(analysis),
        comments: map::comment_map(analysis, |n| texts.get(&n).cloned()),
        ungrouped: analysis
            .participants
            .iter()
            .filter(|p| p.group.is_none())
            .count(),
        page,
        id,
        question: loaded.conversation.question,
        analysed: true,
        groups,
        consensus,
        ranking,
        summary,
        bars,
        fediverse,
    })
}

fn bar_row(group: String, name: String, t: &Tally) -> BarRow {
    let pass = passes(t);
    let width = |n: u64| {
        if t.seen == 0 {
            0.0
        } else {
            (n as f64 * 1000.0 / t.seen as f64).round() / 10.0
        }
    };
    BarRow {
        group,
        name,
        agree: t.agree,
        disagree: t.disagree,
        pass,
        seen: t.seen,
        percents: (
            percent(t.agree, t.seen),
            percent(t.disagree, t.seen),
            percent(pass, t.seen),
        ),
        widths: (width(t.agree), width(t.disagree), width(pass)),
        starts: (
            width(t.agree),
            ((width(t.agree) + width(t.disagree)) * 10.0).round() / 10.0,
        ),
    }
}

/// The summary's sentences from the locale's templates.
fn summary_view(
    page: &Page,
    analysis: &Analysis,
    summary: &Summary,
    group_names: &[String],
    text: &impl Fn(&u64) -> String,
) -> SummaryView {
    let groups = if analysis.groups.len() >= 2 {
        page.t("conversations.plain_groups")
            .replace("{groups}", &analysis.groups.len().to_string())
            .replace("{participants}", &analysis.participants.len().to_string())
    } else {
        page.t("conversations.plain_no_groups").to_owned()
    };
    let differ = summary.differ.as_ref().map(|d| {
        let name = |g: usize| group_names.get(g).cloned().unwrap_or_default();
        // The statement's own text goes in last, so no placeholder inside it is replaced.
        let sentence = page
            .t("conversations.plain_differ")
            .replace("{n}", &d.tid.to_string())
            .replace("{high_group}", &name(d.high.0))
            .replace("{high}", &d.high.1.to_string())
            .replace("{low_group}", &name(d.low.0))
            .replace("{low}", &d.low.1.to_string())
            .replace("{text}", &text(&d.tid));
        (d.tid, sentence)
    });
    let agreed: Vec<(u64, String)> = summary.agreed.iter().map(|n| (*n, text(n))).collect();
    let agreed_end = match agreed.last() {
        Some((_, t)) if t.trim_end().ends_with(['.', '!', '?']) => "",
        _ => ".",
    };
    SummaryView {
        groups,
        agreed,
        agreed_end,
        differ,
    }
}

/// A CSV file for download.
fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The report's figures as CSV: `statements.csv` (agree, disagree, pass and seen per statement,
/// for everyone and per group) or `groups.csv` (each participant's number and group, nothing
/// personal). Empty tables until the conversation is analysed.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    if file != "statements.csv" && file != "groups.csv" {
        return Err(WebError::NotFound("file"));
    }
    let loaded = load(&state, &session, &id).await?;
    let groups = loaded.analysis.as_ref().map_or(&[][..], |a| &a.groups[..]);
    let body = if file == "statements.csv" {
        let numbers: Vec<usize> = groups.iter().map(|g| g.id + 1).collect();
        let texts: HashMap<u64, String> = loaded.texts.into_iter().collect();
        figures::statements_csv(&loaded.figures, &texts, &numbers)
    } else {
        let participants = loaded
            .analysis
            .as_ref()
            .map_or(&[][..], |a| &a.participants[..]);
        figures::participants_csv(participants, |g| g + 1)
    };
    Ok(csv_response(&file, body))
}
