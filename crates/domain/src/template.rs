//! Process templates: a consultation's process (texts, phases as durations, settings, answer
//! statuses, poll questions and conversation seeds) as a versioned JSON file that another
//! instance can start a new draft from. It never holds proposals, comments, votes or anything
//! personal. The format is documented in docs/process-template.md.

use crate::consultation::{BODY_MAX, SUMMARY_MAX, TITLE_MAX};
use crate::phase::{Phase, PhaseKind, PhaseRules, Timeline};
use crate::validation::{Problem, ValidationErrors};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The value of `format` in every template.
pub const FORMAT: &str = "inspraak-process-template";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;
/// Largest template file accepted, in bytes.
pub const MAX_BYTES: usize = 256 * 1024;

const MAX_PHASES: usize = 20;
const MAX_DAYS: u32 = 3650;
const MAX_STATUSES: usize = 20;
const MAX_POLLS: usize = 20;
const MAX_OPTIONS: usize = 20;
const MAX_CONVERSATIONS: usize = 5;
const MAX_STATEMENTS: usize = 100;
const SHORT_TEXT_MAX: usize = 300;
const MAX_ANCESTRY: usize = 50;

/// A process template, as written to and read from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessTemplate {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version, [`VERSION`].
    pub version: u32,
    /// The ActivityPub id of the consultation this process was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<String>,
    /// The origins before `derived_from`, oldest first: the whole line of reuse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ancestry: Vec<String>,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: String,
    /// The Markdown body.
    pub body: String,
    /// Its themes (lowercase words), checked as the consultation form checks them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<String>,
    /// The phases in order, as durations from the start.
    pub phases: Vec<TemplatePhase>,
    /// Participation settings.
    pub settings: TemplateSettings,
    /// The consultation's own answer statuses.
    #[serde(default)]
    pub answer_statuses: Vec<String>,
    /// Poll questions and options, without votes.
    #[serde(default)]
    pub polls: Vec<TemplatePoll>,
    /// Conversations with their seed statements, without votes.
    #[serde(default)]
    pub conversations: Vec<TemplateConversation>,
}

/// One phase: when it starts relative to the first phase, how long it lasts, what it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatePhase {
    /// `information`, `proposals`, `support`, `voting` or `results`.
    pub kind: String,
    /// A title replacing the kind's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Days after the start of the first phase (0 for the first).
    pub starts_after_days: u32,
    /// Its length in days (at least 1).
    pub length_days: u32,
    /// What residents may do while it runs.
    pub rules: PhaseRules,
}

/// The participation settings of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    /// Supports a proposal needs for an official answer (0: none).
    pub support_threshold: i32,
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may comment.
    pub verified_to_comment: bool,
    /// New contributions wait for a moderator.
    pub premoderation: bool,
}

/// A poll question with its options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatePoll {
    /// The question.
    pub question: String,
    /// The options in order.
    pub options: Vec<String>,
    /// More than one option may be chosen.
    pub multiple: bool,
    /// `live` or `after_closing`.
    pub results: String,
}

/// A conversation with its seed statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateConversation {
    /// The question.
    pub question: String,
    /// The seed statements.
    pub statements: Vec<String>,
    /// New statements wait for a moderator.
    pub premoderation: bool,
}

impl TemplatePhase {
    /// A stored phase, as durations from `start` (the first phase's first day).
    pub fn from_phase(phase: &Phase, start: NaiveDate) -> Self {
        let days =
            |from: NaiveDate, to: NaiveDate| u32::try_from((to - from).num_days()).unwrap_or(0);
        TemplatePhase {
            kind: phase.kind.as_str().to_owned(),
            title: phase.title.clone(),
            starts_after_days: days(start, phase.starts_on),
            length_days: days(phase.starts_on, phase.ends_on) + 1,
            rules: phase.rules,
        }
    }
}

impl ProcessTemplate {
    /// The phases laid out from `start`, checked like phases typed into the form.
    pub fn timeline(&self, start: NaiveDate) -> Result<Timeline, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut phases = Vec::with_capacity(self.phases.len());
        for (i, p) in self.phases.iter().enumerate() {
            let Some(kind) = PhaseKind::ALL.iter().find(|k| k.as_str() == p.kind) else {
                errors.add(format!("phases[{i}].kind"), Problem::UnknownChoice);
                continue;
            };
            let starts_on = start + Duration::days(i64::from(p.starts_after_days));
            let ends_on = starts_on + Duration::days(i64::from(p.length_days.max(1)) - 1);
            phases.push(Phase {
                kind: *kind,
                title: p.title.clone(),
                starts_on,
                ends_on,
                rules: p.rules,
            });
        }
        errors.into_result()?;
        Timeline::new(phases)
    }
}

