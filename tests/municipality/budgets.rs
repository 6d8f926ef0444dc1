//! Participatory budgets through the JSON API: ballots that break a rule are refused with a
//! stable code and change nothing; concurrent changes leave one ballot; a budget exported as a
//! Pabulib file and imported elsewhere has the same outcome; bad files are refused naming
//! their line, and create nothing.

use super::{RESIDENT_PASSWORD, account_id, consultation, instance_with_admin};
use chrono::Duration;
use inspraak_tests::{Browser, TestInstance, extract_between};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn day(offset: i64) -> String {
    (inspraak_app::clock::today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A personal API token made on the account page of `browser`'s account.
async fn token_of(browser: &mut Browser) -> String {
    let made = browser
        .submit("/account", "/account/tokens", &[("token_name", "App")])
        .await;
    made.expect(200);
    extract_between(&made.body, "<code class=\"verification-code\">", "</code>").expect("token")
}

/// A resident verified with a letter code printed for `area` (a slug); returns their token.
async fn resident_of_area(
    instance: &TestInstance,
    admin: &mut Browser,
    name: &str,
    area: &str,
) -> String {
    let page = admin
        .submit(
            "/admin/verification-codes",
            "/admin/verification-codes",
            &[
                ("batch", "Brief wijk"),
                ("count", "1"),
                ("valid_days", "30"),
                ("format", "html"),
                ("area", area),
            ],
        )
        .await;
    page.expect(200);
    let code = extract_between(&page.body, "<code class=\"verification-code\">", "</code>")
        .expect("a code");
    let mut browser = instance.browser();
    browser.register(name, RESIDENT_PASSWORD).await.expect(303);
    let verified = browser
        .submit("/account", "/account/verify", &[("code", &code)])
        .await;
    assert_eq!(
        verified.location.as_deref(),
        Some("/account?notice=verified"),
        "{}",
        verified.body
    );
    token_of(&mut browser).await
}

/// A resident verified by the admin by hand (no area); returns their token.
async fn resident_token(instance: &TestInstance, admin: &mut Browser, name: &str) -> String {
    let mut browser = super::resident(instance, admin, name, true).await;
    token_of(&mut browser).await
}

/// An API call that must answer `status`; returns the JSON body (`null` when there is none).
async fn call(
    app: &mut Browser,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    status: u16,
) -> Value {
    let answer = app.api(method.clone(), path, token, body).await;
    assert_eq!(
        answer.status, status,
        "{method} {path}: unexpected status; body:\n{}",
        answer.body
    );
    if answer.body.trim().is_empty() {
        Value::Null
    } else {
        answer.json()
    }
}

fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The (field, problem) pairs of an error answer.
fn problems(answer: &Value) -> Vec<(String, String)> {
    answer["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (str_of(&f["field"]), str_of(&f["problem"])))
        .collect()
}

/// A project added through the API; returns its id.
async fn project(app: &mut Browser, admin: &str, budget: &str, body: Value) -> String {
    let made = call(
        app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/projects"),
        Some(admin),
        Some(body),
        201,
    )
    .await;
    str_of(&made["id"])
}

/// The caller's ballot: its project ids in budget order, or `None`.
async fn ballot(app: &mut Browser, budget: &str, token: &str) -> Option<Vec<String>> {
    let stored = call(
        app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(token),
        None,
        200,
    )
    .await;
    if stored.is_null() {
        return None;
    }
    Some(
        stored["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| str_of(&c["project"]))
            .collect(),
    )
}

fn choices(projects: &[&str]) -> Value {
    json!({"choices": projects.iter().map(|p| json!({"project": p})).collect::<Vec<_>>()})
}

/// Casts a ballot that must be refused with `invalid_ballot`; returns its field problems.
async fn refused(
    app: &mut Browser,
    budget: &str,
    token: &str,
    projects: &[&str],
) -> Vec<(String, String)> {
    let answer = call(
        app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(token),
        Some(choices(projects)),
        422,
    )
    .await;
    assert_eq!(answer["error"], "invalid_ballot", "{answer}");
    problems(&answer)
}

/// Moves the consultation's one phase to the past, so voting ended yesterday.
async fn close_voting(admin: &mut Browser, consultation: &str) {
    let (start, end) = (day(-10), day(-1));
    let page = admin
        .submit(
            &format!("/admin/consultations/{consultation}/edit"),
            &format!("/admin/consultations/{consultation}/phases"),
            &[
                ("phase0_kind", "budgeting"),
                ("phase0_starts_on", &start),
                ("phase0_ends_on", &end),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

#[tokio::test]
async fn ballots_that_break_a_rule_are_refused_and_change_nothing() {
    let (instance, mut admin) = instance_with_admin().await;
    let staff = token_of(&mut admin).await;
    let mut app = instance.browser();
    let noord = call(
        &mut app,
        Method::POST,
        "/api/v1/areas",
        Some(&staff),
        Some(json!({"slug": "noord", "name": "Noord"})),
        201,
    )
    .await;
    call(
        &mut app,
        Method::POST,
        "/api/v1/areas",
        Some(&staff),
        Some(json!({"slug": "zuid", "name": "Zuid"})),
        201,
    )
    .await;
    let taken = call(
        &mut app,
        Method::POST,
        "/api/v1/areas",
        Some(&staff),
        Some(json!({"slug": "noord", "name": "Nog eens"})),
        422,
    )
    .await;
    assert_eq!(problems(&taken), [("slug".to_owned(), "taken".to_owned())]);
    let areas = call(&mut app, Method::GET, "/api/v1/areas", None, None, 200).await;
    assert_eq!(areas.as_array().map(Vec::len), Some(2));

    let (_, slug) = consultation(&mut admin, "Begroting 2027", "budgeting", &[]).await;
    let invalid = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff),
        Some(
            json!({"title": "Wijkbudget", "areas": [{"area": "noord", "amount": 0}],
            "method": {"kind": "approval", "min": 3, "max": 2}, "rule": "borda"}),
        ),
        422,
    )
    .await;
    let fields: Vec<String> = problems(&invalid).into_iter().map(|(f, _)| f).collect();
    assert!(fields.contains(&"method.max".to_owned()), "{fields:?}");
    assert!(fields.contains(&"rule".to_owned()), "{fields:?}");
    let made = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff),
        Some(
            json!({"title": "Wijkbudget", "description": "Wat doen we met het geld?",
            "areas": [{"area": "noord", "amount": 100000}, {"area": "zuid", "amount": 50000}],
            "method": {"kind": "knapsack", "min_percent": 0}, "rule": "greedy"}),
        ),
        201,
    )
    .await;
    let budget = str_of(&made["id"]);
    assert_eq!(made["status"], "open");
    assert_eq!(made["rule_explanation"], "budgets.rule_explain.greedy");
    let area_of = |area_id: &Value| {
        made["areas"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["area_id"] == *area_id)
            .map(|a| str_of(&a["id"]))
            .expect("budget area")
    };
    let north = area_of(&noord["id"]);
    let south = made["areas"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| str_of(&a["id"]))
        .find(|id| *id != north)
        .expect("the other area");
    let a = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Speeltuin", "cost": 60000, "area": north, "categories": ["groen"]}),
    )
    .await;
    let b = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Bankjes", "cost": 50000, "area": north}),
    )
    .await;
    let c = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Bomen", "cost": 30000, "area": north}),
    )
    .await;
    let x = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Zwembad", "cost": 10000, "area": north, "feasible": false,
            "feasibility_note": "Geen ruimte op deze plek."}),
    )
    .await;
    let z = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Fietspad", "cost": 20000, "area": south}),
    )
    .await;
    let no_note = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/projects"),
        Some(&staff),
        Some(json!({"title": "Zonder reden", "cost": 5, "area": north, "feasible": false})),
        422,
    )
    .await;
    assert_eq!(problems(&no_note)[0].0, "feasibility_note");
    let detail = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}"),
        None,
        None,
        200,
    )
    .await;
    assert_eq!(detail["projects"].as_array().map(Vec::len), Some(5));
    assert_eq!(detail["projects"][3]["feasible"], false);
    assert_eq!(detail["projects"][0]["categories"], json!(["groen"]));

    let anna = resident_of_area(&instance, &mut admin, "anna", "noord").await;
    assert_eq!(ballot(&mut app, &budget, &anna).await, None);
    let cast = call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&anna),
        Some(choices(&[&a, &c])),
        200,
    )
    .await;
    assert_eq!(
        (
            cast["spent"].clone(),
            cast["left"].clone(),
            cast["budget"].clone()
        ),
        (json!(90000), json!(10000), json!(100000))
    );
    let kept = Some(vec![a.clone(), c.clone()]);
    assert_eq!(ballot(&mut app, &budget, &anna).await, kept);

    // Over the area's money (knapsack).
    assert_eq!(
        refused(&mut app, &budget, &anna, &[&a, &b]).await,
        [("projects".to_owned(), "over_budget".to_owned())]
    );
    assert_eq!(ballot(&mut app, &budget, &anna).await, kept);
    // A project of the other area.
    assert_eq!(
        refused(&mut app, &budget, &anna, &[&a, &z]).await,
        [(format!("projects.{z}"), "outside_area".to_owned())]
    );
    assert_eq!(ballot(&mut app, &budget, &anna).await, kept);
    // A project that cannot be carried out.
    assert_eq!(
        refused(&mut app, &budget, &anna, &[&c, &x]).await,
        [(format!("projects.{x}"), "not_feasible".to_owned())]
    );
    assert_eq!(ballot(&mut app, &budget, &anna).await, kept);
    // Every problem at once, and a check that casts nothing.
    let all = refused(&mut app, &budget, &anna, &[&a, &b, &z, &x]).await;
    let codes: Vec<&str> = all.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(codes, ["outside_area", "not_feasible", "over_budget"]);
    let check = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/ballot/check"),
        Some(&anna),
        Some(choices(&[&a, &b])),
        200,
    )
    .await;
    assert_eq!(check["valid"], false);
    assert_eq!(check["spent"], 110000);
    assert_eq!(check["problems"][0]["code"], "over_budget");
    assert_eq!(ballot(&mut app, &budget, &anna).await, kept);

    // Changing the ballot replaces it.
    call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&anna),
        Some(choices(&[&b])),
        200,
    )
    .await;
    assert_eq!(
        ballot(&mut app, &budget, &anna).await,
        Some(vec![b.clone()])
    );

    // Residents only: no token is 401; an unverified account is refused by the rules.
    call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        None,
        Some(choices(&[&b])),
        401,
    )
    .await;
    let mut bram = super::resident(&instance, &mut admin, "bram", false).await;
    let bram = token_of(&mut bram).await;
    let unverified = call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&bram),
        Some(choices(&[&b])),
        403,
    )
    .await;
    assert_eq!(unverified["error"], "verification_required");
    assert_eq!(ballot(&mut app, &budget, &bram).await, None);

    // Approval: between two and three projects.
    let made = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff),
        Some(json!({"title": "Jongerenbudget", "total": 10000,
            "method": {"kind": "approval", "min": 2, "max": 3}, "rule": "equal-shares"})),
        201,
    )
    .await;
    let youth = str_of(&made["id"]);
    let mut ids = Vec::new();
    for (i, title) in ["Skatebaan", "Pannaveld", "Podium", "Jongerenhuis"]
        .iter()
        .enumerate()
    {
        ids.push(
            project(
                &mut app,
                &staff,
                &youth,
                json!({"title": title, "cost": 1000 * (i as u64 + 1)}),
            )
            .await,
        );
    }
    assert_eq!(
        refused(&mut app, &youth, &anna, &[&ids[0]]).await,
        [("projects".to_owned(), "too_few".to_owned())]
    );
    assert_eq!(ballot(&mut app, &youth, &anna).await, None);
    call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{youth}/ballot"),
        Some(&anna),
        Some(choices(&[&ids[0], &ids[2]])),
        200,
    )
    .await;
    let kept = Some(vec![ids[0].clone(), ids[2].clone()]);
    assert_eq!(
        refused(
            &mut app,
            &youth,
            &anna,
            &[&ids[0], &ids[1], &ids[2], &ids[3]]
        )
        .await,
        [("projects".to_owned(), "too_many".to_owned())]
    );
    assert_eq!(ballot(&mut app, &youth, &anna).await, kept);
    assert_eq!(
        refused(&mut app, &youth, &anna, &[&ids[1]]).await,
        [("projects".to_owned(), "too_few".to_owned())]
    );
    assert_eq!(ballot(&mut app, &youth, &anna).await, kept);

    // While voting runs the outcome is for staff only; a .pb file holds one area.
    let open = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/outcome"),
        None,
        None,
        409,
    )
    .await;
    assert_eq!(open["error"], "voting_open");
    call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/outcome"),
        Some(&staff),
        None,
        200,
    )
    .await;
    call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/pabulib"),
        None,
        None,
        409,
    )
    .await;
    let which = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/pabulib"),
        Some(&staff),
        None,
        400,
    )
    .await;
    assert!(str_of(&which["message"]).contains(&north), "{which}");
    let file = app
        .api(
            Method::GET,
            &format!("/api/v1/budgets/{budget}/pabulib?area={north}"),
            Some(&staff),
            None,
        )
        .await;
    file.expect(200);
    assert!(
        file.body.contains("vote_type;approval") && file.body.contains("district;Noord"),
        "{}",
        file.body
    );
    assert!(
        !file.body.contains("Zwembad"),
        "only feasible projects: {}",
        file.body
    );

    let doc = instance.browser().get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/areas",
        "/api/v1/consultations/{id}/budgets",
        "/api/v1/consultations/{id}/budgets/import",
        "/api/v1/budgets/{id}",
        "/api/v1/budgets/{id}/projects",
        "/api/v1/budgets/{id}/ballot",
        "/api/v1/budgets/{id}/ballot/check",
        "/api/v1/budgets/{id}/outcome",
        "/api/v1/budgets/{id}/outcome/publish",
        "/api/v1/budgets/{id}/pabulib",
    ] {
        let item = &doc["paths"][path];
        let tagged = item
            .as_object()
            .into_iter()
            .flat_map(|ops| ops.values())
            .all(|op| op["tags"] == json!(["budgets"]));
        assert!(
            item.is_object() && tagged,
            "{path} in the OpenAPI document under budgets"
        );
    }
}

