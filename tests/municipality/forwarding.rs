//! Forwarding a proposal to the competent authority, over real HTTP on loopback: a
//! municipality (`gemeente-a.test`), a province (`provincie.test`) and a neighbour
//! (`gemeente-b.test`). A forward (`Offer`) is accepted (`Accept{result}`) and answered
//! twice, with each status flowing back (`Update`) to the origin's page, JSON and the
//! author's account page; another is declined with a reason (`Reject`); `Offer`s from a
//! person or of someone else's object are refused; the API refuses bad input and changes
//! nothing.

use super::deals::{audit, province, token};
use super::federation::{eventually, named_with_admin};
use super::{consultation, propose, resident};
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};

/// A published proposal by a resident of `instance`, supported by another; returns the
/// proposal's id and the author's browser.
async fn supported_proposal(instance: &TestInstance, admin: &mut Browser) -> (String, Browser) {
    let (_, slug) = consultation(admin, "Fietsroutes", "proposals", &[]).await;
    let mut anna = resident(instance, admin, "anna", true).await;
    let proposal = propose(&mut anna, &slug, "Fietspad langs de provinciale weg").await;
    let mut bert = resident(instance, admin, "bert", true).await;
    bert.submit(
        &format!("/proposals/{proposal}"),
        &format!("/proposals/{proposal}/support"),
        &[],
    )
    .await
    .expect(303);
    (proposal, anna)
}

/// A proposal's JSON.
async fn proposal_json(instance: &TestInstance, id: &str) -> Value {
    let page = instance
        .browser()
        .get(&format!("/api/v1/proposals/{id}"))
        .await;
    page.expect(200);
    page.json()
}

/// Every forward of an instance (admin token).
async fn forwards(instance: &TestInstance, token: &str) -> Value {
    let page = instance
        .browser()
        .api(Method::GET, "/api/v1/forwards", Some(token), None)
        .await;
    page.expect(200);
    page.json()
}

/// Waits until `instance` has received a forward; returns its id.
async fn until_received(instance: &TestInstance, token: &str) -> String {
    eventually("the forward arrives", || async move {
        forwards(instance, token).await["received"][0]["id"]
            .as_str()
            .map(str::to_owned)
    })
    .await
}

/// Waits until our forward of `proposal` satisfies `check`; returns it.
async fn until_forward(
    instance: &TestInstance,
    proposal: &str,
    what: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let check = &check;
    eventually(what, || async move {
        let json = proposal_json(instance, proposal).await;
        let forward = json["forwards"][0].clone();
        check(&forward).then_some(forward)
    })
    .await
}