/// Reads and checks a template file. Every problem names its field (`title`,
/// `phases[2].length_days`, `polls[0].options[3]`, …); `template` is the file as a whole.
pub fn parse(bytes: &[u8]) -> Result<ProcessTemplate, ValidationErrors> {
    let whole = |problem| {
        let mut errors = ValidationErrors::new();
        errors.add("template", problem);
        errors
    };
    if bytes.len() > MAX_BYTES {
        return Err(whole(Problem::TooLong { max: MAX_BYTES }));
    }
    // The version is checked before the shape, so a newer file says so instead of failing on
    // a field this version does not know.
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u32>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|_| whole(Problem::Unreadable))?;
    if head.format.as_deref() != Some(FORMAT) {
        let mut errors = ValidationErrors::new();
        errors.add("format", Problem::UnknownChoice);
        return Err(errors);
    }
    if head.version != Some(VERSION) {
        let mut errors = ValidationErrors::new();
        errors.add("version", Problem::UnsupportedVersion);
        return Err(errors);
    }
    let template: ProcessTemplate =
        serde_json::from_slice(bytes).map_err(|_| whole(Problem::Unreadable))?;
    template.check()?;
    Ok(template)
}

impl ProcessTemplate {
    /// Checks every field against the same limits as the forms, and refuses scripts.
    pub fn check(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let origins = self.derived_from.iter().chain(&self.ancestry);
        for (i, id) in origins.enumerate() {
            let is_url =
                (id.starts_with("https://") || id.starts_with("http://")) && id.len() <= 2048;
            if !is_url || id.contains(char::is_whitespace) {
                let field = if i == 0 && self.derived_from.is_some() {
                    "derived_from".to_owned()
                } else {
                    "ancestry".to_owned()
                };
                errors.add(field, Problem::UnknownChoice);
            }
        }
        if self.ancestry.len() > MAX_ANCESTRY {
            errors.add("ancestry", Problem::TooLong { max: MAX_ANCESTRY });
        }
        crate::proposal::parse_tags_of("themes", &self.themes.join(","), &mut errors);
        let mut text = |field: String, value: &str, min: usize, max: usize| {
            errors.text(&field, value, min, max);
            if value.to_ascii_lowercase().contains("<script") {
                errors.add(field, Problem::UnsafeMarkup);
            }
        };
        text("title".into(), &self.title, 3, TITLE_MAX);
        text("summary".into(), &self.summary, 1, SUMMARY_MAX);
        text("body".into(), &self.body, 0, BODY_MAX);
        for (i, p) in self.phases.iter().enumerate() {
            if let Some(title) = &p.title {
                text(format!("phases[{i}].title"), title, 0, 100);
            }
        }
        for (i, s) in self.answer_statuses.iter().enumerate() {
            text(format!("answer_statuses[{i}]"), s, 2, 60);
        }
        for (i, poll) in self.polls.iter().enumerate() {
            text(
                format!("polls[{i}].question"),
                &poll.question,
                3,
                SHORT_TEXT_MAX,
            );
            for (j, o) in poll.options.iter().enumerate() {
                text(format!("polls[{i}].options[{j}]"), o, 1, 200);
            }
        }
        for (i, c) in self.conversations.iter().enumerate() {
            text(
                format!("conversations[{i}].question"),
                &c.question,
                5,
                SHORT_TEXT_MAX,
            );
            for (j, s) in c.statements.iter().enumerate() {
                text(
                    format!("conversations[{i}].statements[{j}]"),
                    s,
                    5,
                    SHORT_TEXT_MAX,
                );
            }
        }
        self.check_counts(&mut errors);
        errors.into_result()
    }

