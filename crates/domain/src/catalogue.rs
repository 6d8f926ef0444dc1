//! The national helpdesk's catalogue: every known consultation of the instances it follows,
//! searched by text, theme, instance, province and phase; and the processes they reuse,
//! ranked by how often they were reused, each with its tree of reuses.

use crate::phase::{PhaseKind, PhaseState, Timeline};
use crate::validation::{Problem, ValidationErrors};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// Longest search text, in characters.
pub const QUERY_MAX: usize = 200;
/// Longest theme, instance or province filter, in characters.
pub const FILTER_MAX: usize = 253;
/// Deepest reuse tree shown (a reuse of a reuse of …).
pub const TREE_DEPTH_MAX: usize = 10;

/// A consultation the catalogue knows: a copy of one on a followed instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its ActivityPub id (the `Group`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary, plain text.
    pub summary: String,
    /// Its page.
    pub url: String,
    /// The host (with port) of its instance.
    pub instance: String,
    /// The name of the organization that runs it.
    pub organization: String,
    /// The province its instance names, if any.
    pub province: Option<String>,
    /// Its themes, lowercase.
    pub themes: Vec<String>,
    /// Its phases.
    pub timeline: Timeline,
    /// The consultation whose process it reuses.
    pub derived_from: Option<String>,
}

/// What a phase filter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseFilter {
    /// Running now, or between two phases (`open`).
    Open,
    /// Not begun yet (`upcoming`).
    Upcoming,
    /// Over (`finished`).
    Finished,
    /// The phase running now is of this kind (`proposals`, `voting`, …).
    Kind(PhaseKind),
    /// The phase running now has this title (case-insensitive).
    Named(String),
}

impl PhaseFilter {
    /// Reads a filter: a state (`open`, `upcoming`, `finished`), a phase kind, or a phase title.
    pub fn parse(typed: &str) -> PhaseFilter {
        let lower = typed.trim().to_lowercase();
        match lower.as_str() {
            "open" | "active" => PhaseFilter::Open,
            "upcoming" => PhaseFilter::Upcoming,
            "finished" => PhaseFilter::Finished,
            other => PhaseKind::ALL
                .into_iter()
                .find(|k| k.as_str() == other)
                .map(PhaseFilter::Kind)
                .unwrap_or(PhaseFilter::Named(lower)),
        }
    }
}

/// The catalogue's search as typed (every field may be empty).
#[derive(Debug, Clone, Default)]
pub struct QueryInput {
    /// Text in the title or summary.
    pub q: String,
    /// A theme.
    pub theme: String,
    /// An instance's host.
    pub instance: String,
    /// A province.
    pub province: String,
    /// A phase: state, kind or title.
    pub phase: String,
}

/// A checked search: each filter lowercase and trimmed, `None` when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Text in the title or summary.
    pub q: Option<String>,
    /// A theme, without `#`.
    pub theme: Option<String>,
    /// An instance's host.
    pub instance: Option<String>,
    /// A province.
    pub province: Option<String>,
    /// A phase.
    pub phase: Option<PhaseFilter>,
}

/// One filter: trimmed and lowercase, within `max` characters and free of control characters.
fn filter(errors: &mut ValidationErrors, field: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errors.add(field, Problem::TooLong { max });
        return None;
    }
    if value.chars().any(char::is_control) {
        errors.add(field, Problem::UnknownChoice);
        return None;
    }
    Some(value.to_lowercase())
}

impl QueryInput {
    /// Checks the search; every problem names its field.
    pub fn validate(&self) -> Result<Query, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let q = filter(&mut errors, "q", &self.q, QUERY_MAX);
        let theme = filter(&mut errors, "theme", &self.theme, FILTER_MAX)
            .map(|t| t.trim_start_matches('#').to_owned());
        let instance = filter(&mut errors, "instance", &self.instance, FILTER_MAX);
        if let Some(host) = &instance
            && !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        {
            errors.add("instance", Problem::UnknownChoice);
        }
        let province = filter(&mut errors, "province", &self.province, FILTER_MAX);
        let phase =
            filter(&mut errors, "phase", &self.phase, FILTER_MAX).map(|p| PhaseFilter::parse(&p));
        errors.into_result()?;
        Ok(Query {
            q,
            theme,
            instance,
            province,
            phase,
        })
    }
}