/// The rows of an open-data CSV file as (title, votes, funded).
async fn budget_rows(browser: &mut Browser, path: &str) -> Vec<(String, String, String)> {
    let file = browser.get(path).await;
    file.expect(200);
    let mut reader = csv::Reader::from_reader(file.body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect("a column");
    let (title, votes, funded) = (column("title"), column("votes"), column("funded"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            let cell = |i: usize| r.get(i).unwrap_or_default().to_owned();
            (cell(title), cell(votes), cell(funded))
        })
        .collect()
}

#[tokio::test]
async fn a_vote_after_closing_is_refused_and_changes_nothing() {
    let (instance, mut admin) = instance_with_admin().await;
    let staff = token_of(&mut admin).await;
    let mut app = instance.browser();
    let (id, slug) = consultation(&mut admin, "Buurtbudget", "budgeting", &[]).await;
    let made = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff),
        Some(json!({"title": "Buurtbudget", "total": 5000,
            "method": {"kind": "choose_one"}, "rule": "greedy"})),
        201,
    )
    .await;
    let budget = str_of(&made["id"]);
    let p = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Moestuin", "cost": 3000}),
    )
    .await;
    let q = project(
        &mut app,
        &staff,
        &budget,
        json!({"title": "Picknicktafel", "cost": 800}),
    )
    .await;
    let anna = resident_token(&instance, &mut admin, "anna").await;
    let too_many = refused(&mut app, &budget, &anna, &[&p, &q]).await;
    assert_eq!(too_many, [("projects".to_owned(), "too_many".to_owned())]);
    call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&anna),
        Some(choices(&[&p])),
        200,
    )
    .await;

    let mut visitor = instance.browser();
    let csv_path = format!("/consultations/{slug}/export/budget-projects.csv");
    let hidden = [
        ("Moestuin".to_owned(), String::new(), String::new()),
        ("Picknicktafel".to_owned(), String::new(), String::new()),
    ];
    assert_eq!(
        budget_rows(&mut visitor, &csv_path).await,
        hidden,
        "no votes while voting runs"
    );
    assert_eq!(
        budget_rows(&mut admin, &csv_path).await,
        hidden,
        "not for staff either"
    );

    close_voting(&mut admin, &id).await;
    let counted = [
        ("Moestuin".to_owned(), "1".to_owned(), "true".to_owned()),
        (
            "Picknicktafel".to_owned(),
            "0".to_owned(),
            "false".to_owned(),
        ),
    ];
    assert_eq!(budget_rows(&mut visitor, &csv_path).await, counted);
    assert_eq!(
        budget_rows(&mut visitor, "/export/budget-projects.csv").await,
        counted
    );
    let closed = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}"),
        None,
        None,
        200,
    )
    .await;
    assert_eq!(closed["status"], "closed");
    let late = call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&anna),
        Some(choices(&[&q])),
        409,
    )
    .await;
    assert_eq!(late["error"], "closed");
    call(
        &mut app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/ballot/check"),
        Some(&anna),
        Some(choices(&[&q])),
        409,
    )
    .await;
    assert_eq!(
        ballot(&mut app, &budget, &anna).await,
        Some(vec![p.clone()])
    );
    let bram = resident_token(&instance, &mut admin, "bram").await;
    call(
        &mut app,
        Method::PUT,
        &format!("/api/v1/budgets/{budget}/ballot"),
        Some(&bram),
        Some(choices(&[&q])),
        409,
    )
    .await;
    assert_eq!(ballot(&mut app, &budget, &bram).await, None);

    // Now the outcome is public, and staff publish it.
    let outcome = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/outcome"),
        None,
        None,
        200,
    )
    .await;
    let area = &outcome["areas"][0];
    assert_eq!(area["funded"], json!([p]));
    assert_eq!(area["voters"], 1);
    let verdict = area["projects"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["project"] == json!(q))
        .expect("a verdict for every project");
    assert_eq!(verdict["reason"]["code"], "no_votes");
    call(
        &mut app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/outcome/publish"),
        Some(&anna),
        None,
        403,
    )
    .await;
    let published = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/budgets/{budget}/outcome/publish"),
        Some(&staff),
        None,
        200,
    )
    .await;
    assert!(published["published_at"].is_string(), "{published}");
}