    /// The limits on how many of each thing a template holds.
    fn check_counts(&self, errors: &mut ValidationErrors) {
        fn count(errors: &mut ValidationErrors, field: String, n: usize, min: usize, max: usize) {
            if n < min {
                errors.add(field, Problem::Required);
            } else if n > max {
                errors.add(field, Problem::TooLong { max });
            }
        }
        count(errors, "phases".into(), self.phases.len(), 1, MAX_PHASES);
        let statuses = self.answer_statuses.len();
        count(errors, "answer_statuses".into(), statuses, 0, MAX_STATUSES);
        count(errors, "polls".into(), self.polls.len(), 0, MAX_POLLS);
        let conversations = self.conversations.len();
        count(
            errors,
            "conversations".into(),
            conversations,
            0,
            MAX_CONVERSATIONS,
        );
        for (i, poll) in self.polls.iter().enumerate() {
            let field = format!("polls[{i}].options");
            count(errors, field, poll.options.len(), 2, MAX_OPTIONS);
            if !["live", "after_closing"].contains(&poll.results.as_str()) {
                errors.add(format!("polls[{i}].results"), Problem::UnknownChoice);
            }
        }
        for (i, c) in self.conversations.iter().enumerate() {
            let field = format!("conversations[{i}].statements");
            count(errors, field, c.statements.len(), 1, MAX_STATEMENTS);
        }
        for (i, p) in self.phases.iter().enumerate() {
            if p.length_days == 0 || p.length_days > MAX_DAYS {
                errors.add(format!("phases[{i}].length_days"), Problem::UnknownChoice);
            }
            if p.starts_after_days > MAX_DAYS {
                errors.add(
                    format!("phases[{i}].starts_after_days"),
                    Problem::UnknownChoice,
                );
            }
        }
        if !(0..=1_000_000).contains(&self.settings.support_threshold) {
            errors.add("settings.support_threshold", Problem::UnknownChoice);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> ProcessTemplate {
        ProcessTemplate {
            format: FORMAT.into(),
            version: VERSION,
            derived_from: Some("https://a.example/consultations/plein".into()),
            ancestry: vec!["https://first.example/consultations/plein".into()],
            title: "Herinrichting Stationsplein".into(),
            summary: "Denk mee over het plein.".into(),
            body: "## Waarom\nHet plein is aan vernieuwing toe.".into(),
            themes: vec!["groen".into()],
            phases: vec![
                TemplatePhase {
                    kind: "proposals".into(),
                    title: Some("Ideeën".into()),
                    starts_after_days: 0,
                    length_days: 14,
                    rules: PhaseRules {
                        propose: true,
                        comment: true,
                        support: false,
                        vote: false,
                    },
                },
                TemplatePhase {
                    kind: "voting".into(),
                    title: None,
                    starts_after_days: 14,
                    length_days: 7,
                    rules: PhaseRules {
                        propose: false,
                        comment: true,
                        support: true,
                        vote: true,
                    },
                },
            ],
            settings: TemplateSettings {
                support_threshold: 50,
                verified_to_propose: true,
                verified_to_comment: false,
                premoderation: false,
            },
            answer_statuses: vec!["Doorgestuurd naar de wijkraad".into()],
            polls: vec![TemplatePoll {
                question: "Welke bomen?".into(),
                options: vec!["Linden".into(), "Platanen".into()],
                multiple: false,
                results: "live".into(),
            }],
            conversations: vec![TemplateConversation {
                question: "Wat wil je met het plein?".into(),
                statements: vec!["Meer groen op het plein".into()],
                premoderation: true,
            }],
        }
    }

    #[test]
    fn a_template_round_trips_and_lays_out_its_phases_from_a_new_start() {
        let t = template();
        let bytes = serde_json::to_vec(&t).expect("json");
        let back = parse(&bytes).expect("valid");
        assert_eq!(back, t);
        let start = NaiveDate::from_ymd_opt(2027, 3, 1).expect("date");
        let timeline = back.timeline(start).expect("timeline");
        let phases = timeline.phases();
        assert_eq!(phases[0].starts_on, start);
        assert_eq!(
            phases[0].ends_on,
            NaiveDate::from_ymd_opt(2027, 3, 14).expect("d")
        );
        assert_eq!(
            phases[1].starts_on,
            NaiveDate::from_ymd_opt(2027, 3, 15).expect("d")
        );
        assert_eq!(
            TemplatePhase::from_phase(&phases[1], start),
            t.phases[1],
            "durations survive the trip through dates"
        );
    }

    #[test]
    fn bad_templates_name_their_field() {
        let field_of = |bytes: &[u8]| {
            parse(bytes)
                .expect_err("refused")
                .0
                .into_iter()
                .map(|e| (e.field, e.problem.code()))
                .collect::<Vec<_>>()
        };
        assert_eq!(field_of(b"not json"), [("template".into(), "unreadable")]);
        let mut newer = serde_json::to_value(template()).expect("json");
        newer["version"] = 2.into();
        assert_eq!(
            field_of(newer.to_string().as_bytes()),
            [("version".into(), "unsupported_version")]
        );
        let mut missing = serde_json::to_value(template()).expect("json");
        missing.as_object_mut().expect("object").remove("phases");
        assert_eq!(
            field_of(missing.to_string().as_bytes()),
            [("template".into(), "unreadable")]
        );
        let huge = vec![b' '; MAX_BYTES + 1];
        assert_eq!(field_of(&huge), [("template".into(), "too_long")]);
        let mut hostile = template();
        hostile.body = "Hallo <SCRIPT>alert(1)</script>".into();
        hostile.polls[0].options[1] = String::new();
        hostile.phases[1].length_days = 0;
        let fields = field_of(&serde_json::to_vec(&hostile).expect("json"));
        assert!(
            fields.contains(&("body".into(), "unsafe_markup")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("polls[0].options[1]".into(), "required")),
            "{fields:?}"
        );
        assert!(
            fields.contains(&("phases[1].length_days".into(), "unknown_choice")),
            "{fields:?}"
        );
    }

    #[test]
    fn unknown_phase_kinds_are_refused_when_laid_out() {
        let mut t = template();
        t.phases[0].kind = "lottery".into();
        let start = NaiveDate::from_ymd_opt(2027, 3, 1).expect("date");
        let errors = t.timeline(start).expect_err("unknown kind");
        assert_eq!(errors.0[0].field, "phases[0].kind");
    }
}
