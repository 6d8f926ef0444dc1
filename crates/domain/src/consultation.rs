//! A consultation as staff write it: the checks on what they submit.

use crate::phase::{Phase, PhaseKind, PhaseRules};

use crate::validation::{Problem, ValidationErrors};
use chrono::NaiveDate;

/// Longest title, in characters; long enough for real council titles, short enough for a tab.
pub const TITLE_MAX: usize = 150;
/// Longest summary, in characters; it is shown on cards and sent to the fediverse.
pub const SUMMARY_MAX: usize = 500;
/// Longest body, in characters of Markdown.
pub const BODY_MAX: usize = 50_000;
/// Longest slug; it becomes part of URLs and the consultation's fediverse handle.
pub const SLUG_MAX: usize = 60;
/// Longest phase title.
pub const PHASE_TITLE_MAX: usize = 100;
/// Longest alternative text for a cover image.
pub const ALT_MAX: usize = 300;

/// What an admin submits for a consultation, as typed.
#[derive(Debug, Clone, Default)]
pub struct ConsultationInput {
    /// Short name for URLs and the fediverse handle; derived from the title when blank.
    pub slug: String,
    /// The title.
    pub title: String,
    /// One or two sentences for lists and previews.
    pub summary: String,
    /// The full text, in Markdown.
    pub body: String,
    /// Themes, comma-separated as typed (`groen, verkeer`).
    pub themes: String,
}

/// A consultation that passed the checks, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidConsultation {
    /// The slug, lowercase.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: String,
    /// The Markdown body.
    pub body: String,
    /// Its themes: lowercase, unique, at most five.
    pub themes: Vec<String>,
}

impl ConsultationInput {
    /// Checks every field and reports all problems at once.
    pub fn validate(&self) -> Result<ValidConsultation, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.text("title", &self.title, 3, TITLE_MAX).to_owned();
        let summary = errors
            .text("summary", &self.summary, 1, SUMMARY_MAX)
            .to_owned();
        let body = errors.text("body", &self.body, 0, BODY_MAX).to_owned();
        let themes = crate::proposal::parse_tags_of("themes", &self.themes, &mut errors);
        let slug = match self.slug.trim() {
            "" => slugify(&title),
            given => given.to_owned(),
        };
        if errors.for_field("title").is_none()
            && let Err(problem) = validate_slug(&slug)
        {
            errors.add("slug", problem);
        }
        errors.into_result()?;
        Ok(ValidConsultation {
            slug,
            title,
            summary,
            body,
            themes,
        })
    }
}

/// Checks a slug: 3 to 60 of `a-z`, `0-9` and `-`, not starting or ending with `-`.
pub fn validate_slug(slug: &str) -> Result<(), Problem> {
    let len = slug.chars().count();
    if len < 3 {
        return Err(Problem::TooShort { min: 3 });
    }
    if len > SLUG_MAX {
        return Err(Problem::TooLong { max: SLUG_MAX });
    }
    let allowed = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !allowed || slug.starts_with('-') || slug.ends_with('-') {
        return Err(Problem::InvalidSlug);
    }
    if crate::account::RESERVED_NAMES.contains(&slug) {
        return Err(Problem::Taken);
    }
    Ok(())
}

