//! Statement votes: one per person per statement; a new vote changes the old one.

use super::{consultation, fresh, later, now, user};
use inspraak_db::conversations::{self, NewConversation};
use inspraak_db::new_id;
use inspraak_domain::Role;
use inspraak_domain::conversation::{StatementState, StatementVote};

#[tokio::test]
async fn a_new_vote_on_a_statement_changes_the_old_one() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let id = new_id();
    conversations::create(
        &db.db.conn,
        NewConversation {
            id: id.clone(),
            consultation_id: c,
            question: "Wat wil je met het plein?".into(),
            premoderation: false,
            ap_id: format!("http://localhost/conversations/{id}"),
        },
        &["Meer bomen".to_owned(), "Meer parkeerplaatsen".to_owned()],
        &admin,
        |s| format!("http://localhost/statements/{s}"),
        now(),
    )
    .await
    .expect("create conversation");
    let statements = conversations::statements(&*db, &id)
        .await
        .expect("statements");
    assert_eq!(
        statements.iter().map(|s| s.number).collect::<Vec<_>>(),
        [0, 1]
    );
    let (bomen, parkeren) = (&statements[0].id, &statements[1].id);

    conversations::vote(&*db, &id, bomen, &anna, StatementVote::Agree, now())
        .await
        .expect("vote");
    conversations::vote(&*db, &id, parkeren, &anna, StatementVote::Disagree, now())
        .await
        .expect("vote");
    conversations::vote(&*db, &id, bomen, &bram, StatementVote::Pass, now())
        .await
        .expect("vote");
    // Anna changes her mind about the trees.
    conversations::vote(&*db, &id, bomen, &anna, StatementVote::Disagree, later(60))
        .await
        .expect("change");

    assert_eq!(
        conversations::vote_count(&*db, &id).await.expect("count"),
        3,
        "a changed vote counts once"
    );
    let votes = conversations::all_votes(&*db, &id).await.expect("votes");
    let anna_on_bomen: Vec<_> = votes
        .iter()
        .filter(|v| v.user_id == anna && v.number == 0)
        .collect();
    assert_eq!(anna_on_bomen.len(), 1);
    let anna_vote = anna_on_bomen[0];
    assert_eq!(anna_vote.vote, -1, "the new vote replaced the old one");
    assert_eq!(anna_vote.created_at, now(), "the first vote's moment stays");
    assert_eq!(anna_vote.changed_at, later(60));
    let bram_on_bomen = votes
        .iter()
        .find(|v| v.user_id == bram && v.number == 0)
        .expect("bram's vote");
    assert_eq!(bram_on_bomen.vote, 0, "others' votes are untouched");

    let mut voted = conversations::voted_by(&*db, &id, &anna)
        .await
        .expect("voted by");
    voted.sort();
    let mut expected = vec![bomen.clone(), parkeren.clone()];
    expected.sort();
    assert_eq!(voted, expected);
    assert_eq!(
        conversations::voted_by(&*db, &id, &bram)
            .await
            .expect("voted by"),
        vec![bomen.clone()]
    );
}

#[tokio::test]
async fn added_statements_take_the_next_number() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let id = new_id();
    conversations::create(
        &db.db.conn,
        NewConversation {
            id: id.clone(),
            consultation_id: c,
            question: "Wat wil je met het plein?".into(),
            premoderation: true,
            ap_id: format!("http://localhost/conversations/{id}"),
        },
        &["Een".to_owned()],
        &admin,
        |s| format!("http://localhost/statements/{s}"),
        now(),
    )
    .await
    .expect("create conversation");
    let added = conversations::add_statement(
        &*db,
        &id,
        "Een markt op zaterdag",
        &anna,
        true,
        |s| format!("http://localhost/statements/{s}"),
        later(1),
    )
    .await
    .expect("add");
    assert_eq!(added.number, 1);
    assert_eq!(conversations::state_of(&added), StatementState::Pending);
    assert!(!added.seed);
}

/// Makes a conversation with two seed statements; returns its id and the statements' ids.
async fn conversation(db: &super::TestDb, admin: &str, c: &str, n: usize) -> (String, Vec<String>) {
    let id = new_id();
    conversations::create(
        &db.db.conn,
        NewConversation {
            id: id.clone(),
            consultation_id: c.to_owned(),
            question: format!("Vraag {n}"),
            premoderation: false,
            ap_id: format!("http://localhost/conversations/{id}"),
        },
        &["Ja".to_owned(), "Nee".to_owned()],
        admin,
        |s| format!("http://localhost/statements/{s}"),
        now(),
    )
    .await
    .expect("create conversation");
    let statements = conversations::statements(&**db, &id)
        .await
        .expect("statements")
        .into_iter()
        .map(|s| s.id)
        .collect();
    (id, statements)
}

#[tokio::test]
async fn only_conversations_whose_votes_changed_are_stale() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let mut all = Vec::new();
    for n in 0..30 {
        all.push(conversation(&db, &admin, &c, n).await);
    }
    assert!(
        conversations::stale(&*db).await.expect("stale").is_empty(),
        "conversations without votes need no analysis"
    );
    let (active, statements) = &all[7];
    conversations::vote(
        &*db,
        active,
        &statements[0],
        &anna,
        StatementVote::Agree,
        now(),
    )
    .await
    .expect("vote");
    let stale = conversations::stale(&*db).await.expect("stale");
    assert_eq!(stale, [(active.clone(), 1)]);

    // An analysis that read the votes at change 1 makes it fresh; a vote during or after it
    // makes it stale again.
    conversations::store_analysis(&*db, active, 1, 1, "{}".into(), "{}".into(), later(1))
        .await
        .expect("store");
    assert!(conversations::stale(&*db).await.expect("stale").is_empty());
    conversations::vote(
        &*db,
        active,
        &statements[1],
        &anna,
        StatementVote::Pass,
        later(2),
    )
    .await
    .expect("vote");
    assert_eq!(
        conversations::stale(&*db).await.expect("stale"),
        [(active.clone(), 2)]
    );
    // A moderation decision changes what the analysis reads too.
    conversations::store_analysis(&*db, active, 2, 2, "{}".into(), "{}".into(), later(3))
        .await
        .expect("store");
    let (other, other_statements) = &all[20];
    conversations::set_statement_state(&*db, other, &other_statements[0], StatementState::Hidden)
        .await
        .expect("hide");
    assert_eq!(
        conversations::stale(&*db).await.expect("stale"),
        [(other.clone(), 1)]
    );
}
