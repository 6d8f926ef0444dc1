//! The demo's participatory budgets: "Begroting 2027" with two districts, ten projects and the
//! verified residents' ballots, voting now; and last year's neighbourhood budget, finished,
//! whose equal-shares outcome gives the smaller street its playground where "most votes first"
//! would not.

use super::participation::People;
use crate::ServerError;
use chrono::{DateTime, Utc};
use inspraak_db::budgets::{self, NewBudget, NewProject, StoredBallot};
use inspraak_db::{Database, areas, new_id, users};
use inspraak_domain::budget::Rule;
use inspraak_domain::budget::method::VotingMethod;

/// A demo project: title, description, cost, area index, categories, feasible, note.
type DemoProject = (
    &'static str,
    &'static str,
    u64,
    usize,
    &'static [&'static str],
    bool,
    &'static str,
);

const BEGROTING_PROJECTS: [DemoProject; 10] = [
    (
        "Buurtmoestuin Oost",
        "Een moestuin met twintig bakken bij het buurthuis, beheerd door bewoners.",
        35_000,
        0,
        &["Groen"],
        true,
        "De grond is van de gemeente; het buurthuis beheert de sleutels.",
    ),
    (
        "Betere straatverlichting Noorderpad",
        "Ledverlichting langs het fietspad naar het station, zodat het 's avonds veiliger voelt.",
        60_000,
        0,
        &["Verkeer", "Veiligheid"],
        true,
        "",
    ),
    (
        "Bankjes langs de rivier",
        "Tien bankjes met rugleuning langs het wandelpad aan de rivier.",
        20_000,
        0,
        &["Groen"],
        true,
        "",
    ),
    (
        "Pannakooi bij de school",
        "Een kleine voetbalkooi op het schoolplein, ook open na schooltijd.",
        45_000,
        0,
        &["Spelen"],
        true,
        "",
    ),
    (
        "Tunnel onder het spoor",
        "Een fietstunnel onder het spoor bij de Molenweg.",
        2_500_000,
        0,
        &["Verkeer"],
        false,
        "Dit kost veel meer dan het wijkbudget en valt onder ProRail; de gemeente neemt het idee mee in het verkeersplan.",
    ),
    (
        "Speeltoestellen Westpark",
        "Nieuwe speeltoestellen voor kinderen tot twaalf jaar in het Westpark.",
        55_000,
        1,
        &["Spelen"],
        true,
        "",
    ),
    (
        "Geveltuinen Zuiderstraat",
        "Bewoners krijgen tegels eruit en planten erin, met hulp van de hovenier.",
        15_000,
        1,
        &["Groen"],
        true,
        "",
    ),
    (
        "Drinkwaterpunt bij het sportveld",
        "Een drinkwaterkraan voor sporters en wandelaars.",
        12_000,
        1,
        &["Gezondheid"],
        true,
        "",
    ),
    (
        "Zebrapad Dorpsstraat",
        "Een veilige oversteek bij de bakker, met verlichting.",
        40_000,
        1,
        &["Verkeer", "Veiligheid"],
        true,
        "",
    ),
    (
        "Buurtkamer in de oude bibliotheek",
        "Een ontmoetingsplek met koffie, open vijf dagen per week.",
        70_000,
        1,
        &["Ontmoeten"],
        true,
        "",
    ),
];

/// Who lives where, and whom they chose (project indexes), in Begroting 2027.
const BEGROTING_BALLOTS: [(&str, usize, &[usize]); 7] = [
    ("anna", 0, &[0, 2, 3]),
    ("bram", 0, &[1, 3]),
    ("dewi", 0, &[0, 2]),
    ("erik", 0, &[1, 2]),
    ("fatima", 1, &[5, 6, 7]),
    ("gerrit", 1, &[8, 7]),
    ("hanna", 1, &[5, 9]),
];

const FINISHED_PROJECTS: [(&str, &str, u64); 6] = [
    (
        "Skatebaan Centrum",
        "Een skatebaan naast het sportpark.",
        60_000,
    ),
    (
        "Fietsenstalling Marktplein",
        "Overdekte stalling voor tweehonderd fietsen.",
        40_000,
    ),
    (
        "Extra bomen Hoofdstraat",
        "Twintig bomen in de Hoofdstraat.",
        30_000,
    ),
    (
        "Speelplek Kerkstraatje",
        "Een kleine speelplek voor de kinderen van het Kerkstraatje.",
        19_000,
    ),
    (
        "Bloemperken rotonde",
        "Bloeiende perken op de rotonde.",
        10_000,
    ),
    (
        "Buurtfeest-aanhanger",
        "Een aanhanger met tenten en tafels om te lenen.",
        8_000,
    ),
];

/// Ballots of the finished budget: (how many voters, their choices). Most want the skatebaan
/// and the stalling; a smaller group only the playground and the trees.
const FINISHED_BALLOTS: [(usize, &[usize]); 4] = [
    (14, &[0, 1, 4]),
    (8, &[0, 1, 5]),
    (6, &[3, 2]),
    (2, &[2, 4]),
];

