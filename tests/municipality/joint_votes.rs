//! Joint regional votes over real HTTP on loopback: a province and two member
//! municipalities. The province opens a vote for its deal's members (`Invite`); each member
//! takes part (`Accept`), its own verified residents vote at home in a local poll, and at
//! closing each member sends a tally signed with its Ed25519 key (FEP-8b32,
//! `eddsa-jcs-2022`). The province's total is the sum. Tallies that do not verify, come from
//! a non-member, or contradict a member's counted tally are refused and change nothing.

use super::deals::{make_deal, province, token, until_member_state};
use super::federation::{eventually, named_with_admin};
use super::{consultation, resident};
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};

/// The joint vote's results as JSON.
async fn results(province: &TestInstance, vote: &str) -> Value {
    let page = province
        .browser()
        .get(&format!("/api/v1/joint-votes/{vote}"))
        .await;
    page.expect(200);
    page.json()
}

/// A member's row in the results, by host.
fn member_row<'a>(results: &'a Value, host: &str) -> &'a Value {
    results["members"]
        .as_array()
        .and_then(|members| {
            members.iter().find(|m| {
                m["organization"]
                    .as_str()
                    .is_some_and(|o| o.contains(&format!("//{host}:")))
            })
        })
        .unwrap_or(&Value::Null)
}

/// A municipality in the deal: applies through the API, the province accepts.
async fn join_deal(
    p: &TestInstance,
    token_p: &str,
    deal_id: &str,
    municipality: &TestInstance,
    token_m: &str,
) {
    municipality
        .browser()
        .api(
            Method::POST,
            "/api/v1/memberships",
            Some(token_m),
            Some(json!({"deal": format!("{}/deals/regio", p.base)})),
        )
        .await
        .expect(201);
    let member = until_member_state(p, "regio", &municipality.host, "pending").await;
    p.browser()
        .api(
            Method::POST,
            &format!("/api/v1/deals/{deal_id}/members/{member}/accept"),
            Some(token_p),
            None,
        )
        .await
        .expect(204);
    until_member_state(p, "regio", &municipality.host, "member").await;
}

/// Waits for the member's invitation; returns its id.
async fn invitation(municipality: &TestInstance, token: &str) -> String {
    eventually("the invitation arrives", || async move {
        let list = municipality
            .browser()
            .api(Method::GET, "/api/v1/joint-vote-invites", Some(token), None)
            .await
            .json();
        list["items"][0]["id"].as_str().map(str::to_owned)
    })
    .await
}

