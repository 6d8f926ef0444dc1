//! Guides: Markdown pages the national helpdesk writes for the staff of every instance.

use crate::consultation::slugify;
use crate::validation::{Problem, ValidationErrors};

/// Longest guide title, in characters.
pub const TITLE_MAX: usize = 150;
/// Longest guide body, in characters of Markdown.
pub const BODY_MAX: usize = 50_000;
/// Longest summary kept of a guide, in characters of plain text.
pub const SUMMARY_MAX: usize = 300;
/// Longest slug of a guide.
pub const SLUG_MAX: usize = 80;

/// A guide as staff type it.
#[derive(Debug, Clone, Default)]
pub struct GuideInput {
    /// The title.
    pub title: String,
    /// The text, in Markdown.
    pub body: String,
}

/// A guide that passed the checks, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidGuide {
    /// The title.
    pub title: String,
    /// The Markdown body.
    pub body: String,
}

impl GuideInput {
    /// Checks both fields and reports every problem at once; a script in the text is refused
    /// outright (it would be removed anyway, so the writer should know).
    pub fn validate(&self) -> Result<ValidGuide, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.text("title", &self.title, 3, TITLE_MAX).to_owned();
        let body = errors.text("text", &self.body, 1, BODY_MAX).to_owned();
        for (field, value) in [("title", &title), ("text", &body)] {
            if errors.for_field(field).is_none() && value.to_ascii_lowercase().contains("<script") {
                errors.add(field, Problem::UnsafeMarkup);
            }
        }
        errors.into_result()?;
        Ok(ValidGuide { title, body })
    }
}

/// The slug of a guide: its title as a slug, cut to [`SLUG_MAX`]; `guide` when nothing is left.
pub fn slug_for(title: &str) -> String {
    let slug: String = slugify(title).chars().take(SLUG_MAX).collect();
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "guide".into()
    } else {
        slug
    }
}

/// Plain text of sanitised HTML, for summaries: tags dropped, the usual entities read, white
/// space folded, cut to `max` characters.
pub fn plain_summary(html: &str, max: usize) -> String {
    let mut text = String::with_capacity(html.len().min(4 * max));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(if c.is_control() { ' ' } else { c }),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    folded
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guides_need_a_title_and_a_text_without_script() {
        let ok = GuideInput {
            title: "  Een goede vraag stellen ".into(),
            body: "Begin **klein**.".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.title, "Een goede vraag stellen");
        let empty = GuideInput::default().validate().expect_err("empty");
        assert!(empty.for_field("title").is_some());
        assert!(empty.for_field("text").is_some());
        let hostile = GuideInput {
            title: "Tips".into(),
            body: "<SCRIPT>alert(1)</script>".into(),
        }
        .validate()
        .expect_err("script");
        assert_eq!(hostile.for_field("text"), Some(&Problem::UnsafeMarkup));
        let long = GuideInput {
            title: "Tips".into(),
            body: "x".repeat(BODY_MAX + 1),
        }
        .validate()
        .expect_err("too long");
        assert_eq!(
            long.for_field("text"),
            Some(&Problem::TooLong { max: BODY_MAX })
        );
    }

    #[test]
    fn slugs_and_summaries_are_plain() {
        assert_eq!(
            slug_for("Een goede vraag stellen!"),
            "een-goede-vraag-stellen"
        );
        assert_eq!(slug_for("!!!"), "guide");
        assert_eq!(
            plain_summary(
                "<h1>Plan</h1>\n<p>Meer &amp; <strong>groen</strong></p>",
                100
            ),
            "Plan Meer & groen"
        );
        assert_eq!(plain_summary("<p>abcdef</p>", 3), "abc");
    }
}
