//! Reading a `.pb` file: the sections in their order (META, PROJECTS, VOTES), each checked
//! line by line, so the first problem is reported with its line.

use super::fields::{Record, Records};
use super::{MAX_AMOUNT, MAX_BALLOTS, MAX_BYTES, MAX_POINTS, MAX_PROJECTS, PbError, PbFile};
use crate::budget::{Election, Project};
use std::collections::{BTreeMap, HashMap};

/// Reads a `.pb` file from bytes: refuses more than [`MAX_BYTES`] (on line 1) before looking
/// at them, and text that is not UTF-8 on the line of the first bad byte.
pub fn parse_bytes(bytes: &[u8]) -> Result<PbFile, PbError> {
    check_size(bytes.len())?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let bad = e.valid_up_to();
        let before = bytes.get(..bad).unwrap_or_default();
        PbError::new(
            line_of(before),
            format!("the file is not UTF-8 text (byte {} is not valid)", bad + 1),
        )
    })?;
    parse(text)
}

/// Reads a `.pb` file. A text longer than [`MAX_BYTES`] is refused on line 1 before any
/// work; a section that is missing is reported on the line where it was expected (for a file
/// that ends too early, the line after its last line). A leading byte-order mark is skipped.
pub fn parse(text: &str) -> Result<PbFile, PbError> {
    check_size(text.len())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::default();
    let mut records = Records::new(text);
    for record in records.by_ref() {
        let record = record?;
        if !record.is_blank() {
            reader.record(&record)?;
        }
    }
    reader.finish(records.end_line())
}

fn check_size(len: usize) -> Result<(), PbError> {
    if len > MAX_BYTES {
        return Err(PbError::new(
            1,
            format!("the file has {len} bytes; the most read is {MAX_BYTES}"),
        ));
    }
    Ok(())
}

