//! The phases table of the consultation forms: numbered rows (`phase0_kind`, `phase0_starts_on`,
//! …) so phases can be added, changed and removed in one submit without JavaScript.

use crate::form::FormData;
use inspraak_domain::consultation::PhaseInput;
use inspraak_domain::{Phase, PhaseKind, PhaseRules, Timeline, ValidationErrors};

/// Rows the forms offer at most.
pub const MAX_ROWS: usize = 20;
/// Empty rows offered for new phases.
pub const BLANK_ROWS: usize = 3;

/// One row as the template shows it.
#[derive(Debug, Clone, Default)]
pub struct PhaseRow {
    /// Row number, used in field names.
    pub index: usize,
    /// Selected kind ("" for none).
    pub kind: String,
    /// Custom title.
    pub title: String,
    /// First day as typed.
    pub starts_on: String,
    /// Last day as typed.
    pub ends_on: String,
    /// Whether the rule checkboxes are shown (existing phases); blank rows take the kind's
    /// defaults, since an unticked box cannot say "I did not choose".
    pub custom: bool,
    /// The switches.
    pub rules: PhaseRules,
}

/// Rows for existing phases plus blank ones.
pub fn rows_from_phases(phases: &[Phase]) -> Vec<PhaseRow> {
    let mut rows: Vec<PhaseRow> = phases
        .iter()
        .enumerate()
        .map(|(index, p)| PhaseRow {
            index,
            kind: p.kind.as_str().to_owned(),
            title: p.title.clone().unwrap_or_default(),
            starts_on: p.starts_on.format("%Y-%m-%d").to_string(),
            ends_on: p.ends_on.format("%Y-%m-%d").to_string(),
            custom: true,
            rules: p.rules,
        })
        .collect();
    add_blank_rows(&mut rows);
    rows
}

fn add_blank_rows(rows: &mut Vec<PhaseRow>) {
    let start = rows.len();
    for index in start..(start + BLANK_ROWS).min(MAX_ROWS) {
        rows.push(PhaseRow {
            index,
            ..PhaseRow::default()
        });
    }
}

/// The rows exactly as submitted, so a form with problems comes back with nothing lost.
pub fn rows_from_form(form: &FormData) -> Vec<PhaseRow> {
    (0..MAX_ROWS)
        .filter(|i| form.has(&format!("phase{i}_kind")))
        .map(|i| {
            let f = |name: &str| form.get(&format!("phase{i}_{name}")).to_owned();
            PhaseRow {
                index: i,
                kind: f("kind"),
                title: f("title"),
                starts_on: f("starts_on"),
                ends_on: f("ends_on"),
                custom: form.checked(&format!("phase{i}_custom")),
                rules: rules_in(form, i),
            }
        })
        .collect()
}

fn rules_in(form: &FormData, i: usize) -> PhaseRules {
    PhaseRules {
        propose: form.checked(&format!("phase{i}_propose")),
        comment: form.checked(&format!("phase{i}_comment")),
        support: form.checked(&format!("phase{i}_support")),
        vote: form.checked(&format!("phase{i}_vote")),
    }
}

/// Reads the submitted rows into a checked timeline. Blank and removed rows are skipped;
/// problems are named `phase{row}.{field}` so the form can show them beside the right input.
pub fn timeline_from_form(form: &FormData, errors: &mut ValidationErrors) -> Option<Timeline> {
    let mut phases = Vec::new();
    let mut row_of = Vec::new();
    for i in 0..MAX_ROWS {
        let f = |name: &str| form.get(&format!("phase{i}_{name}")).trim().to_owned();
        let blank = f("kind").is_empty()
            && f("starts_on").is_empty()
            && f("ends_on").is_empty()
            && f("title").is_empty();
        if blank || form.checked(&format!("phase{i}_remove")) {
            continue;
        }
        let custom = form.checked(&format!("phase{i}_custom"));
        let kind = f("kind");
        let rules = match (custom, kind.parse::<PhaseKind>()) {
            (true, _) => rules_in(form, i),
            (false, Ok(kind)) => kind.default_rules(),
            (false, Err(_)) => PhaseRules::NONE,
        };
        let input = PhaseInput {
            kind,
            title: f("title"),
            starts_on: f("starts_on"),
            ends_on: f("ends_on"),
            rules,
        };
        if let Some(phase) = input.parse(&format!("phase{i}"), errors) {
            phases.push(phase);
            row_of.push(i);
        }
    }
    if !errors.is_empty() {
        return None;
    }
    match Timeline::new(phases) {
        Ok(timeline) => Some(timeline),
        Err(problems) => {
            for problem in problems.0 {
                // `phases[k].field` → `phase{row}.field`
                let renamed = problem
                    .field
                    .strip_prefix("phases[")
                    .and_then(|rest| rest.split_once("]."))
                    .and_then(|(k, field)| {
                        Some(format!(
                            "phase{}.{field}",
                            row_of.get(k.parse::<usize>().ok()?)?
                        ))
                    })
                    .unwrap_or(problem.field);
                errors.add(renamed, problem.problem);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inspraak_domain::Problem;

    #[test]
    fn rows_become_a_timeline_with_kind_defaults_for_new_rows() {
        let form = FormData::from_pairs([
            ("phase0_kind", "information".to_owned()),
            ("phase0_starts_on", "2026-01-01".to_owned()),
            ("phase0_ends_on", "2026-01-31".to_owned()),
            ("phase1_kind", "voting".to_owned()),
            ("phase1_custom", "on".to_owned()),
            ("phase1_vote", "on".to_owned()),
            ("phase1_starts_on", "2026-02-01".to_owned()),
            ("phase1_ends_on", "2026-02-10".to_owned()),
            ("phase2_kind", String::new()),
            ("phase3_kind", "closed".to_owned()),
            ("phase3_remove", "on".to_owned()),
        ]);
        let mut errors = ValidationErrors::new();
        let timeline = timeline_from_form(&form, &mut errors).expect("valid");
        assert_eq!(timeline.phases().len(), 2);
        assert_eq!(
            timeline.phases()[0].rules,
            PhaseKind::Information.default_rules()
        );
        assert_eq!(
            timeline.phases()[1].rules,
            PhaseRules {
                vote: true,
                ..PhaseRules::NONE
            }
        );
    }

    #[test]
    fn overlap_is_reported_on_the_row_that_was_typed() {
        let form = FormData::from_pairs([
            ("phase0_kind", "information".to_owned()),
            ("phase0_starts_on", "2026-01-01".to_owned()),
            ("phase0_ends_on", "2026-01-31".to_owned()),
            ("phase4_kind", "voting".to_owned()),
            ("phase4_starts_on", "2026-01-15".to_owned()),
            ("phase4_ends_on", "2026-02-10".to_owned()),
        ]);
        let mut errors = ValidationErrors::new();
        assert!(timeline_from_form(&form, &mut errors).is_none());
        assert_eq!(
            errors.for_field("phase4.starts_on"),
            Some(&Problem::Overlap)
        );
    }
}
