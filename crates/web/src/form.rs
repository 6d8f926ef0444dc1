//! Reading submitted forms: flat `name=value` pairs, so forms can repeat rows (`phase0_kind`,
//! `phase1_kind`, …) without JavaScript, and every handler sees exactly what was typed.

use crate::WebError;
use std::collections::HashMap;

/// The fields of one submitted form.
#[derive(Debug, Clone, Default)]
pub struct FormData {
    /// The last value of each name.
    values: HashMap<String, String>,
    /// Every value in order, for names that repeat (ticked checkboxes of one group).
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body. Repeated names keep the last value.
    pub fn parse(body: &[u8]) -> Result<Self, WebError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| WebError::BadRequest(format!("malformed form: {e}")))?;
        Ok(Self {
            values: pairs.iter().cloned().collect(),
            pairs,
        })
    }

    /// The value of a field, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "1" | "yes")
    }

    /// Every value sent under `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a field was sent at all.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Builds a form from pairs (for re-rendering and tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        let pairs: Vec<(String, String)> =
            pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Self {
            values: pairs.iter().cloned().collect(),
            pairs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_checkboxes() {
        let form = FormData::parse(b"title=Plan+B&phase0_kind=voting&phase0_vote=on&x=%3Cb%3E")
            .expect("form");
        assert_eq!(form.get("title"), "Plan B");
        assert_eq!(form.get("x"), "<b>");
        assert!(form.checked("phase0_vote"));
        assert!(!form.checked("phase0_propose"));
        assert_eq!(form.get("missing"), "");
        let repeated = FormData::parse(b"option=a&option=c&x=1").expect("form");
        assert_eq!(repeated.all("option"), ["a", "c"]);
    }
}