/// The `status` entries of a forward's history.
fn statuses(forward: &Value) -> Vec<String> {
    forward["history"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter(|e| e["kind"] == "status")
                .filter_map(|e| e["status"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_forward_to_the_province_is_accepted_and_every_status_flows_back() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (proposal, mut anna) = supported_proposal(&a, &mut admin_a).await;
    let supports = proposal_json(&a, &proposal).await["supports"].clone();
    assert_eq!(supports, 1, "one resident supports it");
    let (consultation_p, _) =
        consultation(&mut admin_p, "Provinciale wegen", "proposals", &[]).await;
    let token_p = token(&mut admin_p).await;

    // A's staff forward it from the proposal page, by the province's handle.
    let handle = format!("@provincie@{}:{}", p.host, p.port);
    let sent = admin_a
        .submit(
            &format!("/proposals/{proposal}"),
            &format!("/admin/proposals/{proposal}/forward"),
            &[
                ("target", &handle),
                ("note", "De provincie beheert deze weg."),
            ],
        )
        .await;
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/proposals/{proposal}?notice=forwarded").as_str()),
        "{sent:?}"
    );
    let ours = proposal_json(&a, &proposal).await;
    assert_eq!(ours["forwards"][0]["state"], "sent", "{ours}");

    // It waits in the province's queue, with the note and the supports as a figure.
    let forward_id = until_received(&p, &token_p).await;
    let received = &forwards(&p, &token_p).await["received"][0];
    assert_eq!(received["state"], "pending");
    assert_eq!(received["title"], "Fietspad langs de provinciale weg");
    assert_eq!(received["note"], "De provincie beheert deze weg.");
    assert_eq!(received["supports"], 1);
    assert_eq!(
        received["proposal"].as_str(),
        Some(format!("{}/proposals/{proposal}", a.base).as_str())
    );
    let queue = admin_p.get("/admin/forwards").await;
    queue.expect(200);
    assert_eq!(
        queue
            .element(&format!("forward-{forward_id}"))
            .data("forward-state")
            .as_deref(),
        Some("pending")
    );

    // The province takes it on in one of its consultations.
    let accepted = admin_p
        .submit(
            "/admin/forwards",
            &format!("/admin/forwards/{forward_id}/accept"),
            &[("consultation", &consultation_p)],
        )
        .await;
    assert_eq!(
        accepted.location.as_deref(),
        Some("/admin/forwards?notice=forward_accepted"),
        "{accepted:?}"
    );
    let local = forwards(&p, &token_p).await["received"][0]["local_proposal_id"]
        .as_str()
        .expect("a local proposal")
        .to_owned();
    let local_page = p.browser().get(&format!("/proposals/{local}")).await;
    local_page.expect(200);
    let origin = local_page.element("forwarded-from");
    assert_eq!(origin.data("original-supports").as_deref(), Some("1"));
    assert_eq!(
        origin.data("original-url").as_deref(),
        Some(format!("{}/proposals/{proposal}", a.base).as_str())
    );
    let local_json = proposal_json(&p, &local).await;
    assert_eq!(local_json["forwarded_from"]["supports"], 1, "{local_json}");
    let result = format!("{}/proposals/{local}", p.base);
    until_forward(&a, &proposal, "A hears it was accepted", |f| {
        f["state"] == "accepted" && f["result"] == result.as_str()
    })
    .await;

    // Two answers on the province: a status change, then the official answer.
    for (status, text) in [
        (
            "under_consideration",
            "We bekijken het met de wegbeheerder.",
        ),
        ("accepted", "Het fietspad komt er in 2028."),
    ] {
        admin_p
            .submit(
                &format!("/proposals/{local}"),
                &format!("/proposals/{local}/answer"),
                &[("status", status), ("answer", text)],
            )
            .await
            .expect(303);
    }
    let forward = until_forward(&a, &proposal, "both answers reach A", |f| {
        statuses(f).len() == 2
    })
    .await;
    assert_eq!(statuses(&forward), ["In behandeling", "Aangenomen"]);
    assert_eq!(forward["status"], "Aangenomen");
    assert!(
        forward["answer_html"]
            .as_str()
            .is_some_and(|a| a.contains("Het fietspad komt er in 2028.")),
        "{forward}"
    );
    let kinds: Vec<&str> = forward["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["sent", "accepted", "status", "status"]);

    // A delivery that arrives late (a retried one) cannot undo a later status: the page's
    // `updated` orders them.
    let mut older = p
        .browser()
        .get_with_accept(&format!("/proposals/{local}"), "application/activity+json")
        .await
        .json();
    older["status"] = json!("In behandeling");
    older["updated"] = json!("2026-01-01T00:00:00Z");
    let sender = Sender::of(&p, "/organization", "/organization").await;
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{}", p.base, uuid::Uuid::now_v7()),
        "type": "Update",
        "actor": sender.actor,
        "to": [format!("{}/organization", a.base)],
        "object": older,
    });
    let body = serde_json::to_vec(&update).expect("json");
    let (code, _) = post_signed(&a, "/inbox", &body, &sender, None).await;
    assert!(code < 300, "the late update is taken and ignored: {code}");
    let after = until_forward(&a, &proposal, "the late update is handled", |_| true).await;
    assert_eq!(after["status"], "Aangenomen", "{after}");
    assert_eq!(statuses(&after).len(), 2);

    // A's proposal page shows the state, the latest status and the history.
    let page = a.browser().get(&format!("/proposals/{proposal}")).await;
    page.expect(200);
    let shown = page.element(&format!("forward-{}", forward["id"].as_str().unwrap_or("")));
    assert_eq!(shown.data("forward-state").as_deref(), Some("accepted"));
    assert_eq!(shown.data("forward-status").as_deref(), Some("Aangenomen"));
    assert!(
        shown.contains("Provincie") || shown.contains(&p.host),
        "{}",
        page.body
    );
    let shown_statuses: Vec<String> = page
        .data_all("event-status")
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(shown_statuses, ["In behandeling", "Aangenomen"]);

    // The author sees it on their account page.
    let account = anna.get("/account").await;
    account.expect(200);
    let list = account.element("forwarded");
    assert_eq!(
        list.data_within("forward-state").as_deref(),
        Some("accepted")
    );
    assert_eq!(
        list.data_within("forward-status").as_deref(),
        Some("Aangenomen")
    );

    // Every step is audited on both sides.
    let log_a = audit(&mut admin_a).await;
    for action in [
        "forward.send",
        "forward.accept_received",
        "forward.status_received",
    ] {
        assert!(log_a.contains(action), "{action} in A's log");
    }
    let log_p = audit(&mut admin_p).await;
    for action in ["forward.received", "forward.accept", "forward.status_send"] {
        assert!(log_p.contains(action), "{action} in the province's log");
    }
}

#[tokio::test]
async fn a_forward_declined_by_the_neighbour_shows_the_reason_on_the_origin() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (proposal, _anna) = supported_proposal(&a, &mut admin_a).await;
    let token_a = token(&mut admin_a).await;
    let token_b = token(&mut admin_b).await;
    let made = a
        .browser()
        .api(
            Method::POST,
            &format!("/api/v1/proposals/{proposal}/forwards"),
            Some(&token_a),
            Some(
                json!({"target": format!("{}/organization", b.base), "note": "Grenst aan jullie."}),
            ),
        )
        .await;
    made.expect(201);
    assert_eq!(made.json()["state"], "sent");
    let forward_id = until_received(&b, &token_b).await;
    let declined = admin_b
        .submit(
            "/admin/forwards",
            &format!("/admin/forwards/{forward_id}/decline"),
            &[("reason", "De weg ligt niet in onze gemeente.")],
        )
        .await;
    assert_eq!(
        declined.location.as_deref(),
        Some("/admin/forwards?notice=forward_declined"),
        "{declined:?}"
    );
    let forward = until_forward(&a, &proposal, "A hears it was declined", |f| {
        f["state"] == "declined"
    })
    .await;
    assert_eq!(forward["reason"], "De weg ligt niet in onze gemeente.");
    let page = a.browser().get(&format!("/proposals/{proposal}")).await;
    let shown = page.element(&format!("forward-{}", forward["id"].as_str().unwrap_or("")));
    assert_eq!(shown.data("forward-state").as_deref(), Some("declined"));
    assert!(shown.contains("De weg ligt niet in onze gemeente."));
    assert!(
        audit(&mut admin_a)
            .await
            .contains("forward.decline_received")
    );
    assert!(audit(&mut admin_b).await.contains("forward.decline"));
}

