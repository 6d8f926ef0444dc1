//! How budgets, projects and outcomes look on a page: plain view structs with formatted money
//! and translated sentences, built from the use cases' results.

use crate::page::Page;
use inspraak_app::budgets::{BudgetState, BudgetStatus, Outcome, VoterArea};
use inspraak_db::budgets::BudgetRecord;
use inspraak_db::entity::budget_project;
use inspraak_domain::budget::explain::Reason;
use inspraak_domain::budget::method::{BallotCheck, BallotProblem, VotingMethod};
use inspraak_domain::text::markdown_to_safe_html;

/// What every budget page shows at the top.
pub struct BudgetHead {
    /// The budget's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description, rendered and sanitised.
    pub description_html: String,
    /// The consultation's title and slug.
    pub consultation: (String, String),
    /// `open`, `waiting` or `closed`.
    pub status: &'static str,
    /// The status, translated.
    pub status_label: String,
    /// The voting method's kind.
    pub method: &'static str,
    /// How to vote, in a sentence.
    pub method_text: String,
    /// The outcome rule's short name.
    pub rule: &'static str,
    /// The rule's name, translated.
    pub rule_name: String,
    /// What the rule does, in plain words.
    pub rule_text: String,
    /// All the money, formatted.
    pub total: String,
    /// Points per resident (cumulative ballots), else 0.
    pub points: u32,
    /// Imported from a Pabulib file.
    pub imported: bool,
    /// The outcome was published.
    pub published: bool,
    /// Areas with their money, formatted, and their ids.
    pub areas: Vec<(String, String, String)>,
}

impl BudgetHead {
    /// Voting is over.
    pub fn closed(&self) -> bool {
        self.status == "closed"
    }

    /// Residents hand out points rather than tick projects.
    pub fn cumulative(&self) -> bool {
        self.method == "cumulative"
    }

    /// Residents choose exactly one project.
    pub fn choose_one(&self) -> bool {
        self.method == "choose_one"
    }
}

/// One project as lists and forms show it.
pub struct ProjectView {
    /// Its id (form value and anchor `project-{id}`).
    pub id: String,
    /// Its number in the budget.
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its description, rendered and sanitised.
    pub description_html: String,
    /// What it costs, formatted.
    pub cost: String,
    /// What it costs.
    pub cost_value: u64,
    /// Its area's name.
    pub area: String,
    /// Its categories.
    pub categories: Vec<String>,
    /// Can be carried out.
    pub feasible: bool,
    /// The feasibility note.
    pub note: String,
    /// Image URL and text alternative.
    pub image: Option<(String, String)>,
    /// The proposal it came from (its page).
    pub proposal: Option<String>,
    /// On the visitor's ballot (or the submitted form).
    pub chosen: bool,
    /// Points given (cumulative ballots).
    pub points: u64,
    /// The visitor may choose it (their area, feasible).
    pub selectable: bool,
    /// A problem with this project in the submitted form.
    pub problem: Option<String>,
}

/// An area with its projects.
pub struct AreaView {
    /// The budget area's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its money, formatted.
    pub amount: String,
    /// Its money.
    pub amount_value: u64,
    /// The visitor votes here (or may choose it).
    pub voter_here: bool,
    /// Its projects.
    pub projects: Vec<ProjectView>,
}

/// One project's line in the outcome.
pub struct OutcomeRow {
    /// Id, number, title.
    pub id: String,
    /// Number in the budget.
    pub number: String,
    /// Title.
    pub title: String,
    /// Votes (points for points ballots).
    pub votes: u64,
    /// Cost, formatted.
    pub cost: String,
    /// Its place among the funded, if funded.
    pub funded: Option<usize>,
    /// The reason's code when not funded.
    pub reason: &'static str,
    /// Why not, in a sentence.
    pub reason_text: String,
}

/// One area's outcome.
pub struct OutcomeAreaView {
    /// The budget area's id.
    pub id: String,
    /// Area name.
    pub name: String,
    /// Its money, formatted.
    pub amount: String,
    /// Ballots cast.
    pub voters: usize,
    /// Spent and left, formatted.
    pub spent: String,
    /// Money not spent.
    pub left: String,
    /// Equal shares: each voter's starting share and the final per-voter budget, formatted.
    pub shares: Option<(String, String)>,
    /// Wieliczka's comparison: voters preferring equal shares, greedy, and which was kept.
    pub comparison: Option<(usize, usize, bool)>,
    /// Every project, most votes first.
    pub rows: Vec<OutcomeRow>,
    /// Projects that could not be chosen: title, link, note.
    pub infeasible: Vec<(String, String, String)>,
}

