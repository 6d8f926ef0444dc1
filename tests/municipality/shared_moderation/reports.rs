//! A report on a copy of another instance's proposal, forwarded by a resident or a moderator,
//! arrives at the origin as a `Flag` by the instance actor; one not forwarded stays home.

use super::super::deals::token;
use super::super::federation::{eventually, follow, named_with_admin};
use super::super::{consultation, propose, resident};
use super::call;
use inspraak_db::moderation;
use inspraak_tests::{TestInstance, extract_between};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

/// B's copy of a proposal of A (by its title), once it arrived; returns its id on B.
async fn copy_on(b: &TestInstance, copy_path: &str, title: &str) -> String {
    let visitor = b.browser();
    eventually("the proposal arrives on B", || {
        let mut v = visitor.fork();
        let path = copy_path.to_owned();
        let title = title.to_owned();
        async move {
            let page = v.get(&path).await;
            let at = page.body.find(&title)?;
            let before = &page.body[..at];
            let start = before.rfind("<a href=\"/proposals/")?;
            extract_between(&before[start..], "<a href=\"/proposals/", "\"")
                .map(|id| id.split('#').next().unwrap_or_default().to_owned())
        }
    })
    .await
}

/// The number of `Flag`s in an instance's outbox.
async fn flags_sent(instance: &TestInstance) -> u64 {
    use inspraak_db::entity::outbox_activity::{Column, Entity};
    let db = instance.database().await;
    Entity::find()
        .filter(Column::Kind.eq("Flag"))
        .count(&db.conn)
        .await
        .expect("count")
}

/// The open reports on A, with the reporter's ActivityPub id.
async fn reporters(instance: &TestInstance) -> Vec<(String, String)> {
    let db = instance.database().await;
    let mut out = Vec::new();
    for r in moderation::open_reports(&db.conn).await.expect("reports") {
        let user = inspraak_db::users::find(&db.conn, &r.reporter_id)
            .await
            .expect("reporter");
        out.push((r.content_id, user.ap_id));
    }
    out
}

#[tokio::test]
async fn a_forwarded_report_arrives_at_the_origin_as_a_flag_from_the_instance_actor() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (_, slug) = consultation(&mut admin_a, "Havenkade", "proposals", &[]).await;
    follow(&mut admin_b, &format!("{}/consultations/{slug}", a.base)).await;
    let nearby = eventually("the copy is listed on B", || {
        let mut v = b.browser();
        async move {
            let page = v.get("/nearby").await;
            extract_between(&page.body, "<a href=\"/consultations/", "\"")
        }
    })
    .await;
    let copy_path = format!("/consultations/{nearby}");
    // Wait for the follow to be accepted before publishing, so the proposals reach B.
    eventually("B's follow is accepted", || {
        let mut admin = admin_b.fork();
        async move {
            let page = admin.get("/admin/federation").await;
            (page.data("accepted").as_deref() == Some("true")).then_some(())
        }
    })
    .await;
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    let first = propose(&mut anna, &slug, "Bankjes langs de kade").await;
    let second = propose(&mut anna, &slug, "Meer vuilnisbakken").await;
    let first_copy = copy_on(&b, &copy_path, "Bankjes langs de kade").await;
    let second_copy = copy_on(&b, &copy_path, "Meer vuilnisbakken").await;

    // A resident of B reports the first copy and forwards it; the form offers that only for
    // items from elsewhere.
    let mut bram = resident(&b, &mut admin_b, "bram", false).await;
    let form = bram.get(&format!("/report/proposal/{first_copy}")).await;
    form.expect(200);
    assert!(form.body.contains("name=\"forward\""), "{}", form.body);
    assert!(form.body.contains("gemeente-a.test"));
    bram.submit(
        &format!("/report/proposal/{first_copy}"),
        &format!("/report/proposal/{first_copy}"),
        &[
            ("reason", "spam"),
            ("note", "Reclame voor een bedrijf"),
            ("forward", "yes"),
        ],
    )
    .await
    .expect(303);
    let instance_actor = format!("{}/actor", b.base);
    eventually("A's queue has the report, by B's instance actor", || {
        let a = &a;
        let instance_actor = instance_actor.clone();
        let first = first.clone();
        async move {
            let open = reporters(a).await;
            (open == [(first, instance_actor)]).then_some(())
        }
    })
    .await;
    let queue_a = admin_a.get("/moderation").await;
    assert!(
        queue_a.body.contains("Reclame voor een bedrijf"),
        "{}",
        queue_a.body
    );
    assert!(
        !queue_a.body.contains("bram"),
        "the reporter stays anonymous"
    );
    let queue_b = admin_b.get("/moderation").await;
    assert!(
        queue_b
            .data_all("forwarded")
            .iter()
            .any(|h| h.starts_with("gemeente-a.test")),
        "{}",
        queue_b.body
    );

    // A report without forwarding stays on B.
    bram.submit(
        &format!("/report/proposal/{second_copy}"),
        &format!("/report/proposal/{second_copy}"),
        &[("reason", "off_topic")],
    )
    .await
    .expect(303);
    assert_eq!(flags_sent(&b).await, 1);
    // Our own items offer no forwarding and cannot be forwarded.
    let own = anna.get(&format!("/report/proposal/{second}")).await;
    assert!(!own.body.contains("name=\"forward\""));
    let token_a = token(&mut admin_a).await;
    call(
        &a,
        Method::POST,
        &format!("/api/v1/moderation/proposal/{second}/forward"),
        &token_a,
        Some(json!({"note": "x"})),
    )
    .await
    .expect(400);

    // A moderator of B forwards it from the queue (the form is there), here through the API.
    let queue_b = admin_b.get("/moderation").await;
    assert!(
        queue_b
            .body
            .contains(&format!("/moderation/proposal/{second_copy}/forward")),
        "{}",
        queue_b.body
    );
    let token_b = token(&mut admin_b).await;
    let forwarded = call(
        &b,
        Method::POST,
        &format!("/api/v1/moderation/proposal/{second_copy}/forward"),
        &token_b,
        Some(json!({"note": "Hoort niet bij deze consultatie"})),
    )
    .await;
    forwarded.expect(200);
    assert!(
        forwarded.json()["host"]
            .as_str()
            .unwrap_or_default()
            .starts_with("gemeente-a.test")
    );
    assert_eq!(flags_sent(&b).await, 2);
    eventually("A's queue has the second report", || {
        let a = &a;
        async move { (reporters(a).await.len() == 2).then_some(()) }
    })
    .await;
    assert!(
        admin_b
            .get("/admin/audit.csv")
            .await
            .body
            .contains("moderation.forward")
    );
}