#[tokio::test]
async fn offers_from_a_person_or_of_another_hosts_object_are_refused_and_nothing_is_stored() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (m, mut admin_m) = named_with_admin("gemeente-m.test").await;
    let (proposal, _anna) = supported_proposal(&m, &mut admin_m).await;
    let token_p = token(&mut admin_p).await;
    let page = format!("{}/proposals/{proposal}", m.base);
    let target = format!("{}/organization", p.base);
    let offer = |sender: &Sender, object: &str, target: &str| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{}", m.base, uuid::Uuid::now_v7()),
            "type": "Offer",
            "actor": sender.actor,
            "object": object,
            "target": target,
            "to": [target],
        }))
        .expect("json")
    };
    // A person (a fediverse-visible resident) may not forward.
    let mut kees = resident(&m, &mut admin_m, "kees", false).await;
    kees.submit(
        "/account",
        "/account/fediverse",
        &[("fediverse_visible", "on")],
    )
    .await;
    let person = Sender::of(&m, "/users/kees", "/users/kees").await;
    let (status, body) =
        post_signed(&p, "/inbox", &offer(&person, &page, &target), &person, None).await;
    assert_eq!(status, 403, "{body}");
    // The organization may not forward another host's object.
    let organization = Sender::of(&m, "/organization", "/organization").await;
    let elsewhere = format!("{}/proposals/{}", p.base, uuid::Uuid::now_v7());
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &offer(&organization, &elsewhere, &target),
        &organization,
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    // Nor forward to someone other than our organization.
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &offer(&organization, &page, &format!("{}/organization", m.base)),
        &organization,
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // Nothing was stored or audited.
    let all = forwards(&p, &token_p).await;
    assert_eq!(all["received"].as_array().map(Vec::len), Some(0), "{all}");
    assert!(!audit(&mut admin_p).await.contains("forward.received"));
    // A proper one is taken (the checks above are not refusing everything).
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &offer(&organization, &page, &target),
        &organization,
        None,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    until_received(&p, &token_p).await;
}