fn method_text(page: &Page, method: VotingMethod) -> String {
    match method {
        VotingMethod::Knapsack { min_percent: 0 } => page.t("budgets.method.knapsack").to_owned(),
        VotingMethod::Knapsack { min_percent } => format!(
            "{} {}",
            page.t("budgets.method.knapsack"),
            page.t
                .with_number("budgets.method.min_percent", min_percent)
        ),
        VotingMethod::Approval { min, max } => page
            .t("budgets.method.approval")
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string()),
        VotingMethod::ChooseOne => page.t("budgets.method.choose_one").to_owned(),
        VotingMethod::Cumulative { points } => {
            page.t.with_number("budgets.method.cumulative", points)
        }
    }
}

fn amount(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The head of every budget page.
pub fn head(page: &Page, budget: &BudgetState) -> BudgetHead {
    let b = &budget.record.budget;
    let rule = budget.rule.as_str();
    let total: u64 = budget.record.areas.iter().map(|a| amount(a.amount)).sum();
    BudgetHead {
        id: b.id.clone(),
        title: b.title.clone(),
        description_html: markdown_to_safe_html(&b.description),
        consultation: (
            budget.ctx.item.consultation.title.clone(),
            budget.ctx.item.consultation.slug.clone(),
        ),
        status: status_name(budget.status),
        status_label: page
            .t(&format!("budgets.status.{}", status_name(budget.status)))
            .to_owned(),
        method: budget.method.as_str(),
        method_text: method_text(page, budget.method),
        rule,
        rule_name: page.t(&format!("budgets.rule.{rule}")).to_owned(),
        rule_text: page.t(&format!("budgets.rule_explain.{rule}")).to_owned(),
        total: page.money(&total),
        points: match budget.method {
            VotingMethod::Cumulative { points } => points,
            _ => 0,
        },
        imported: b.imported,
        published: b.outcome_published_at.is_some(),
        areas: budget
            .record
            .areas
            .iter()
            .map(|a| (a.id.clone(), a.name.clone(), page.money(&amount(a.amount))))
            .collect(),
    }
}

fn status_name(status: BudgetStatus) -> &'static str {
    status.as_str()
}

fn area_name(record: &BudgetRecord, budget_area_id: &str) -> String {
    record
        .areas
        .iter()
        .find(|a| a.id == budget_area_id)
        .map(|a| a.name.clone())
        .unwrap_or_default()
}

/// One project; `chosen` are the form's (or stored ballot's) choices.
pub fn project(
    page: &Page,
    budget: &BudgetState,
    p: &budget_project::Model,
    chosen: &[(String, u64)],
    voter: Option<&VoterArea>,
) -> ProjectView {
    let points = chosen
        .iter()
        .find(|(id, _)| id == &p.id)
        .map_or(0, |(_, n)| *n);
    let in_area = match voter {
        Some(VoterArea::Fixed(area)) => area == &p.budget_area_id,
        Some(VoterArea::Outside) => false,
        Some(VoterArea::Free) | None => true,
    };
    ProjectView {
        id: p.id.clone(),
        number: p.number.clone(),
        title: p.title.clone(),
        description_html: markdown_to_safe_html(&p.description),
        cost: page.money(&amount(p.cost)),
        cost_value: amount(p.cost),
        area: area_name(&budget.record, &p.budget_area_id),
        categories: BudgetRecord::categories_of(p),
        feasible: p.feasible,
        note: p.feasibility_note.clone(),
        image: p
            .image
            .as_ref()
            .map(|file| (format!("/media/{file}"), p.image_alt.clone())),
        proposal: p.proposal_id.as_ref().map(|id| format!("/proposals/{id}")),
        chosen: points > 0,
        points,
        selectable: in_area && p.feasible,
        problem: None,
    }
}

