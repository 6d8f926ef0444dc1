//! Participatory budgets over ActivityPub between two instances on loopback: B follows a
//! consultation of A; the projects A's staff add reach B as `Page`s announced by the group,
//! with their cost and area in declared terms; a reply from B's side becomes a comment on the
//! project; a like, a vote or a boost of a project changes no ballot and no count (fediverse
//! users cannot vote in a budget); the published outcome reaches B as an announced `Article`
//! naming the funded projects.

use super::federation::{eventually, follow, followers, named_with_admin};
use super::{RESIDENT_PASSWORD, resident};
use inspraak_app::Caller;
use inspraak_app::budgets::{self, Upload};
use inspraak_db::entity::{budget_project, fediverse_like, outbox_activity};
use inspraak_domain::budget::setup::{BudgetInput, ProjectInput};
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance, extract_between};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// A day relative to today, as the phase form takes it.
fn day(offset: i64) -> String {
    (inspraak_app::clock::today() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// A published consultation whose budgeting phase is over (so its outcome can be published)
/// and whose evaluation phase runs today (so residents may comment); returns (id, slug).
pub(super) async fn budget_consultation(admin: &mut Browser) -> (String, String) {
    let (vote_from, vote_to, now_from, now_to) = (day(-10), day(-6), day(-5), day(5));
    let page = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[
                ("title", "Buurtbudget Noord en Zuid"),
                ("summary", "Verdeel het geld van de wijk."),
                ("publish", "on"),
                ("phase0_kind", "budgeting"),
                ("phase0_starts_on", vote_from.as_str()),
                ("phase0_ends_on", vote_to.as_str()),
                ("phase1_kind", "evaluation"),
                ("phase1_starts_on", now_from.as_str()),
                ("phase1_ends_on", now_to.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id = extract_between(
        page.location.as_deref().unwrap_or(""),
        "/admin/consultations/",
        "/edit",
    )
    .expect("edit url");
    let slug = admin
        .get(&format!("/api/v1/consultations/{id}"))
        .await
        .json()["slug"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    (id, slug)
}

/// A budget as set up on A.
pub(super) struct Budget {
    /// Its id.
    pub(super) id: String,
    /// Its projects as (title, id, ActivityPub id).
    pub(super) projects: Vec<(String, String, String)>,
}

impl Budget {
    /// The (id, ActivityPub id) of the project with this title.
    pub(super) fn project(&self, title: &str) -> (&str, &str) {
        self.projects
            .iter()
            .find(|(t, _, _)| t == title)
            .map(|(_, id, ap)| (id.as_str(), ap.as_str()))
            .unwrap_or_else(|| panic!("no project {title}"))
    }
}

/// A's admin sets up a budget with two areas and four projects through the use cases (the
/// admin pages and the API are merged separately); the first project has a picture.
pub(super) async fn set_up_budget(a: &TestInstance, consultation_id: &str) -> Budget {
    let app = a.app();
    let admin = inspraak_db::users::find_local_by_username(app.conn(), "beheer")
        .await
        .expect("db")
        .expect("the admin");
    let caller = Caller::new(Some(&admin));
    let noord = budgets::create_area(app, caller, "noord", "Noord")
        .await
        .expect("area Noord");
    let zuid = budgets::create_area(app, caller, "zuid", "Zuid")
        .await
        .expect("area Zuid");
    let record = budgets::create(
        app,
        caller,
        consultation_id,
        BudgetInput {
            title: "Buurtbudget 2027".into(),
            description: "Wat maakt de wijk mooier?".into(),
            areas: vec![
                (noord.id.clone(), "€ 30.000".into()),
                (zuid.id.clone(), "€ 10.000".into()),
            ],
            method: "approval".into(),
            min_projects: "1".into(),
            max_projects: "3".into(),
            rule: "greedy".into(),
            ..BudgetInput::default()
        },
    )
    .await
    .expect("budget");
    let area_of = |area_id: &str| {
        record
            .areas
            .iter()
            .find(|a| a.area_id.as_deref() == Some(area_id))
            .map(|a| a.id.clone())
            .expect("budget area")
    };
    let plan = [
        (
            "Speeltuin Noord",
            "€ 20.000",
            area_of(&noord.id),
            "spelen, groen",
        ),
        ("Bankjes", "€ 5.000", area_of(&noord.id), ""),
        ("Fietsenrek", "€ 4.000", area_of(&noord.id), ""),
        ("Buurttuin", "€ 8.000", area_of(&zuid.id), "groen"),
    ];
    let mut projects = Vec::new();
    for (i, (title, cost, area, categories)) in plan.into_iter().enumerate() {
        let image = (i == 0).then(|| Upload {
            bytes: b"\x89PNG\r\n\x1a\nnot really a picture".to_vec(),
            alt: "Kinderen op een klimrek".into(),
        });
        let made = budgets::add_project(
            app,
            caller,
            &record.budget.id,
            ProjectInput {
                title: title.into(),
                description: format!("Een **plan** voor {title}."),
                cost: cost.into(),
                area,
                categories: categories.into(),
                feasible: true,
                feasibility_note: "Past binnen de regels.".into(),
            },
            image,
            None,
        )
        .await
        .expect("project");
        projects.push((title.to_owned(), made.id, made.ap_id));
    }
    Budget {
        id: record.budget.id,
        projects,
    }
}

/// The ActivityPub id of the activity A stored (in its outbox) of `kind` whose JSON
/// contains every one of `needles`, once there is one.
async fn stored_activity(a: &TestInstance, kind: &str, needles: &[&str]) -> (String, Value) {
    let db = a.database().await;
    let rows = outbox_activity::Entity::find()
        .filter(outbox_activity::Column::Kind.eq(kind))
        .all(&db.conn)
        .await
        .expect("outbox");
    let row = rows
        .into_iter()
        .find(|r| needles.iter().all(|n| r.data.contains(n)))
        .unwrap_or_else(|| panic!("no {kind} with {needles:?} in A's outbox"));
    let value = serde_json::from_str(&row.data).expect("stored JSON");
    (row.ap_id, value)
}

/// Waits until B has received (and accepted) the activity with this id.
async fn received_by(b: &TestInstance, activity: &str, what: &str) {
    let db = b.database().await;
    eventually(what, || {
        let conn = db.conn.clone();
        let activity = activity.to_owned();
        async move {
            inspraak_db::received::seen(&conn, &activity)
                .await
                .expect("received")
                .then_some(())
        }
    })
    .await;
}

/// A signed activity from `sender` to A's shared inbox; returns the status.
async fn send(a: &TestInstance, sender: &Sender, activity: &Value) -> u16 {
    let body = serde_json::to_vec(activity).expect("json");
    let (status, text) = post_signed(a, "/inbox", &body, sender, None).await;
    assert!(status < 300, "{status}: {text}");
    status
}

/// A fresh id on the sender's host.
fn fresh(base: &str, kind: &str) -> String {
    format!("{base}/{kind}/{}", uuid::Uuid::new_v4())
}

/// Comments on a project, from A's database.
pub(super) async fn project_comments(a: &TestInstance, project: &str) -> Vec<String> {
    let db = a.database().await;
    inspraak_db::comments::project_thread(&db.conn, project)
        .await
        .expect("thread")
        .into_iter()
        .map(|c| c.body_html)
        .collect()
}

#[tokio::test]
async fn budget_projects_and_the_outcome_reach_a_follower_and_fediverse_votes_count_for_nothing() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (consultation_id, slug) = budget_consultation(&mut admin_a).await;
    let group = format!("{}/consultations/{slug}", a.base);

    // B follows A's consultation; A accepts at once.
    follow(&mut admin_b, &group).await;
    let visitor_a = a.browser();
    eventually("A counts B as a follower", || {
        let mut v = visitor_a.fork();
        let path = format!("/consultations/{slug}/followers");
        async move { (followers(&mut v, &path).await == 1).then_some(()) }
    })
    .await;

    // Staff add the projects; each is created and announced by the group.
    let budget = set_up_budget(&a, &consultation_id).await;
    let (p1, p1_ap) = budget.project("Speeltuin Noord");
    let (p2, p2_ap) = budget.project("Bankjes");
    let (p3, p3_ap) = budget.project("Fietsenrek");
    let (_, p4_ap) = budget.project("Buurttuin");
    assert_eq!(p1_ap, format!("{}/projects/{p1}", a.base));

    // The project is a Page at its own URL, by content negotiation.
    let mut visitor = a.browser();
    let served = visitor
        .get_with_accept(&format!("/projects/{p1}"), "application/activity+json")
        .await;
    served.expect(200);
    let page = served.json();
    assert_eq!(page["type"], "Page");
    assert_eq!(page["id"], p1_ap);
    assert_eq!(page["url"], p1_ap);
    assert_eq!(page["attributedTo"], group.as_str());
    assert_eq!(page["audience"], group.as_str());
    assert_eq!(page["name"], "Speeltuin Noord");
    assert_eq!(page["cost"], 20_000);
    assert_eq!(page["currency"], "EUR");
    assert_eq!(page["area"], "Noord");
    assert_eq!(page["categories"], json!(["spelen", "groen"]));
    assert_eq!(page["feasible"], true);
    assert_eq!(
        page["budget"],
        format!("{}/budgets/{}", a.base, budget.id).as_str()
    );
    assert_eq!(page["summary"], "Kosten: €\u{a0}20.000 · Gebied: Noord");
    let content = page["content"].as_str().expect("content");
    assert!(content.contains("<strong>plan</strong>"), "{content}");
    assert!(content.contains("Past binnen de regels."), "{content}");
    assert_eq!(page["image"]["type"], "Image");
    assert_eq!(page["image"]["name"], "Kinderen op een klimrek");
    assert_eq!(page["image"]["mediaType"], "image/png");
    let picture = page["image"]["url"].as_str().expect("image url");
    assert!(
        picture.starts_with(&format!("{}/media/", a.base)),
        "{picture}"
    );
    visitor
        .get(picture.trim_start_matches(&a.base))
        .await
        .expect(200);
    let context = &page["@context"][2];
    assert_eq!(context["cost"], "inspraak:cost");
    assert_eq!(context["area"], "inspraak:area");
    assert_eq!(context["currency"], "inspraak:currency");
    assert_eq!(
        context["budget"],
        json!({"@id": "inspraak:budget", "@type": "@id"})
    );
    assert_eq!(context["inspraak"], "https://inspraak.nl/ns#");

    // The Create is the group's, stored and served at its id (Mastodon dereferences it);
    // the group's Announce of it reaches B, which keeps no copy: budgets are voted at home.
    let (create_id, create) = stored_activity(&a, "Create", &[p1_ap, "\"Page\""]).await;
    assert_eq!(create["actor"], group.as_str());
    visitor
        .get_with_accept(
            create_id.trim_start_matches(&a.base),
            "application/activity+json",
        )
        .await
        .expect(200);
    let (announce_id, announce) = stored_activity(&a, "Announce", &[&create_id]).await;
    assert_eq!(announce["actor"], group.as_str());
    assert_eq!(announce["object"]["object"]["cost"], 20_000);
    received_by(&b, &announce_id, "B receives the announced project").await;
    let db_b = b.database().await;
    let copies = inspraak_db::consultations::list_remote(&db_b.conn, 10)
        .await
        .expect("copies");
    assert_eq!(copies.len(), 1, "B keeps the consultation");
    let copy = &copies[0];
    let proposals = inspraak_db::proposals::list_for_consultation(&db_b.conn, &copy.id)
        .await
        .expect("proposals");
    assert!(proposals.is_empty(), "a project is not a proposal on B");

    // Residents of A comment on projects, on the project's own route or naming it.
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    let form = format!("/consultations/{slug}");
    let posted = anna
        .submit(
            &form,
            &format!("/projects/{p1}/comments"),
            &[("body", "Graag met schaduw."), ("stance", "for")],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert!(
        posted.location.as_deref().is_some_and(
            |l| l.starts_with(&format!("/projects/{p1}?notice=comment_posted#comment-"))
        ),
        "{posted:?}"
    );
    let posted = anna
        .submit(
            &form,
            &format!("/consultations/{slug}/comments"),
            &[
                ("body", "Bankjes bij de bushalte."),
                ("stance", "neutral"),
                ("project", p2),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let on_p2 = project_comments(&a, p2).await;
    assert!(
        on_p2.len() == 1 && on_p2[0].contains("Bankjes bij de bushalte."),
        "{on_p2:?}"
    );
    // Their Notes answer the project; B, which keeps no project, keeps no stray comment.
    let (note_announce, note) = stored_activity(&a, "Announce", &["Graag met schaduw."]).await;
    assert_eq!(note["object"]["object"]["inReplyTo"], p1_ap);
    received_by(&b, &note_announce, "B receives the comment on the project").await;
    let on_copy = inspraak_db::comments::all_of_consultation(&db_b.conn, &copy.id)
        .await
        .expect("comments");
    assert!(
        on_copy.is_empty(),
        "not shown on B as a comment on the consultation"
    );

    // Someone on B's side replies to the project: a comment on it at A.
    let mut bram = b.browser();
    bram.register("bram", RESIDENT_PASSWORD).await.expect(303);
    bram.submit(
        "/account",
        "/account/fediverse",
        &[("fediverse_visible", "on")],
    )
    .await
    .expect(303);
    let sender = Sender::of(&b, "/users/bram", "/users/bram").await;
    let public = "https://www.w3.org/ns/activitystreams#Public";
    let note_id = fresh(&b.base, "notes");
    let reply = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fresh(&b.base, "activities"),
        "type": "Create",
        "actor": sender.actor,
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": sender.actor,
            "inReplyTo": p1_ap,
            "content": "<p>Vanuit de buurgemeente: mooi plan!</p>",
            "to": [public],
            "cc": [group],
        },
        "to": [public],
        "cc": [group],
    });
    assert_eq!(send(&a, &sender, &reply).await, 202);
    let comments = project_comments(&a, p1).await;
    assert_eq!(comments.len(), 2, "{comments:?}");
    assert!(comments[1].contains("Vanuit de buurgemeente: mooi plan!"));
    let db_a = a.database().await;
    let on_consultation = inspraak_db::comments::thread(&db_a.conn, &consultation_id, None)
        .await
        .expect("thread");
    assert!(
        on_consultation.is_empty(),
        "project comments stay on the project"
    );

    // Ballots are cast at home (seeded here: the budgeting phase is over). Fediverse users
    // cannot vote in a budget: a like, a vote and a boost of a project are accepted and change
    // nothing.
    let record = inspraak_db::budgets::find(&db_a.conn, &budget.id)
        .await
        .expect("budget");
    let area = |name: &str| {
        record
            .areas
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.id.clone())
            .expect("area")
    };
    let now = chrono::Utc::now();
    for (voter, area_name, chosen) in [
        ("stemmer-1", "Noord", vec![p1, p2]),
        ("stemmer-2", "Noord", vec![p1]),
        ("stemmer-3", "Zuid", vec![budget.project("Buurttuin").0]),
    ] {
        let choices: Vec<(String, u64)> = chosen.iter().map(|p| ((*p).to_owned(), 1)).collect();
        inspraak_db::budgets::cast(
            &db_a.conn,
            &budget.id,
            voter,
            &area(area_name),
            &choices,
            now,
        )
        .await
        .expect("ballot");
    }
    let ballots = || async {
        inspraak_db::budgets::ballots(&db_a.conn, &budget.id)
            .await
            .expect("ballots")
    };
    let before = ballots().await;
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fresh(&b.base, "likes"),
        "type": "Like",
        "actor": sender.actor,
        "object": p3_ap,
    });
    assert_eq!(send(&a, &sender, &like).await, 202);
    let vote_id = format!("{}#votes/1", sender.actor);
    let vote = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{vote_id}/activity"),
        "type": "Create",
        "actor": sender.actor,
        "object": {
            "id": vote_id,
            "type": "Note",
            "name": "Fietsenrek",
            "attributedTo": sender.actor,
            "inReplyTo": p3_ap,
            "to": [group],
        },
        "to": [group],
    });
    assert_eq!(send(&a, &sender, &vote).await, 202);
    let boost = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fresh(&b.base, "boosts"),
        "type": "Announce",
        "actor": sender.actor,
        "object": p3_ap,
        "to": [public],
    });
    assert_eq!(send(&a, &sender, &boost).await, 202);
    assert_eq!(ballots().await, before, "no ballot added or changed");
    assert_eq!(
        fediverse_like::Entity::find()
            .count(&db_a.conn)
            .await
            .expect("likes"),
        0,
        "no like counted"
    );
    assert!(
        project_comments(&a, p3).await.is_empty(),
        "a vote is not a comment either"
    );

    // Until staff publish the outcome there is no outcome document.
    let outcome_path = format!("/budgets/{}/outcome", budget.id);
    visitor
        .get_with_accept(&outcome_path, "application/activity+json")
        .await
        .expect(404);
    let app = a.app();
    let admin = inspraak_db::users::find_local_by_username(app.conn(), "beheer")
        .await
        .expect("db")
        .expect("admin");
    let outcome = budgets::publish_outcome(app, Caller::new(Some(&admin)), &budget.id)
        .await
        .expect("outcome published");
    let funded = outcome.funded_ids();
    assert_eq!(funded.len(), 3, "{funded:?}");
    assert!(
        !funded.contains(&p3.to_owned()),
        "the fediverse vote did not count"
    );

    // The group announces the outcome, an Article listing the funded projects; B gets it.
    let expected = json!([p1_ap, p2_ap, p4_ap]);
    let (outcome_announce, announced) =
        stored_activity(&a, "Announce", &["fundedProjects", "\"Article\""]).await;
    assert_eq!(announced["actor"], group.as_str());
    let article = &announced["object"];
    assert_eq!(article["type"], "Article");
    assert_eq!(article["id"], format!("{}{outcome_path}", a.base).as_str());
    assert_eq!(article["attributedTo"], group.as_str());
    assert_eq!(article["name"], "Uitslag: Buurtbudget 2027");
    assert_eq!(article["fundedProjects"], expected);
    let summary = article["summary"].as_str().expect("summary");
    assert!(
        summary.contains("Noord: Speeltuin Noord (€\u{a0}20.000), Bankjes (€\u{a0}5.000).")
            && summary.contains("Zuid: Buurttuin (€\u{a0}8.000)."),
        "{summary}"
    );
    let html = article["content"].as_str().expect("content");
    assert!(
        html.contains(&format!("<a href=\"{p1_ap}\">Speeltuin Noord</a>")),
        "{html}"
    );
    assert!(html.contains("2 stemmen"), "{html}");
    received_by(&b, &outcome_announce, "B receives the outcome").await;
    let on_copy = inspraak_db::proposals::list_for_consultation(&db_b.conn, &copy.id)
        .await
        .expect("proposals");
    assert!(on_copy.is_empty(), "the outcome is not a proposal on B");

    // The outcome is served at its id too.
    let served = visitor
        .get_with_accept(&outcome_path, "application/activity+json")
        .await;
    served.expect(200);
    let document = served.json();
    assert_eq!(document["type"], "Article");
    assert_eq!(document["fundedProjects"], expected);
    assert_eq!(
        document["@context"][2]["fundedProjects"],
        json!({"@id": "inspraak:fundedProjects", "@type": "@id"})
    );

    // Fediverse activity about the projects added none.
    let projects = budget_project::Entity::find()
        .count(&db_a.conn)
        .await
        .expect("projects");
    assert_eq!(projects, 4);
}
