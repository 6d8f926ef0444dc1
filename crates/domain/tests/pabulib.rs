//! The outcome rules against real participatory budgets: for each Pabulib file in
//! `../shared/data/pabulib/`, the rule the city used selects exactly the projects the city
//! funded (the file's `selected` column). Data: Stolicki, Szufa, Talmon, "Pabulib: A
//! Participatory Budgeting Library", arXiv:2012.06539 (2020).

use inspraak_domain::budget::pabulib::{self, PbDocument};
use inspraak_domain::budget::{Rule, outcome};
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    let shared = std::env::var_os("INSPRAAK_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("data/pabulib");
    assert!(
        dir.is_dir(),
        "../shared/data/pabulib is missing: put the shared folder beside the repository or set INSPRAAK_SHARED_DIR"
    );
    dir
}

/// The `.pb` files in the data folder with their text.
fn pb_files() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(data_dir()).expect("data dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) == Some("pb") {
            let text = std::fs::read_to_string(&path).expect("read");
            files.push((path, text));
        }
    }
    files.sort();
    files
}

#[test]
fn every_city_rule_selects_the_official_outcome() {
    let mut checked = 0;
    for (path, text) in pb_files() {
        let file = pabulib::parse(&text).expect("parse");
        let rule = Rule::parse(file.rule.as_deref().unwrap_or("")).expect("a known rule");
        let mut got: Vec<&str> = outcome(&file.election, rule)
            .into_iter()
            .map(|p| file.election.projects[p].id.as_str())
            .collect();
        let mut want: Vec<&str> = file
            .election
            .projects
            .iter()
            .zip(&file.selected)
            .filter(|(_, s)| **s)
            .map(|(p, _)| p.id.as_str())
            .collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 6, "all six files were checked");
}

#[test]
fn a_bad_file_names_its_line() {
    let err = pabulib::parse("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\nc1;veel\n")
        .expect_err("bad cost");
    assert_eq!(err.line, 6);
    let err = pabulib::parse(
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\nc1;5\nVOTES\nvoter_id;vote\nv1;c9\n",
    )
    .expect_err("unknown project");
    assert!(err.message.contains("c9"));
}

#[test]
fn every_city_file_written_back_reads_the_same_and_gives_the_same_outcome() {
    let mut checked = 0;
    for (path, text) in pb_files() {
        let file = pabulib::parse(&text).expect("parse");
        let written = pabulib::write(&PbDocument::from(&file));
        let again = pabulib::parse(&written).expect("parse the written file");
        assert_eq!(again.election, file.election, "{}", path.display());
        assert_eq!(again.names, file.names, "{}", path.display());
        assert_eq!(again.categories, file.categories, "{}", path.display());
        assert_eq!(again.selected, file.selected, "{}", path.display());
        assert_eq!(again.meta, file.meta, "{}", path.display());
        assert_eq!(again.voter_ids, file.voter_ids, "{}", path.display());
        let rule = Rule::parse(file.rule.as_deref().unwrap_or("")).expect("a known rule");
        assert_eq!(
            outcome(&again.election, rule),
            outcome(&file.election, rule),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 6, "all six files were written back");
}
