//! Interoperability with a real third-party ActivityPub implementation: a small peer built on
//! Fedify (tests/fedify-peer, installed from npm with a lock file) follows a consultation,
//! receives the announced proposal, replies, votes in a poll and likes a proposal; it reads a
//! budget project's `Page` and replies to it.

use super::federation::eventually;
use super::{consultation, instance_with_admin, propose, resident};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running Fedify peer and a client for its control API; killed when dropped.
pub struct Peer {
    child: Child,
    /// `http://localhost:PORT`.
    pub base: String,
    client: reqwest::Client,
}

impl Peer {
    /// Starts `tests/fedify-peer/peer.mjs` and waits for its `READY` line.
    pub async fn start() -> Peer {
        inspraak_server::install_crypto_provider();
        let client = reqwest::Client::new();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fedify-peer");
        assert!(
            dir.join("node_modules/@fedify/fedify").is_dir(),
            "the Fedify peer is not installed: run `npm ci --prefix tests/fedify-peer` (scripts/test does this; it needs Node 20 or newer)"
        );
        let stderr = if std::env::var("INSPRAAK_TEST_LOG").is_ok() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new("node")
            .arg(dir.join("peer.mjs"))
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("cannot start node: install Node.js 20 or newer");
        let stdout = child.stdout.take().expect("peer stdout");
        // The peer prints one line when it listens; it prints nothing else on stdout.
        let ready = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let ready = tokio::time::timeout(std::time::Duration::from_secs(30), ready)
            .await
            .expect("the Fedify peer did not start within 30 s")
            .expect("reader")
            .expect("peer stdout");
        let ready = ready.trim().to_owned();
        let base = ready
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("unexpected first line from the peer: {ready}"))
            .to_owned();
        Peer {
            child,
            base,
            client,
        }
    }

    /// Calls a control endpoint.
    pub async fn control(&self, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/control/{path}", self.base);
        let request = match body {
            Some(body) => self.client.post(url).json(&body),
            None => self.client.get(url),
        };
        let response = request.send().await.expect("peer control API");
        let status = response.status();
        let value: Value = response.json().await.expect("peer JSON");
        assert!(status.is_success(), "peer {path} failed: {value}");
        value
    }

    /// The activities the peer received.
    pub async fn received(&self) -> Vec<Value> {
        self.control("received", None)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_fedify_peer_follows_receives_replies_votes_and_likes() {
    let peer = Peer::start().await;
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Parkeren", "proposals", &[]).await;
    let group = format!("{}/consultations/{slug}", instance.base);

    // The peer follows the consultation's Group by URL and gets an Accept.
    peer.control("follow", Some(json!({"target": group}))).await;
    eventually("the peer's follow is accepted", || async {
        let following = peer.control("following", None).await;
        following
            .as_array()?
            .iter()
            .any(|f| f["target"] == group.as_str() && f["accepted"] == true)
            .then_some(())
    })
    .await;

    // A resident's proposal reaches the peer, announced by the Group (FEP-1b12).
    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let proposal = propose(&mut anna, &slug, "Parkeervergunning voor bezoek").await;
    let proposal_id = format!("{}/proposals/{proposal}", instance.base);
    let announce = eventually("the peer receives the announced proposal", || async {
        peer.received().await.into_iter().find(|r| {
            r["type"] == "Announce" && r["body"]["object"]["object"]["id"] == proposal_id.as_str()
        })
    })
    .await;
    assert_eq!(announce["actor"], group.as_str());
    assert_eq!(announce["body"]["object"]["type"], "Create");
    assert_eq!(announce["body"]["object"]["object"]["type"], "Page");
    assert_eq!(
        announce["body"]["object"]["object"]["name"],
        "Parkeervergunning voor bezoek"
    );

    // The peer replies; the reply becomes a comment, sanitised.
    peer.control(
        "reply",
        Some(json!({
            "inReplyTo": proposal_id,
            "content": "<p>Groeten uit de fediverse <script>alert('x')</script><b>vet</b></p>",
        })),
    )
    .await;
    let page = eventually("the reply appears as a comment", || {
        let mut visitor = instance.browser();
        let path = format!("/proposals/{proposal}");
        async move {
            let page = visitor.get(&path).await;
            page.body
                .contains("Groeten uit de fediverse")
                .then_some(page.body)
        }
    })
    .await;
    assert!(page.contains("Alice Fedify"), "the author is named");
    assert!(page.contains("<b>vet</b>"), "harmless markup stays");
    assert!(
        !page.contains("<script>alert"),
        "script never reaches a page"
    );

    // A poll: the peer votes as Mastodon does; the count rises and an Update comes back.
    admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Betaald parkeren op zondag?"),
                ("options", "Ja\nNee"),
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
    let poll_id = format!(
        "{}/polls/{}",
        instance.base,
        polls[0]["id"].as_str().expect("poll id")
    );
    peer.control(
        "vote",
        Some(json!({"question": poll_id, "options": ["Nee"]})),
    )
    .await;
    let update = eventually(
        "the peer receives Update(Question) with the count",
        || async {
            peer.received()
                .await
                .into_iter()
                .find(|r| r["type"] == "Update" && r["poll"]["votersCount"] == 1)
        },
    )
    .await;
    let options = update["poll"]["options"].as_array().expect("options");
    let nee = options.iter().find(|o| o["name"] == "Nee").expect("Nee");
    assert_eq!(nee["count"], 1);
    let ja = options.iter().find(|o| o["name"] == "Ja").expect("Ja");
    assert_eq!(ja["count"], 0);
    let page = instance
        .browser()
        .get(&format!("/consultations/{slug}"))
        .await;
    let poll = polls[0]["id"].as_str().expect("poll id");
    let apart = page.element(&format!("poll-{poll}-fediverse"));
    assert!(
        apart.contains("<td>1</td>"),
        "fediverse votes are shown apart: {}",
        apart.html
    );
    assert_eq!(
        page.element(&format!("poll-{poll}"))
            .data("voters")
            .as_deref(),
        Some("0"),
        "and not among the residents' ballots"
    );
    // Voting twice in a single-choice poll does not count twice.
    peer.control(
        "vote",
        Some(json!({"question": poll_id, "options": ["Ja"]})),
    )
    .await;
    let question = instance
        .browser()
        .get_with_accept(
            &poll_id.replace(&instance.base, ""),
            "application/activity+json",
        )
        .await
        .json();
    assert_eq!(question["votersCount"], 1);

    // A like is a signal beside the supports, not a support.
    peer.control("like", Some(json!({"object": proposal_id})))
        .await;
    let page = instance
        .browser()
        .get(&format!("/proposals/{proposal}"))
        .await;
    let progress = page.element(&format!("proposal-{proposal}"));
    assert_eq!(
        progress.data_within("like-count").as_deref(),
        Some("1"),
        "{}",
        page.body
    );
    assert_eq!(
        progress.data_within("support-count").as_deref(),
        Some("0"),
        "the like is not counted as a support"
    );
}

#[tokio::test]
async fn a_fedify_peer_votes_on_conversation_statements_counted_apart() {
    let peer = Peer::start().await;
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Kermis", "proposals", &[]).await;
    let group = format!("{}/consultations/{slug}", instance.base);
    peer.control("follow", Some(json!({"target": group}))).await;
    eventually("the peer's follow is accepted", || async {
        let following = peer.control("following", None).await;
        following
            .as_array()?
            .iter()
            .any(|f| f["target"] == group.as_str() && f["accepted"] == true)
            .then_some(())
    })
    .await;
    let created = admin
        .submit(
            &format!("/admin/consultations/{id}/conversations/new"),
            &format!("/admin/consultations/{id}/conversations"),
            &[
                ("question", "Hoe moet de kermis eruitzien?"),
                ("statements", "De kermis moet blijven op het plein"),
            ],
        )
        .await;
    created.expect(303);
    let conversation = created.location.clone().expect("conversation");
    // The statement arrives as a Question with agree / disagree / pass.
    let announce = eventually("the peer receives the statement", || async {
        peer.received().await.into_iter().find(|r| {
            r["type"] == "Announce"
                && r["body"]["object"]["object"]["type"] == "Question"
                && r["body"]["object"]["object"]["name"] == "De kermis moet blijven op het plein"
        })
    })
    .await;
    let question = announce["body"]["object"]["object"].clone();
    let names: Vec<&str> = question["oneOf"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Eens", "Oneens", "Overslaan"]);
    let statement = question["id"].as_str().expect("id").to_owned();
    peer.control(
        "vote",
        Some(json!({"question": statement, "options": ["Eens"]})),
    )
    .await;
    eventually("the peer receives the new count", || async {
        peer.received()
            .await
            .into_iter()
            .find(|r| r["type"] == "Update" && r["poll"]["votersCount"] == 1)
    })
    .await;
    let report = instance
        .browser()
        .get(&format!("{conversation}/report"))
        .await;
    let table =
        inspraak_tests::extract_between(&report.body, "id=\"fediverse-title\"", "</section>")
            .expect("fediverse votes are shown apart");
    assert!(table.contains("<td>1</td><td>0</td><td>0</td>"), "{table}");
}

#[tokio::test]
async fn a_fedify_peer_follows_a_province_deal_and_receives_its_announcements() {
    use super::deals::{apply, make_deal, province, until_member_state};
    let peer = Peer::start().await;
    let (p, mut admin_p) = province("localhost").await;
    let (a, mut admin_a) = instance_with_admin().await;
    let deal_id = make_deal(&mut admin_p, "Provinciedeal Participatie", "participatie").await;
    let deal = format!("{}/deals/participatie", p.base);

    // The peer follows the deal's Group by URL (Fedify resolves handles over https only).
    peer.control("follow", Some(json!({"target": deal}))).await;
    eventually("the peer's follow of the deal is accepted", || async {
        let following = peer.control("following", None).await;
        following
            .as_array()?
            .iter()
            .any(|f| f["target"] == deal.as_str() && f["accepted"] == true)
            .then_some(())
    })
    .await;
    let page = p.browser().get("/deals/participatie").await;
    assert_eq!(
        page.element("deal").data("ap-id").as_deref(),
        Some(deal.as_str())
    );

    // A municipality joins; its new consultation is announced by the deal to the peer.
    apply(&mut admin_a, &deal).await;
    let member = until_member_state(&p, "participatie", "localhost", "pending").await;
    admin_p
        .submit(
            &format!("/admin/deals/{deal_id}"),
            &format!("/admin/deals/{deal_id}/members/{member}/accept"),
            &[],
        )
        .await
        .expect(303);
    eventually("the municipality is a member", || async {
        let page = a.browser();
        let mut admin = page;
        admin.login("beheer", super::ADMIN_PASSWORD).await;
        admin
            .get("/admin/deals")
            .await
            .body
            .contains("data-state=\"member\"")
            .then_some(())
    })
    .await;
    let (_, slug) = consultation(&mut admin_a, "Samen de wijk vergroenen", "proposals", &[]).await;
    let group = format!("{}/consultations/{slug}", a.base);
    let announce = eventually("the peer receives the deal's announcement", || async {
        peer.received()
            .await
            .into_iter()
            .find(|r| r["type"] == "Announce" && r["objectId"] == group.as_str())
    })
    .await;
    assert_eq!(announce["actor"], deal.as_str());
}

#[tokio::test]
async fn a_fedify_peer_reads_a_budget_project_replies_to_it_and_cannot_vote() {
    use super::budgets_federation::{budget_consultation, project_comments, set_up_budget};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let peer = Peer::start().await;
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = budget_consultation(&mut admin).await;
    let group = format!("{}/consultations/{slug}", instance.base);
    peer.control("follow", Some(json!({"target": group}))).await;
    eventually("the peer's follow is accepted", || async {
        let following = peer.control("following", None).await;
        following
            .as_array()?
            .iter()
            .any(|f| f["target"] == group.as_str() && f["accepted"] == true)
            .then_some(())
    })
    .await;

    // Staff add the projects; the group announces each as a Page with its cost and area.
    let budget = set_up_budget(&instance, &id).await;
    let (project, project_ap) = budget.project("Speeltuin Noord");
    let announce = eventually("the peer receives the announced project", || async {
        peer.received()
            .await
            .into_iter()
            .find(|r| r["type"] == "Announce" && r["body"]["object"]["object"]["id"] == project_ap)
    })
    .await;
    assert_eq!(announce["actor"], group.as_str());
    let page = &announce["body"]["object"]["object"];
    assert_eq!(page["type"], "Page");
    assert_eq!(page["cost"], 20_000);
    assert_eq!(page["area"], "Noord");

    // Fedify fetches the Page by its id (content negotiation), finds its author (the Group)
    // and replies: a comment on the project.
    peer.control(
        "reply",
        Some(json!({"inReplyTo": project_ap, "content": "<p>Groeten uit de fediverse</p>"})),
    )
    .await;
    let comments = eventually("the reply is a comment on the project", || async {
        let comments = project_comments(&instance, project).await;
        (!comments.is_empty()).then_some(comments)
    })
    .await;
    assert!(
        comments[0].contains("Groeten uit de fediverse"),
        "{comments:?}"
    );

    // A like of a project is no ballot: accepted, and nothing is counted.
    let (_, other_ap) = budget.project("Fietsenrek");
    peer.control("like", Some(json!({"object": other_ap})))
        .await;
    let db = instance.database().await;
    let ballots = inspraak_db::budgets::ballots(&db.conn, &budget.id)
        .await
        .expect("ballots");
    assert!(ballots.is_empty(), "no ballot from the fediverse");
    let likes = inspraak_db::entity::fediverse_like::Entity::find()
        .count(&db.conn)
        .await
        .expect("likes");
    assert_eq!(likes, 0, "no like counted");
}
