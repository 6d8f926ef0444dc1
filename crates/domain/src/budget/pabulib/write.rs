//! Writing a `.pb` file in the pabulib.org/format layout, quoted as Python's `csv` module
//! quotes, so pabutools and [`super::parse`] both read it back.

use super::PbDocument;
use super::fields::push_field;

/// The text of `doc` as a `.pb` file: META `key;value` lines, PROJECTS with the header
/// `project_id;cost;name;category;votes;selected`, and VOTES with `voter_id;vote`, or
/// `voter_id;vote;points` when any ballot has points. Lines end in `\n`. Ids and categories
/// holding a comma cannot be told apart from lists when read back.
pub fn write(doc: &PbDocument) -> String {
    let mut out = String::new();
    out.push_str("META\nkey;value\n");
    for (key, value) in &doc.meta {
        row(&mut out, [key.as_str(), value.as_str()]);
    }
    out.push_str("PROJECTS\nproject_id;cost;name;category;votes;selected\n");
    for p in &doc.projects {
        let cost = p.cost.to_string();
        let categories = p.categories.join(",");
        let votes = p.votes.to_string();
        let selected = if p.selected { "1" } else { "0" };
        row(
            &mut out,
            [p.id.as_str(), &cost, &p.name, &categories, &votes, selected],
        );
    }
    let points = doc.votes.iter().any(|v| !v.points.is_empty());
    out.push_str(if points {
        "VOTES\nvoter_id;vote;points\n"
    } else {
        "VOTES\nvoter_id;vote\n"
    });
    for v in &doc.votes {
        let vote = v.vote.join(",");
        if points {
            let given: Vec<String> = v.points.iter().map(u64::to_string).collect();
            row(&mut out, [v.voter_id.as_str(), &vote, &given.join(",")]);
        } else {
            row(&mut out, [v.voter_id.as_str(), &vote]);
        }
    }
    out
}

/// Appends one line of fields.
fn row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        push_field(out, field, i == 0);
    }
    out.push('\n');
}
