//! The outcome rules against real participatory budgets: for each Pabulib file in
//! `../shared/data/pabulib/`, the rule the city used selects exactly the projects the city
//! funded (the file's `selected` column). Data: Stolicki, Szufa, Talmon, "Pabulib: A
//! Participatory Budgeting Library", arXiv:2012.06539 (2020).

use inspraak_domain::budget::{Rule, outcome, pabulib};
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

#[test]
fn every_city_rule_selects_the_official_outcome() {
    let mut checked = 0;
    for entry in std::fs::read_dir(data_dir()).expect("data dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("pb") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
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
