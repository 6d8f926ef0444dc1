//! Reports: once per reporter per item, and automatic hiding at the threshold of distinct
//! reporters with open reports.

use super::{consultation, fresh, later, now, proposal, user};
use inspraak_db::moderation::{self, AUTO_HIDDEN, Decision, NewReport};
use inspraak_db::proposals;
use inspraak_domain::Role;
use inspraak_domain::moderation::{ContentKind, ReportReason};

fn report<'a>(content_id: &'a str, reporter_id: &'a str) -> NewReport<'a> {
    NewReport {
        kind: ContentKind::Proposal,
        content_id,
        reporter_id,
        reason: ReportReason::Offensive,
        note: "Scheldwoorden",
    }
}

#[tokio::test]
async fn one_reporter_counts_once_and_three_distinct_reporters_hide_the_item() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let author = user(&db, "auteur", Role::Resident).await;
    let reporters = [
        user(&db, "anna", Role::Resident).await,
        user(&db, "bram", Role::Resident).await,
        user(&db, "chantal", Role::Resident).await,
    ];
    let c = consultation(&db, &admin, "plein").await;
    let p = proposal(&db, &c, &author, "Scheldpartij").await;

    let first = moderation::report(&db.db.conn, report(&p, &reporters[0]), 3, now())
        .await
        .expect("report");
    assert!(first.new && !first.hid);
    // The same person again, twice: counted once, nothing hidden.
    for i in 1..=2 {
        let again = moderation::report(&db.db.conn, report(&p, &reporters[0]), 3, later(i))
            .await
            .expect("report again");
        assert!(!again.new, "a repeated report is not new");
        assert!(!again.hid, "one person cannot hide an item by repeating");
    }
    assert_eq!(
        moderation::open_reports(&*db).await.expect("queue").len(),
        1
    );
    assert!(
        proposals::find(&*db, &p)
            .await
            .expect("proposal")
            .hidden_at
            .is_none()
    );

    let second = moderation::report(&db.db.conn, report(&p, &reporters[1]), 3, later(5))
        .await
        .expect("report");
    assert!(second.new && !second.hid, "two of three: still visible");
    let third = moderation::report(&db.db.conn, report(&p, &reporters[2]), 3, later(6))
        .await
        .expect("report");
    assert!(
        third.new && third.hid,
        "the third distinct reporter hides it"
    );
    let hidden = proposals::find(&*db, &p).await.expect("proposal");
    assert!(hidden.hidden_at.is_some());
    assert_eq!(hidden.hidden_reason.as_deref(), Some(AUTO_HIDDEN));
    assert_eq!(
        moderation::open_reports(&*db).await.expect("queue").len(),
        3
    );

    // A moderator shows it again: the reports close and the count starts over.
    moderation::decide(
        &db.db.conn,
        ContentKind::Proposal,
        &p,
        Decision::Show,
        &admin,
        later(10),
    )
    .await
    .expect("decide");
    assert!(
        proposals::find(&*db, &p)
            .await
            .expect("proposal")
            .hidden_at
            .is_none()
    );
    assert!(
        moderation::open_reports(&*db)
            .await
            .expect("queue")
            .is_empty()
    );
    let after = moderation::report(&db.db.conn, report(&p, &reporters[0]), 3, later(11))
        .await
        .expect("report after the decision");
    assert!(
        !after.new,
        "one report per person per item, even after a decision"
    );
    assert!(!after.hid);
}

#[tokio::test]
async fn the_threshold_is_configurable_and_zero_never_hides() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let author = user(&db, "auteur", Role::Resident).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let never = proposal(&db, &c, &author, "Nooit verborgen").await;
    let quick = proposal(&db, &c, &author, "Snel verborgen").await;

    for who in [&anna, &bram] {
        let outcome = moderation::report(&db.db.conn, report(&never, who), 0, now())
            .await
            .expect("report");
        assert!(
            outcome.new && !outcome.hid,
            "threshold 0 turns auto-hiding off"
        );
    }
    let outcome = moderation::report(&db.db.conn, report(&quick, &anna), 2, now())
        .await
        .expect("report");
    assert!(!outcome.hid);
    let outcome = moderation::report(&db.db.conn, report(&quick, &bram), 2, now())
        .await
        .expect("report");
    assert!(
        outcome.hid,
        "two distinct reporters reach a threshold of two"
    );
    assert!(
        proposals::find(&*db, &never)
            .await
            .expect("proposal")
            .hidden_at
            .is_none()
    );
}
