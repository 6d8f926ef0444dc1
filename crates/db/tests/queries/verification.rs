//! Letter codes: redeemed once, never after they expire, and redeeming verifies the account.

use super::{fresh, later, now, user};
use chrono::Duration;
use inspraak_db::{DbError, users, verification};
use inspraak_domain::Role;

#[tokio::test]
async fn a_code_is_redeemed_once_and_verifies_the_account() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    verification::create_batch(
        &db.db.conn,
        vec!["hash-one".into(), "hash-two".into()],
        "Brief maart",
        None,
        &admin,
        now(),
        now() + Duration::days(30),
    )
    .await
    .expect("batch");

    assert!(
        users::find(&*db, &anna)
            .await
            .expect("anna")
            .verified_at
            .is_none()
    );
    verification::redeem(&db.db.conn, "hash-one", &anna, later(10))
        .await
        .expect("redeem");
    let verified = users::find(&*db, &anna).await.expect("anna");
    assert_eq!(verified.verified_at, Some(later(10)));
    assert_eq!(verified.verification_method.as_deref(), Some("letter_code"));

    let reused = verification::redeem(&db.db.conn, "hash-one", &bram, later(20)).await;
    assert!(
        matches!(reused, Err(DbError::NotFound("code"))),
        "a used code is refused: {reused:?}"
    );
    let unknown = verification::redeem(&db.db.conn, "hash-unknown", &bram, later(20)).await;
    assert!(matches!(unknown, Err(DbError::NotFound("code"))));
    assert!(
        users::find(&*db, &bram)
            .await
            .expect("bram")
            .verified_at
            .is_none(),
        "refused codes change nothing"
    );

    let batches = verification::batches(&db.db.conn).await.expect("batches");
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].batch, "Brief maart");
    assert_eq!((batches[0].total, batches[0].used), (2, 1));
}

#[tokio::test]
async fn an_expired_code_is_refused_and_a_taken_hash_is_a_conflict() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    verification::create_batch(
        &db.db.conn,
        vec!["hash-old".into()],
        "Oude brief",
        None,
        &admin,
        now(),
        now() + Duration::days(1),
    )
    .await
    .expect("batch");
    let late =
        verification::redeem(&db.db.conn, "hash-old", &anna, now() + Duration::days(2)).await;
    assert!(matches!(late, Err(DbError::NotFound("code"))), "{late:?}");
    assert!(
        users::find(&*db, &anna)
            .await
            .expect("anna")
            .verified_at
            .is_none()
    );
    let duplicate = verification::create_batch(
        &db.db.conn,
        vec!["hash-old".into()],
        "Nog een brief",
        None,
        &admin,
        now(),
        now() + Duration::days(1),
    )
    .await;
    assert!(
        matches!(duplicate, Err(DbError::Conflict("code"))),
        "{duplicate:?}"
    );
}

#[tokio::test]
async fn simultaneous_redemptions_of_one_code_verify_one_account() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    verification::create_batch(
        &db.db.conn,
        vec!["hash-shared".into()],
        "Brief",
        None,
        &admin,
        now(),
        now() + Duration::days(30),
    )
    .await
    .expect("batch");
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(user(&db, &format!("inwoner{i}"), Role::Resident).await);
    }
    let mut tasks = Vec::new();
    for person in &people {
        let (conn, person) = (db.db.conn.clone(), person.clone());
        tasks.push(tokio::spawn(async move {
            verification::redeem(&conn, "hash-shared", &person, later(1)).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => ok += 1,
            Err(DbError::NotFound("code")) => {}
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(ok, 1, "exactly one redemption succeeds");
    let mut verified = 0;
    for person in &people {
        if users::find(&*db, person)
            .await
            .expect("user")
            .verified_at
            .is_some()
        {
            verified += 1;
        }
    }
    assert_eq!(verified, 1);
}
