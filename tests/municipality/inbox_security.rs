//! The inbox refuses what it must, with the right status, and changes nothing then: unsigned
//! requests, a wrong digest, a key of another actor, an object on another host than its actor,
//! an oversize body, malformed JSON, a replay, a blocked domain. Requests are signed here by
//! hand (draft-cavage, rsa-sha256, as Mastodon signs) with keys taken from a second instance.

use super::federation::{eventually, named_with_admin};
use super::{consultation, propose, resident};
use inspraak_tests::signing::{Sender, post_signed, send};
use serde_json::{Value, json};

/// A reply from `sender` to `in_reply_to`, with a fresh id on the sender's host.
fn reply(sender: &Sender, in_reply_to: &str, text: &str, object_host_base: &str) -> Value {
    let n = uuid::Uuid::new_v4();
    let sender_base = sender.actor.trim_end_matches("/organization");
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{sender_base}/activities/{n}"),
        "type": "Create",
        "actor": sender.actor,
        "object": {
            "id": format!("{object_host_base}/notes/{n}"),
            "type": "Note",
            "attributedTo": sender.actor,
            "inReplyTo": in_reply_to,
            "content": text,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

#[tokio::test]
async fn the_inbox_refuses_bad_input_with_the_right_status_and_changes_nothing() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (m, _admin_m) = named_with_admin("gemeente-m.test").await;
    let (_, slug) = consultation(&mut admin_a, "Haven", "proposals", &[]).await;
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    let proposal = propose(&mut anna, &slug, "Een nieuwe steiger").await;
    let proposal_ap = format!("{}/proposals/{proposal}", a.base);
    let sender = Sender::of(&m, "/organization", "/organization").await;
    let wrong_key = Sender::of(&m, "/organization", "/actor").await;
    let comments = || {
        let mut browser = a.browser();
        let path = format!("/proposals/{proposal}");
        async move {
            browser
                .get(&path)
                .await
                .body
                .matches("<li class=\"comment ")
                .count()
        }
    };
    let before = comments().await;

    // Unsigned: 401, so that senders retry with another signature scheme.
    let good = reply(&sender, &proposal_ap, "<p>Niet ondertekend</p>", &m.base);
    let body = serde_json::to_vec(&good).expect("json");
    let (status, _) = send(&a, "/inbox", &body, &[]).await;
    assert_eq!(status, 401, "unsigned");

    // A digest that does not match the body: 401.
    let (status, _) = post_signed(&a, "/inbox", &body, &sender, Some("SHA-256=AAAA")).await;
    assert_eq!(status, 401, "wrong digest");

    // Signed with a key of another actor of the same server: 401.
    let (status, _) = post_signed(&a, "/inbox", &body, &wrong_key, None).await;
    assert_eq!(status, 401, "key of another actor");

    // An object on another host than its actor: 403.
    let forged = reply(
        &sender,
        &proposal_ap,
        "<p>Vervalst</p>",
        "http://elders.test:1",
    );
    let forged = serde_json::to_vec(&forged).expect("json");
    let (status, _) = post_signed(&a, "/inbox", &forged, &sender, None).await;
    assert_eq!(status, 403, "object off its actor's host");

    // More than 1 MiB: 413. Malformed JSON: 400.
    let huge = vec![b' '; 1024 * 1024 + 10];
    let (status, _) = post_signed(&a, "/inbox", &huge, &sender, None).await;
    assert_eq!(status, 413, "oversize");
    let (status, _) = post_signed(&a, "/inbox", b"{\"id\": ", &sender, None).await;
    assert_eq!(status, 400, "malformed JSON");
    let (status, _) = send(&a, "/inbox", &body, &[("content-type", "text/plain")]).await;
    assert!(status == 415 || status == 401, "wrong media type: {status}");

    assert_eq!(comments().await, before, "nothing refused was stored");

    // A valid reply is accepted once; its replay changes nothing; its script never shows.
    let valid = reply(
        &sender,
        &proposal_ap,
        "<p>Goed idee <script>alert('x')</script></p>",
        &m.base,
    );
    let valid = serde_json::to_vec(&valid).expect("json");
    let (status, text) = post_signed(&a, "/inbox", &valid, &sender, None).await;
    assert_eq!(status, 202, "valid: {text}");
    let (status, _) = post_signed(&a, "/consultations/haven/inbox", &valid, &sender, None).await;
    assert_eq!(status, 202, "a replay is accepted and ignored");
    let page = a.browser().get(&format!("/proposals/{proposal}")).await;
    assert_eq!(page.body.matches("Goed idee").count(), 1, "stored once");
    assert!(!page.body.contains("<script>alert"), "script removed");
    assert_eq!(comments().await, before + 1);

    // A report from the fediverse enters the moderation queue.
    let flag = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/flags/{}", m.base, uuid::Uuid::new_v4()),
        "type": "Flag",
        "actor": sender.actor,
        "object": [proposal_ap],
        "content": "Dit lijkt reclame.",
    });
    let flag = serde_json::to_vec(&flag).expect("json");
    let (status, text) = post_signed(&a, "/inbox", &flag, &sender, None).await;
    assert_eq!(status, 202, "flag: {text}");
    let queue = admin_a.get("/moderation").await;
    assert!(queue.body.contains("Dit lijkt reclame."), "{}", queue.body);
    assert_eq!(
        queue
            .element(&format!("moderation-proposal-{proposal}"))
            .data("reports")
            .as_deref(),
        Some("1")
    );

    // After the admin blocks the sender's domain, its activities are refused.
    admin_a
        .submit(
            "/admin/federation",
            "/admin/federation/block",
            &[("host", "gemeente-m.test"), ("reason", "spam")],
        )
        .await
        .expect(303);
    let blocked = reply(&sender, &proposal_ap, "<p>Geblokkeerd</p>", &m.base);
    let blocked = serde_json::to_vec(&blocked).expect("json");
    let (status, _) = post_signed(&a, "/inbox", &blocked, &sender, None).await;
    assert_eq!(status, 403, "blocked domain");
    assert_eq!(
        comments().await,
        before + 1,
        "nothing from a blocked domain"
    );
    eventually("the block is listed", || {
        let mut admin = admin_a.fork();
        async move {
            admin
                .get("/admin/federation")
                .await
                .body
                .contains("gemeente-m.test")
                .then_some(())
        }
    })
    .await;
}