fn project(base: &str, area: &str, p: &DemoProject) -> NewProject {
    let id = new_id();
    NewProject {
        ap_id: format!("{base}/projects/{id}"),
        id,
        number: None,
        budget_area_id: area.to_owned(),
        title: p.0.to_owned(),
        description: p.1.to_owned(),
        cost: p.2,
        categories: p.4.iter().map(|c| (*c).to_owned()).collect(),
        feasible: p.5,
        feasibility_note: p.6.to_owned(),
        image: None,
        image_alt: String::new(),
        proposal_id: None,
    }
}

/// Seeds both budgets; `begroting` and `finished` are consultation ids.
pub async fn seed(
    db: &Database,
    base: &str,
    people: &People,
    begroting: &str,
    finished: &str,
    now: DateTime<Utc>,
) -> Result<(), ServerError> {
    let noord = areas::create(&db.conn, "noord", "Noord", now).await?;
    let zuid = areas::create(&db.conn, "zuid", "Zuid", now).await?;
    let budget_id = new_id();
    let record = budgets::create(
        &db.conn,
        NewBudget {
            id: budget_id.clone(),
            consultation_id: begroting.to_owned(),
            ap_id: format!("{base}/budgets/{budget_id}"),
            title: "Wijkbudget 2027".to_owned(),
            description: "Kies projecten voor jouw wijk. Noord heeft **150.000 euro**, Zuid **100.000 euro**. Je stemt in je eigen wijk; de uitslag wordt berekend met gelijke delen, zodat ook kleinere groepen een eerlijk deel krijgen.".to_owned(),
            method: VotingMethod::Knapsack { min_percent: 0 },
            rule: Rule::EqualShares.as_str().to_owned(),
            caps: vec![("Verkeer".to_owned(), 50)],
            imported: false,
            source_meta: None,
            created_by: Some(people.admin.clone()),
            areas: vec![
                (Some(noord.id.clone()), noord.name.clone(), 150_000),
                (Some(zuid.id.clone()), zuid.name.clone(), 100_000),
            ],
        },
        now,
    )
    .await?;
    let area_of = |i: usize| record.areas[i].id.clone();
    let projects = BEGROTING_PROJECTS
        .iter()
        .map(|p| project(base, &area_of(p.3), p))
        .collect();
    let stored = budgets::add_projects(&db.conn, &budget_id, projects, now).await?;
    for (username, area, chosen) in BEGROTING_BALLOTS {
        let user = people.id(username)?;
        let own = if area == 0 { &noord.id } else { &zuid.id };
        users::set_area(&db.conn, user, Some(own)).await?;
        let choices: Vec<(String, u64)> =
            chosen.iter().map(|&i| (stored[i].id.clone(), 1)).collect();
        budgets::cast(&db.conn, &budget_id, user, &area_of(area), &choices, now).await?;
    }
    seed_finished(db, base, people, finished, now).await
}

/// Last year's budget: voting is over, so its outcome page explains equal shares.
async fn seed_finished(
    db: &Database,
    base: &str,
    people: &People,
    consultation: &str,
    now: DateTime<Utc>,
) -> Result<(), ServerError> {
    let budget_id = new_id();
    let record = budgets::create(
        &db.conn,
        NewBudget {
            id: budget_id.clone(),
            consultation_id: consultation.to_owned(),
            ap_id: format!("{base}/budgets/{budget_id}"),
            title: "Buurtbudget binnenstad 2026".to_owned(),
            description: "Dertig bewoners verdeelden 100.000 euro over zes projecten. De uitslag is berekend met gelijke delen.".to_owned(),
            method: VotingMethod::Approval { min: 1, max: 3 },
            rule: Rule::EqualShares.as_str().to_owned(),
            caps: Vec::new(),
            imported: false,
            source_meta: None,
            created_by: Some(people.admin.clone()),
            areas: vec![(None, "Binnenstad".to_owned(), 100_000)],
        },
        now,
    )
    .await?;
    let area = record.areas[0].id.clone();
    let projects = FINISHED_PROJECTS
        .iter()
        .map(|(title, description, cost)| {
            let row: DemoProject = (title, description, *cost, 0, &[], true, "");
            project(base, &area, &row)
        })
        .collect();
    let stored = budgets::add_projects(&db.conn, &budget_id, projects, now).await?;
    let mut ballots = Vec::new();
    for (count, chosen) in FINISHED_BALLOTS {
        for _ in 0..count {
            ballots.push(StoredBallot {
                budget_area_id: area.clone(),
                voter_ref: Some((ballots.len() + 1).to_string()),
                choices: chosen.iter().map(|&i| (stored[i].id.clone(), 1)).collect(),
            });
        }
    }
    budgets::insert_ballots(&db.conn, &budget_id, ballots, now).await?;
    Ok(())
}
