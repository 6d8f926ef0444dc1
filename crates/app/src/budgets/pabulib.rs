//! Pabulib files (pabulib.org/format) in and out. A `.pb` file holds one budget, so a budget
//! with several areas is exported one area at a time: its feasible projects with their votes and
//! outcome, and its ballots under anonymous voter ids. An imported file becomes a closed budget
//! with one area, whose outcome is shown and recomputed like any other.

use super::outcome::{AreaOutcome, compute_outcome};
use super::{BudgetState, BudgetStatus, load};
use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::{NaiveDate, Utc};
use inspraak_db::budgets::{self, BudgetRecord, NewBudget, NewProject, StoredBallot};
use inspraak_db::entity::budget_area;
use inspraak_db::{consultations, new_id};
use inspraak_domain::budget::Rule;
use inspraak_domain::budget::method::VotingMethod;
use inspraak_domain::budget::pabulib::{self, PbDocument, PbFile, PbProject, PbVote};
use inspraak_domain::budget::setup::TITLE_MAX;
use inspraak_domain::proposal::ItemRefusal;
use std::collections::{BTreeMap, HashMap};

/// Pabulib writes dates as day.month.year.
const DATE_FORMAT: &str = "%d.%m.%Y";
/// The widest project number, voter reference and area name the database keeps.
const NUMBER_MAX: usize = 100;
const VOTER_REF_MAX: usize = 100;
const AREA_NAME_MAX: usize = 200;
/// The longest one-line `description` written to META.
const META_DESCRIPTION_MAX: usize = 500;
/// META keys that say where and when the vote was. An imported budget keeps its file's, since
/// this instance's name and phases are not that vote's.
const DESCRIPTIVE: [&str; 7] = [
    "description",
    "country",
    "unit",
    "instance",
    "district",
    "date_begin",
    "date_end",
];

