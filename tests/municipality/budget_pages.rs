//! Participatory budgets through the HTML pages, as staff and residents use them without
//! JavaScript: areas, a budget with two districts, projects (one with an image, one promoted
//! from an accepted proposal), letter codes that carry a district, the ballot form's totals and
//! problems, the confirmation step, and the explained outcome after voting ends.

use crate::{consultation, generate_codes, instance_with_admin, propose, resident};
use inspraak_tests::{Browser, Page, extract_all, extract_between};

fn day(offset: i64) -> String {
    (inspraak_app::clock::today() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Adds an area through the admin page; returns its id.
async fn area(admin: &mut Browser, slug: &str, name: &str) -> String {
    admin
        .submit(
            "/admin/areas",
            "/admin/areas",
            &[("slug", slug), ("name", name)],
        )
        .await
        .expect(303);
    let page = admin.get("/admin/areas").await;
    extract_between(
        &page.body,
        "data-area=\"",
        &format!("\" data-slug=\"{slug}\""),
    )
    .map(|s| s.rsplit('"').next().unwrap_or(&s).to_owned())
    .expect("area row")
}

/// Sets the consultation's only phase to `kind` from `from` to `to` days from today.
async fn set_phase(admin: &mut Browser, id: &str, kind: &str, from: i64, to: i64) {
    let edit = format!("/admin/consultations/{id}/edit");
    let (a, b) = (day(from), day(to));
    let page = admin
        .submit(
            &edit,
            &format!("/admin/consultations/{id}/phases"),
            &[
                ("phase0_kind", kind),
                ("phase0_starts_on", &a),
                ("phase0_ends_on", &b),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

/// The project ids on a budget page, in order, with whether the visitor may choose them.
fn projects(page: &Page) -> Vec<(String, bool)> {
    page.data_all("project")
        .into_iter()
        .map(|id| {
            let choosable = page.body.contains(&format!("id=\"choose-{id}\""));
            (id, choosable)
        })
        .collect()
}

async fn ballot(browser: &mut Browser, budget: &str, step: &str, chosen: &[&str]) -> Page {
    let token = browser.get(&format!("/budgets/{budget}")).await.csrf();
    let mut fields = vec![("csrf_token", token.as_str()), ("step", step)];
    fields.extend(chosen.iter().map(|id| ("project", *id)));
    browser
        .post(&format!("/budgets/{budget}/ballot"), &fields)
        .await
}

async fn add_project(admin: &mut Browser, budget: &str, fields: &[(&str, &str)]) -> Page {
    let token = admin.get(&format!("/admin/budgets/{budget}")).await.csrf();
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    admin
        .post_multipart(&format!("/admin/budgets/{budget}/projects"), form)
        .await
}

#[tokio::test]
async fn staff_set_up_a_district_budget_and_residents_vote_in_their_own_district() {
    let (instance, mut admin) = instance_with_admin().await;
    let noord = area(&mut admin, "noord", "Noord").await;
    let zuid = area(&mut admin, "zuid", "Zuid").await;
    admin
        .submit(
            "/admin/areas",
            "/admin/areas",
            &[("slug", "noord"), ("name", "Nog eens")],
        )
        .await
        .expect(422)
        .expect_problem("slug", "taken");

    let (cid, slug) = consultation(&mut admin, "Wijkbudget", "proposals", &[]).await;
    let new_form = format!("/admin/consultations/{cid}/budgets/new");
    let action = format!("/admin/consultations/{cid}/budgets");
    let noord_field = format!("areas.{noord}");
    let zuid_field = format!("areas.{zuid}");
    let bad = admin
        .submit(
            &new_form,
            &action,
            &[
                ("title", "Wijkbudget 2027"),
                (noord_field.as_str(), "veel"),
                ("method", "approval"),
                ("min_projects", "3"),
                ("max_projects", "2"),
                ("rule", "borda"),
            ],
        )
        .await;
    bad.expect(422);
    for field in [noord_field.as_str(), "max_projects", "rule"] {
        assert!(
            bad.problems().iter().any(|(f, _)| f == field),
            "{field}: {:?}",
            bad.problems()
        );
    }
    let made = admin
        .submit(
            &new_form,
            &action,
            &[
                ("title", "Wijkbudget 2027"),
                ("description", "Kies projecten voor je wijk."),
                (noord_field.as_str(), "€ 60.000"),
                (zuid_field.as_str(), "40000"),
                ("method", "knapsack"),
                ("min_percent", "0"),
                ("rule", "equal-shares"),
                ("caps", "Groen: 50"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let budget = extract_between(
        made.location.as_deref().unwrap_or(""),
        "/admin/budgets/",
        "?",
    )
    .expect("budget url");
    let manage = admin.get(&format!("/admin/budgets/{budget}")).await;
    let budget_areas = extract_all(&manage.body, "<option value=\"", "\"");
    let (b_noord, b_zuid) = (budget_areas[1].clone(), budget_areas[2].clone());

    // A project with an image; an SVG is no image; a project that is not feasible needs a why.
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let token = admin.get(&format!("/admin/budgets/{budget}")).await.csrf();
    let with_image = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("title", "Buurtmoestuin")
        .text("cost", "35.000")
        .text("area", b_noord.clone())
        .text("categories", "Groen")
        .text("feasible", "on")
        .text("image_alt", "Een tekening van de moestuin")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png).file_name("tuin.png"),
        );
    let stored = admin
        .post_multipart(&format!("/admin/budgets/{budget}/projects"), with_image)
        .await;
    assert_eq!(stored.status, 303, "{}", stored.body);
    let svg = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("title", "Kunstwerk")
        .text("cost", "1000")
        .text("area", b_noord.clone())
        .text("feasible", "on")
        .text("image_alt", "Een kunstwerk")
        .part(
            "image",
            reqwest::multipart::Part::bytes(b"<svg onload=alert(1)>".to_vec()).file_name("x.svg"),
        );
    admin
        .post_multipart(&format!("/admin/budgets/{budget}/projects"), svg)
        .await
        .expect(422)
        .expect_problem("image", "unknown_choice");
    add_project(
        &mut admin,
        &budget,
        &[
            ("title", "Tunnel"),
            ("cost", "2.500.000"),
            ("area", &b_noord),
        ],
    )
    .await
    .expect(422)
    .expect_problem("feasibility_note", "required");
    add_project(
        &mut admin,
        &budget,
        &[
            ("title", "Tunnel"),
            ("cost", "2.500.000"),
            ("area", &b_noord),
            ("feasibility_note", "Valt onder ProRail."),
        ],
    )
    .await
    .expect(303);
    for (title, cost, area) in [
        ("Bankjes", "20.000", &b_noord),
        ("Lantaarns", "30.000", &b_noord),
        ("Speeltuin", "25.000", &b_zuid),
    ] {
        add_project(
            &mut admin,
            &budget,
            &[
                ("title", title),
                ("cost", cost),
                ("area", area),
                ("feasible", "on"),
            ],
        )
        .await
        .expect(303);
    }

    // An accepted proposal becomes a project that keeps the link.
    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let proposal = propose(&mut anna, &slug, "Geveltuinen in Zuid").await;
    admin
        .submit(
            &format!("/proposals/{proposal}"),
            &format!("/proposals/{proposal}/answer"),
            &[("status", "accepted"), ("answer", "Goed idee.")],
        )
        .await
        .expect(303);
    let prefilled = admin
        .get(&format!("/admin/budgets/{budget}?from_proposal={proposal}"))
        .await;
    assert!(prefilled.body.contains("value=\"Geveltuinen in Zuid\""));
    add_project(
        &mut admin,
        &budget,
        &[
            ("title", "Geveltuinen in Zuid"),
            ("cost", "15.000"),
            ("area", &b_zuid),
            ("feasible", "on"),
            ("proposal", &proposal),
        ],
    )
    .await
    .expect(303);
    add_project(
        &mut admin,
        &budget,
        &[
            ("title", "Nog eens"),
            ("cost", "1"),
            ("area", &b_zuid),
            ("feasible", "on"),
            ("proposal", &proposal),
        ],
    )
    .await
    .expect(422)
    .expect_problem("proposal", "taken");

    // Letter codes printed for Noord verify a resident of Noord.
    let codes = generate_codes_for(&mut admin, &noord).await;
    let mut bram = instance.browser();
    bram.register("bram", crate::RESIDENT_PASSWORD)
        .await
        .expect(303);
    bram.submit("/account", "/account/verify", &[("code", &codes[0])])
        .await
        .expect(303);

    // A resident checked in person gets her district recorded by the admin.
    let mut eva = instance.browser();
    eva.register("eva", crate::RESIDENT_PASSWORD)
        .await
        .expect(303);
    let eva_id = crate::account_id(&mut admin, "eva").await;
    let token = admin.get("/admin/accounts").await.csrf();
    admin
        .post(
            &format!("/admin/accounts/{eva_id}/verify"),
            &[("csrf_token", &token), ("area", &zuid)],
        )
        .await
        .expect(303);

    // Voting opens.
    set_phase(&mut admin, &cid, "budgeting", -1, 5).await;
    let page = bram.get(&format!("/budgets/{budget}")).await;
    page.expect(200);
    assert_eq!(page.element("budget").expect_data("can-vote"), "true");
    let all = projects(&page);
    assert_eq!(all.len(), 6);
    let title_of = |id: &str| {
        extract_between(&page.body, &format!("for=\"choose-{id}\">"), "<").unwrap_or_default()
    };
    let choosable: Vec<String> = all
        .iter()
        .filter(|(_, c)| *c)
        .map(|(id, _)| id.clone())
        .collect();
    // Noord's feasible projects only: the tunnel and Zuid's projects cannot be chosen.
    assert_eq!(choosable.len(), 3, "{choosable:?}");
    let tuin = choosable
        .iter()
        .find(|id| title_of(id) == "Buurtmoestuin")
        .expect("moestuin")
        .clone();
    let bankjes = choosable
        .iter()
        .find(|id| title_of(id) == "Bankjes")
        .expect("bankjes")
        .clone();
    let lantaarns = choosable
        .iter()
        .find(|id| title_of(id) == "Lantaarns")
        .expect("lantaarns")
        .clone();
    let zuid_project = all
        .iter()
        .find(|(id, _)| {
            page.body
                .contains(&format!("data-project=\"{id}\" data-number=\"5\""))
        })
        .map(|(id, _)| id.clone())
        .expect("speeltuin");

    let eva_page = eva.get(&format!("/budgets/{budget}")).await;
    assert!(
        !eva_page.body.contains(&format!("id=\"choose-{tuin}\"")),
        "Noord is not Eva's district"
    );
    assert!(
        eva_page
            .body
            .contains(&format!("id=\"choose-{zuid_project}\""))
    );

    // Recalculating shows the totals and every broken rule, and stores nothing.
    let over = ballot(
        &mut bram,
        &budget,
        "recalculate",
        &[&tuin, &bankjes, &lantaarns, &zuid_project],
    )
    .await;
    over.expect(422);
    let problems = over.data_all("problem");
    assert!(problems.contains(&"over_budget".to_owned()), "{problems:?}");
    assert!(
        problems.contains(&"outside_area".to_owned()),
        "{problems:?}"
    );
    assert!(over.has_id("total-spent"));
    assert_eq!(
        bram.get(&format!("/budgets/{budget}"))
            .await
            .element("budget")
            .expect_data("voted"),
        "false"
    );
    // The green cap (50% of 60.000) also holds in the outcome, not on the ballot.
    let ok = ballot(&mut bram, &budget, "recalculate", &[&tuin, &bankjes]).await;
    ok.expect(200);
    assert!(ok.data_all("problem").is_empty());
    // Review, then confirm.
    let review = ballot(&mut bram, &budget, "review", &[&tuin, &bankjes]).await;
    review.expect(200);
    assert_eq!(review.element("review-table").expect_data("count"), "2");
    let confirmed = ballot(&mut bram, &budget, "confirm", &[&tuin, &bankjes]).await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let voted = bram.get(&format!("/budgets/{budget}")).await;
    assert_eq!(voted.element("budget").expect_data("voted"), "true");
    assert_eq!(
        voted
            .element(&format!("project-{tuin}"))
            .expect_data("chosen"),
        "true"
    );
    // Changing the ballot replaces it.
    ballot(&mut bram, &budget, "confirm", &[&lantaarns])
        .await
        .expect(303);
    let changed = bram.get(&format!("/budgets/{budget}")).await;
    assert_eq!(
        changed
            .element(&format!("project-{tuin}"))
            .expect_data("chosen"),
        "false"
    );
    assert_eq!(
        changed
            .element(&format!("project-{lantaarns}"))
            .expect_data("chosen"),
        "true"
    );
    // The public sees no outcome while voting runs.
    let mut visitor = instance.browser();
    let early = visitor.get(&format!("/budgets/{budget}/outcome")).await;
    early.expect(200);
    assert!(early.has_id("outcome-later"));

    // Residents discuss a project on its page.
    let commented = anna
        .submit(
            &format!("/projects/{tuin}"),
            &format!("/projects/{tuin}/comments"),
            &[("body", "Mooi plan voor de buurt."), ("stance", "for")],
        )
        .await;
    assert_eq!(commented.status, 303, "{}", commented.body);
    let discussed = visitor.get(&format!("/projects/{tuin}")).await;
    assert!(discussed.body.contains("Mooi plan voor de buurt."));

    // Voting ends: the outcome explains every project.
    let mut dewi = resident(&instance, &mut admin, "dewi", true).await;
    set_phase(&mut admin, &cid, "budgeting", -1, 5).await;
    // Dewi has no district on record: her ballot falls in the district of what she chose.
    ballot(&mut dewi, &budget, "confirm", &[&zuid_project])
        .await
        .expect(303);
    set_phase(&mut admin, &cid, "budgeting", -10, -1).await;
    let late = ballot(&mut bram, &budget, "confirm", &[&tuin]).await;
    late.expect(409);
    let outcome = visitor.get(&format!("/budgets/{budget}/outcome")).await;
    outcome.expect(200);
    assert_eq!(outcome.element("outcome").expect_data("status"), "closed");
    let row = outcome.element(&format!("outcome-{lantaarns}"));
    assert_eq!(row.expect_data("funded"), "true");
    assert_eq!(
        outcome
            .element(&format!("outcome-{tuin}"))
            .expect_data("reason"),
        "no_votes"
    );
    assert_eq!(
        outcome
            .element(&format!("outcome-{zuid_project}"))
            .expect_data("funded"),
        "true"
    );
    assert!(outcome.body.contains("data-reason=\"not_feasible\""));
    // Bram's ballot after closing changed nothing.
    assert_eq!(
        outcome
            .element(&format!("outcome-{lantaarns}"))
            .expect_data("votes"),
        "1"
    );

    // Each district's ballots download as a Pabulib file, which staff can import through the
    // form as a closed budget with the same outcome.
    let exports = extract_all(
        &outcome.body,
        "<a href=\"/api/v1/budgets/",
        "\" class=\"pabulib-export\"",
    );
    assert_eq!(exports.len(), 2, "one file per district");
    let file = visitor
        .get(&format!("/api/v1/budgets/{}", exports[0]))
        .await;
    file.expect(200);
    assert!(file.body.starts_with("META"), "{}", file.body);
    let import_form = format!("/admin/consultations/{cid}/budgets/import");
    let token = admin.get(&import_form).await.csrf();
    let upload = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(file.body.clone().into_bytes()).file_name("noord.pb"),
        );
    let imported = admin.post_multipart(&import_form, upload).await;
    assert_eq!(imported.status, 303, "{}", imported.body);
    let copy = admin.get(imported.location.as_deref().unwrap_or("")).await;
    assert_eq!(copy.element("outcome").expect_data("status"), "closed");
    let funded = |page: &Page| page.body.matches("data-funded=\"true\"").count();
    let original = outcome
        .body
        .split("outcome-area-2")
        .next()
        .unwrap_or("")
        .matches("data-funded=\"true\"")
        .count();
    assert_eq!(funded(&copy), original);
    let broken = reqwest::multipart::Form::new().text("csrf_token", token).part(
        "file",
        reqwest::multipart::Part::bytes(b"META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;-5\nVOTES\nvoter_id;vote\n1;1\n".to_vec()).file_name("kapot.pb"),
    );
    let refused = admin.post_multipart(&import_form, broken).await;
    refused.expect(422);
    assert!(
        refused.element("import-problem").contains("line 6"),
        "{}",
        refused.body
    );

    // The project page keeps the image and the link to the proposal.
    let project_page = visitor.get(&format!("/projects/{tuin}")).await;
    let image = extract_between(&project_page.body, "src=\"/media/", "\"").expect("image");
    let served = visitor.get(&format!("/media/{image}")).await;
    served.expect(200);
    let promoted = projects(&page)
        .into_iter()
        .find(|(id, _)| {
            page.body
                .contains(&format!("data-project=\"{id}\" data-number=\"6\""))
        })
        .map(|(id, _)| id)
        .expect("promoted project");
    let promoted_page = visitor.get(&format!("/projects/{promoted}")).await;
    assert_eq!(
        promoted_page
            .element("from-proposal")
            .attr("href")
            .as_deref(),
        Some(format!("/proposals/{proposal}").as_str())
    );
    let proposal_page = visitor.get(&format!("/proposals/{proposal}")).await;
    assert_eq!(
        proposal_page
            .element("became-project")
            .expect_data("project"),
        promoted
    );
}

/// Letter codes printed for one area.
async fn generate_codes_for(admin: &mut Browser, area: &str) -> Vec<String> {
    let page = admin
        .submit(
            "/admin/verification-codes",
            "/admin/verification-codes",
            &[
                ("batch", "Brief Noord"),
                ("count", "2"),
                ("valid_days", "30"),
                ("area", area),
                ("format", "html"),
            ],
        )
        .await;
    page.expect(200);
    let codes = extract_all(&page.body, "<code class=\"verification-code\">", "</code>");
    assert_eq!(codes.len(), 2);
    // Without an area the same form still works.
    assert!(!generate_codes(admin, "1").await.is_empty());
    codes
}