/// Turns a title into a slug: "Herinrichting Stationsplein (fase 2)" → "herinrichting-stationsplein-fase-2".
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ç' => "c",
            'ñ' => "n",
            'ĳ' => "ij",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if mapped == "-" && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push_str(mapped);
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(SLUG_MAX).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// One phase as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct PhaseInput {
    /// The kind's stored name, e.g. `proposals`.
    pub kind: String,
    /// Optional title.
    pub title: String,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`.
    pub ends_on: String,
    /// The switches as ticked.
    pub rules: PhaseRules,
}

impl PhaseInput {
    /// Parses the phase, recording problems under `prefix` (e.g. `phases[1]` or nothing).
    pub fn parse(&self, prefix: &str, errors: &mut ValidationErrors) -> Option<Phase> {
        let field = |name: &str| {
            if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            }
        };
        let kind = match self.kind.trim().parse::<PhaseKind>() {
            Ok(kind) => Some(kind),
            Err(problem) => {
                errors.add(field("kind"), problem);
                None
            }
        };
        let title = errors.text(&field("title"), &self.title, 0, PHASE_TITLE_MAX);
        let title = (!title.is_empty()).then(|| title.to_owned());
        let starts_on = parse_date(&self.starts_on, &field("starts_on"), errors);
        let ends_on = parse_date(&self.ends_on, &field("ends_on"), errors);
        let (starts_on, ends_on) = (starts_on?, ends_on?);
        if ends_on < starts_on {
            errors.add(field("ends_on"), Problem::EndBeforeStart);
            return None;
        }
        Some(Phase {
            kind: kind?,
            title,
            starts_on,
            ends_on,
            rules: self.rules,
        })
    }
}

fn parse_date(value: &str, field: &str, errors: &mut ValidationErrors) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, Problem::Required);
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, Problem::InvalidDate);
            None
        }
    }
}

/// Checks a cover image's alternative text.
pub fn validate_alt_text(alt: &str, errors: &mut ValidationErrors) -> String {
    errors.text("cover_alt", alt, 1, ALT_MAX).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str) -> ConsultationInput {
        ConsultationInput {
            slug: String::new(),
            title: title.into(),
            summary: "Kort".into(),
            body: "Lang".into(),
            themes: "Groen, verkeer".into(),
        }
    }

    #[test]
    fn slug_is_derived_from_the_title() {
        let valid = input("  Herinrichting Stationsplein (fase 2) ")
            .validate()
            .expect("valid");
        assert_eq!(valid.slug, "herinrichting-stationsplein-fase-2");
        assert_eq!(valid.title, "Herinrichting Stationsplein (fase 2)");
        assert_eq!(valid.themes, ["groen", "verkeer"]);
        assert_eq!(slugify("Café Ĳsselmeer — één!"), "cafe-ijsselmeer-een");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = ConsultationInput {
            slug: "Bad Slug".into(),
            title: "x".repeat(TITLE_MAX + 1),
            summary: " ".into(),
            body: String::new(),
            themes: String::new(),
        };
        let errors = bad.validate().expect_err("invalid");
        assert_eq!(
            errors.for_field("title"),
            Some(&Problem::TooLong { max: TITLE_MAX })
        );
        assert_eq!(errors.for_field("summary"), Some(&Problem::Required));
        let mut ok_title = bad.clone();
        ok_title.title = "Goede titel".into();
        let errors = ok_title.validate().expect_err("invalid slug");
        assert_eq!(errors.for_field("slug"), Some(&Problem::InvalidSlug));
    }

    #[test]
    fn slugs_are_checked() {
        assert!(validate_slug("verkeersplan-2027").is_ok());
        assert_eq!(validate_slug("ab"), Err(Problem::TooShort { min: 3 }));
        assert_eq!(validate_slug("-abc"), Err(Problem::InvalidSlug));
        assert_eq!(validate_slug("abc_d"), Err(Problem::InvalidSlug));
        assert_eq!(validate_slug("helpdesk"), Err(Problem::Taken));
    }

    #[test]
    fn phase_input_reports_bad_dates_and_kinds() {
        let mut errors = ValidationErrors::new();
        let phase = PhaseInput {
            kind: "voting".into(),
            title: String::new(),
            starts_on: "2026-02-30".into(),
            ends_on: String::new(),
            rules: PhaseRules::NONE,
        }
        .parse("phases[0]", &mut errors);
        assert!(phase.is_none());
        assert_eq!(
            errors.for_field("phases[0].starts_on"),
            Some(&Problem::InvalidDate)
        );
        assert_eq!(
            errors.for_field("phases[0].ends_on"),
            Some(&Problem::Required)
        );

        let mut errors = ValidationErrors::new();
        let phase = PhaseInput {
            kind: "proposals".into(),
            title: " Ideeën ".into(),
            starts_on: "2026-02-01".into(),
            ends_on: "2026-02-28".into(),
            rules: PhaseKind::Proposals.default_rules(),
        }
        .parse("", &mut errors)
        .expect("valid phase");
        assert_eq!(phase.title.as_deref(), Some("Ideeën"));
        assert!(errors.is_empty());
    }
}