/// The 1-based line that follows `before`: line breaks counted as [`Records`] counts them.
fn line_of(before: &[u8]) -> usize {
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

/// Where the reader is.
#[derive(Debug, Default)]
enum Section {
    /// Before the META line.
    #[default]
    Start,
    /// In META; `true` once the first line (perhaps the `key;value` header) is read.
    Meta(bool),
    /// In PROJECTS, with its header once read.
    Projects(Option<ProjectColumns>),
    /// In VOTES, with its header once read.
    Votes(Option<VoteColumns>),
}

#[derive(Debug, Clone, Copy)]
struct ProjectColumns {
    id: usize,
    cost: usize,
    name: Option<usize>,
    category: Option<usize>,
    selected: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct VoteColumns {
    voter_id: Option<usize>,
    vote: usize,
    points: Option<usize>,
}

#[derive(Debug, Default)]
struct Reader {
    section: Section,
    /// The line of the META line, for a budget that is missing.
    meta_line: usize,
    /// Each META value with the line it is on.
    meta: BTreeMap<String, (String, usize)>,
    election: Election,
    selected: Vec<bool>,
    names: Vec<String>,
    categories: Vec<Vec<String>>,
    voter_ids: Vec<String>,
    /// Project index and line by id.
    index: HashMap<String, (usize, usize)>,
    /// Per project, the last ballot (1-based) that chose it: finds repeats in one ballot.
    seen: Vec<usize>,
    /// Whether the VOTES header has a `points` column.
    has_points: bool,
}

/// The section a line names, if it is a section line (`META`, `PROJECTS` or `VOTES`, unquoted,
/// with nothing else on the line).
fn marker(record: &Record<'_>) -> Option<&'static str> {
    let first = record.get(0)?.trim();
    if record.first_quoted || record.fields.iter().skip(1).any(|f| !f.trim().is_empty()) {
        return None;
    }
    ["META", "PROJECTS", "VOTES"]
        .into_iter()
        .find(|name| first.eq_ignore_ascii_case(name))
}

impl Reader {
    fn record(&mut self, record: &Record<'_>) -> Result<(), PbError> {
        let line = record.line;
        if let Some(name) = marker(record) {
            return self.enter(name, line);
        }
        match &mut self.section {
            Section::Start => Err(PbError::new(
                line,
                "the META section is missing: a .pb file starts with a line META",
            )),
            Section::Meta(started) => {
                let first = !*started;
                *started = true;
                self.meta_line_read(record, first)
            }
            Section::Projects(None) => {
                self.section = Section::Projects(Some(project_columns(record)?));
                Ok(())
            }
            Section::Projects(Some(columns)) => {
                let columns = *columns;
                self.project(record, columns)
            }
            Section::Votes(None) => {
                let columns = vote_columns(record)?;
                self.has_points = columns.points.is_some();
                self.section = Section::Votes(Some(columns));
                Ok(())
            }
            Section::Votes(Some(columns)) => {
                let columns = *columns;
                self.vote(record, columns)
            }
        }
    }

    /// A section line: sections must come once each, in the order META, PROJECTS, VOTES.
    fn enter(&mut self, name: &str, line: usize) -> Result<(), PbError> {
        let order = ["META", "PROJECTS", "VOTES"];
        let current = match self.section {
            Section::Start => 0,
            Section::Meta(_) => 1,
            Section::Projects(_) => 2,
            Section::Votes(_) => 3,
        };
        let next = order.iter().position(|n| *n == name).unwrap_or(0) + 1;
        if next <= current {
            return Err(PbError::new(
                line,
                format!("a second {name} section, or {name} after a later section"),
            ));
        }
        if next > current + 1 {
            let missing = order[current];
            return Err(PbError::new(
                line,
                format!("the {missing} section is missing: it must come before {name}"),
            ));
        }
        self.section = match name {
            "META" => {
                self.meta_line = line;
                Section::Meta(false)
            }
            "PROJECTS" => Section::Projects(None),
            _ => Section::Votes(None),
        };
        Ok(())
    }

    fn meta_line_read(&mut self, record: &Record<'_>, first: bool) -> Result<(), PbError> {
        let line = record.line;
        let key = record.get(0).unwrap_or_default().trim();
        // The first line is the `key;value` header in every Pabulib file; a file without
        // it starts with its first pair.
        if first && key.eq_ignore_ascii_case("key") {
            return Ok(());
        }
        if key.is_empty() {
            return Err(PbError::new(line, "a META line without a key"));
        }
        if record.fields.len() < 2 {
            return Err(PbError::new(
                line,
                format!("the META line {key:?} has no value (key;value)"),
            ));
        }
        // An unquoted `;` inside a value splits it; the writer meant one value.
        let value = record.fields[1..].join(";").trim().to_owned();
        if let Some((_, first_line)) = self.meta.get(key) {
            return Err(PbError::new(
                line,
                format!("the META key {key:?} appears twice (first on line {first_line})"),
            ));
        }
        self.meta.insert(key.to_owned(), (value, line));
        Ok(())
    }

    fn project(&mut self, record: &Record<'_>, columns: ProjectColumns) -> Result<(), PbError> {
        let line = record.line;
        if self.election.projects.len() >= MAX_PROJECTS {
            return Err(PbError::new(
                line,
                format!("more than {MAX_PROJECTS} projects"),
            ));
        }
        let id = record.get(columns.id).unwrap_or_default().trim();
        if id.is_empty() {
            return Err(PbError::new(line, "a project without a project_id"));
        }
        if let Some((_, first)) = self.index.get(id) {
            return Err(PbError::new(
                line,
                format!("project {id:?} is listed twice (first on line {first})"),
            ));
        }
        let cost_text = record.get(columns.cost).unwrap_or_default();
        let cost = whole(cost_text, MAX_AMOUNT)
            .map_err(|why| PbError::new(line, format!("the cost {why}")))?;
        let name = columns.name.and_then(|c| record.get(c)).unwrap_or_default();
        let categories = columns
            .category
            .and_then(|c| record.get(c))
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        let selected = columns.selected.and_then(|c| record.get(c)).map(str::trim) == Some("1");
        self.index
            .insert(id.to_owned(), (self.election.projects.len(), line));
        self.election.projects.push(Project {
            id: id.to_owned(),
            cost,
        });
        self.names.push(name.to_owned());
        self.categories.push(categories);
        self.selected.push(selected);
        self.seen.push(0);
        Ok(())
    }

    fn vote(&mut self, record: &Record<'_>, columns: VoteColumns) -> Result<(), PbError> {
        let line = record.line;
        let number = self.election.ballots.len() + 1;
        if number > MAX_BALLOTS {
            return Err(PbError::new(
                line,
                format!("more than {MAX_BALLOTS} ballots"),
            ));
        }
        let Some(vote) = record.get(columns.vote) else {
            return Err(PbError::new(line, "the line has no vote field"));
        };
        let mut ballot = Vec::new();
        for id in vote.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some(&(p, _)) = self.index.get(id) else {
                return Err(PbError::new(
                    line,
                    format!("unknown project {id:?} in a vote"),
                ));
            };
            if self.seen[p] == number {
                if self.has_points {
                    // Two point counts for one project: which one the voter meant is unknown.
                    return Err(PbError::new(
                        line,
                        format!("project {id:?} appears twice in one vote"),
                    ));
                }
                continue;
            }
            self.seen[p] = number;
            ballot.push(p);
        }
        if let Some(column) = columns.points {
            let text = record.get(column).unwrap_or_default();
            let points = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| whole(s, MAX_POINTS))
                .collect::<Result<Vec<u64>, String>>()
                .map_err(|why| PbError::new(line, format!("points: {why}")))?;
            if points.len() != ballot.len() {
                return Err(PbError::new(
                    line,
                    format!(
                        "{} points for {} projects: give one per chosen project",
                        points.len(),
                        ballot.len()
                    ),
                ));
            }
            self.election.points.push(points);
        }
        let voter_id = match columns.voter_id {
            Some(c) => record.get(c).unwrap_or_default().trim().to_owned(),
            None => number.to_string(),
        };
        self.voter_ids.push(voter_id);
        self.election.ballots.push(ballot);
        Ok(())
    }

    fn finish(mut self, end: usize) -> Result<PbFile, PbError> {
        let missing = match self.section {
            Section::Start => Some("the META section is missing"),
            Section::Meta(_) => Some("the PROJECTS section is missing"),
            Section::Projects(None) => Some("the PROJECTS section has no header line"),
            Section::Projects(Some(_)) => Some("the VOTES section is missing"),
            Section::Votes(None) => Some("the VOTES section has no header line"),
            Section::Votes(Some(_)) => None,
        };
        if let Some(message) = missing {
            return Err(PbError::new(end, message));
        }
        let Some((budget, line)) = self.meta.get("budget") else {
            return Err(PbError::new(self.meta_line, "META has no budget"));
        };
        self.election.budget = whole(budget, MAX_AMOUNT)
            .map_err(|why| PbError::new(*line, format!("the budget {why}")))?;
        if let Some((threshold, line)) = self.meta.get("min_project_score_threshold") {
            self.election.min_votes = whole(threshold, u64::MAX)
                .map_err(|why| PbError::new(*line, format!("min_project_score_threshold {why}")))?;
        }
        let meta: BTreeMap<String, String> = self
            .meta
            .into_iter()
            .map(|(key, (value, _))| (key, value))
            .collect();
        Ok(PbFile {
            election: self.election,
            rule: meta.get("rule").cloned(),
            selected: self.selected,
            meta,
            names: self.names,
            categories: self.categories,
            voter_ids: self.voter_ids,
        })
    }
}

/// The header's columns by name; a name given twice is an error.
fn header<'r>(record: &'r Record<'_>) -> Result<HashMap<&'r str, usize>, PbError> {
    let mut columns = HashMap::new();
    for (i, name) in record.fields.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        if columns.insert(name, i).is_some() {
            return Err(PbError::new(
                record.line,
                format!("the column {name:?} appears twice in the header"),
            ));
        }
    }
    Ok(columns)
}

