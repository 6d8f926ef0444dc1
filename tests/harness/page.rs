//! An HTTP answer read whole, and plain string scanning for what tests look for in it: the
//! CSRF token, `id="…"` elements and their `data-…` attributes, the form problems listed in
//! the error summary. No HTML parser: the pages are ours and their attributes are stable.

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Page {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `Location` header, for redirects.
    pub location: Option<String>,
    /// All headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        extract_between(&self.body, "name=\"csrf_token\" value=\"", "\"")
            .unwrap_or_else(|| panic!("no CSRF token on page:\n{}", self.body))
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }

    /// The value of the first `data-NAME="…"` attribute on the page (`name` without `data-`).
    pub fn data(&self, name: &str) -> Option<String> {
        attribute(&self.body, &format!("data-{name}"))
    }

    /// Every value of `data-NAME="…"` attributes on the page, in order.
    pub fn data_all(&self, name: &str) -> Vec<String> {
        extract_all(&self.body, &format!(" data-{name}=\""), "\"")
            .into_iter()
            .map(|v| unescape(&v))
            .collect()
    }

    /// The element with `id="ID"`: its opening tag and what it contains.
    pub fn by_id(&self, id: &str) -> Option<Element<'_>> {
        Element::find(&self.body, &format!(" id=\"{id}\""))
    }

    /// The element with `id="ID"`; panics (showing the page) when it is missing.
    #[track_caller]
    pub fn element(&self, id: &str) -> Element<'_> {
        self.by_id(id)
            .unwrap_or_else(|| panic!("no element with id=\"{id}\" on page:\n{}", self.body))
    }

    /// Whether an element with `id="ID"` is on the page.
    pub fn has_id(&self, id: &str) -> bool {
        self.by_id(id).is_some()
    }

    /// The `(field, problem code)` pairs of the form's error summary
    /// (`<li data-field="…" data-problem="…">`).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find(" data-field=\"") {
            let tag = opening_tag(rest, at);
            if let (Some(field), Some(problem)) =
                (attribute(tag, "data-field"), attribute(tag, "data-problem"))
            {
                found.push((field, problem));
            }
            rest = &rest[at + 1..];
        }
        found
    }

    /// Asserts that the error summary lists `problem` for `field`.
    #[track_caller]
    pub fn expect_problem(&self, field: &str, problem: &str) -> &Self {
        let problems = self.problems();
        assert!(
            problems.iter().any(|(f, p)| f == field && p == problem),
            "expected problem {problem} for {field}, found {problems:?}; page:\n{}",
            self.body
        );
        self
    }

    /// The machine-readable `error` code of a JSON error answer.
    #[track_caller]
    pub fn error_code(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in: {}", self.body))
            .to_owned()
    }
}

/// One element of a page found by its `id`: its opening tag and everything up to its closing
/// tag (nesting of the same tag name is counted; void elements have no content).
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// The opening tag, `<li class="…" id="…" data-…>`.
    pub tag: &'a str,
    /// The opening tag, the content and the closing tag.
    pub html: &'a str,
}

impl<'a> Element<'a> {
    fn find(body: &'a str, needle: &str) -> Option<Element<'a>> {
        let at = body.find(needle)?;
        let start = body[..at].rfind('<')?;
        let tag = opening_tag(body, at);
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let after_tag = start + tag.len();
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        let mut depth = 1usize;
        let mut cursor = after_tag;
        let end = loop {
            let next_close = body[cursor..].find(&close).map(|i| cursor + i);
            let next_open = body[cursor..]
                .match_indices(&open)
                .map(|(i, _)| cursor + i)
                .find(|&i| {
                    body[i + open.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c == ' ' || c == '>')
                });
            match (next_open, next_close) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    cursor = o + open.len();
                }
                (_, Some(c)) => {
                    depth -= 1;
                    cursor = c + close.len();
                    if depth == 0 {
                        break cursor;
                    }
                }
                // A void element (`<input>`, `<progress …>` always closes): the tag alone.
                (_, None) => break after_tag,
            }
        };
        Some(Element {
            tag,
            html: &body[start..end],
        })
    }

    /// The value of `data-NAME` on this element's own tag.
    pub fn data(&self, name: &str) -> Option<String> {
        attribute(self.tag, &format!("data-{name}"))
    }

    /// The value of `data-NAME` on this element's own tag; panics when it is missing.
    #[track_caller]
    pub fn expect_data(&self, name: &str) -> String {
        self.data(name)
            .unwrap_or_else(|| panic!("no data-{name} on {}", self.tag))
    }

    /// The value of any attribute on this element's own tag.
    pub fn attr(&self, name: &str) -> Option<String> {
        attribute(self.tag, name)
    }

    /// Whether the element's HTML (tag and content) contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    /// The first `data-NAME` value inside this element (its own tag included).
    pub fn data_within(&self, name: &str) -> Option<String> {
        attribute(self.html, &format!("data-{name}"))
    }
}

/// The whole opening tag around position `at` of `text`.
fn opening_tag(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('<').unwrap_or(0);
    let end = text[at..].find('>').map_or(text.len(), |i| at + i + 1);
    &text[start..end]
}

/// The value of the first ` NAME="…"` attribute in `text`, unescaped.
fn attribute(text: &str, name: &str) -> Option<String> {
    extract_between(text, &format!(" {name}=\""), "\"").map(|v| unescape(&v))
}

/// Undoes the HTML escaping askama applies to attribute values.
fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The first text between `start` and `end`.
pub fn extract_between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_owned())
}

/// Every text between `start` and `end`.
pub fn extract_all(text: &str, start: &str, end: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(from) = rest.find(start) {
        let after = &rest[from + start.len()..];
        let Some(len) = after.find(end) else { break };
        found.push(after[..len].to_owned());
        rest = &after[len..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Page {
        Page {
            status: 200,
            body: body.to_owned(),
            location: None,
            headers: reqwest::header::HeaderMap::new(),
        }
    }

    #[test]
    fn elements_are_found_by_id_with_nesting_and_data() {
        let p = page(
            r#"<ul><li class="x" id="proposal-1" data-support-count="3"><div><div>a</div></div><p data-state="hidden">b</p></li><li id="proposal-2" data-support-count="0"></li></ul>"#,
        );
        let one = p.element("proposal-1");
        assert_eq!(one.data("support-count").as_deref(), Some("3"));
        assert_eq!(one.data("state"), None);
        assert_eq!(one.data_within("state").as_deref(), Some("hidden"));
        assert!(one.html.ends_with("</p></li>"), "{}", one.html);
        assert!(!one.contains("proposal-2"));
        assert_eq!(p.data_all("support-count"), ["3", "0"]);
        assert!(!p.has_id("proposal-3"));
    }

    #[test]
    fn problems_come_from_the_error_summary() {
        let p = page(
            r#"<li data-field="username" data-problem="invalid_username"><a>x</a></li><li data-field="email" data-problem="invalid_email">y</li>"#,
        );
        assert_eq!(
            p.problems(),
            [
                ("username".to_owned(), "invalid_username".to_owned()),
                ("email".to_owned(), "invalid_email".to_owned())
            ]
        );
        p.expect_problem("email", "invalid_email");
    }
}
