//! What staff type to set up a budget and its projects, and the checks on it.

use super::Rule;
use super::method::{POINTS_MAX, VotingMethod};
use crate::validation::{Problem, ValidationErrors};

/// The largest amount we accept: a trillion, far beyond any municipal budget, far below `u64`.
pub const AMOUNT_MAX: u64 = 1_000_000_000_000;
/// Longest budget or project title.
pub const TITLE_MAX: usize = 200;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 10_000;
/// Longest feasibility note.
pub const NOTE_MAX: usize = 2_000;
/// Most categories per project, and most caps per budget.
pub const CATEGORIES_MAX: usize = 10;
/// Longest category name.
pub const CATEGORY_MAX: usize = 60;

/// Reads an amount of money as residents and staff type it: whole euros, with `€`, spaces and
/// thousands dots allowed (`€ 250.000`), and `,-` or `,00` at the end.
pub fn parse_amount(typed: &str) -> Result<u64, Problem> {
    let mut text: String = typed
        .chars()
        .filter(|c| !matches!(c, '€' | ' ' | '.' | '_' | '\u{a0}'))
        .collect();
    for suffix in [",-", ",00"] {
        if let Some(stripped) = text.strip_suffix(suffix) {
            text = stripped.to_owned();
        }
    }
    if text.is_empty() {
        return Err(Problem::Required);
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(Problem::InvalidNumber);
    }
    match text.parse::<u64>() {
        Ok(n) if n <= AMOUNT_MAX => Ok(n),
        _ => Err(Problem::NumberTooLarge {
            max: AMOUNT_MAX as usize,
        }),
    }
}

fn parse_small(typed: &str, min: u32, max: u32) -> Result<u32, Problem> {
    let n: u32 = typed.trim().parse().map_err(|_| Problem::InvalidNumber)?;
    if n < min {
        return Err(Problem::NumberTooSmall { min: min as usize });
    }
    if n > max {
        return Err(Problem::NumberTooLarge { max: max as usize });
    }
    Ok(n)
}

/// A budget as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct BudgetInput {
    /// The title.
    pub title: String,
    /// What the money is for (Markdown).
    pub description: String,
    /// The money when there are no areas.
    pub total: String,
    /// Areas taking part, as (area id, amount typed); empty amounts leave an area out.
    pub areas: Vec<(String, String)>,
    /// `knapsack`, `approval`, `choose_one` or `cumulative`.
    pub method: String,
    /// Knapsack: least share to spend, in percent.
    pub min_percent: String,
    /// Approval: fewest projects.
    pub min_projects: String,
    /// Approval: most projects.
    pub max_projects: String,
    /// Cumulative: points per resident.
    pub points: String,
    /// `greedy`, `greedy-no-skip`, `equal-shares` or `equal-shares-comparison`.
    pub rule: String,
    /// Category caps, one per line as `category: percent`.
    pub caps: String,
}

/// A checked budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidBudget {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// Each area's money as (area id, amount); a budget without areas has one entry with an
    /// empty id.
    pub areas: Vec<(String, u64)>,
    /// How residents vote.
    pub method: VotingMethod,
    /// How the outcome is decided.
    pub rule: Rule,
    /// Category caps as (category, percent of each area's budget).
    pub caps: Vec<(String, u32)>,
}

