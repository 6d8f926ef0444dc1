//! Taking part through the JSON API with a personal token, under the same rules as the forms.

use super::{account_id, consultation, instance_with_admin, resident};
use inspraak_tests::extract_between;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn an_app_takes_part_with_a_personal_token_under_the_same_rules() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(&mut admin, "Via de API", "proposals", &[]).await;
    let (_, other_slug) = consultation(&mut admin, "Ander traject", "proposals", &[]).await;
    let mut anna = resident(&instance, &mut admin, "anna", false).await;

    let made = anna
        .submit(
            "/account",
            "/account/tokens",
            &[("token_name", "Buurt-app")],
        )
        .await;
    made.expect(200);
    assert_eq!(
        made.headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let token = extract_between(&made.body, "<code class=\"verification-code\">", "</code>")
        .expect("token shown once");
    assert!(token.starts_with("ink_"));
    assert!(
        !anna.get("/account").await.body.contains(&token),
        "shown only once"
    );

    let mut app = instance.browser();
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    me.expect(200);
    assert_eq!(me.json()["username"], "anna");
    assert_eq!(me.json()["verified"], false);
    let none = app.api(Method::GET, "/api/v1/me", None, None).await;
    none.expect(401);
    assert_eq!(none.json()["error"], "unauthorized");
    app.api(Method::GET, "/api/v1/me", Some("ink_wrong"), None)
        .await
        .expect(401);
    // The API ignores session cookies, so a browser session cannot be used for cross-site writes.
    anna.api(Method::PUT, "/api/v1/proposals/x/support", None, None)
        .await
        .expect(401);

    // Proposing.
    let created = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/proposals"),
            Some(&token),
            Some(json!({"title": "Via de app ingediend", "summary": "Kort.", "tags": ["groen"]})),
        )
        .await;
    created.expect(201);
    let proposal = created.json()["id"].as_str().unwrap_or("").to_owned();
    assert_eq!(created.json()["state"], "published");
    let invalid = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/proposals"),
            Some(&token),
            Some(json!({"title": "kort", "summary": ""})),
        )
        .await;
    invalid.expect(422);
    assert_eq!(invalid.json()["error"], "invalid");
    let fields: Vec<String> = invalid.json()["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["field"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(fields, ["title", "summary"]);
    let malformed = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/proposals"),
            Some(&token),
            Some(json!({"titel": 3})),
        )
        .await;
    malformed.expect(400);
    assert_eq!(malformed.json()["error"], "bad_request");

    // Supporting needs verification; then it is idempotent and withdrawable.
    let refused = app
        .api(
            Method::PUT,
            &format!("/api/v1/proposals/{proposal}/support"),
            Some(&token),
            None,
        )
        .await;
    refused.expect(403);
    assert_eq!(refused.json()["error"], "verification_required");
    let id = account_id(&mut admin, "anna").await;
    let csrf = admin.get("/admin/accounts").await.csrf();
    admin
        .post(
            &format!("/admin/accounts/{id}/verify"),
            &[("csrf_token", &csrf)],
        )
        .await
        .expect(303);
    let first = app
        .api(
            Method::PUT,
            &format!("/api/v1/proposals/{proposal}/support"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        (first["changed"].clone(), first["supports"].clone()),
        (json!(true), json!(1))
    );
    let again = app
        .api(
            Method::PUT,
            &format!("/api/v1/proposals/{proposal}/support"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        (again["changed"].clone(), again["supports"].clone()),
        (json!(false), json!(1))
    );
    let gone = app
        .api(
            Method::DELETE,
            &format!("/api/v1/proposals/{proposal}/support"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(gone["supports"], 0);

    // Comments, replies, and targets that must belong to the consultation in the path.
    let comment = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/comments"),
            Some(&token),
            Some(json!({"body": "Goed idee", "stance": "for", "proposal_id": proposal})),
        )
        .await;
    comment.expect(201);
    let comment_id = comment.json()["id"].as_str().unwrap_or("").to_owned();
    app.api(
        Method::POST,
        &format!("/api/v1/consultations/{slug}/comments"),
        Some(&token),
        Some(json!({"body": "Eens", "reply_to": comment_id})),
    )
    .await
    .expect(201);
    app.api(
        Method::POST,
        &format!("/api/v1/consultations/{other_slug}/comments"),
        Some(&token),
        Some(json!({"body": "Verkeerd", "proposal_id": proposal})),
    )
    .await
    .expect(404);
    app.api(
        Method::POST,
        &format!("/api/v1/consultations/{slug}/comments"),
        Some(&token),
        Some(json!({"body": "", "stance": "maybe"})),
    )
    .await
    .expect(422);
    let thread = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/comments"))
        .await
        .json();
    assert_eq!(thread.as_array().map(Vec::len), Some(2));
    assert_eq!(thread[1]["parent_id"], comment_id.as_str());

    // Reporting someone else's contribution; not one's own.
    app.api(
        Method::POST,
        "/api/v1/reports",
        Some(&token),
        Some(json!({"kind": "comment", "id": comment_id, "reason": "spam"})),
    )
    .await
    .expect(400);

    // Revoked tokens stop working.
    let account = anna.get("/account").await;
    let token_id = extract_between(&account.body, "action=\"/account/tokens/", "/revoke\"")
        .expect("token row");
    anna.post(
        &format!("/account/tokens/{token_id}/revoke"),
        &[("csrf_token", &account.csrf())],
    )
    .await
    .expect(303);
    app.api(Method::GET, "/api/v1/me", Some(&token), None)
        .await
        .expect(401);
}

#[tokio::test]
async fn ballots_through_the_api_follow_the_poll() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Stemmen via app", "voting", &[]).await;
    admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Welke?"),
                ("options", "A\nB"),
                ("multiple", "on"),
                ("results", "live"),
            ],
        )
        .await
        .expect(303);
    let polls = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    let poll = polls[0]["id"].as_str().unwrap_or("").to_owned();
    let (a, b) = (
        polls[0]["options"][0]["id"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        polls[0]["options"][1]["id"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    );
    let mut bram = resident(&instance, &mut admin, "bram", true).await;
    let made = bram
        .submit("/account", "/account/tokens", &[("token_name", "App")])
        .await;
    let token = extract_between(&made.body, "<code class=\"verification-code\">", "</code>")
        .expect("token");
    let mut app = instance.browser();
    let cast = app
        .api(
            Method::PUT,
            &format!("/api/v1/polls/{poll}/ballot"),
            Some(&token),
            Some(json!({"options": [a, b]})),
        )
        .await;
    cast.expect(200);
    assert_eq!(cast.json()["options"].as_array().map(Vec::len), Some(2));
    app.api(
        Method::PUT,
        &format!("/api/v1/polls/{poll}/ballot"),
        Some(&token),
        Some(json!({"options": []})),
    )
    .await
    .expect(422);
    let results = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    assert_eq!(results[0]["voters"], 1);
    assert_eq!(results[0]["options"][0]["votes"], 1);
    assert_eq!(results[0]["options"][1]["votes"], 1);
    let doc = instance.browser().get("/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/polls/{id}/ballot"]["put"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
}
