//! Shared domain blocklists: host names, how severe a block is, how a subscription applies a
//! remote list, and Mastodon's domain-block CSV (`#domain,#severity,#reject_media,
//! #reject_reports,#public_comment,#obfuscate`), read and written without I/O.

use std::fmt;

/// Most entries a list (a CSV file, a remote collection, our recommended list) may have.
pub const MAX_ENTRIES: usize = 5_000;
/// Longest public comment kept, in characters.
pub const COMMENT_MAX: usize = 500;
/// The header Mastodon writes and reads.
pub const MASTODON_HEADER: &str =
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

/// How hard a domain is blocked, in Mastodon's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Nothing is received from it, fetched from it or sent to it.
    Suspend,
    /// Recorded and shared; Inspraak has no public timelines to hide it from, so it is advisory.
    Silence,
}

impl Severity {
    /// Every severity, strongest first.
    pub const ALL: [Severity; 2] = [Severity::Suspend, Severity::Silence];

    /// The stored and exchanged name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suspend => "suspend",
            Severity::Silence => "silence",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "suspend" => Ok(Severity::Suspend),
            "silence" => Ok(Severity::Silence),
            _ => Err(()),
        }
    }
}

/// What a subscription does with the entries of a remote list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionMode {
    /// Entries become domain blocks at once, and are lifted when they leave the list.
    AutoApply,
    /// Entries are suggestions an admin accepts or dismisses.
    Review,
}

impl SubscriptionMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionMode::AutoApply => "auto",
            SubscriptionMode::Review => "review",
        }
    }
}

impl std::str::FromStr for SubscriptionMode {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "auto" => Ok(SubscriptionMode::AutoApply),
            "review" => Ok(SubscriptionMode::Review),
            _ => Err(()),
        }
    }
}

/// Where a subscribed list's entry stands here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    /// Blocked automatically (auto-apply).
    Applied,
    /// Waiting for an admin (review).
    Suggested,
    /// An admin accepted the suggestion: blocked.
    Accepted,
    /// An admin dismissed the suggestion: not blocked, not suggested again.
    Dismissed,
}

impl EntryState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Applied => "applied",
            EntryState::Suggested => "suggested",
            EntryState::Accepted => "accepted",
            EntryState::Dismissed => "dismissed",
        }
    }

    /// Whether an entry in this state holds a domain block.
    pub fn blocks(self) -> bool {
        matches!(self, EntryState::Applied | EntryState::Accepted)
    }

    /// The state a new entry starts in under `mode`.
    pub fn initial(mode: SubscriptionMode) -> Self {
        match mode {
            SubscriptionMode::AutoApply => EntryState::Applied,
            SubscriptionMode::Review => EntryState::Suggested,
        }
    }
}

impl std::str::FromStr for EntryState {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "applied" => Ok(EntryState::Applied),
            "suggested" => Ok(EntryState::Suggested),
            "accepted" => Ok(EntryState::Accepted),
            "dismissed" => Ok(EntryState::Dismissed),
            _ => Err(()),
        }
    }
}

/// A host name as a block names it: lower case ASCII (IDNs in punycode), at least two labels
/// of letters, digits and inner hyphens, no port, no trailing dot; `None` when it is not one.
pub fn valid_host(input: &str) -> Option<String> {
    let host = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|t| !t.chars().all(|c| c.is_ascii_digit()));
    (labels.len() >= 2 && labels.iter().all(label_ok) && top_ok).then_some(host)
}

/// Whether `host` is `domain` or lies under it (`a.spam.example` under `spam.example`).
pub fn covers(domain: &str, host: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// A public comment as kept: one line, at most [`COMMENT_MAX`] characters.
pub fn clean_comment(comment: &str) -> String {
    comment
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(COMMENT_MAX)
        .collect()
}

/// One entry of a blocklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    /// The host, checked.
    pub host: String,
    /// How hard.
    pub severity: Severity,
    /// Why, for everyone to read.
    pub comment: String,
}

/// Why a CSV file was refused, with the line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The line of the file.
    pub line: usize,
    /// What is wrong there.
    pub problem: CsvProblem,
}

/// What is wrong with a CSV line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvProblem {
    /// The first line is not a header with a `#domain` column.
    Header,
    /// The domain is not a valid host name.
    Host(String),
    /// The severity is not `suspend`, `silence` or `noop`.
    Severity(String),
    /// A yes/no column is not `true` or `false`.
    Flag(String),
    /// A quoted cell is not closed.
    Quote,
    /// The same domain twice.
    Duplicate(String),
    /// More than [`MAX_ENTRIES`] entries.
    TooMany,
    /// The domain is (or lies above) a host that must never be blocked, such as our own.
    Protected(String),
}

