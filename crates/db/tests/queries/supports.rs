//! Supports: idempotent, withdrawable, counted per proposal.

use super::{consultation, fresh, later, now, proposal, user};
use inspraak_db::proposals;
use inspraak_domain::Role;

#[tokio::test]
async fn supporting_twice_counts_once_and_a_support_can_be_withdrawn() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let p = proposal(&db, &c, &anna, "Meer bomen").await;

    assert!(
        proposals::add_support(&*db, &p, &anna, now())
            .await
            .expect("support")
    );
    assert!(
        !proposals::add_support(&*db, &p, &anna, later(1))
            .await
            .expect("support again"),
        "the second support by the same person adds nothing"
    );
    assert_eq!(proposals::support_count(&*db, &p).await.expect("count"), 1);
    assert!(
        proposals::add_support(&*db, &p, &bram, later(2))
            .await
            .expect("support")
    );
    assert_eq!(proposals::support_count(&*db, &p).await.expect("count"), 2);

    assert!(
        proposals::remove_support(&*db, &p, &bram)
            .await
            .expect("withdraw")
    );
    assert!(
        !proposals::remove_support(&*db, &p, &bram)
            .await
            .expect("withdraw again"),
        "withdrawing what is not there reports false"
    );
    assert_eq!(proposals::support_count(&*db, &p).await.expect("count"), 1);
    // Supporting again after withdrawing counts again.
    assert!(
        proposals::add_support(&*db, &p, &bram, later(3))
            .await
            .expect("support")
    );
    assert_eq!(proposals::support_count(&*db, &p).await.expect("count"), 2);
}

#[tokio::test]
async fn support_counts_are_per_proposal_and_say_who_supports_what() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let chantal = user(&db, "chantal", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let bomen = proposal(&db, &c, &anna, "Meer bomen").await;
    let bankjes = proposal(&db, &c, &anna, "Meer bankjes").await;
    let stil = proposal(&db, &c, &anna, "Niemand steunt dit").await;
    for who in [&anna, &bram, &chantal] {
        proposals::add_support(&*db, &bomen, who, now())
            .await
            .expect("support");
    }
    proposals::add_support(&*db, &bankjes, &bram, now())
        .await
        .expect("support");
    proposals::add_support(&*db, &bankjes, &bram, later(1))
        .await
        .expect("duplicate");

    let ids = vec![bomen.clone(), bankjes.clone(), stil.clone()];
    let counts = proposals::support_counts(&*db, &ids).await.expect("counts");
    assert_eq!(counts.get(&bomen), Some(&3));
    assert_eq!(counts.get(&bankjes), Some(&1));
    assert_eq!(counts.get(&stil), None, "no supports, no row");
    assert!(
        proposals::support_counts(&*db, &[])
            .await
            .expect("none")
            .is_empty()
    );

    let by_bram = proposals::supported_by(&*db, &bram, &ids)
        .await
        .expect("supported by");
    assert_eq!(by_bram.len(), 2);
    assert!(by_bram.contains(&bomen) && by_bram.contains(&bankjes));
    let by_anna = proposals::supported_by(&*db, &anna, &ids)
        .await
        .expect("supported by");
    assert_eq!(by_anna.into_iter().collect::<Vec<_>>(), vec![bomen]);
}
