//! Nothing is lost: while the follower is down, the origin produces activities and is killed
//! with SIGKILL; after both come back, every activity arrives, exactly once.

use super::federation::{follow, named_with_admin};
use super::{ADMIN_PASSWORD, consultation, propose, resident_of};
use inspraak_tests::TestInstance;
use std::time::Duration;

#[tokio::test]
async fn activities_survive_a_killed_origin_and_a_stopped_follower() {
    let mut a = TestInstance::builder()
        .host("gemeente-a.test")
        .process()
        .start()
        .await;
    a.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin_a = a.browser();
    admin_a.login("beheer", ADMIN_PASSWORD).await.expect(303);
    let (_, slug) = consultation(&mut admin_a, "Kademuur", "proposals", &[]).await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    follow(&mut admin_b, &format!("{}/consultations/{slug}", a.base)).await;
    let followers_path = format!("/consultations/{slug}/followers");
    super::federation::eventually("A accepts B's follow", || {
        let mut v = a.browser();
        let path = followers_path.clone();
        async move { (super::federation::followers(&mut v, &path).await == 1).then_some(()) }
    })
    .await;

    // B goes down; A produces three proposals, then dies without warning.
    let b = b.stop().await;
    let mut anna = resident_of(&a.browser(), &mut admin_a, "anna").await;
    let titles = [
        "Bankjes aan de kade",
        "Fietsenrek bij de brug",
        "Lantaarns langs het water",
    ];
    for title in titles {
        propose(&mut anna, &slug, title).await;
    }
    let queued = pending_deliveries(&a).await;
    assert!(queued >= 3, "deliveries wait in A's outbox ({queued})");
    a.kill();

    // Both come back; A's workers resume from the database.
    a.restart().await;
    let b = b.start().await;
    let mut visitor = b.browser();
    let mut copies = 0;
    for _ in 0..600 {
        let nearby = visitor.get("/nearby").await;
        if let Some(link) =
            inspraak_tests::extract_between(&nearby.body, "<a href=\"/consultations/", "\"")
        {
            let page = visitor.get(&format!("/consultations/{link}")).await;
            copies = titles
                .iter()
                .filter(|t| page.body.matches(*t).count() >= 1)
                .count();
            if copies == titles.len() {
                for title in titles {
                    assert_eq!(
                        page.body.matches(&format!(">{title}</a>")).count(),
                        1,
                        "{title} arrived exactly once"
                    );
                }
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        copies,
        titles.len(),
        "every activity arrived after the restarts"
    );
    let db = b.database().await;
    let stored = inspraak_db::consultations::list_remote(&db.conn, 10)
        .await
        .expect("copies");
    assert_eq!(stored.len(), 1);
    let proposals = inspraak_db::proposals::list_for_consultation(&db.conn, &stored[0].id)
        .await
        .expect("proposals");
    assert_eq!(proposals.len(), 3, "no duplicates stored");
}

/// Deliveries not yet made, from A's database.
async fn pending_deliveries(a: &TestInstance) -> u64 {
    let db = a.database().await;
    inspraak_db::outbox::queue_by_host(&db.conn)
        .await
        .expect("queue")
        .iter()
        .map(|h| h.pending + h.failing)
        .sum()
}
