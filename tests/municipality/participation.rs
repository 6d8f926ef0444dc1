//! The resident journey: register, verify, propose, support, comment, vote, see the answer;
//! and every refusal on the way changes nothing.

use super::{consultation, instance_with_admin, propose, resident};
use inspraak_tests::extract_all;

#[tokio::test]
async fn residents_propose_support_comment_and_read_the_official_answer() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(
        &mut admin,
        "Stationsplein",
        "proposals",
        &[("support_threshold", "2")],
    )
    .await;
    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let mut bram = resident(&instance, &mut admin, "bram", true).await;
    let mut chantal = resident(&instance, &mut admin, "chantal", false).await;

    // Anyone registered may propose (the consultation does not ask for verification).
    let id = propose(&mut anna, &slug, "Meer bomen op het plein").await;
    let mine = chantal_proposes(&mut chantal, &slug).await;
    let page = anna.get(&format!("/proposals/{id}")).await;
    page.expect(200);
    assert!(
        page.body.contains("Meer bomen op het plein")
            && page.body.contains("<strong>groen</strong>")
    );
    assert!(
        page.body.contains("#groen") && page.body.contains("#centrum"),
        "tags are normalised"
    );

    // Only verified residents support; an unverified one is refused and nothing changes.
    let refused = chantal
        .submit(
            &format!("/proposals/{id}"),
            &format!("/proposals/{id}/support"),
            &[],
        )
        .await;
    refused.expect(403);
    let token = chantal.get(&format!("/proposals/{id}")).await.csrf();
    let reason = chantal
        .post_json(
            &format!("/proposals/{id}/support"),
            &[("csrf_token", &token)],
        )
        .await;
    reason.expect(403);
    assert_eq!(reason.error_code(), "verification_required");
    let count = || async {
        instance
            .browser()
            .get(&format!("/api/v1/proposals/{id}"))
            .await
            .json()["supports"]
            .clone()
    };
    assert_eq!(count().await, 0);

    // Supporting twice counts once; withdrawing a support works while the phase allows.
    for _ in 0..2 {
        let done = anna
            .submit(
                &format!("/proposals/{id}"),
                &format!("/proposals/{id}/support"),
                &[],
            )
            .await;
        assert_eq!(done.status, 303);
    }
    bram.submit(
        &format!("/proposals/{id}"),
        &format!("/proposals/{id}/support"),
        &[],
    )
    .await
    .expect(303);
    assert_eq!(count().await, 2);
    let detail = instance
        .browser()
        .get(&format!("/api/v1/proposals/{id}"))
        .await
        .json();
    assert_eq!(detail["threshold_reached"], true);
    let page = bram.get(&format!("/proposals/{id}")).await;
    let progress = page.element(&format!("proposal-{id}"));
    assert_eq!(progress.data_within("support-count").as_deref(), Some("2"));
    assert_eq!(progress.data_within("threshold").as_deref(), Some("2"));
    assert_eq!(
        progress.data_within("reached").as_deref(),
        Some("true"),
        "the threshold is shown as reached"
    );
    assert!(page.body.contains("<progress"), "progress bar");
    bram.submit(
        &format!("/proposals/{id}"),
        &format!("/proposals/{id}/unsupport"),
        &[],
    )
    .await
    .expect(303);
    assert_eq!(count().await, 1);
    bram.submit(
        &format!("/proposals/{id}"),
        &format!("/proposals/{id}/support"),
        &[],
    )
    .await
    .expect(303);

    // A threaded discussion with stances.
    let posted = bram
        .submit(
            &format!("/proposals/{id}"),
            &format!("/proposals/{id}/comments"),
            &[("stance", "against"), ("body", "Bomen geven overlast.")],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let first = posted
        .location
        .as_deref()
        .unwrap_or("")
        .rsplit("#comment-")
        .next()
        .unwrap_or("")
        .to_owned();
    let reply = anna
        .submit(
            &format!("/comments/{first}/reply"),
            &format!("/comments/{first}/reply"),
            &[
                ("stance", "for"),
                ("body", "Niet als je de goede soort kiest."),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let second = reply
        .location
        .as_deref()
        .unwrap_or("")
        .rsplit("#comment-")
        .next()
        .unwrap_or("")
        .to_owned();
    let third = bram
        .submit(
            &format!("/comments/{second}/reply"),
            &format!("/comments/{second}/reply"),
            &[("body", "Welke soort dan?")],
        )
        .await;
    assert_eq!(third.status, 303);
    let page = anna.get(&format!("/proposals/{id}")).await;
    let depths = extract_all(&page.body, "class=\"comment depth-", " ");
    assert_eq!(depths, ["0", "1", "2"], "three levels, in reading order");
    assert_eq!(
        page.data_all("stance"),
        ["against", "for", "neutral"],
        "each comment keeps its stance"
    );

    // Editing: the author within the window; nobody else.
    let edited = bram
        .submit(
            &format!("/comments/{first}/edit"),
            &format!("/comments/{first}/edit"),
            &[
                ("stance", "neutral"),
                ("body", "Bomen geven soms overlast."),
            ],
        )
        .await;
    assert_eq!(edited.status, 303);
    anna.get(&format!("/comments/{first}/edit"))
        .await
        .expect(403);
    let token = anna.get("/account").await.csrf();
    anna.post(
        &format!("/comments/{first}/edit"),
        &[("csrf_token", &token), ("body", "Gekaapt")],
    )
    .await
    .expect(403);
    let page = anna.get(&format!("/proposals/{id}")).await;
    assert!(page.body.contains("Bomen geven soms overlast.") && !page.body.contains("Gekaapt"));

    // Deleting a comment with replies leaves a placeholder; the replies stay.
    let token = bram.get(&format!("/proposals/{id}")).await.csrf();
    bram.post(
        &format!("/comments/{first}/delete"),
        &[("csrf_token", &token)],
    )
    .await
    .expect(303);
    let page = anna.get(&format!("/proposals/{id}")).await;
    assert_eq!(
        page.element(&format!("comment-{first}"))
            .data("state")
            .as_deref(),
        Some("deleted"),
        "a placeholder stays"
    );
    assert!(!page.body.contains("Bomen geven soms overlast."));
    assert!(page.body.contains("Niet als je de goede soort kiest."));

    // The official answer, and its history.
    let answered = admin
        .submit(
            &format!("/proposals/{id}"),
            &format!("/proposals/{id}/answer"),
            &[
                ("status", "under_consideration"),
                ("answer", "We bekijken het."),
            ],
        )
        .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    admin
        .submit(
            &format!("/proposals/{id}"),
            &format!("/proposals/{id}/answer"),
            &[
                ("status", "accepted"),
                ("answer", "Het ontwerp krijgt **zes** bomen."),
            ],
        )
        .await
        .expect(303);
    let bad = admin
        .submit(
            &format!("/proposals/{id}"),
            &format!("/proposals/{id}/answer"),
            &[("status", "maybe"), ("answer", "")],
        )
        .await;
    bad.expect(422);
    anna.submit(
        &format!("/proposals/{id}"),
        &format!("/proposals/{id}/answer"),
        &[("status", "rejected"), ("answer", "Nee")],
    )
    .await
    .expect(403);
    let page = anna.get(&format!("/proposals/{id}")).await;
    assert_eq!(
        page.data("count").as_deref(),
        Some("2"),
        "both answers in the history"
    );
    assert_eq!(
        page.element(&format!("proposal-{id}"))
            .data("status")
            .as_deref(),
        Some("accepted")
    );
    assert!(page.body.contains("<strong>zes</strong>"));
    let api = instance
        .browser()
        .get(&format!("/api/v1/proposals/{id}"))
        .await
        .json();
    assert_eq!(api["status"], "accepted");
    assert_eq!(api["answers"].as_array().map(Vec::len), Some(2));

    // The author withdraws; the proposal stays readable but takes no supports or comments.
    let token = chantal.get(&format!("/proposals/{mine}")).await.csrf();
    chantal
        .post(
            &format!("/proposals/{mine}/withdraw"),
            &[("csrf_token", &token)],
        )
        .await
        .expect(303);
    anna.submit(
        &format!("/proposals/{mine}"),
        &format!("/proposals/{mine}/support"),
        &[],
    )
    .await
    .expect(409);
    let closed = anna
        .submit(
            &format!("/proposals/{mine}"),
            &format!("/proposals/{mine}/comments"),
            &[("body", "Jammer")],
        )
        .await;
    closed.expect(409);
    assert_eq!(
        anna.get(&format!("/proposals/{mine}"))
            .await
            .element(&format!("proposal-{mine}"))
            .data("state")
            .as_deref(),
        Some("withdrawn")
    );
    let token = anna.get("/account").await.csrf();
    anna.post(
        &format!("/proposals/{id}/withdraw"),
        &[("csrf_token", &token)],
    )
    .await
    .expect(303);
    let token = bram.get("/account").await.csrf();
    bram.post(
        &format!("/proposals/{id}/withdraw"),
        &[("csrf_token", &token)],
    )
    .await
    .expect(403);
}

async fn chantal_proposes(chantal: &mut inspraak_tests::Browser, slug: &str) -> String {
    propose(chantal, slug, "Waterspeelplaats voor kinderen").await
}

#[tokio::test]
async fn verified_residents_vote_and_may_change_their_ballot_until_the_poll_closes() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Begroting", "voting", &[]).await;
    let created = admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Welk project?"),
                ("options", "Moestuin\nVerlichting\nSpeeltuin"),
                ("results", "live"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let invalid = admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "?"),
                ("options", "Een"),
                ("closes_at", "gisteren"),
            ],
        )
        .await;
    invalid.expect(422);
    invalid.expect_problem("closes_at", "invalid_date");

    let polls = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    let poll = polls[0]["id"].as_str().expect("poll").to_owned();
    let option = |i: usize| {
        polls[0]["options"][i]["id"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    let (moestuin, verlichting) = (option(0), option(1));

    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let mut chantal = resident(&instance, &mut admin, "chantal", false).await;
    let page = format!("/consultations/{slug}");
    let voted = anna
        .submit(
            &page,
            &format!("/polls/{poll}/vote"),
            &[("option", &moestuin)],
        )
        .await;
    assert_eq!(voted.status, 303, "{}", voted.body);
    anna.submit(
        &page,
        &format!("/polls/{poll}/vote"),
        &[("option", &verlichting)],
    )
    .await
    .expect(303);
    let results = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    assert_eq!(
        results[0]["voters"], 1,
        "a changed ballot is still one ballot"
    );
    assert_eq!(results[0]["options"][0]["votes"], 0);
    assert_eq!(results[0]["options"][1]["votes"], 1);

    chantal
        .submit(
            &page,
            &format!("/polls/{poll}/vote"),
            &[("option", &moestuin)],
        )
        .await
        .expect(403);
    anna.submit(
        &page,
        &format!("/polls/{poll}/vote"),
        &[("option", &moestuin), ("option", &verlichting)],
    )
    .await
    .expect(422);
    anna.submit(
        &page,
        &format!("/polls/{poll}/vote"),
        &[("option", "not-an-option")],
    )
    .await
    .expect(422);
    anna.submit(&page, &format!("/polls/{poll}/vote"), &[])
        .await
        .expect(422);
    let results = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    assert_eq!(results[0]["voters"], 1, "refused ballots changed nothing");
    assert_eq!(results[0]["options"][1]["votes"], 1);

    let html = anna.get(&page).await;
    let shown = html.element(&format!("poll-{poll}"));
    assert_eq!(
        (
            shown.data("voted").as_deref(),
            shown.data("can-vote").as_deref()
        ),
        (Some("true"), Some("true")),
        "the ballot can be changed"
    );

    // Proposing is not part of a voting phase.
    let refused = anna
        .get(&format!("/consultations/{slug}/proposals/new"))
        .await;
    refused.expect(403);
    assert_eq!(
        anna.get_json(&format!("/consultations/{slug}/proposals/new"))
            .await
            .error_code(),
        "not_in_this_phase"
    );
    let token = anna.get("/account").await.csrf();
    anna.post(
        &format!("/consultations/{slug}/proposals"),
        &[
            ("csrf_token", &token),
            ("title", "Te laat ingediend"),
            ("summary", "x"),
        ],
    )
    .await
    .expect(403);
    assert_eq!(
        instance
            .browser()
            .get(&format!("/api/v1/consultations/{slug}/proposals"))
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn results_after_closing_stay_hidden_from_the_public_until_then() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Peiling later", "voting", &[]).await;
    let closes = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Wel of niet?"),
                ("options", "Wel\nNiet"),
                ("closes_at", &closes),
                ("results", "after_closing"),
            ],
        )
        .await
        .expect(303);
    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let polls = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    let (poll, wel) = (
        polls[0]["id"].as_str().unwrap_or("").to_owned(),
        polls[0]["options"][0]["id"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    );
    anna.submit(
        &format!("/consultations/{slug}"),
        &format!("/polls/{poll}/vote"),
        &[("option", &wel)],
    )
    .await
    .expect(303);
    let public = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    assert_eq!(public[0]["results_visible"], false);
    assert!(public[0]["voters"].is_null() && public[0]["options"][0]["votes"].is_null());
    assert_eq!(
        anna.get(&format!("/consultations/{slug}"))
            .await
            .element(&format!("poll-{poll}"))
            .data("results")
            .as_deref(),
        Some("later"),
        "the page says results come after closing"
    );
    let staff = admin
        .get(&format!("/admin/consultations/{id}/export.json"))
        .await
        .json();
    assert_eq!(staff["polls"][0]["voters"], 1, "staff see the count");
}

#[tokio::test]
async fn verification_can_be_required_for_proposing_and_commenting() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(
        &mut admin,
        "Alleen inwoners",
        "proposals",
        &[("verified_to_propose", "on"), ("verified_to_comment", "on")],
    )
    .await;
    let mut chantal = resident(&instance, &mut admin, "chantal", false).await;
    chantal
        .get(&format!("/consultations/{slug}/proposals/new"))
        .await
        .expect(403);
    let token = chantal.get("/account").await.csrf();
    chantal
        .post(
            &format!("/consultations/{slug}/comments"),
            &[("csrf_token", &token), ("body", "Hallo")],
        )
        .await
        .expect(403);
    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    propose(&mut anna, &slug, "Voorstel van een inwoner").await;
    let ok = anna
        .submit(
            &format!("/consultations/{slug}"),
            &format!("/consultations/{slug}/comments"),
            &[("body", "Hallo buren")],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let mut anonymous = instance.browser();
    let page = anonymous.get(&format!("/consultations/{slug}")).await.body;
    assert!(
        page.contains(&format!("href=\"/login?next=/consultations/{slug}\"")),
        "an invitation to log in"
    );
}
