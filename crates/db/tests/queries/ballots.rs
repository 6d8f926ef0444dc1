//! Ballots: one per resident, replaced when cast again, counted per option.

use super::{TestDb, consultation, fresh, later, now, user};
use inspraak_db::{new_id, polls};
use inspraak_domain::Role;
use inspraak_domain::poll::{ResultsVisibility, ValidPoll};

/// A poll with options `Moestuin`, `Verlichting`, `Speeltuin`; returns (poll, option ids).
async fn poll(db: &TestDb, multiple: bool) -> (String, Vec<String>) {
    let admin = user(db, "beheer", Role::Admin).await;
    let c = consultation(db, &admin, "begroting").await;
    let id = new_id();
    polls::create(
        &db.db.conn,
        id.clone(),
        format!("http://localhost/polls/{id}"),
        &c,
        ValidPoll {
            question: "Welk project?".into(),
            options: vec!["Moestuin".into(), "Verlichting".into(), "Speeltuin".into()],
            multiple,
            closes_at: None,
            results: ResultsVisibility::Live,
        },
        &admin,
        now(),
    )
    .await
    .expect("create poll");
    let options = polls::find(&**db, &id)
        .await
        .expect("poll")
        .options
        .into_iter()
        .map(|o| o.id)
        .collect();
    (id, options)
}

#[tokio::test]
async fn casting_again_replaces_the_choices_and_keeps_one_ballot() {
    let db = fresh().await;
    let (poll, options) = poll(&db, false).await;
    assert_eq!(options.len(), 3);
    let anna = user(&db, "anna", Role::Resident).await;

    polls::cast(&db.db.conn, &poll, &anna, &options[..1], now())
        .await
        .expect("cast");
    assert_eq!(
        polls::ballot_of(&*db, &poll, &anna).await.expect("ballot"),
        Some(vec![options[0].clone()])
    );
    polls::cast(&db.db.conn, &poll, &anna, &options[1..2], later(5))
        .await
        .expect("cast again");
    assert_eq!(
        polls::ballot_of(&*db, &poll, &anna).await.expect("ballot"),
        Some(vec![options[1].clone()]),
        "the new choice replaced the old one"
    );
    let results = polls::results(&*db, &poll).await.expect("results");
    assert_eq!(results.voters, 1, "a changed ballot is still one ballot");
    assert_eq!(results.per_option.get(&options[0]), None);
    assert_eq!(results.per_option.get(&options[1]), Some(&1));

    let bram = user(&db, "bram", Role::Resident).await;
    assert_eq!(
        polls::ballot_of(&*db, &poll, &bram).await.expect("none"),
        None
    );
}

#[tokio::test]
async fn results_count_voters_and_choices_per_option() {
    let db = fresh().await;
    let (poll, options) = poll(&db, true).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let chantal = user(&db, "chantal", Role::Resident).await;
    polls::cast(&db.db.conn, &poll, &anna, &options[0..2], now())
        .await
        .expect("cast");
    polls::cast(&db.db.conn, &poll, &bram, &options[1..3], now())
        .await
        .expect("cast");
    polls::cast(&db.db.conn, &poll, &chantal, &options[1..2], now())
        .await
        .expect("cast");
    // Anna changes from two choices to one.
    polls::cast(&db.db.conn, &poll, &anna, &options[2..3], later(1))
        .await
        .expect("change");

    let results = polls::results(&*db, &poll).await.expect("results");
    assert_eq!(results.voters, 3);
    assert_eq!(
        results.per_option.get(&options[0]),
        None,
        "Anna's old choice is gone"
    );
    assert_eq!(results.per_option.get(&options[1]), Some(&2));
    assert_eq!(results.per_option.get(&options[2]), Some(&2));
    let mut chosen = polls::ballot_of(&*db, &poll, &bram)
        .await
        .expect("ballot")
        .expect("bram voted");
    chosen.sort();
    let mut expected = options[1..3].to_vec();
    expected.sort();
    assert_eq!(chosen, expected);
}

#[tokio::test]
async fn simultaneous_ballots_of_one_resident_leave_one_ballot() {
    let db = fresh().await;
    let (poll, options) = poll(&db, false).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let conn = db.db.conn.clone();
        let (poll, anna, option) = (poll.clone(), anna.clone(), options[i % 3].clone());
        tasks.push(tokio::spawn(async move {
            polls::cast(&conn, &poll, &anna, &[option], later(i as i64)).await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("cast");
    }
    let results = polls::results(&*db, &poll).await.expect("results");
    assert_eq!(results.voters, 1);
    assert_eq!(
        results.per_option.values().sum::<u64>(),
        1,
        "exactly one choice survives: {:?}",
        results.per_option
    );
}
