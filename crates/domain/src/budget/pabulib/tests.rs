//! Reading, writing and refusing `.pb` files.

use super::*;
use crate::budget::{Rule, outcome};

/// A small valid file; the line numbers below refer to it.
const GOOD: &str = "META
key;value
budget;100
rule;greedy
PROJECTS
project_id;cost;name;category;selected
p1;60;One;a, b;1
p2;50;Two;;0
VOTES
voter_id;vote
v1;p1,p2
v2;p2
";

fn err(text: &str) -> PbError {
    match parse(text) {
        Ok(file) => panic!("expected an error, read {file:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_good_file_is_read_with_names_categories_and_meta() {
    let file = parse(GOOD).expect("parse");
    assert_eq!(file.election.budget, 100);
    assert_eq!(file.rule.as_deref(), Some("greedy"));
    assert_eq!(file.meta.get("budget").map(String::as_str), Some("100"));
    assert_eq!(file.names, vec!["One", "Two"]);
    assert_eq!(file.categories, vec![vec!["a", "b"], vec![]]);
    assert_eq!(file.selected, vec![true, false]);
    assert_eq!(file.voter_ids, vec!["v1", "v2"]);
    assert_eq!(file.election.ballots, vec![vec![0, 1], vec![1]]);
    assert!(file.election.points.is_empty());
}

#[test]
fn points_are_read_in_the_order_of_the_vote() {
    let text = GOOD.replace(
        "voter_id;vote\nv1;p1,p2\nv2;p2",
        "vote;points\np2,p1;3,7\np2;5",
    );
    let file = parse(&text).expect("parse");
    assert_eq!(file.election.ballots, vec![vec![1, 0], vec![1]]);
    assert_eq!(file.election.points, vec![vec![3, 7], vec![5]]);
    // No voter_id column: each ballot is named by its place.
    assert_eq!(file.voter_ids, vec!["1", "2"]);
}

#[test]
fn quoted_fields_are_read_as_python_writes_them() {
    let text = GOOD.replace(
        "p1;60;One;a, b;1",
        "p1;60;\"Park \"\"De Wei\"\"; fase 2\nmet bankjes\";\"a,b\";1",
    );
    let file = parse(&text).expect("parse");
    assert_eq!(file.names[0], "Park \"De Wei\"; fase 2\nmet bankjes");
    assert_eq!(file.categories[0], vec!["a", "b"]);
    // The quoted name spans two lines: later lines keep their real numbers.
    let bad = text.replace("v2;p2", "v2;p9");
    assert_eq!(err(&bad).line, 13);
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_are_read() {
    let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    let file = parse(&text).expect("parse");
    assert_eq!(file, parse(GOOD).expect("parse"));
}

#[test]
fn missing_sections_are_named_where_they_were_expected() {
    let e = err("");
    assert_eq!((e.line, e.message.contains("META")), (1, true));
    let e = err("PROJECTS\nproject_id;cost\np1;5\n");
    assert_eq!((e.line, e.message.contains("META")), (1, true));
    let e = err("META\nkey;value\nbudget;100\nVOTES\nvoter_id;vote\n");
    assert_eq!((e.line, e.message.contains("PROJECTS")), (4, true));
    // At the end of the file: the line after the last one, with or without a final newline.
    let e = err("META\nkey;value\nbudget;100\n");
    assert_eq!((e.line, e.message.contains("PROJECTS")), (4, true));
    let e = err("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\np1;5\n");
    assert_eq!((e.line, e.message.contains("VOTES")), (7, true));
    let e = err("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\np1;5");
    assert_eq!((e.line, e.message.contains("VOTES")), (7, true));
    let e = err("META\nbudget;100\nPROJECTS\n");
    assert_eq!((e.line, e.message.contains("header")), (4, true));
}

#[test]
fn sections_out_of_order_or_twice_are_refused() {
    let e = err(&GOOD.replace("VOTES\n", "META\n"));
    assert_eq!(e.line, 9);
    let e = err(&format!("{GOOD}PROJECTS\n"));
    assert_eq!(e.line, 13);
    let e = err(&format!("text first\n{GOOD}"));
    assert_eq!((e.line, e.message.contains("META")), (1, true));
}

#[test]
fn headers_without_the_needed_columns_are_refused() {
    let e = err(&GOOD.replace("project_id;cost;", "id;cost;"));
    assert_eq!((e.line, e.message.contains("project_id")), (6, true));
    let e = err(&GOOD.replace("project_id;cost;", "project_id;price;"));
    assert_eq!((e.line, e.message.contains("cost")), (6, true));
    let e = err(&GOOD.replace("voter_id;vote", "voter_id;ballot"));
    assert_eq!((e.line, e.message.contains("vote")), (10, true));
    let e = err(&GOOD.replace("voter_id;vote", "vote;voter_id;vote"));
    assert_eq!((e.line, e.message.contains("twice")), (10, true));
}

#[test]
fn bad_costs_are_refused_on_their_line() {
    for (cost, why) in [
        ("-60", "negative"),
        ("veel", "not a whole number"),
        ("60.5", "not a whole number"),
        ("", "missing"),
        ("99999999999999999999", "too large"),
    ] {
        let e = err(&GOOD.replace("p1;60;", &format!("p1;{cost};")));
        assert_eq!(e.line, 7, "{cost}");
        assert!(e.message.contains(why), "{cost}: {e}");
    }
    // A whole number written with zero decimals is whole.
    let file = parse(&GOOD.replace("p1;60;", "p1;60.00;")).expect("parse");
    assert_eq!(file.election.projects[0].cost, 60);
}

#[test]
fn duplicate_project_ids_are_refused() {
    let e = err(&GOOD.replace("p2;50;", "p1;50;"));
    assert_eq!(e.line, 8);
    assert!(e.message.contains("line 7"), "{e}");
    let e = err(&GOOD.replace("p2;50;", ";50;"));
    assert_eq!(e.line, 8);
}

#[test]
fn unknown_projects_in_votes_are_refused() {
    let e = err(&GOOD.replace("v2;p2", "v2;p2,p3"));
    assert_eq!(e.line, 12);
    assert!(e.message.contains("p3"));
    let e = err(&GOOD.replace("v2;p2", "v2"));
    assert_eq!(e.line, 12);
}

#[test]
fn bad_points_are_refused_on_their_line() {
    let points = |ballots: &str| GOOD.replace("voter_id;vote\nv1;p1,p2\nv2;p2", ballots);
    let header = "voter_id;vote;points";
    for (line, ballots) in [
        (12, format!("{header}\nv1;p1;3\nv2;p1,p2;1.5,2")),
        (11, format!("{header}\nv1;p1;veel\nv2;p2;1")),
        (11, format!("{header}\nv1;p1;-2\nv2;p2;1")),
        (12, format!("{header}\nv1;p1;3\nv2;p1,p2;4")),
        (11, format!("{header}\nv1;p1;3,4\nv2;p2;1")),
        (11, format!("{header}\nv1;p1,p1;3,4\nv2;p2;1")),
    ] {
        let e = err(&points(&ballots));
        assert_eq!(e.line, line, "{ballots}: {e}");
    }
    // An approval ballot naming a project twice counts it once.
    let file = parse(&GOOD.replace("v2;p2", "v2;p2,p2")).expect("parse");
    assert_eq!(file.election.ballots[1], vec![1]);
}

#[test]
fn a_budget_that_is_not_whole_or_missing_is_refused() {
    let e = err(&GOOD.replace("budget;100", "budget;100.5"));
    assert_eq!((e.line, e.message.contains("budget")), (3, true));
    let e = err(&GOOD.replace("budget;100", "budget;honderd"));
    assert_eq!(e.line, 3);
    let e = err(&GOOD.replace("budget;100\n", ""));
    assert_eq!((e.line, e.message.contains("budget")), (1, true));
    let e = err(&GOOD.replace("rule;greedy", "budget;200"));
    assert_eq!((e.line, e.message.contains("twice")), (4, true));
    let e = err(&GOOD.replace("rule;greedy", "min_project_score_threshold;veel"));
    assert_eq!(e.line, 4);
}

#[test]
fn an_unclosed_quote_is_refused_on_its_line() {
    let e = err(&GOOD.replace("p2;50;Two", "p2;50;\"Two"));
    assert_eq!((e.line, e.message.contains("quote")), (8, true));
}

#[test]
fn too_large_input_is_refused_before_any_work() {
    let big = " ".repeat(MAX_BYTES + 1);
    assert_eq!(err(&big).line, 1);
    let e = parse_bytes(big.as_bytes()).expect_err("too large");
    assert!(e.message.contains("bytes"), "{e}");
    assert_eq!(e.line, 1);
}

#[test]
fn non_utf8_is_refused_on_the_line_of_the_bad_byte() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("Two").expect("Two");
    bytes[at] = 0xff;
    let e = parse_bytes(&bytes).expect_err("not UTF-8");
    assert_eq!((e.line, e.message.contains("UTF-8")), (8, true));
    assert!(parse_bytes(GOOD.as_bytes()).is_ok());
}

#[test]
fn too_many_projects_are_refused_where_the_limit_is_passed() {
    let mut text = String::from("META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n");
    for i in 0..=MAX_PROJECTS {
        text.push_str(&format!("p{i};1\n"));
    }
    // Five lines before the projects; the first project past the limit is number 10,001.
    assert_eq!(err(&text).line, 5 + MAX_PROJECTS + 1);
}

#[test]
fn too_many_ballots_are_refused_where_the_limit_is_passed() {
    let mut text = String::from("META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\np;1\n");
    text.push_str("VOTES\nvote\n");
    text.push_str(&"p\n".repeat(MAX_BALLOTS + 1));
    assert_eq!(err(&text).line, 8 + MAX_BALLOTS + 1);
}

fn sample_document() -> PbDocument {
    let meta = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    PbDocument {
        meta: vec![
            meta("description", "Wijk; \"Oost\"\ntweede regel"),
            meta("budget", "1000"),
            meta("rule", "equalshares/add1"),
            meta("vote_type", "cumulative"),
        ],
        projects: vec![
            PbProject {
                id: "a".into(),
                cost: 400,
                name: "Park \"De Wei\"; fase 2".into(),
                categories: vec!["groen".into(), "spelen".into()],
                votes: 9,
                selected: true,
            },
            PbProject {
                id: "VOTES".into(),
                cost: 700,
                name: "Two\nlines".into(),
                categories: vec![],
                votes: 6,
                selected: false,
            },
            PbProject {
                id: "c".into(),
                cost: 0,
                name: " spaced ".into(),
                categories: vec!["x".into()],
                votes: 0,
                selected: false,
            },
        ],
        votes: vec![
            PbVote {
                voter_id: "v;1".into(),
                vote: vec!["VOTES".into(), "a".into()],
                points: vec![2, 5],
            },
            PbVote {
                voter_id: "votes".into(),
                vote: vec![],
                points: vec![],
            },
            PbVote {
                voter_id: "v3".into(),
                vote: vec!["a".into(), "VOTES".into()],
                points: vec![4, 4],
            },
        ],
    }
}

#[test]
fn written_files_read_back_the_same() {
    let doc = sample_document();
    let text = write(&doc);
    assert!(text.contains("\"Park \"\"De Wei\"\"; fase 2\""), "{text}");
    assert!(text.contains("VOTES\nvoter_id;vote;points\n"), "{text}");
    let file = parse(&text).expect("parse");
    let e = &file.election;
    assert_eq!(e.budget, 1000);
    assert_eq!(file.rule.as_deref(), Some("equalshares/add1"));
    assert_eq!(
        file.meta.get("description").map(String::as_str),
        Some("Wijk; \"Oost\"\ntweede regel")
    );
    let ids: Vec<&str> = e.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, vec!["a", "VOTES", "c"]);
    let costs: Vec<u64> = e.projects.iter().map(|p| p.cost).collect();
    assert_eq!(costs, vec![400, 700, 0]);
    assert_eq!(
        file.names,
        vec!["Park \"De Wei\"; fase 2", "Two\nlines", " spaced "]
    );
    assert_eq!(
        file.categories,
        vec![vec!["groen", "spelen"], vec![], vec!["x"]]
    );
    assert_eq!(file.selected, vec![true, false, false]);
    assert_eq!(e.ballots, vec![vec![1, 0], vec![], vec![0, 1]]);
    assert_eq!(e.points, vec![vec![2, 5], vec![], vec![4, 4]]);
    assert_eq!(file.voter_ids, vec!["v;1", "votes", "v3"]);
    // And back again: the document built from the file writes the same projects and votes.
    let again = PbDocument::from(&file);
    assert_eq!(again.projects, doc.projects);
    assert_eq!(again.votes, doc.votes);
    assert_eq!(outcome(&file.election, Rule::Greedy), vec![0]);
}

#[test]
fn approval_documents_have_no_points_column() {
    let mut doc = sample_document();
    for v in &mut doc.votes {
        v.points.clear();
    }
    let text = write(&doc);
    assert!(text.contains("VOTES\nvoter_id;vote\n"), "{text}");
    let file = parse(&text).expect("parse");
    assert!(file.election.points.is_empty());
    assert_eq!(file.election.ballots.len(), 3);
}