/// The poll's option ids by label, from the consultation's polls.
async fn option_ids(municipality: &TestInstance, slug: &str) -> (String, Vec<(String, String)>) {
    let polls = municipality
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/polls"))
        .await
        .json();
    let poll = polls[0]["id"].as_str().unwrap_or_default().to_owned();
    let options = polls[0]["options"]
        .as_array()
        .map(|options| {
            options
                .iter()
                .map(|o| {
                    (
                        o["label"].as_str().unwrap_or_default().to_owned(),
                        o["id"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (poll, options)
}

/// A verified resident of `municipality` votes for `label` at home.
async fn vote_at_home(
    municipality: &TestInstance,
    admin: &mut Browser,
    name: &str,
    poll: &str,
    options: &[(String, String)],
    label: &str,
) {
    let mut browser = resident(municipality, admin, name, true).await;
    let token = browser.get("/account").await.csrf();
    let option = options
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, id)| id.clone())
        .expect("option");
    browser
        .post(
            &format!("/polls/{poll}/vote"),
            &[("csrf_token", &token), ("option", &option)],
        )
        .await
        .expect(303);
}

/// Posts a `Create` of `tally`, signed by `sender`'s organization, to the province's inbox.
async fn send_tally(p: &TestInstance, sender: &Sender, tally: Value) -> u16 {
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{}", sender.actor.trim_end_matches("/organization"), uuid::Uuid::now_v7()),
        "type": "Create",
        "actor": sender.actor,
        "to": [format!("{}/deals/regio", p.base)],
        "object": tally,
    });
    let body = serde_json::to_vec(&create).expect("json");
    post_signed(p, "/inbox", &body, sender, None).await.0
}

/// Signs `tally` again with `instance`'s own Ed25519 key, as the instance itself would.
async fn signed_by(instance: &TestInstance, mut tally: Value) -> Value {
    if let Value::Object(map) = &mut tally {
        map.remove("proof");
    }
    let db = instance.database().await;
    let organization = format!("{}/organization", instance.base);
    let key = inspraak_db::assertion_keys::of_controller(&db.conn, &organization)
        .await
        .expect("db")
        .expect("the organization has a key");
    let signing = inspraak_integrity::keys::SigningKey::from_secret_multibase(
        key.private_seed.as_deref().expect("private half"),
    )
    .expect("key");
    inspraak_integrity::proof::sign(&tally, &signing, &key.key_id, "2026-12-05T12:00:00Z")
        .expect("signed")
}

/// Runs `inspraak tally verify FILE --json` on `bundle`; returns the exit code and `valid`.
fn verify_offline(bundle: &Value) -> (i32, bool) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("tally.json");
    std::fs::write(&file, serde_json::to_vec(bundle).expect("json")).expect("write");
    let output = std::process::Command::new(inspraak_tests::inspraak_binary())
        .args(["tally", "verify"])
        .arg(&file)
        .arg("--json")
        .output()
        .expect("inspraak runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    (
        output.status.code().unwrap_or(-1),
        report["valid"].as_bool().unwrap_or(false),
    )
}

#[tokio::test]
async fn a_joint_vote_adds_up_the_members_signed_tallies_and_refuses_bad_ones() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (outsider, _) = named_with_admin("gemeente-c.test").await;
    let (d, mut admin_d) = named_with_admin("gemeente-d.test").await;
    let deal_id = make_deal(&mut admin_p, "Regio Holland Rijnland", "regio").await;
    let token_p = token(&mut admin_p).await;
    let token_a = token(&mut admin_a).await;
    let token_b = token(&mut admin_b).await;
    join_deal(&p, &token_p, &deal_id, &a, &token_a).await;
    join_deal(&p, &token_p, &deal_id, &b, &token_b).await;
    let token_d = token(&mut admin_d).await;
    join_deal(&p, &token_p, &deal_id, &d, &token_d).await;
    let (consultation_d, _) = consultation(&mut admin_d, "Regio", "voting", &[]).await;
    let (consultation_a, slug_a) = consultation(&mut admin_a, "Regio", "voting", &[]).await;
    let (consultation_b, slug_b) = consultation(&mut admin_b, "Regio", "voting", &[]).await;

    // Bad input first: no options, and a closing time in the past.
    let opened = |body: Value| {
        let (p, token_p, deal_id) = (&p, token_p.clone(), deal_id.clone());
        async move {
            p.browser()
                .api(
                    Method::POST,
                    &format!("/api/v1/deals/{deal_id}/joint-votes"),
                    Some(&token_p),
                    Some(body),
                )
                .await
        }
    };
    let closes_at = chrono::Utc::now() + chrono::Duration::seconds(45);
    let refused = opened(
        json!({"question": "Eén regionale OV-pas?", "options": ["Ja"],
        "closes_at": closes_at.to_rfc3339()}),
    )
    .await;
    refused.expect(422);
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    opened(
        json!({"question": "Eén regionale OV-pas?", "options": ["Ja", "Nee"], "closes_at": past}),
    )
    .await
    .expect(422);
    let made = opened(
        json!({"question": "Eén regionale OV-pas?", "options": ["Ja", "Nee"],
        "closes_at": closes_at.to_rfc3339()}),
    )
    .await;
    made.expect(201);
    let vote = made.json()["id"].as_str().unwrap_or_default().to_owned();

    // A takes part through its admin page, B through the API.
    let invite_a = invitation(&a, &token_a).await;
    let invite_b = invitation(&b, &token_b).await;
    let invite_d = invitation(&d, &token_d).await;
    // D declines; then it cannot take part any more.
    let answer = |path: &'static str, body: Option<Value>| {
        let (d, token_d, invite_d) = (&d, token_d.clone(), invite_d.clone());
        async move {
            d.browser()
                .api(
                    Method::POST,
                    &format!("/api/v1/joint-vote-invites/{invite_d}/{path}"),
                    Some(&token_d),
                    body,
                )
                .await
        }
    };
    answer(
        "take-part",
        Some(json!({"consultation_id": "bestaat-niet"})),
    )
    .await
    .expect(422);
    answer("decline", None).await.expect(204);
    answer(
        "take-part",
        Some(json!({"consultation_id": consultation_d})),
    )
    .await
    .expect(409);
    admin_a
        .submit(
            "/admin/joint-votes",
            &format!("/admin/joint-votes/{invite_a}/take-part"),
            &[("consultation", consultation_a.as_str())],
        )
        .await
        .expect(303);
    b.browser()
        .api(
            Method::POST,
            &format!("/api/v1/joint-vote-invites/{invite_b}/take-part"),
            Some(&token_b),
            Some(json!({"consultation_id": consultation_b})),
        )
        .await
        .expect(201);
    b.browser()
        .api(
            Method::POST,
            &format!("/api/v1/joint-vote-invites/{invite_b}/take-part"),
            Some(&token_b),
            Some(json!({"consultation_id": consultation_b})),
        )
        .await
        .expect(409);
    eventually("both members take part", || async {
        let r = results(&p, &vote).await;
        (member_row(&r, &a.host)["participation"] == "taking_part"
            && member_row(&r, &b.host)["participation"] == "taking_part"
            && member_row(&r, &d.host)["participation"] == "declined")
            .then_some(())
    })
    .await;

    // Residents vote at home: A 2 × Ja, 1 × Nee; B 1 × Ja, 2 × Nee.
    let (poll_a, options_a) = option_ids(&a, &slug_a).await;
    let (poll_b, options_b) = option_ids(&b, &slug_b).await;
    for (name, choice) in [("anna", "Ja"), ("bert", "Ja"), ("cees", "Nee")] {
        vote_at_home(&a, &mut admin_a, name, &poll_a, &options_a, choice).await;
    }
    for (name, choice) in [("dirk", "Ja"), ("eva", "Nee"), ("fleur", "Nee")] {
        vote_at_home(&b, &mut admin_b, name, &poll_b, &options_b, choice).await;
    }
    // An unverified resident cannot vote: binding votes stay with verified residents.
    let mut guest = resident(&a, &mut admin_a, "gast", false).await;
    let csrf = guest.get("/account").await.csrf();
    let refused = guest
        .post(
            &format!("/polls/{poll_a}/vote"),
            &[("csrf_token", &csrf), ("option", &options_a[0].1)],
        )
        .await;
    assert_ne!(refused.status, 303, "an unverified resident voted");

    // At closing each member signs and sends its tally; the province adds them up.
    let left = (closes_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    assert!(
        !left.is_zero(),
        "the residents voted after closing: raise the closing time"
    );
    tokio::time::sleep(left).await;
    let r = eventually("both tallies are counted", || async {
        let r = results(&p, &vote).await;
        (r["counted"] == 2).then_some(r)
    })
    .await;
    assert_eq!(member_row(&r, &a.host)["tally"]["voters"], 3);
    assert_eq!(member_row(&r, &a.host)["tally"]["counts"][0]["votes"], 2);
    assert_eq!(member_row(&r, &b.host)["tally"]["voters"], 3);
    assert_eq!(member_row(&r, &b.host)["tally"]["counts"][1]["votes"], 2);
    assert_eq!(r["total"]["voters"], 6);
    assert_eq!(
        member_row(&r, &d.host)["tally"],
        Value::Null,
        "D declined: nothing counted"
    );
    assert_eq!(r["total"]["counts"][0], json!({"name": "Ja", "votes": 3}));
    assert_eq!(r["total"]["counts"][1], json!({"name": "Nee", "votes": 3}));
    let page = p.browser().get(&format!("/joint-votes/{vote}")).await;
    page.expect(200);
    assert_eq!(
        page.element("total-voters").data("voters").as_deref(),
        Some("6")
    );
    // Servers read the same address as the `JointVote` that was sent with the invitation.
    let document = p
        .browser()
        .get_with_accept(&format!("/joint-votes/{vote}"), "application/activity+json")
        .await
        .json();
    assert_eq!(document["type"], "JointVote");
    assert_eq!(document["options"], json!(["Ja", "Nee"]));
    assert_eq!(document["attributedTo"], format!("{}/deals/regio", p.base));

    // The republished tally verifies offline with the key that came with it, and the member
    // serves the same signed object at its id.
    let member_a = member_row(&r, &a.host)["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let bundle = p
        .browser()
        .get(&format!("/joint-votes/{vote}/tallies/{member_a}.json"))
        .await
        .json();
    let key = inspraak_integrity::keys::VerifyingKey::from_multibase(
        bundle["key"]["publicKeyMultibase"]
            .as_str()
            .unwrap_or_default(),
    )
    .expect("a Multikey");
    inspraak_integrity::proof::verify(&bundle["tally"], &key).expect("the proof verifies");
    let served = a
        .browser()
        .get_with_accept(
            &format!("/joint-votes/tallies/{invite_a}"),
            "application/activity+json",
        )
        .await
        .json();
    assert_eq!(served, bundle["tally"]);
    let organization = a
        .browser()
        .get_with_accept("/organization", "application/activity+json")
        .await
        .json();
    assert_eq!(organization["assertionMethod"][0], bundle["key"]);
    // `inspraak tally verify` accepts the export as downloaded, and refuses it with one
    // number changed.
    assert_eq!(verify_offline(&bundle), (0, true));
    let mut changed = bundle.clone();
    changed["tally"]["counts"][0]["votes"] = json!(1);
    assert_eq!(verify_offline(&changed), (1, false));

    // A tally whose numbers were changed after signing: refused, nothing changes.
    let sender_a = Sender::of(&a, "/organization", "/organization").await;
    let mut forged = bundle["tally"].clone();
    forged["counts"][0]["votes"] = json!(3);
    forged["counts"][1]["votes"] = json!(0);
    assert_eq!(send_tally(&p, &sender_a, forged.clone()).await, 400);
    // A second, properly signed tally with other numbers from the same member: refused.
    let second = signed_by(&a, forged).await;
    assert_eq!(send_tally(&p, &sender_a, second).await, 409);
    // A tally signed by an organization that is not a member of the vote: refused.
    let sender_c = Sender::of(&outsider, "/organization", "/organization").await;
    let mut foreign = bundle["tally"].clone();
    foreign["id"] = json!(format!("{}/joint-votes/tallies/x", outsider.base));
    foreign["attributedTo"] = json!(sender_c.actor);
    let foreign = signed_by(&outsider, foreign).await;
    assert_eq!(send_tally(&p, &sender_c, foreign).await, 403);
    // The very same tally again (a retried delivery) changes nothing either.
    assert!(send_tally(&p, &sender_a, bundle["tally"].clone()).await < 300);

    let after = results(&p, &vote).await;
    assert_eq!(
        after["total"], r["total"],
        "refused tallies changed the total"
    );
    assert_eq!(after["counted"], 2);
    assert_eq!(member_row(&after, &a.host)["tally_state"], "valid");
    assert!(
        member_row(&after, &a.host)["note"]
            .as_str()
            .is_some_and(|n| n.contains("second tally")),
        "{after}"
    );
    let audit = admin_p.get("/admin/audit.csv").await.body;
    assert!(audit.contains("joint_vote.create"));
    assert!(audit.contains("tally.received"));
    assert!(audit.contains("tally.refused"));
    let audit_a = admin_a.get("/admin/audit.csv").await.body;
    assert!(audit_a.contains("joint_vote.take_part"));
    assert!(audit_a.contains("tally.publish"));
}

#[tokio::test]
async fn only_a_deal_we_belong_to_can_invite_us() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (stranger, _) = named_with_admin("gemeente-z.test").await;
    let token_a = token(&mut admin_a).await;
    let sender = Sender::of(&stranger, "/organization", "/organization").await;
    let invite = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{}", stranger.base, uuid::Uuid::now_v7()),
        "type": "Invite",
        "actor": sender.actor,
        "to": [format!("{}/organization", a.base)],
        "object": {
            "id": format!("{}/joint-votes/1", stranger.base),
            "type": "JointVote",
            "attributedTo": sender.actor,
            "name": "Doet u mee?",
            "options": ["Ja", "Nee"],
            "endTime": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
        }
    });
    let body = serde_json::to_vec(&invite).expect("json");
    let (status, _) = post_signed(&a, "/inbox", &body, &sender, None).await;
    assert_eq!(status, 403);
    let list = a
        .browser()
        .api(
            Method::GET,
            "/api/v1/joint-vote-invites",
            Some(&token_a),
            None,
        )
        .await
        .json();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
}