impl BudgetInput {
    /// Checks the budget; problems name the form's fields (`areas.{id}` for an area's amount).
    pub fn validate(&self) -> Result<ValidBudget, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.text("title", &self.title, 3, TITLE_MAX).to_owned();
        let description = errors
            .text("description", &self.description, 0, DESCRIPTION_MAX)
            .to_owned();
        let mut areas = Vec::new();
        for (id, typed) in &self.areas {
            if typed.trim().is_empty() {
                continue;
            }
            match parse_amount(typed) {
                Ok(0) => errors.add(format!("areas.{id}"), Problem::NumberTooSmall { min: 1 }),
                Ok(amount) => areas.push((id.clone(), amount)),
                Err(p) => errors.add(format!("areas.{id}"), p),
            }
        }
        if areas.is_empty() && errors.is_empty() {
            match parse_amount(&self.total) {
                Ok(0) => errors.add("total", Problem::NumberTooSmall { min: 1 }),
                Ok(amount) => areas.push((String::new(), amount)),
                Err(p) => errors.add("total", p),
            }
        }
        let method = self.method(&mut errors);
        let rule = Rule::parse(&self.rule);
        match (rule, method) {
            (None, _) => errors.add("rule", Problem::UnknownChoice),
            (Some(rule), Some(method)) if !method.allows(rule) => {
                errors.add("rule", Problem::UnknownChoice)
            }
            _ => {}
        }
        let caps = parse_caps(&self.caps, &mut errors);
        errors.into_result()?;
        let (Some(method), Some(rule)) = (method, rule) else {
            return Err(ValidationErrors::new());
        };
        Ok(ValidBudget {
            title,
            description,
            areas,
            method,
            rule,
            caps,
        })
    }

    fn method(&self, errors: &mut ValidationErrors) -> Option<VotingMethod> {
        let number = |errors: &mut ValidationErrors, field: &str, typed: &str, min, max| {
            parse_small(typed, min, max)
                .map_err(|p| errors.add(field, p))
                .ok()
        };
        match self.method.as_str() {
            "knapsack" => {
                let typed = if self.min_percent.trim().is_empty() {
                    "0"
                } else {
                    &self.min_percent
                };
                let min_percent = number(errors, "min_percent", typed, 0, 100)?;
                Some(VotingMethod::Knapsack { min_percent })
            }
            "approval" => {
                let min = number(errors, "min_projects", &self.min_projects, 1, 1000)?;
                let max = number(errors, "max_projects", &self.max_projects, 1, 1000)?;
                if max < min {
                    errors.add(
                        "max_projects",
                        Problem::NumberTooSmall { min: min as usize },
                    );
                    return None;
                }
                Some(VotingMethod::Approval { min, max })
            }
            "choose_one" => Some(VotingMethod::ChooseOne),
            "cumulative" => {
                let points = number(errors, "points", &self.points, 1, POINTS_MAX)?;
                Some(VotingMethod::Cumulative { points })
            }
            _ => {
                errors.add("method", Problem::UnknownChoice);
                None
            }
        }
    }
}

fn parse_caps(typed: &str, errors: &mut ValidationErrors) -> Vec<(String, u32)> {
    let mut caps: Vec<(String, u32)> = Vec::new();
    for line in typed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((category, percent)) = line.rsplit_once([':', ';', '=']) else {
            errors.add("caps", Problem::InvalidNumber);
            continue;
        };
        let category = category.trim();
        let percent = percent.trim().trim_end_matches('%');
        if category.is_empty() || category.chars().count() > CATEGORY_MAX {
            errors.add("caps", Problem::TooLong { max: CATEGORY_MAX });
            continue;
        }
        match parse_small(percent, 1, 100) {
            Ok(p) if !caps.iter().any(|(c, _)| c == category) => caps.push((category.into(), p)),
            Ok(_) => errors.add("caps", Problem::Taken),
            Err(problem) => errors.add("caps", problem),
        }
    }
    if caps.len() > CATEGORIES_MAX {
        errors.add(
            "caps",
            Problem::TooLong {
                max: CATEGORIES_MAX,
            },
        );
    }
    caps
}

/// A project as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct ProjectInput {
    /// The title.
    pub title: String,
    /// What it is (Markdown).
    pub description: String,
    /// What it costs, as typed.
    pub cost: String,
    /// The budget area it belongs to (empty in a budget without areas).
    pub area: String,
    /// Categories, comma-separated.
    pub categories: String,
    /// Can be carried out.
    pub feasible: bool,
    /// Why (not): required when not feasible.
    pub feasibility_note: String,
}

/// A checked project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProject {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The cost.
    pub cost: u64,
    /// The budget area's id (empty without areas).
    pub area: String,
    /// Categories, trimmed, without repeats.
    pub categories: Vec<String>,
    /// Can be carried out.
    pub feasible: bool,
    /// The note (empty when none).
    pub feasibility_note: String,
}

