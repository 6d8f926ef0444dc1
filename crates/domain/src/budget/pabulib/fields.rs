//! Records and fields the way Python's `csv` module reads and writes them with `;` as the
//! delimiter: Pabulib files are written with it, so a field holding `;`, `"` or a line break is
//! quoted (`"a;b"`, with `""` for a quote inside) and may span several lines.

use super::{MAX_COLUMNS, PbError};
use std::borrow::Cow;

/// One record: its fields and the line it starts on.
#[derive(Debug)]
pub(super) struct Record<'a> {
    /// The 1-based line the record starts on.
    pub line: usize,
    /// The fields, unquoted, untrimmed.
    pub fields: Vec<Cow<'a, str>>,
    /// Whether the first field was quoted: a quoted `"VOTES"` is data, not a section line.
    pub first_quoted: bool,
}

impl Record<'_> {
    /// Whether every field is empty or white space (a blank line, or only delimiters).
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }

    /// The field at `index`, if the record has that many.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.fields.get(index).map(|f| f.as_ref())
    }
}

/// Splits text into records. Line breaks end a record unless they are inside quotes; `\r\n`,
/// `\n` and a lone `\r` all count as one line break, as in Python.
pub(super) struct Records<'a> {
    text: &'a str,
    pos: usize,
    /// The 1-based line `pos` is on.
    line: usize,
}

impl<'a> Records<'a> {
    /// Records of `text`, the first starting on line 1.
    pub fn new(text: &'a str) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// The line after the file's last line, once every record is read: where a missing
    /// section was expected.
    pub fn end_line(&self) -> usize {
        let ends_with_break = self.text.ends_with(['\n', '\r']) || self.text.is_empty();
        if ends_with_break {
            self.line
        } else {
            self.line + 1
        }
    }

    /// Skips a line break at `pos` (one of `\r\n`, `\n`, `\r`) and counts it.
    fn eat_line_break(&mut self) {
        let bytes = self.text.as_bytes();
        match bytes.get(self.pos) {
            Some(b'\r') => {
                self.pos += 1;
                if bytes.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
            }
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
            }
            _ => {}
        }
    }

    /// Reads one quoted field from just after its opening quote; `pos` ends on the byte after
    /// the field (a delimiter, a line break or the end). As in Python, text between the closing
    /// quote and the delimiter is kept.
    fn quoted(&mut self, opened: usize) -> Result<Cow<'a, str>, PbError> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut value = String::new();
        let mut start = self.pos;
        loop {
            // Only ASCII bytes are searched for, so every slice boundary is a char boundary.
            let Some(offset) = bytes[self.pos..]
                .iter()
                .position(|&b| matches!(b, b'"' | b'\n' | b'\r'))
            else {
                return Err(PbError::new(
                    opened,
                    "a quoted field is never closed (a \" is missing)",
                ));
            };
            self.pos += offset;
            match bytes[self.pos] {
                b'"' if bytes.get(self.pos + 1) == Some(&b'"') => {
                    value.push_str(&text[start..=self.pos]);
                    self.pos += 2;
                    start = self.pos;
                }
                b'"' => {
                    value.push_str(&text[start..self.pos]);
                    self.pos += 1;
                    let rest = bytes[self.pos..]
                        .iter()
                        .position(|&b| matches!(b, b';' | b'\n' | b'\r'))
                        .map_or(bytes.len(), |o| self.pos + o);
                    value.push_str(&text[self.pos..rest]);
                    self.pos = rest;
                    return Ok(Cow::Owned(value));
                }
                _ => {
                    // A line break inside quotes belongs to the value.
                    self.eat_line_break();
                    value.push_str(&text[start..self.pos]);
                    start = self.pos;
                }
            }
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, PbError>;

    fn next(&mut self) -> Option<Self::Item> {
        let text = self.text;
        let bytes = text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let line = self.line;
        let mut fields = Vec::new();
        let first_quoted = bytes.get(self.pos) == Some(&b'"');
        loop {
            if fields.len() == MAX_COLUMNS {
                // Stop here for good: the caller reports the error and reads no further.
                self.pos = bytes.len();
                return Some(Err(PbError::new(
                    line,
                    format!("more than {MAX_COLUMNS} fields on one line"),
                )));
            }
            let field = if bytes.get(self.pos) == Some(&b'"') {
                self.pos += 1;
                match self.quoted(line) {
                    Ok(field) => field,
                    Err(e) => {
                        self.pos = bytes.len();
                        return Some(Err(e));
                    }
                }
            } else {
                let end = bytes[self.pos..]
                    .iter()
                    .position(|&b| matches!(b, b';' | b'\n' | b'\r'))
                    .map_or(bytes.len(), |o| self.pos + o);
                let field = Cow::Borrowed(&text[self.pos..end]);
                self.pos = end;
                field
            };
            fields.push(field);
            match bytes.get(self.pos) {
                Some(b';') => self.pos += 1,
                Some(_) => {
                    self.eat_line_break();
                    break;
                }
                None => break,
            }
        }
        Some(Ok(Record {
            line,
            fields,
            first_quoted,
        }))
    }
}

/// Appends `field` to `out`, quoted as Python's `csv` module quotes it (`QUOTE_MINIMAL` with
/// `;`): when it holds `;`, `"` or a line break; and, as the first field of a line, when it
/// reads as a section name, so that a voter called `votes` is not read as a section line.
pub(super) fn push_field(out: &mut String, field: &str, first: bool) {
    let section = first
        && ["META", "PROJECTS", "VOTES"]
            .iter()
            .any(|s| field.trim().eq_ignore_ascii_case(s));
    if section || field.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        Records::new(text)
            .map(|r| {
                let r = r.expect("record");
                (r.line, r.fields.iter().map(|f| f.to_string()).collect())
            })
            .collect()
    }

