//! The last-admin rule's count: a second transaction that counts admins waits for the first
//! to finish, so two admins demoting each other cannot both see "another admin is left".

use super::{fresh, user};
use inspraak_db::{begin_write, users};
use inspraak_domain::Role;
use std::time::Duration;

#[tokio::test]
async fn counting_admins_waits_for_a_demotion_in_progress() {
    let db = fresh().await;
    let anna = user(&db, "anna", Role::Admin).await;
    let _bram = user(&db, "bram", Role::Admin).await;

    let first = begin_write(&db).await.expect("begin");
    assert_eq!(users::count_admins_locked(&first).await.expect("count"), 2);

    let conn = db.db.conn.clone();
    let second = tokio::spawn(async move {
        let txn = begin_write(&conn).await.expect("begin");
        users::count_admins_locked(&txn).await.expect("count")
    });
    // Give the second transaction time to reach its count while the first still holds the lock.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "the second count must wait for the first transaction"
    );
    users::set_role(&first, &anna, Role::Resident)
        .await
        .expect("demote");
    first.commit().await.expect("commit");
    assert_eq!(
        second.await.expect("second transaction"),
        1,
        "the waiting count sees the demotion"
    );
}