#[tokio::test]
async fn concurrent_ballot_changes_end_with_exactly_one_ballot() {
    let (instance, mut admin) = instance_with_admin().await;
    let staff = token_of(&mut admin).await;
    let mut app = instance.browser();
    let (_, slug) = consultation(&mut admin, "Tegelijk", "budgeting", &[]).await;
    let made = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff),
        Some(json!({"title": "Tegelijk", "total": 100000,
            "method": {"kind": "knapsack"}, "rule": "greedy"})),
        201,
    )
    .await;
    let budget = str_of(&made["id"]);
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            project(
                &mut app,
                &staff,
                &budget,
                json!({"title": format!("Project {i}"), "cost": 1000 + i}),
            )
            .await,
        );
    }
    let anna = resident_token(&instance, &mut admin, "anna").await;
    let sets: Vec<Vec<String>> = (0..10)
        .map(|i| {
            vec![
                ids[i].clone(),
                ids[(i + 1) % 10].clone(),
                ids[(i + 3) % 10].clone(),
            ]
        })
        .collect();
    let mut tasks = Vec::new();
    for set in &sets {
        let mut client = app.fork();
        let (path, token) = (format!("/api/v1/budgets/{budget}/ballot"), anna.clone());
        let body =
            json!({"choices": set.iter().map(|p| json!({"project": p})).collect::<Vec<_>>()});
        tasks.push(tokio::spawn(async move {
            client
                .api(Method::PUT, &path, Some(&token), Some(body))
                .await
                .status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
    let mut stored = ballot(&mut app, &budget, &anna).await.expect("a ballot");
    stored.sort();
    assert!(
        sets.iter().any(|set| {
            let mut set = set.clone();
            set.sort();
            set == stored
        }),
        "the ballot is one of the sets sent, not a mix: {stored:?}"
    );
    let db = instance.database().await;
    let ballots = inspraak_db::entity::budget_ballot::Entity::find()
        .filter(inspraak_db::entity::budget_ballot::Column::BudgetId.eq(&budget))
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(ballots, 1);
}

/// Votes per project number, and the funded numbers in order, from an outcome.
fn by_number(outcome: &Value) -> (BTreeMap<String, u64>, Vec<String>) {
    let area = &outcome["areas"][0];
    let mut votes = BTreeMap::new();
    let mut number_of = BTreeMap::new();
    for v in area["projects"].as_array().into_iter().flatten() {
        votes.insert(str_of(&v["number"]), v["votes"].as_u64().unwrap_or(0));
        number_of.insert(str_of(&v["project"]), str_of(&v["number"]));
    }
    let funded = area["funded"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|id| number_of.get(&str_of(id)).cloned().unwrap_or_default())
        .collect();
    (votes, funded)
}

/// Posts a raw body to the import route; returns the status and JSON answer.
async fn upload(
    instance: &TestInstance,
    consultation: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = inspraak_tests::signing::client_for(instance)
        .post(format!(
            "{}/api/v1/consultations/{consultation}/budgets/import",
            instance.base
        ))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_budget_exported_as_pabulib_and_imported_elsewhere_has_the_same_outcome() {
    let (a, mut admin_a) = instance_with_admin().await;
    let staff_a = token_of(&mut admin_a).await;
    let mut app = a.browser();
    let (id, slug) = consultation(&mut admin_a, "Begroting 2027", "budgeting", &[]).await;
    let made = call(
        &mut app,
        Method::POST,
        &format!("/api/v1/consultations/{slug}/budgets"),
        Some(&staff_a),
        Some(json!({"title": "Begroting 2027", "total": 100,
            "method": {"kind": "approval", "min": 1, "max": 3}, "rule": "equal-shares"})),
        201,
    )
    .await;
    let budget = str_of(&made["id"]);
    let mut ids = Vec::new();
    for (title, cost) in [
        ("Park", 40),
        ("Plein", 30),
        ("Bieb", 50),
        ("Haven", 20),
        ("Markt", 25),
    ] {
        ids.push(
            project(
                &mut app,
                &staff_a,
                &budget,
                json!({"title": title, "cost": cost}),
            )
            .await,
        );
    }
    let cannot = project(&mut app, &staff_a, &budget,
        json!({"title": "Metro", "cost": 10, "feasible": false, "feasibility_note": "Te duur in onderhoud."})).await;
    let ballots: [&[usize]; 6] = [&[0, 1], &[0, 1, 3], &[2], &[2, 4], &[1, 3], &[0]];
    let mut voters = Vec::new();
    for (i, chosen) in ballots.iter().enumerate() {
        let name = format!("kiezer{i}");
        let token = resident_token(&a, &mut admin_a, &name).await;
        let picked: Vec<&str> = chosen.iter().map(|&p| ids[p].as_str()).collect();
        call(
            &mut app,
            Method::PUT,
            &format!("/api/v1/budgets/{budget}/ballot"),
            Some(&token),
            Some(choices(&picked)),
            200,
        )
        .await;
        voters.push(account_id(&mut admin_a, &name).await);
    }
    close_voting(&mut admin_a, &id).await;
    let outcome_a = call(
        &mut app,
        Method::GET,
        &format!("/api/v1/budgets/{budget}/outcome"),
        None,
        None,
        200,
    )
    .await;
    let (votes_a, funded_a) = by_number(&outcome_a);
    assert!(!funded_a.is_empty());
    assert_eq!(outcome_a["areas"][0]["not_feasible"], json!([cannot]));
    assert!(
        outcome_a["areas"][0]["share"].is_number(),
        "equal shares shows the share"
    );

    let file = app
        .api(
            Method::GET,
            &format!("/api/v1/budgets/{budget}/pabulib"),
            None,
            None,
        )
        .await;
    file.expect(200);
    assert_eq!(
        file.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; charset=utf-8")
    );
    let disposition = file
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        disposition.starts_with("attachment;") && disposition.ends_with(".pb\""),
        "{disposition}"
    );
    assert!(
        file.body.contains("rule;equalshares/add1") && file.body.contains("num_votes;6"),
        "{}",
        file.body
    );
    assert!(!file.body.contains("Metro"), "only feasible projects");
    let votes_section = file.body.split("VOTES").nth(1).unwrap_or_default();
    let voter_ids: Vec<&str> = votes_section
        .lines()
        .skip(2)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').next().unwrap_or_default())
        .collect();
    assert_eq!(
        voter_ids,
        ["1", "2", "3", "4", "5", "6"],
        "anonymous voter ids in ballot order"
    );
    for account in &voters {
        assert!(
            !file.body.contains(account.as_str()),
            "no account ids in the file"
        );
    }

    // Instance B imports it into a consultation of its own.
    let (b, mut admin_b) = instance_with_admin().await;
    let staff_b = token_of(&mut admin_b).await;
    let mut app_b = b.browser();
    let (_, slug_b) = consultation(&mut admin_b, "Lessen van de buren", "information", &[]).await;
    let (status, imported) = upload(
        &b,
        &slug_b,
        &staff_b,
        "text/plain",
        file.body.clone().into_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{imported}");
    assert_eq!(imported["status"], "closed");
    assert_eq!(imported["imported"], true);
    assert_eq!(imported["rule"], "equal-shares");
    assert_eq!(
        imported["method"],
        json!({"kind": "approval", "min": 1, "max": 3})
    );
    assert_eq!(imported["projects"].as_array().map(Vec::len), Some(5));
    let outcome_b = call(
        &mut app_b,
        Method::GET,
        &format!("/api/v1/budgets/{}/outcome", str_of(&imported["id"])),
        None,
        None,
        200,
    )
    .await;
    let (votes_b, funded_b) = by_number(&outcome_b);
    assert_eq!(
        funded_b, funded_a,
        "the same projects funded, in the same order"
    );
    assert_eq!(votes_b, votes_a, "the same votes per project");
    assert_eq!(outcome_b["areas"][0]["voters"], 6);
    // Exported again, it is the same ballots.
    let again = app_b
        .api(
            Method::GET,
            &format!("/api/v1/budgets/{}/pabulib", str_of(&imported["id"])),
            None,
            None,
        )
        .await;
    again.expect(200);
    assert_eq!(
        again.body.split("PROJECTS").nth(1),
        file.body.split("PROJECTS").nth(1),
        "projects and votes survive the round trip"
    );

    // A real Pabulib file: the import recomputes the city's official outcome.
    let path =
        inspraak_testdata::shared_dir().join("data/pabulib/Poland_Gdynia_2020_Dabrowa__small.pb");
    let real = std::fs::read(&path).expect("the shared Pabulib file");
    let (status, gdynia) = upload(
        &b,
        &slug_b,
        &staff_b,
        "application/octet-stream",
        real.clone(),
    )
    .await;
    assert_eq!(status, 201, "{gdynia}");
    assert_eq!(gdynia["rule"], "greedy-no-skip");
    let parsed = inspraak_domain::budget::pabulib::parse_bytes(&real).expect("parses");
    let official: Vec<String> = parsed
        .election
        .projects
        .iter()
        .zip(&parsed.selected)
        .filter(|(_, s)| **s)
        .map(|(p, _)| p.id.clone())
        .collect();
    let outcome = call(
        &mut app_b,
        Method::GET,
        &format!("/api/v1/budgets/{}/outcome", str_of(&gdynia["id"])),
        None,
        None,
        200,
    )
    .await;
    let (_, mut funded) = by_number(&outcome);
    funded.sort();
    let mut official = official;
    official.sort();
    assert_eq!(funded, official, "the city's own outcome");
}

/// Sends a 200 MB body to `path` over a raw connection, announced by Content-Length or
/// chunked, writing while the server answers; returns the status the server gave.
async fn send_huge(instance: &TestInstance, path: &str, token: &str, chunked: bool) -> u16 {
    const TOTAL: usize = 200 * 1024 * 1024;
    const CHUNK: usize = 1024 * 1024;
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", instance.port))
        .await
        .expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let length = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {TOTAL}")
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}:{}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/plain\r\n{length}\r\n\r\n",
        instance.host, instance.port
    );
    let send = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let block = vec![b'a'; CHUNK];
        for _ in 0..TOTAL / CHUNK {
            if chunked {
                writer
                    .write_all(format!("{CHUNK:x}\r\n").as_bytes())
                    .await?;
                writer.write_all(&block).await?;
                writer.write_all(b"\r\n").await?;
            } else {
                writer.write_all(&block).await?;
            }
        }
        if chunked {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        Ok::<(), std::io::Error>(())
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    send.abort();
    assert!(read.is_ok(), "the server answered in time");
    let head = String::from_utf8_lossy(&answer);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"))
}

#[tokio::test]
async fn bad_pabulib_files_are_refused_naming_the_line_and_create_nothing() {
    let (instance, mut admin) = instance_with_admin().await;
    let staff = token_of(&mut admin).await;
    let mut app = instance.browser();
    let (_, slug) = consultation(&mut admin, "Import", "information", &[]).await;
    let list = format!("/api/v1/consultations/{slug}/budgets");
    assert_eq!(
        call(&mut app, Method::GET, &list, Some(&staff), None, 200).await,
        json!([])
    );

    let meta = "META\nkey;value\nbudget;100\nvote_type;approval\n";
    let projects = "PROJECTS\nproject_id;cost;name\n1;40;Park\n2;30;Plein\n";
    let not_text = {
        let mut bytes = format!("{meta}PROJECTS\nproject_id;cost;name\n1;40;Pa").into_bytes();
        bytes.push(0xff);
        bytes
    };
    let cases: [(&str, Vec<u8>, usize); 7] = [
        ("no PROJECTS section", format!("{meta}VOTES\nvoter_id;vote\n1;1\n").into_bytes(), 5),
        ("no VOTES section", format!("{meta}{projects}").into_bytes(), 9),
        ("no META section", format!("{projects}VOTES\nvoter_id;vote\n1;1\n").into_bytes(), 1),
        (
            "a negative cost",
            format!("{meta}PROJECTS\nproject_id;cost;name\n1;40;Park\n2;-30;Plein\nVOTES\nvoter_id;vote\n1;1\n").into_bytes(),
            8,
        ),
        (
            "an unknown project in a vote",
            format!("{meta}{projects}VOTES\nvoter_id;vote\n1;1,2\n2;2,7\n").into_bytes(),
            12,
        ),
        (
            "a vote type that cannot be counted",
            format!("META\nkey;value\nbudget;100\nvote_type;ordinal\n{projects}VOTES\nvoter_id;vote\n1;1\n").into_bytes(),
            4,
        ),
        ("bytes that are not text", not_text, 7),
    ];
    for (what, body, line) in cases {
        let (status, answer) = upload(&instance, &slug, &staff, "text/plain", body).await;
        assert_eq!(status, 422, "{what}: {answer}");
        assert_eq!(answer["error"], "unreadable", "{what}");
        let expected = format!("line {line}:");
        assert!(
            str_of(&answer["message"]).starts_with(&expected),
            "{what}: {answer}"
        );
    }

    // The wrong media type, a non-admin, and 200 MB (announced or streamed).
    let (status, _) = upload(&instance, &slug, &staff, "application/json", b"{}".to_vec()).await;
    assert_eq!(status, 415);
    let resident = resident_token(&instance, &mut admin, "anna").await;
    let (status, _) = upload(
        &instance,
        &slug,
        &resident,
        "text/plain",
        format!("{meta}{projects}VOTES\nvoter_id;vote\n1;1\n").into_bytes(),
    )
    .await;
    assert_eq!(status, 403);
    let path = format!("/api/v1/consultations/{slug}/budgets/import");
    assert_eq!(
        send_huge(&instance, &path, &staff, false).await,
        413,
        "announced"
    );
    assert_eq!(
        send_huge(&instance, &path, &staff, true).await,
        413,
        "streamed"
    );

    assert_eq!(
        call(&mut app, Method::GET, &list, Some(&staff), None, 200).await,
        json!([])
    );
    let db = instance.database().await;
    let budgets = inspraak_db::entity::budget::Entity::find()
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(budgets, 0, "nothing was created");

    // The same file without its fault is taken.
    let (status, made) = upload(
        &instance,
        &slug,
        &staff,
        "text/plain",
        format!("{meta}{projects}VOTES\nvoter_id;vote\n1;1\n").into_bytes(),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["projects"][0]["number"], "1");
    assert_eq!(made["areas"][0]["amount"], 100);
}