impl ProjectInput {
    /// Checks the project against its budget's areas (`areas` are the budget's area ids).
    pub fn validate(&self, areas: &[String]) -> Result<ValidProject, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.text("title", &self.title, 3, TITLE_MAX).to_owned();
        let description = errors
            .text("description", &self.description, 0, DESCRIPTION_MAX)
            .to_owned();
        let cost = parse_amount(&self.cost)
            .map_err(|p| errors.add("cost", p))
            .unwrap_or(0);
        let area = self.area.trim().to_owned();
        if !areas.contains(&area) {
            let problem = if area.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice
            };
            errors.add("area", problem);
        }
        let mut categories: Vec<String> = Vec::new();
        for c in self
            .categories
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if c.chars().count() > CATEGORY_MAX {
                errors.add("categories", Problem::TooLong { max: CATEGORY_MAX });
            } else if !categories.iter().any(|k| k == c) {
                categories.push(c.to_owned());
            }
        }
        if categories.len() > CATEGORIES_MAX {
            errors.add(
                "categories",
                Problem::TooLong {
                    max: CATEGORIES_MAX,
                },
            );
        }
        let note_min = if self.feasible { 0 } else { 3 };
        let feasibility_note = errors
            .text(
                "feasibility_note",
                &self.feasibility_note,
                note_min,
                NOTE_MAX,
            )
            .to_owned();
        errors.into_result()?;
        Ok(ValidProject {
            title,
            description,
            cost,
            area,
            categories,
            feasible: self.feasible,
            feasibility_note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_the_dutch_way() {
        assert_eq!(parse_amount("€ 250.000"), Ok(250_000));
        assert_eq!(parse_amount("1500,-"), Ok(1500));
        assert_eq!(parse_amount("1500,00"), Ok(1500));
        assert_eq!(parse_amount("12,5"), Err(Problem::InvalidNumber));
        assert_eq!(parse_amount("-5"), Err(Problem::InvalidNumber));
        assert_eq!(parse_amount(" "), Err(Problem::Required));
        assert!(matches!(
            parse_amount("99999999999999999999999"),
            Err(Problem::NumberTooLarge { .. })
        ));
    }

    fn input() -> BudgetInput {
        BudgetInput {
            title: "Begroting 2027".into(),
            total: "100.000".into(),
            method: "knapsack".into(),
            rule: "equal-shares".into(),
            ..BudgetInput::default()
        }
    }

    #[test]
    fn a_budget_without_areas_has_one_pot() {
        let valid = input().validate().expect("valid");
        assert_eq!(valid.areas, [(String::new(), 100_000)]);
        assert_eq!(valid.method, VotingMethod::Knapsack { min_percent: 0 });
        assert_eq!(valid.rule, Rule::EqualShares);
    }

    #[test]
    fn areas_have_their_own_money_and_caps_are_percentages() {
        let valid = BudgetInput {
            areas: vec![
                ("noord".into(), "60.000".into()),
                ("zuid".into(), "40000".into()),
                ("west".into(), String::new()),
            ],
            caps: "Groen: 40%\nVerkeer;25".into(),
            ..input()
        }
        .validate()
        .expect("valid");
        assert_eq!(
            valid.areas,
            [("noord".into(), 60_000), ("zuid".into(), 40_000)]
        );
        assert_eq!(valid.caps, [("Groen".into(), 40), ("Verkeer".into(), 25)]);
    }

    #[test]
    fn bad_setups_name_their_fields() {
        let errors = BudgetInput {
            title: "x".into(),
            areas: vec![("noord".into(), "veel".into())],
            method: "approval".into(),
            min_projects: "3".into(),
            max_projects: "2".into(),
            caps: "Groen: 140".into(),
            rule: "borda".into(),
            ..input()
        }
        .validate()
        .expect_err("invalid");
        for field in ["title", "areas.noord", "max_projects", "caps", "rule"] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors:?}");
        }
        let cumulative = BudgetInput {
            method: "cumulative".into(),
            points: "10".into(),
            ..input()
        }
        .validate()
        .expect_err("equal shares needs approval ballots");
        assert_eq!(cumulative.for_field("rule"), Some(&Problem::UnknownChoice));
    }

    #[test]
    fn projects_need_a_cost_an_area_and_a_reason_when_not_feasible() {
        let areas = vec!["noord".to_owned()];
        let ok = ProjectInput {
            title: "Speeltuin".into(),
            cost: "€ 25.000".into(),
            area: "noord".into(),
            categories: "Groen, Spelen, Groen".into(),
            feasible: true,
            ..ProjectInput::default()
        }
        .validate(&areas)
        .expect("valid");
        assert_eq!(ok.cost, 25_000);
        assert_eq!(ok.categories, ["Groen", "Spelen"]);
        let errors = ProjectInput {
            title: "Brug".into(),
            cost: "-1".into(),
            area: "zuid".into(),
            feasible: false,
            ..ProjectInput::default()
        }
        .validate(&areas)
        .expect_err("invalid");
        assert_eq!(errors.for_field("cost"), Some(&Problem::InvalidNumber));
        assert_eq!(errors.for_field("area"), Some(&Problem::UnknownChoice));
        assert_eq!(
            errors.for_field("feasibility_note"),
            Some(&Problem::Required)
        );
    }
}