#[tokio::test]
async fn the_api_forwards_accepts_and_declines_and_refuses_bad_input_without_changes() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (proposal, mut anna) = supported_proposal(&a, &mut admin_a).await;
    let (consultation_p, _) =
        consultation(&mut admin_p, "Provinciale wegen", "proposals", &[]).await;
    let token_a = token(&mut admin_a).await;
    let token_p = token(&mut admin_p).await;
    let resident_token = token(&mut anna).await;
    let forward = |target: Value| json!({"target": target, "note": "Graag uw oordeel."});
    let path = format!("/api/v1/proposals/{proposal}/forwards");
    let mut api_a = a.browser();

    // Bad input: nobody there, not an organization, no target, a resident's token.
    let nobody = format!("@niemand@{}:{}", p.host, p.port);
    api_a
        .api(
            Method::POST,
            &path,
            Some(&token_a),
            Some(forward(json!(nobody))),
        )
        .await
        .expect(400);
    let person = format!("{}/users/anna", a.base);
    api_a
        .api(
            Method::POST,
            &path,
            Some(&token_a),
            Some(forward(json!(person))),
        )
        .await
        .expect(400);
    api_a
        .api(
            Method::POST,
            &path,
            Some(&token_a),
            Some(forward(json!(""))),
        )
        .await
        .expect(422);
    let organization_p = format!("{}/organization", p.base);
    api_a
        .api(
            Method::POST,
            &path,
            Some(&resident_token),
            Some(forward(json!(organization_p))),
        )
        .await
        .expect(403);
    api_a
        .api(
            Method::POST,
            &path,
            None,
            Some(forward(json!(organization_p))),
        )
        .await
        .expect(401);
    assert_eq!(
        forwards(&a, &token_a).await["sent"]
            .as_array()
            .map(Vec::len),
        Some(0),
        "nothing sent"
    );

    // A good one, and the same again is a conflict.
    api_a
        .api(
            Method::POST,
            &path,
            Some(&token_a),
            Some(forward(json!(organization_p))),
        )
        .await
        .expect(201);
    api_a
        .api(
            Method::POST,
            &path,
            Some(&token_a),
            Some(forward(json!(organization_p))),
        )
        .await
        .expect(409);
    let forward_id = until_received(&p, &token_p).await;
    let mut api_p = p.browser();
    let accept = format!("/api/v1/forwards/{forward_id}/accept");
    let decline = format!("/api/v1/forwards/{forward_id}/decline");

    // Accepting into no consultation, or declining without a reason, changes nothing.
    api_p
        .api(
            Method::POST,
            &accept,
            Some(&token_p),
            Some(json!({"consultation": "bestaat-niet"})),
        )
        .await
        .expect(422);
    api_p
        .api(
            Method::POST,
            &decline,
            Some(&token_p),
            Some(json!({"reason": "  "})),
        )
        .await
        .expect(422);
    assert_eq!(
        forwards(&p, &token_p).await["received"][0]["state"],
        "pending"
    );

    // Accepted once; accepting or declining again is refused.
    let accepted = api_p
        .api(
            Method::POST,
            &accept,
            Some(&token_p),
            Some(json!({"consultation": consultation_p})),
        )
        .await;
    accepted.expect(200);
    let local = accepted.json()["proposal_id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert_eq!(accepted.json()["forward"]["state"], "accepted");
    api_p
        .api(
            Method::POST,
            &accept,
            Some(&token_p),
            Some(json!({"consultation": consultation_p})),
        )
        .await
        .expect(400);
    api_p
        .api(
            Method::POST,
            &decline,
            Some(&token_p),
            Some(json!({"reason": "Toch niet."})),
        )
        .await
        .expect(400);
    let all = forwards(&p, &token_p).await;
    assert_eq!(all["received"][0]["state"], "accepted");
    assert_eq!(all["received"][0]["local_proposal_id"], local.as_str());
    let proposals = p
        .browser()
        .get(&format!("/api/v1/consultations/{consultation_p}/proposals"))
        .await
        .json();
    assert_eq!(
        proposals.as_array().map(Vec::len),
        Some(1),
        "one proposal made: {proposals}"
    );
    until_forward(&a, &proposal, "A hears it was accepted", |f| {
        f["state"] == "accepted"
    })
    .await;
    // The OpenAPI document describes the calls.
    let doc = a.browser().get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/proposals/{id}/forwards",
        "/api/v1/forwards",
        "/api/v1/forwards/{id}/accept",
        "/api/v1/forwards/{id}/decline",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} in the OpenAPI document"
        );
    }
}