/// The budget's areas with their projects, as the ballot form shows them.
pub fn areas(
    page: &Page,
    budget: &BudgetState,
    chosen: &[(String, u64)],
    voter: Option<&VoterArea>,
) -> Vec<AreaView> {
    budget
        .record
        .areas
        .iter()
        .map(|a| AreaView {
            id: a.id.clone(),
            name: a.name.clone(),
            amount: page.money(&amount(a.amount)),
            amount_value: amount(a.amount),
            voter_here: match voter {
                Some(VoterArea::Fixed(id)) => id == &a.id,
                Some(VoterArea::Outside) => false,
                Some(VoterArea::Free) | None => true,
            },
            projects: budget
                .record
                .projects
                .iter()
                .filter(|p| p.budget_area_id == a.id)
                .map(|p| project(page, budget, p, chosen, voter))
                .collect(),
        })
        .collect()
}

/// The projects on a checked ballot, for the confirmation step.
pub fn chosen_projects(page: &Page, budget: &BudgetState, check: &BallotCheck) -> Vec<ProjectView> {
    check
        .choices
        .iter()
        .filter_map(|(id, _)| budget.record.projects.iter().find(|p| &p.id == id))
        .map(|p| project(page, budget, p, &check.choices, None))
        .collect()
}

/// A ballot problem in a sentence.
pub fn problem_text(page: &Page, problem: &BallotProblem) -> String {
    let key = format!("budgets.problem.{}", problem.code());
    let text = page.t(&key);
    match problem {
        BallotProblem::OverBudget { spent, budget } => text
            .replace("{spent}", &page.money(spent))
            .replace("{budget}", &page.money(budget)),
        BallotProblem::BelowMinimum { spent, minimum } => text
            .replace("{spent}", &page.money(spent))
            .replace("{minimum}", &page.money(minimum)),
        BallotProblem::TooFew { min } => text.replace("{n}", &min.to_string()),
        BallotProblem::TooMany { max } => text.replace("{n}", &max.to_string()),
        BallotProblem::TooManyPoints { given, max } => text
            .replace("{given}", &given.to_string())
            .replace("{n}", &max.to_string()),
        _ => text.to_owned(),
    }
}

fn reason_text(page: &Page, reason: &Reason, titles: &[String]) -> String {
    let key = format!("budgets.reason.{}", reason.code());
    let text = page.t(&key);
    match reason {
        Reason::BelowThreshold { min } => text.replace("{n}", &min.to_string()),
        Reason::NotEnoughMoney { left } => text.replace("{left}", &page.money(left)),
        Reason::StoppedEarlier { at } => {
            text.replace("{project}", titles.get(*at).map_or("", String::as_str))
        }
        Reason::CategoryCap { category, limit } => text
            .replace("{category}", category)
            .replace("{limit}", &page.money(limit)),
        Reason::NotEnoughSupport { supporters_money } => {
            text.replace("{money}", &page.money(supporters_money))
        }
        Reason::NoVotes => text.to_owned(),
    }
}

/// The outcome per area, with a sentence for every project that was not funded.
pub fn outcome_areas(
    page: &Page,
    _budget: &BudgetState,
    outcome: &Outcome,
) -> Vec<OutcomeAreaView> {
    outcome
        .areas
        .iter()
        .map(|area| {
            let x = &area.explanation;
            let titles: Vec<String> = area.projects.iter().map(|p| p.title.clone()).collect();
            let money = |v: f64| page.money(&(v.max(0.0).floor() as u64));
            OutcomeAreaView {
                id: area.area.id.clone(),
                name: area.area.name.clone(),
                amount: page.money(&amount(area.area.amount)),
                voters: area.voters,
                spent: page.money(&x.spent),
                left: page.money(&x.left),
                shares: x.share.zip(x.per_voter).map(|(s, p)| (money(s), money(p))),
                comparison: x
                    .comparison
                    .map(|c| (c.prefer_equal_shares, c.prefer_greedy, c.chose_equal_shares)),
                rows: x
                    .verdicts
                    .iter()
                    .map(|v| {
                        let p = &area.projects[v.project];
                        OutcomeRow {
                            id: p.id.clone(),
                            number: p.number.clone(),
                            title: p.title.clone(),
                            votes: v.votes,
                            cost: page.money(&amount(p.cost)),
                            funded: v.funded,
                            reason: v.reason.as_ref().map_or("", Reason::code),
                            reason_text: v
                                .reason
                                .as_ref()
                                .map(|r| reason_text(page, r, &titles))
                                .unwrap_or_default(),
                        }
                    })
                    .collect(),
                infeasible: area
                    .infeasible
                    .iter()
                    .map(|p| {
                        (
                            p.title.clone(),
                            format!("/projects/{}", p.id),
                            p.feasibility_note.clone(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}