impl Query {
    /// Whether `entry` matches every filter but the phase.
    pub fn matches_text(&self, entry: &Entry) -> bool {
        let contains = |haystack: &str, needle: &str| haystack.to_lowercase().contains(needle);
        self.q
            .as_deref()
            .is_none_or(|q| contains(&entry.title, q) || contains(&entry.summary, q))
            && self
                .theme
                .as_deref()
                .is_none_or(|t| entry.themes.iter().any(|e| e == t))
            && self
                .instance
                .as_deref()
                .is_none_or(|i| entry.instance.eq_ignore_ascii_case(i))
            && self.province.as_deref().is_none_or(|p| {
                entry
                    .province
                    .as_deref()
                    .is_some_and(|e| e.to_lowercase() == p)
            })
    }

    /// Whether `entry` matches the search on `today`. Without a phase filter, only open and
    /// upcoming consultations match: the catalogue lists what one can still take part in.
    pub fn matches(&self, entry: &Entry, today: NaiveDate) -> bool {
        if !self.matches_text(entry) {
            return false;
        }
        let state = entry.timeline.state_on(today);
        let current = entry.timeline.current(today);
        match &self.phase {
            None => matches!(
                state,
                PhaseState::Active { .. }
                    | PhaseState::Between { .. }
                    | PhaseState::Upcoming { .. }
            ),
            Some(PhaseFilter::Open) => {
                matches!(
                    state,
                    PhaseState::Active { .. } | PhaseState::Between { .. }
                )
            }
            Some(PhaseFilter::Upcoming) => matches!(state, PhaseState::Upcoming { .. }),
            Some(PhaseFilter::Finished) => state == PhaseState::Finished,
            Some(PhaseFilter::Kind(kind)) => current.is_some_and(|p| p.kind == *kind),
            Some(PhaseFilter::Named(name)) => current
                .and_then(|p| p.title.as_deref())
                .is_some_and(|t| t.to_lowercase() == *name),
        }
    }
}

/// A reuse of a process, with the reuses of that reuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReuseNode {
    /// The reusing consultation's id.
    pub id: String,
    /// Where it is in `entries`.
    pub index: usize,
    /// Its own reuses.
    pub reused_by: Vec<ReuseNode>,
}

/// A process that was reused: its place in `entries`, how many known consultations reuse it
/// directly, and the whole tree of reuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Where it is in `entries`.
    pub index: usize,
    /// Known consultations whose `derived_from` is this one.
    pub reuse_count: usize,
    /// Its reuses, each with theirs.
    pub reused_by: Vec<ReuseNode>,
}

/// The processes among `entries`, most reused first (then by title), with their reuse trees.
/// Only entries matching `keep` are listed; the trees include every known reuse. A cycle of
/// `derived_from` (which a hostile peer could send) is cut where it repeats.
pub fn templates(entries: &[Entry], keep: impl Fn(&Entry) -> bool) -> Vec<Template> {
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if let Some(origin) = entry.derived_from.as_deref()
            && origin != entry.id
        {
            children.entry(origin).or_default().push(index);
        }
    }
    let mut listed: Vec<Template> = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| keep(entry))
        .map(|(index, entry)| {
            let mut seen = HashSet::from([entry.id.as_str()]);
            Template {
                index,
                reuse_count: children.get(entry.id.as_str()).map_or(0, Vec::len),
                reused_by: tree(entries, &children, &entry.id, &mut seen, 0),
            }
        })
        .collect();
    listed.sort_by(|a, b| {
        b.reuse_count
            .cmp(&a.reuse_count)
            .then_with(|| entries[a.index].title.cmp(&entries[b.index].title))
    });
    listed
}