impl CsvProblem {
    /// A stable name for the problem (for translations).
    pub fn key(&self) -> &'static str {
        match self {
            CsvProblem::Header => "header",
            CsvProblem::Host(_) => "host",
            CsvProblem::Severity(_) => "severity",
            CsvProblem::Flag(_) => "flag",
            CsvProblem::Quote => "quote",
            CsvProblem::Duplicate(_) => "duplicate",
            CsvProblem::TooMany => "too_many",
            CsvProblem::Protected(_) => "protected",
        }
    }

    /// The offending value, when there is one.
    pub fn value(&self) -> &str {
        match self {
            CsvProblem::Host(v)
            | CsvProblem::Severity(v)
            | CsvProblem::Flag(v)
            | CsvProblem::Duplicate(v)
            | CsvProblem::Protected(v) => v,
            CsvProblem::Header | CsvProblem::Quote | CsvProblem::TooMany => "",
        }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.problem {
            CsvProblem::Header => write!(f, "expected the header {MASTODON_HEADER}"),
            CsvProblem::Host(h) => write!(f, "\"{h}\" is not a valid domain name"),
            CsvProblem::Severity(s) => {
                write!(f, "severity \"{s}\" is not suspend, silence or noop")
            }
            CsvProblem::Flag(v) => write!(f, "\"{v}\" is not true or false"),
            CsvProblem::Quote => write!(f, "a quoted cell is not closed"),
            CsvProblem::Duplicate(h) => write!(f, "{h} is listed twice"),
            CsvProblem::TooMany => write!(f, "more than {MAX_ENTRIES} domains"),
            CsvProblem::Protected(h) => write!(f, "{h} would block this instance itself"),
        }
    }
}

impl std::error::Error for CsvError {}

/// Splits CSV text into records (RFC 4180 quoting), each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let (mut line, mut start) = (1, 1);
    let (mut cell, mut row) = (String::new(), Vec::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if cell.is_empty() => quoted = true,
            '\n' if quoted => {
                line += 1;
                cell.push('\n');
            }
            ',' if !quoted => row.push(std::mem::take(&mut cell)),
            '\r' if !quoted => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                out.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            c => cell.push(c),
        }
    }
    if quoted {
        return Err(CsvError {
            line: start,
            problem: CsvProblem::Quote,
        });
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        out.push((start, row));
    }
    out.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

/// Reads a Mastodon domain-block CSV. Columns are found by their header name (`#domain` or
/// `domain`, and so on), so older exports read too; `noop` lines block nothing and are left
/// out; a domain that covers one of `protected` (our own host) is refused; the first bad line
/// refuses the whole file.
pub fn parse_mastodon_csv(text: &str, protected: &[&str]) -> Result<Vec<BlockEntry>, CsvError> {
    let mut rows = records(text)?.into_iter();
    let header_error = |line| CsvError {
        line,
        problem: CsvProblem::Header,
    };
    let (line, header) = rows.next().ok_or(header_error(1))?;
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('#').to_ascii_lowercase())
        .collect();
    let column = |name: &str| names.iter().position(|n| n == name);
    let domain = column("domain").ok_or(header_error(line))?;
    let (severity, comment) = (column("severity"), column("public_comment"));
    let flags: Vec<usize> = ["reject_media", "reject_reports", "obfuscate"]
        .iter()
        .filter_map(|n| column(n))
        .collect();
    let mut entries: Vec<BlockEntry> = Vec::new();
    for (line, row) in rows {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|c| c.trim()).unwrap_or("");
        let fail = |problem| CsvError { line, problem };
        let raw_host = cell(Some(domain));
        let host = valid_host(raw_host).ok_or_else(|| fail(CsvProblem::Host(raw_host.into())))?;
        for &f in &flags {
            let v = cell(Some(f));
            if !(v.is_empty() || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"))
            {
                return Err(fail(CsvProblem::Flag(v.into())));
            }
        }
        let raw_severity = cell(severity);
        let severity = match raw_severity.to_ascii_lowercase().as_str() {
            "" => Severity::Suspend,
            "noop" => continue,
            other => other
                .parse()
                .map_err(|()| fail(CsvProblem::Severity(raw_severity.into())))?,
        };
        if protected.iter().any(|p| covers(&host, p)) {
            return Err(fail(CsvProblem::Protected(host)));
        }
        if entries.iter().any(|e| e.host == host) {
            return Err(fail(CsvProblem::Duplicate(host)));
        }
        if entries.len() == MAX_ENTRIES {
            return Err(fail(CsvProblem::TooMany));
        }
        entries.push(BlockEntry {
            host,
            severity,
            comment: clean_comment(cell(comment)),
        });
    }
    Ok(entries)
}