fn project_columns(record: &Record<'_>) -> Result<ProjectColumns, PbError> {
    let columns = header(record)?;
    let need = |name: &str| {
        columns.get(name).copied().ok_or_else(|| {
            PbError::new(
                record.line,
                format!("the PROJECTS header has no {name} column"),
            )
        })
    };
    Ok(ProjectColumns {
        id: need("project_id")?,
        cost: need("cost")?,
        name: columns.get("name").copied(),
        category: columns.get("category").copied(),
        selected: columns.get("selected").copied(),
    })
}

fn vote_columns(record: &Record<'_>) -> Result<VoteColumns, PbError> {
    let columns = header(record)?;
    let vote = columns
        .get("vote")
        .copied()
        .ok_or_else(|| PbError::new(record.line, "the VOTES header has no vote column"))?;
    Ok(VoteColumns {
        voter_id: columns.get("voter_id").copied(),
        vote,
        points: columns.get("points").copied(),
    })
}

/// A whole, non-negative number of at most `max`; `12.0` counts as whole. The error says
/// what is wrong with the text, for a message that starts with what it is.
fn whole(text: &str, max: u64) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is missing".to_owned());
    }
    let (digits, fraction) = text.split_once('.').unwrap_or((text, ""));
    let unsigned = digits.strip_prefix('-');
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let zeros_only = fraction.bytes().all(|b| b == b'0');
    if unsigned.is_some_and(digits_only) && fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is negative"));
    }
    if !digits_only(digits) || !zeros_only {
        return Err(format!("{text:?} is not a whole number"));
    }
    match digits.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("{text:?} is too large (the most is {max})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_strictly() {
        assert_eq!(whole(" 42 ", 100), Ok(42));
        assert_eq!(whole("42.00", 100), Ok(42));
        assert!(whole("42.5", 100).is_err_and(|e| e.contains("not a whole number")));
        assert!(whole("-3", 100).is_err_and(|e| e.contains("negative")));
        assert!(whole("1e3", 10_000).is_err_and(|e| e.contains("not a whole number")));
        assert!(whole("101", 100).is_err_and(|e| e.contains("too large")));
        assert!(whole("99999999999999999999999", u64::MAX).is_err_and(|e| e.contains("too large")));
        assert!(whole("", 100).is_err_and(|e| e.contains("missing")));
    }

    #[test]
    fn line_of_counts_every_kind_of_line_break() {
        assert_eq!(line_of(b""), 1);
        assert_eq!(line_of(b"a\nb\r\nc\rd"), 4);
    }
}