/// The `.pb` file of one area of a budget (`budget_area_id` may be omitted when the budget has
/// one area). Everyone may have it once voting is over; staff at any time.
pub async fn export_pb(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
    budget_area_id: Option<&str>,
) -> Result<String, AppError> {
    let state = load(app, caller, budget_id).await?;
    if state.status != BudgetStatus::Closed && !caller.is_staff() {
        return Err(AppError::ItemClosed(ItemRefusal::VotingOpen));
    }
    let area = chosen_area(&state.record, budget_area_id)?;
    let ballots = budgets::ballots(app.conn(), &state.record.budget.id).await?;
    let outcome = compute_outcome(&state.record, state.method, state.rule, &ballots);
    let result = outcome
        .areas
        .iter()
        .find(|a| a.area.id == area.id)
        .ok_or(AppError::NotFound("budget area"))?;
    let cumulative = matches!(state.method, VotingMethod::Cumulative { .. });
    let places: HashMap<&str, usize> = result
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // The same ballots, in the same order, as the outcome counted: choices of other areas and
    // of projects that cannot be chosen are left out, empty ballots stay (they are voters).
    let votes: Vec<PbVote> = ballots
        .iter()
        .filter(|b| b.budget_area_id == area.id)
        .enumerate()
        .map(|(i, ballot)| {
            let mut chosen: Vec<(usize, u64)> = ballot
                .choices
                .iter()
                .filter_map(|(id, points)| places.get(id.as_str()).map(|&p| (p, *points)))
                .collect();
            // Stored choices come in no particular order; the file lists them as the projects.
            chosen.sort_unstable();
            PbVote {
                voter_id: (i + 1).to_string(),
                vote: chosen
                    .iter()
                    .map(|(p, _)| result.projects[*p].number.clone())
                    .collect(),
                points: if cumulative {
                    chosen.iter().map(|(_, p)| *p).collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let mut project_votes = vec![0; result.projects.len()];
    for verdict in &result.explanation.verdicts {
        if let Some(v) = project_votes.get_mut(verdict.project) {
            *v = verdict.votes;
        }
    }
    let projects = result
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| PbProject {
            id: p.number.clone(),
            cost: u64::try_from(p.cost).unwrap_or(0),
            name: one_line(&p.title, TITLE_MAX),
            // A comma would split the category when read back.
            categories: BudgetRecord::categories_of(p)
                .iter()
                .map(|c| c.replace(',', " "))
                .collect(),
            votes: project_votes[i],
            selected: result.explanation.funded.contains(&i),
        })
        .collect();
    let meta = export_meta(app, &state, area, result, votes.len());
    Ok(pabulib::write(&PbDocument {
        meta,
        projects,
        votes,
    }))
}

/// The budget area asked for (by its id or its municipality area's id), or the only one.
fn chosen_area<'r>(
    record: &'r BudgetRecord,
    asked: Option<&str>,
) -> Result<&'r budget_area::Model, AppError> {
    match (asked, record.areas.as_slice()) {
        (Some(id), areas) => areas
            .iter()
            .find(|a| a.id == id || a.area_id.as_deref() == Some(id))
            .ok_or(AppError::NotFound("budget area")),
        (None, [only]) => Ok(only),
        (None, areas) => Err(AppError::BadRequest(format!(
            "a .pb file holds the budget of one area; choose one with ?area=: {}",
            areas
                .iter()
                .map(|a| format!("{} ({})", a.id, a.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The META pairs of an exported area, in the order Pabulib's own files use.
fn export_meta(
    app: &App,
    state: &BudgetState,
    area: &budget_area::Model,
    result: &AreaOutcome,
    voters: usize,
) -> Vec<(String, String)> {
    let budget = &state.record.budget;
    let source = source_meta(&state.record);
    let mut descriptive: BTreeMap<&str, String> = BTreeMap::new();
    if budget.imported {
        for key in DESCRIPTIVE {
            if let Some(value) = source.get(key) {
                descriptive.insert(key, value.clone());
            }
        }
    } else {
        let description = if budget.description.trim().is_empty() {
            &budget.title
        } else {
            &budget.description
        };
        descriptive.insert("description", one_line(description, META_DESCRIPTION_MAX));
        descriptive.insert("country", "Netherlands".into());
        descriptive.insert("unit", unit_name(app));
        descriptive.insert("instance", one_line(&budget.title, TITLE_MAX));
        descriptive.insert("district", one_line(&area.name, AREA_NAME_MAX));
        if let Some((begin, end)) = voting_dates(state) {
            descriptive.insert("date_begin", begin.format(DATE_FORMAT).to_string());
            descriptive.insert("date_end", end.format(DATE_FORMAT).to_string());
        }
    }
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut put = |key: &str, value: String| meta.push((key.to_owned(), value));
    for key in ["description", "country", "unit", "instance", "district"] {
        if let Some(value) = descriptive.remove(key) {
            put(key, value);
        }
    }
    let money = u64::try_from(area.amount).unwrap_or(0);
    put("num_projects", result.projects.len().to_string());
    put("num_votes", voters.to_string());
    put("budget", money.to_string());
    put("vote_type", state.method.pabulib_vote_type().to_owned());
    put("rule", state.rule.pabulib_name().to_owned());
    for key in ["date_begin", "date_end"] {
        if let Some(value) = descriptive.remove(key) {
            put(key, value);
        }
    }
    match state.method {
        VotingMethod::Approval { min, max } => {
            put("min_length", min.to_string());
            put("max_length", max.to_string());
        }
        VotingMethod::Cumulative { points } => put("max_sum_points", points.to_string()),
        VotingMethod::Knapsack { min_percent } => {
            if min_percent > 0 {
                let least = money.saturating_mul(u64::from(min_percent)).div_ceil(100);
                put("min_sum_cost", least.to_string());
            }
            put("max_sum_cost", money.to_string());
        }
        VotingMethod::ChooseOne => {}
    }
    // An imported file's other keys (a score threshold, a subunit, …) travel along.
    for (key, value) in source {
        if !meta.iter().any(|(k, _)| *k == key) && !DESCRIPTIVE.contains(&key.as_str()) {
            meta.push((key, value));
        }
    }
    meta
}

/// The municipality's name, or the host when the instance has none configured.
fn unit_name(app: &App) -> String {
    let name = app.federation.instance_name.trim();
    if name.is_empty() {
        app.settings
            .public_url
            .host_str()
            .unwrap_or_default()
            .to_owned()
    } else {
        name.to_owned()
    }
}

/// The first and last day of the phases that took ballots.
fn voting_dates(state: &BudgetState) -> Option<(NaiveDate, NaiveDate)> {
    let phases = state.ctx.item.timeline.phases();
    let voting = phases.iter().filter(|p| p.rules.vote);
    let begin = voting.clone().map(|p| p.starts_on).min()?;
    let end = voting.map(|p| p.ends_on).max()?;
    Some((begin, end))
}

/// An imported file's META pairs.
fn source_meta(record: &BudgetRecord) -> BTreeMap<String, String> {
    record
        .budget
        .source_meta
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_default()
}

/// Text on one line (whitespace runs become one space), cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max)
        .collect()
}

/// What an imported file becomes, worked out before anything is stored.
struct ImportPlan {
    title: String,
    description: String,
    area_name: String,
    method: VotingMethod,
    rule: Rule,
    /// Why the rule is not the file's own, if it is not.
    rule_note: Option<String>,
}

/// An admin imports a `.pb` file into a consultation as a closed budget with one area, its
/// projects and ballots, all in one transaction. A file that cannot be read creates nothing,
/// and the error names its line.
pub async fn import_pb(
    app: &App,
    caller: Caller<'_>,
    consultation_id: &str,
    bytes: &[u8],
) -> Result<BudgetRecord, AppError> {
    let admin = caller.require_admin()?;
    let c = consultations::find(app.conn(), consultation_id).await?;
    if !c.local {
        return Err(AppError::Forbidden);
    }
    let file = pabulib::parse_bytes(bytes).map_err(|e| AppError::Unreadable(e.to_string()))?;
    // `parse_bytes` accepted the bytes, so they are UTF-8.
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    let plan = plan_import(&file, text, &c.title)?;
    let now = Utc::now();
    let budget_id = new_id();
    let source_meta = serde_json::to_string(&file.meta)
        .map_err(|e| AppError::internal("storing the file's META", e))?;
    let election = &file.election;
    let txn = app.begin().await?;
    let record = budgets::create(
        &txn,
        NewBudget {
            id: budget_id.clone(),
            consultation_id: c.id.clone(),
            ap_id: app.url(&format!("/budgets/{budget_id}")),
            title: plan.title.clone(),
            description: plan.description,
            method: plan.method,
            rule: plan.rule.as_str().to_owned(),
            caps: Vec::new(),
            imported: true,
            source_meta: Some(source_meta),
            created_by: Some(admin.id.clone()),
            areas: vec![(None, plan.area_name, election.budget)],
        },
        now,
    )
    .await?;
    let area_id = record
        .areas
        .first()
        .map(|a| a.id.clone())
        .ok_or_else(|| AppError::internal("importing a budget", "no area was stored"))?;
    let project_ids: Vec<String> = election.projects.iter().map(|_| new_id()).collect();
    let projects = election
        .projects
        .iter()
        .zip(&project_ids)
        .enumerate()
        .map(|(i, (p, id))| {
            let name = file.names.get(i).map(|n| one_line(n, TITLE_MAX));
            NewProject {
                id: id.clone(),
                ap_id: app.url(&format!("/projects/{id}")),
                number: Some(p.id.clone()),
                budget_area_id: area_id.clone(),
                title: name
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("Project {}", p.id)),
                description: String::new(),
                cost: p.cost,
                categories: file.categories.get(i).cloned().unwrap_or_default(),
                feasible: true,
                feasibility_note: String::new(),
                image: None,
                image_alt: String::new(),
                proposal_id: None,
            }
        })
        .collect();
    budgets::add_projects(&txn, &budget_id, projects, now).await?;
    let cumulative = matches!(plan.method, VotingMethod::Cumulative { .. });
    let ballots = election
        .ballots
        .iter()
        .enumerate()
        .map(|(i, ballot)| {
            let points = election.points.get(i);
            StoredBallot {
                budget_area_id: area_id.clone(),
                voter_ref: file
                    .voter_ids
                    .get(i)
                    .map(|v| v.chars().take(VOTER_REF_MAX).collect()),
                choices: ballot
                    .iter()
                    .enumerate()
                    .filter_map(|(j, &p)| {
                        let given = match (cumulative, points) {
                            (true, Some(points)) => points.get(j).copied().unwrap_or(1),
                            _ => 1,
                        };
                        project_ids.get(p).map(|id| (id.clone(), given))
                    })
                    .collect(),
            }
        })
        .collect();
    budgets::insert_ballots(&txn, &budget_id, ballots, now).await?;
    let detail = format!(
        "{}: {} projects, {} ballots{}",
        plan.title,
        election.projects.len(),
        election.ballots.len(),
        plan.rule_note
            .map(|note| format!("; {note}"))
            .unwrap_or_default()
    );
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BudgetImport,
        ("budget", &budget_id),
        detail,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(budgets::find(app.conn(), &budget_id).await?)
}

/// Reads what the file says about itself: its voting method, rule and names. A vote type we
/// cannot count, or numbers that do not fit, are refused naming their line.
fn plan_import(file: &PbFile, text: &str, consultation: &str) -> Result<ImportPlan, AppError> {
    for (i, project) in file.election.projects.iter().enumerate() {
        if project.id.chars().count() > NUMBER_MAX {
            return Err(unreadable(
                data_line(text, "PROJECTS", i),
                format!("the project_id is longer than {NUMBER_MAX} characters"),
            ));
        }
    }
    let meta = &file.meta;
    let get = |key: &str| meta.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let number = |key: &str| -> Result<Option<u32>, AppError> {
        get(key)
            .map(|v| {
                v.parse::<u32>().map_err(|_| {
                    unreadable(
                        meta_line(text, key),
                        format!("{key} {v:?} is not a whole number"),
                    )
                })
            })
            .transpose()
    };
    let method = match get("vote_type") {
        Some("approval") => {
            let min = number("min_length")?.unwrap_or(1);
            let count = u32::try_from(file.election.projects.len()).unwrap_or(u32::MAX);
            let max = number("max_length")?.unwrap_or(count);
            if max < min {
                return Err(unreadable(
                    meta_line(text, "max_length"),
                    format!("max_length {max} is below min_length {min}"),
                ));
            }
            VotingMethod::Approval { min, max }
        }
        Some("cumulative") => {
            let points = number("max_sum_points")?.ok_or_else(|| {
                unreadable(
                    meta_line(text, "vote_type"),
                    "a cumulative vote needs max_sum_points in META",
                )
            })?;
            VotingMethod::Cumulative { points }
        }
        Some("choose-1") => VotingMethod::ChooseOne,
        Some(other) => {
            return Err(unreadable(
                meta_line(text, "vote_type"),
                format!(
                    "vote_type {other:?} cannot be counted here: approval, cumulative or choose-1"
                ),
            ));
        }
        None => {
            return Err(unreadable(
                section_line(text, "META"),
                "META has no vote_type (approval, cumulative or choose-1)",
            ));
        }
    };
    let (rule, rule_note) = match get("rule") {
        Some(name) => match Rule::parse(name) {
            Some(rule) if method.allows(rule) => (rule, None),
            Some(_) => (
                Rule::Greedy,
                Some(format!(
                    "the file's rule {name:?} does not fit {} ballots: counted with greedy",
                    method.pabulib_vote_type()
                )),
            ),
            None => (
                Rule::Greedy,
                Some(format!(
                    "the file's rule {name:?} is unknown: counted with greedy"
                )),
            ),
        },
        None => (
            Rule::Greedy,
            Some("the file names no rule: counted with greedy".to_owned()),
        ),
    };
    let title = match (get("instance"), get("unit"), get("district")) {
        // Pabulib's `instance` is mostly a year: say whose it is.
        (Some(instance), unit, district) if instance.chars().all(|c| c.is_ascii_digit()) => {
            [unit, district, Some(instance)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        }
        (Some(instance), _, _) => instance.to_owned(),
        (None, unit, district) => {
            let named: Vec<&str> = [unit, district].into_iter().flatten().collect();
            if named.is_empty() {
                get("description").unwrap_or("Pabulib").to_owned()
            } else {
                named.join(" ")
            }
        }
    };
    let area_name = get("district").or(get("unit")).unwrap_or(consultation);
    Ok(ImportPlan {
        title: one_line(&title, TITLE_MAX),
        description: get("description").unwrap_or_default().to_owned(),
        area_name: one_line(area_name, AREA_NAME_MAX),
        method,
        rule,
        rule_note,
    })
}

fn unreadable(line: usize, message: impl std::fmt::Display) -> AppError {
    AppError::Unreadable(format!("line {line}: {message}"))
}

/// The first field of a line, unquoted and trimmed.
fn first_field(line: &str) -> &str {
    line.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches('"')
        .trim()
}

/// The 1-based line of a section's marker (1 when it cannot be found).
fn section_line(text: &str, section: &str) -> usize {
    text.lines()
        .position(|l| first_field(l).eq_ignore_ascii_case(section))
        .map_or(1, |i| i + 1)
}

/// The 1-based line of a META key (the META line when it cannot be found).
fn meta_line(text: &str, key: &str) -> usize {
    let start = section_line(text, "META");
    text.lines()
        .enumerate()
        .skip(start)
        .take_while(|(_, l)| !first_field(l).eq_ignore_ascii_case("PROJECTS"))
        .find(|(_, l)| first_field(l) == key)
        .map_or(start, |(i, _)| i + 1)
}

/// The 1-based line of a section's `index`-th row after its header (the section's line when
/// it cannot be found).
fn data_line(text: &str, section: &str, index: usize) -> usize {
    let start = section_line(text, section);
    text.lines()
        .enumerate()
        .skip(start)
        .filter(|(_, l)| !l.trim().is_empty())
        .nth(index + 1)
        .map_or(start, |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> PbFile {
        pabulib::parse(text).expect("a readable file")
    }

    const APPROVAL: &str = "META\nkey;value\nunit;Gdynia\ninstance;2020\ndistrict;Dąbrowa\nbudget;100\nvote_type;approval\nrule;greedy-no-skip\nmax_length;2\nPROJECTS\nproject_id;cost;name\n1;50;Park\n2;60;\nVOTES\nvoter_id;vote\n1;1,2\n";

    #[test]
    fn a_plan_reads_the_method_rule_and_names() {
        let plan = plan_import(&file(APPROVAL), APPROVAL, "Begroting").expect("plan");
        assert_eq!(plan.method, VotingMethod::Approval { min: 1, max: 2 });
        assert_eq!(plan.rule, Rule::GreedyNoSkip);
        assert_eq!(plan.rule_note, None);
        assert_eq!(plan.title, "Gdynia Dąbrowa 2020");
        assert_eq!(plan.area_name, "Dąbrowa");
    }

    #[test]
    fn unknown_vote_types_and_rules_are_named() {
        let ordinal = APPROVAL.replace("vote_type;approval", "vote_type;ordinal");
        match plan_import(&file(&ordinal), &ordinal, "B") {
            Err(AppError::Unreadable(message)) => assert!(message.starts_with("line 7:")),
            other => panic!("{:?}", other.map(|p| p.title)),
        }
        let borda = APPROVAL.replace("rule;greedy-no-skip", "rule;borda");
        let plan = plan_import(&file(&borda), &borda, "B").expect("plan");
        assert_eq!(plan.rule, Rule::Greedy);
        assert!(plan.rule_note.is_some_and(|n| n.contains("borda")));
        let points = APPROVAL.replace("vote_type;approval", "vote_type;cumulative");
        match plan_import(&file(&points), &points, "B") {
            Err(AppError::Unreadable(message)) => assert!(message.contains("max_sum_points")),
            other => panic!("{:?}", other.map(|p| p.title)),
        }
    }

    #[test]
    fn lines_are_found_by_section_and_row() {
        assert_eq!(meta_line(APPROVAL, "budget"), 6);
        assert_eq!(data_line(APPROVAL, "PROJECTS", 1), 13);
        assert_eq!(section_line(APPROVAL, "VOTES"), 14);
    }
}
