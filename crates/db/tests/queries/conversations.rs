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