    #[test]
    fn quoted_fields_hold_delimiters_quotes_and_line_breaks() {
        let got = records("a;\"b;c\";\"say \"\"hi\"\"\"\n\"two\nlines\";x\r\nlast");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b;c".into(), "say \"hi\"".into()]),
                (2, vec!["two\nlines".into(), "x".into()]),
                (4, vec!["last".into()]),
            ]
        );
    }

    #[test]
    fn quotes_are_read_as_python_reads_them() {
        // A quote inside an unquoted field is literal; text after a closing quote is kept.
        let got = records("ab\"c;\"q\"r;\"\"\n");
        assert_eq!(
            got,
            vec![(1, vec!["ab\"c".into(), "qr".into(), String::new()])]
        );
    }

    #[test]
    fn a_section_name_as_first_field_is_quoted() {
        let mut out = String::new();
        push_field(&mut out, "Votes", true);
        push_field(&mut out, "votes", false);
        assert_eq!(out, "\"Votes\"votes");
        let record = Records::new(&out)
            .next()
            .and_then(Result::ok)
            .expect("record");
        assert!(record.first_quoted);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let got = records("a\rb\r\n\nc");
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 3, 4]);
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opened_on() {
        let mut it = Records::new("a;b\nc;\"open\nmore\n");
        assert!(it.next().is_some_and(|r| r.is_ok()));
        let err = it.next().and_then(Result::err).expect("an error");
        assert_eq!(err.line, 2);
        assert!(it.next().is_none(), "reading stops after an error");
    }

    #[test]
    fn too_many_fields_on_a_line_is_an_error() {
        let text = ";".repeat(MAX_COLUMNS + 5);
        let err = Records::new(&text)
            .next()
            .and_then(Result::err)
            .expect("an error");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn written_fields_read_back_the_same() {
        for value in [
            "plain",
            "a;b",
            "say \"hi\"",
            "two\nlines",
            "cr\rlf",
            "",
            " pad ",
        ] {
            let mut out = String::new();
            push_field(&mut out, value, true);
            out.push(';');
            push_field(&mut out, "next", false);
            let got = records(&out);
            assert_eq!(got, vec![(1, vec![value.to_owned(), "next".to_owned()])]);
        }
    }
}