fn tree<'a>(
    entries: &'a [Entry],
    children: &HashMap<&str, Vec<usize>>,
    id: &str,
    seen: &mut HashSet<&'a str>,
    depth: usize,
) -> Vec<ReuseNode> {
    if depth >= TREE_DEPTH_MAX {
        return Vec::new();
    }
    let mut nodes = Vec::new();
    for &index in children.get(id).map(Vec::as_slice).unwrap_or_default() {
        let child = &entries[index];
        if !seen.insert(child.id.as_str()) {
            continue;
        }
        nodes.push(ReuseNode {
            id: child.id.clone(),
            index,
            reused_by: tree(entries, children, &child.id, seen, depth + 1),
        });
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::{Phase, PhaseRules};

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn entry(id: &str, from: Option<&str>, start: &str, end: &str) -> Entry {
        let kind = PhaseKind::Proposals;
        Entry {
            id: id.into(),
            title: format!("Plein {id}"),
            summary: "Meer groen in de wijk".into(),
            url: id.into(),
            instance: "gemeente-a.test:8080".into(),
            organization: "Gemeente A".into(),
            province: Some("Zuid-Holland".into()),
            themes: vec!["groen".into()],
            timeline: Timeline::unchecked(vec![Phase {
                kind,
                title: Some("Ideeën".into()),
                starts_on: day(start),
                ends_on: day(end),
                rules: PhaseRules::NONE,
            }]),
            derived_from: from.map(str::to_owned),
        }
    }

    #[test]
    fn the_search_filters_on_every_field_and_the_phase() {
        let today = day("2026-12-05");
        let open = entry("a", None, "2026-12-01", "2026-12-31");
        let later = entry("b", None, "2027-01-01", "2027-01-31");
        let over = entry("c", None, "2026-11-01", "2026-11-30");
        let all = Query::default();
        assert!(all.matches(&open, today) && all.matches(&later, today));
        assert!(!all.matches(&over, today), "finished ones are left out");
        let search = |input: QueryInput| input.validate().expect("valid");
        let q = search(QueryInput {
            q: "GROEN".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today));
        let q = search(QueryInput {
            q: "fiets".into(),
            ..Default::default()
        });
        assert!(!q.matches(&open, today));
        let q = search(QueryInput {
            theme: "#Groen".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today));
        let q = search(QueryInput {
            instance: "gemeente-b.test".into(),
            ..Default::default()
        });
        assert!(!q.matches(&open, today));
        let q = search(QueryInput {
            province: "zuid-holland".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today));
        let q = search(QueryInput {
            phase: "open".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today) && !q.matches(&later, today));
        let q = search(QueryInput {
            phase: "upcoming".into(),
            ..Default::default()
        });
        assert!(!q.matches(&open, today) && q.matches(&later, today));
        let q = search(QueryInput {
            phase: "proposals".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today) && !q.matches(&later, today));
        let q = search(QueryInput {
            phase: "ideeën".into(),
            ..Default::default()
        });
        assert!(q.matches(&open, today));
        let q = search(QueryInput {
            phase: "finished".into(),
            ..Default::default()
        });
        assert!(q.matches(&over, today));
    }

    #[test]
    fn bad_searches_name_their_field() {
        let errors = QueryInput {
            q: "x".repeat(QUERY_MAX + 1),
            instance: "evil host/".into(),
            ..Default::default()
        }
        .validate()
        .expect_err("invalid");
        assert_eq!(
            errors.for_field("q"),
            Some(&Problem::TooLong { max: QUERY_MAX })
        );
        assert_eq!(errors.for_field("instance"), Some(&Problem::UnknownChoice));
    }

    #[test]
    fn templates_are_ranked_by_reuse_with_their_tree_and_cycles_cut() {
        let entries = vec![
            entry("a", None, "2026-12-01", "2026-12-31"),
            entry("b", Some("a"), "2026-12-01", "2026-12-31"),
            entry("c", Some("b"), "2026-12-01", "2026-12-31"),
            entry("x", Some("y"), "2026-12-01", "2026-12-31"),
            entry("y", Some("x"), "2026-12-01", "2026-12-31"),
        ];
        let listed = templates(&entries, |_| true);
        let first = &listed[0];
        assert_eq!(entries[first.index].id, "a");
        assert_eq!(first.reuse_count, 1);
        assert_eq!(first.reused_by[0].id, "b");
        assert_eq!(first.reused_by[0].reused_by[0].id, "c");
        let x = listed
            .iter()
            .find(|t| entries[t.index].id == "x")
            .expect("x");
        assert_eq!(x.reused_by.len(), 1);
        assert!(x.reused_by[0].reused_by.is_empty(), "the cycle is cut");
    }
}