/// What fetching a subscribed list changes here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncPlan {
    /// New entries and the state each starts in.
    pub added: Vec<(BlockEntry, EntryState)>,
    /// Entries still listed, with the list's current severity and comment.
    pub kept: Vec<BlockEntry>,
    /// Hosts no longer listed, with the state they had (a blocking one is lifted).
    pub removed: Vec<(String, EntryState)>,
}

/// Compares what we hold of a list (`held`: host and state) with what it lists now.
pub fn plan_sync(
    held: &[(String, EntryState)],
    listed: &[BlockEntry],
    mode: SubscriptionMode,
) -> SyncPlan {
    let mut plan = SyncPlan::default();
    for entry in listed {
        if held.iter().any(|(h, _)| *h == entry.host) {
            plan.kept.push(entry.clone());
        } else {
            plan.added.push((entry.clone(), EntryState::initial(mode)));
        }
    }
    for (host, state) in held {
        if !listed.iter().any(|e| e.host == *host) {
            plan.removed.push((host.clone(), *state));
        }
    }
    plan
}

/// One CSV cell, quoted when it must be (RFC 4180).
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Writes entries as Mastodon's domain-block CSV (no byte-order mark, as Mastodon writes it).
pub fn write_mastodon_csv(entries: &[BlockEntry]) -> String {
    let mut out = String::from(MASTODON_HEADER);
    out.push('\n');
    for e in entries {
        out.push_str(&format!(
            "{},{},false,false,{},false\n",
            e.host,
            e.severity.as_str(),
            csv_cell(&e.comment)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_checked() {
        assert_eq!(
            valid_host(" Spam.Example. ").as_deref(),
            Some("spam.example")
        );
        assert_eq!(
            valid_host("xn--bcher-kva.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        for bad in [
            "",
            "localhost",
            "spam.example:443",
            "-a.example",
            "a..example",
            "1.2.3.4",
            "bad host.example",
            "https://x.example",
        ] {
            assert_eq!(valid_host(bad), None, "{bad}");
        }
        assert!(covers("spam.example", "a.spam.example"));
        assert!(!covers("spam.example", "notspam.example"));
    }

    #[test]
    fn a_mastodon_export_reads_and_writes_back() {
        let text = format!(
            "{MASTODON_HEADER}\nbad.example,suspend,false,false,\"spam, mostly\",false\n\
             loud.example,silence,TRUE,false,,false\nquiet.example,noop,true,false,,false\n"
        );
        let entries = parse_mastodon_csv(&text, &[]).expect("valid");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].comment, "spam, mostly");
        assert_eq!(entries[1].severity, Severity::Silence);
        assert_eq!(
            parse_mastodon_csv(&write_mastodon_csv(&entries), &[]),
            Ok(entries)
        );
    }

    #[test]
    fn a_sync_adds_keeps_and_removes() {
        let entry = |h: &str| BlockEntry {
            host: h.into(),
            severity: Severity::Suspend,
            comment: String::new(),
        };
        let held = vec![
            ("old.example".to_owned(), EntryState::Applied),
            ("kept.example".to_owned(), EntryState::Dismissed),
        ];
        let plan = plan_sync(
            &held,
            &[entry("kept.example"), entry("new.example")],
            SubscriptionMode::Review,
        );
        assert_eq!(
            plan.added,
            vec![(entry("new.example"), EntryState::Suggested)]
        );
        assert_eq!(plan.kept, vec![entry("kept.example")]);
        assert_eq!(
            plan.removed,
            vec![("old.example".to_owned(), EntryState::Applied)]
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let text = format!(
            "{MASTODON_HEADER}\ngood.example,suspend,false,false,,false\nnot a host,suspend,false,false,,false\n"
        );
        let err = parse_mastodon_csv(&text, &[]).expect_err("refused");
        assert_eq!(err.line, 3);
        assert!(err.to_string().starts_with("line 3: "), "{err}");
        let err = parse_mastodon_csv("a.example,suspend\n", &[]).expect_err("no header");
        assert_eq!(err.problem, CsvProblem::Header);
        let err = parse_mastodon_csv("#domain,#severity\na.example,sometimes\n", &[])
            .expect_err("severity");
        assert_eq!(err.line, 2);
        let err = parse_mastodon_csv("#domain\nsub.us.example\nus.example\n", &["us.example"])
            .expect_err("our own host");
        assert_eq!((err.line, err.problem.key()), (3, "protected"));
    }
}
