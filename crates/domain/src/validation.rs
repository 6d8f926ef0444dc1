//! Validation results that name the field and the problem, so every layer can explain a refusal
//! in the reader's language without losing what they typed.

use std::fmt;

/// What is wrong with one value. The web layer turns it into a translated sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The value is missing or blank.
    Required,
    /// The value has fewer than `min` characters.
    TooShort {
        /// The smallest allowed length, in characters.
        min: usize,
    },
    /// The value has more than `max` characters.
    TooLong {
        /// The largest allowed length, in characters.
        max: usize,
    },
    /// The value is not a date (expected `YYYY-MM-DD`).
    InvalidDate,
    /// An end lies before its start.
    EndBeforeStart,
    /// Two phases overlap in time.
    Overlap,
    /// The value may contain only lowercase letters, digits and hyphens.
    InvalidSlug,
    /// The value may contain only letters, digits and underscores.
    InvalidUsername,
    /// The value is not one of the allowed choices.
    UnknownChoice,
    /// The two passwords differ.
    PasswordMismatch,
    /// The value is already taken by someone or something else.
    Taken,
    /// The value is not a valid e-mail address.
    InvalidEmail,
    /// The file cannot be read as what it should be (not JSON, or fields of the wrong kind).
    Unreadable,
    /// The file is of a format version this instance does not know.
    UnsupportedVersion,
    /// The text contains markup that is never allowed (a script).
    UnsafeMarkup,
    /// The value is not a whole number.
    InvalidNumber,
    /// The number is below `min`.
    NumberTooSmall {
        /// The smallest allowed value.
        min: usize,
    },
    /// The number is above `max`.
    NumberTooLarge {
        /// The largest allowed value.
        max: usize,
    },
}

impl Problem {
    /// A stable machine-readable code, used as the translation key suffix and in the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooShort { .. } => "too_short",
            Problem::TooLong { .. } => "too_long",
            Problem::InvalidDate => "invalid_date",
            Problem::EndBeforeStart => "end_before_start",
            Problem::Overlap => "overlap",
            Problem::InvalidSlug => "invalid_slug",
            Problem::InvalidUsername => "invalid_username",
            Problem::UnknownChoice => "unknown_choice",
            Problem::PasswordMismatch => "password_mismatch",
            Problem::Taken => "taken",
            Problem::InvalidEmail => "invalid_email",
            Problem::Unreadable => "unreadable",
            Problem::UnsupportedVersion => "unsupported_version",
            Problem::UnsafeMarkup => "unsafe_markup",
            Problem::InvalidNumber => "invalid_number",
            Problem::NumberTooSmall { .. } => "number_too_small",
            Problem::NumberTooLarge { .. } => "number_too_large",
        }
    }

    /// The number a message needs ("at most 200 characters"), if any.
    pub fn limit(&self) -> Option<usize> {
        match self {
            Problem::TooShort { min } | Problem::NumberTooSmall { min } => Some(*min),
            Problem::TooLong { max } | Problem::NumberTooLarge { max } => Some(*max),
            _ => None,
        }
    }
}

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field or JSON property, e.g. `title` or `phases[2].ends_on`.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// All problems found in one submission; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with a field.
    pub fn add(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError {
            field: field.into(),
            problem,
        });
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem recorded for a field, if any.
    pub fn for_field(&self, field: &str) -> Option<&Problem> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.problem)
    }

    /// `Ok(())` when empty, otherwise `Err(self)`.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Checks a required text field's trimmed length; returns the trimmed text.
    pub fn text<'a>(&mut self, field: &str, value: &'a str, min: usize, max: usize) -> &'a str {
        let value = value.trim();
        let len = value.chars().count();
        if len == 0 && min > 0 {
            self.add(field, Problem::Required);
        } else if len < min {
            self.add(field, Problem::TooShort { min });
        } else if len > max {
            self.add(field, Problem::TooLong { max });
        }
        value
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.problem.code()))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks_trimmed_length_in_characters() {
        let mut errors = ValidationErrors::new();
        assert_eq!(errors.text("title", "  Ééé  ", 3, 5), "Ééé");
        assert!(errors.is_empty());
        errors.text("title", "   ", 1, 5);
        assert_eq!(errors.for_field("title"), Some(&Problem::Required));
        let mut errors = ValidationErrors::new();
        errors.text("title", "abcdef", 1, 5);
        assert_eq!(
            errors.for_field("title"),
            Some(&Problem::TooLong { max: 5 })
        );
        assert!(errors.into_result().is_err());
    }
}
