//! Comments: threads per proposal or consultation, counts, and deletion that keeps replies.

use super::{TestDb, consultation, fresh, later, now, proposal, user};
use inspraak_db::comments::{self, NewComment};
use inspraak_db::new_id;
use inspraak_domain::Role;
use inspraak_domain::comment::CommentState;
use inspraak_domain::comment::Stance;

/// Stores a published comment and returns its id.
async fn comment(
    db: &TestDb,
    consultation_id: &str,
    proposal_id: Option<&str>,
    parent: Option<(&str, i32)>,
    author: &str,
    body: &str,
) -> String {
    let id = new_id();
    comments::create(
        &**db,
        NewComment {
            ap_id: format!("http://localhost/comments/{id}"),
            id: id.clone(),
            consultation_id: consultation_id.into(),
            proposal_id: proposal_id.map(str::to_owned),
            budget_project_id: None,
            parent_id: parent.map(|(p, _)| p.to_owned()),
            depth: parent.map_or(0, |(_, d)| d + 1),
            author_id: author.into(),
            body: body.into(),
            body_html: format!("<p>{body}</p>"),
            stance: Stance::Neutral,
            pending: false,
        },
        now(),
    )
    .await
    .expect("create comment");
    id
}

#[tokio::test]
async fn threads_hold_their_own_comments_and_counts_add_up() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let other = consultation(&db, &admin, "park").await;
    let p = proposal(&db, &c, &anna, "Meer bomen").await;

    let first = comment(&db, &c, Some(&p), None, &anna, "Goed idee").await;
    comment(&db, &c, Some(&p), Some((&first, 0)), &anna, "Eens").await;
    comment(&db, &c, None, None, &anna, "Over de consultatie").await;
    comment(&db, &other, None, None, &anna, "Elders").await;

    let on_proposal = comments::thread(&*db, &c, Some(&p)).await.expect("thread");
    assert_eq!(on_proposal.len(), 2);
    assert_eq!(on_proposal[1].parent_id.as_deref(), Some(first.as_str()));
    assert_eq!(on_proposal[1].depth, 1);
    let on_consultation = comments::thread(&*db, &c, None).await.expect("thread");
    assert_eq!(
        on_consultation.len(),
        1,
        "the consultation's own thread leaves the proposal's out"
    );
    assert_eq!(
        comments::all_of_consultation(&*db, &c)
            .await
            .expect("all")
            .len(),
        3
    );
    assert_eq!(comments::count_local(&*db).await.expect("count"), 4);
}

#[tokio::test]
async fn deleting_leaves_a_placeholder_only_when_there_are_replies() {
    let db = fresh().await;
    let admin = user(&db, "beheer", Role::Admin).await;
    let anna = user(&db, "anna", Role::Resident).await;
    let bram = user(&db, "bram", Role::Resident).await;
    let c = consultation(&db, &admin, "plein").await;
    let answered = comment(&db, &c, None, None, &anna, "Bomen geven overlast").await;
    let reply = comment(&db, &c, None, Some((&answered, 0)), &bram, "Niet altijd").await;
    let alone = comment(&db, &c, None, None, &anna, "Nog iets").await;

    comments::delete_by_author(&*db, &answered, later(1))
        .await
        .expect("delete");
    comments::delete_by_author(&*db, &alone, later(2))
        .await
        .expect("delete");
    let thread = comments::thread(&*db, &c, None).await.expect("thread");
    assert_eq!(
        thread.len(),
        2,
        "the lone comment is gone, the answered one stays"
    );
    let placeholder = comments::find(&*db, &answered).await.expect("placeholder");
    assert_eq!(comments::state_of(&placeholder), CommentState::Deleted);
    assert!(placeholder.body_markdown.is_empty() && placeholder.body_html.is_empty());
    assert_eq!(
        comments::find(&*db, &reply)
            .await
            .expect("reply")
            .body_markdown,
        "Niet altijd"
    );
    assert!(comments::find(&*db, &alone).await.is_err());
    assert_eq!(comments::count_local(&*db).await.expect("count"), 2);
}
