//! Writing CSV that spreadsheets open as intended: RFC 4180 quoting, a UTF-8 byte-order mark
//! (so Excel reads "ë" correctly), and cells that would start a formula neutralised.

/// A CSV document being built.
pub struct Csv {
    out: String,
}

impl Csv {
    /// A document with a header row.
    pub fn new(header: &[&str]) -> Self {
        let mut csv = Csv {
            out: String::from("\u{feff}"),
        };
        csv.row(header.iter().map(|h| (*h).to_owned()));
        csv
    }

    /// Appends a row.
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let cells: Vec<String> = cells.into_iter().map(|c| cell(&c)).collect();
        self.out.push_str(&cells.join(","));
        self.out.push_str("\r\n");
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Quotes a cell when needed. A cell starting with `=`, `+`, `-`, `@`, tab or carriage return
/// would run as a formula in a spreadsheet (CSV injection), so it gets a leading apostrophe.
fn cell(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if value.parse::<f64>().is_err() => {
            format!("'{value}")
        }
        _ => value.to_owned(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_guard() {
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(["x, y".to_owned(), "zeg \"hoi\"\nregel 2".to_owned()]);
        csv.row(["=HYPERLINK(\"x\")".to_owned(), "-3".to_owned()]);
        let text = csv.finish();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"x, y\",\"zeg \"\"hoi\"\"\nregel 2\"\r\n"));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\",-3\r\n"));
    }
}
