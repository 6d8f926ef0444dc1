//! Two instances under distinct host names federating over real HTTP on loopback: B follows a
//! consultation of A; what happens on A appears on B; a comment written on B reaches A; a
//! delete on A removes the copy on B.

use super::{ADMIN_PASSWORD, RESIDENT_PASSWORD, consultation, propose, resident};
use inspraak_tests::{Browser, TestInstance, extract_between};
use std::future::Future;
use std::time::Duration;

/// Waits (up to 20 s) until `check` returns `Some`; panics with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}")
}

/// An instance under `host` with an admin logged in.
pub async fn named_with_admin(host: &str) -> (TestInstance, Browser) {
    let instance = TestInstance::builder().host(host).start().await;
    instance.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", ADMIN_PASSWORD).await.expect(303);
    (instance, admin)
}

/// Has `admin` follow `target` (a handle or URL) from the federation page.
pub async fn follow(admin: &mut Browser, target: &str) {
    let page = admin
        .submit(
            "/admin/federation",
            "/admin/federation/follow",
            &[("target", target)],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/federation?notice=followed"),
        "follow failed: {page:?}"
    );
}

/// The number of accepted followers of a collection, as served to other servers.
pub async fn followers(browser: &mut Browser, path: &str) -> u64 {
    browser
        .get_with_accept(path, "application/activity+json")
        .await
        .json()["totalItems"]
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_neighbour_follows_a_consultation_and_sees_and_answers_what_happens_there() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (id, slug) = consultation(&mut admin_a, "Stationsplein", "proposals", &[]).await;

    // B follows A's consultation by its URL; A accepts at once.
    follow(&mut admin_b, &format!("{}/consultations/{slug}", a.base)).await;
    let visitor_a = a.browser();
    eventually("A counts B as a follower", || {
        let mut v = visitor_a.fork();
        let path = format!("/consultations/{slug}/followers");
        async move { (followers(&mut v, &path).await == 1).then_some(()) }
    })
    .await;
    eventually("B sees its follow accepted", || {
        let mut admin = admin_b.fork();
        async move {
            let page = admin.get("/admin/federation").await;
            (page.data("accepted").as_deref() == Some("true")).then_some(())
        }
    })
    .await;

    // The copy is listed as nearby on B, marked with its origin.
    let nearby = b.browser().get("/nearby").await;
    nearby.expect(200);
    assert!(nearby.body.contains("Stationsplein"), "{}", nearby.body);
    assert!(
        nearby
            .data("origin")
            .is_some_and(|origin| origin.starts_with(&format!("{}/", a.base))),
        "marked with its origin: {}",
        nearby.body
    );
    let copy_path = format!(
        "/consultations/{}",
        extract_between(&nearby.body, "<a href=\"/consultations/", "\"").expect("copy link")
    );

    // A proposal on A reaches B.
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    let proposal = propose(&mut anna, &slug, "Meer bomen op het plein").await;
    let visitor_b = b.browser();
    let copy_proposal = eventually("the proposal appears on B", || {
        let mut v = visitor_b.fork();
        let path = copy_path.clone();
        async move {
            let page = v.get(&path).await;
            if !page.body.contains("Meer bomen op het plein") {
                return None;
            }
            extract_between(&page.body, "<a href=\"/proposals/", "\"")
        }
    })
    .await;
    let copy_proposal_path = format!(
        "/proposals/{}",
        copy_proposal.split('#').next().unwrap_or("")
    );

    // A comment on A reaches B.
    anna.submit(
        &format!("/proposals/{proposal}"),
        &format!("/proposals/{proposal}/comments"),
        &[("body", "Graag met bankjes erbij."), ("stance", "for")],
    )
    .await
    .expect(303);
    // An official answer on A reaches B.
    admin_a
        .submit(
            &format!("/proposals/{proposal}"),
            &format!("/proposals/{proposal}/answer"),
            &[
                ("status", "accepted"),
                ("answer", "Dat gaan we doen in het voorjaar."),
            ],
        )
        .await
        .expect(303);
    // A poll on A reaches B.
    admin_a
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Welke boom?"),
                ("options", "Linde\nEik"),
                ("results", "live"),
            ],
        )
        .await
        .expect(303);
    eventually("the comment and the answer appear on B", || {
        let mut v = visitor_b.fork();
        let path = copy_proposal_path.clone();
        async move {
            let page = v.get(&path).await;
            (page.body.contains("Graag met bankjes erbij.")
                && page.body.contains("Dat gaan we doen in het voorjaar."))
            .then_some(())
        }
    })
    .await;
    eventually("the poll appears on B", || {
        let mut v = visitor_b.fork();
        let path = copy_path.clone();
        async move {
            v.get(&path)
                .await
                .body
                .contains("Welke boom?")
                .then_some(())
        }
    })
    .await;

    // A resident of B answers on B; the comment reaches A, attributed to them.
    let mut bram = b.browser();
    bram.register("bram", RESIDENT_PASSWORD).await.expect(303);
    // Only under their own name: by default a resident does not appear in the fediverse.
    let refused = bram
        .submit(
            &copy_proposal_path,
            &format!("{copy_proposal_path}/comments"),
            &[("body", "Anoniem elders?"), ("stance", "for")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let token = bram.get(&copy_proposal_path).await.csrf();
    let reason = bram
        .post_json(
            &format!("{copy_proposal_path}/comments"),
            &[
                ("csrf_token", &token),
                ("body", "Anoniem elders?"),
                ("stance", "for"),
            ],
        )
        .await;
    reason.expect(403);
    assert_eq!(
        reason.error_code(),
        "fediverse_hidden",
        "only residents who appear by name take part elsewhere"
    );
    bram.submit(
        "/account",
        "/account/fediverse",
        &[("fediverse_visible", "on")],
    )
    .await
    .expect(303);
    let account = bram.get("/account").await;
    assert!(
        account.body.contains("@bram@gemeente-b.test"),
        "{}",
        account.body
    );
    let posted = bram
        .submit(
            &copy_proposal_path,
            &format!("{copy_proposal_path}/comments"),
            &[
                ("body", "Vanuit de buurgemeente: goed plan!"),
                ("stance", "for"),
            ],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    eventually("the comment from B appears on A", || {
        let mut v = visitor_a.fork();
        let path = format!("/proposals/{proposal}");
        async move {
            let page = v.get(&path).await;
            (page.body.contains("Vanuit de buurgemeente: goed plan!")
                && page.body.contains("Inwoner bram"))
            .then_some(())
        }
    })
    .await;

    // Anna deletes her comment on A; the copy on B goes too.
    let thread = anna.get(&format!("/proposals/{proposal}")).await;
    let comment_id =
        extract_between(&thread.body, "action=\"/comments/", "/delete\"").expect("delete button");
    anna.submit(
        &format!("/proposals/{proposal}"),
        &format!("/comments/{comment_id}/delete"),
        &[],
    )
    .await
    .expect(303);
    eventually("the deleted comment disappears from B", || {
        let mut v = visitor_b.fork();
        let path = copy_proposal_path.clone();
        async move {
            let page = v.get(&path).await;
            (!page.body.contains("Graag met bankjes erbij.")).then_some(())
        }
    })
    .await;

    // A renames the consultation; B's copy follows. A withdraws it; B's copy goes.
    admin_a
        .submit(
            &format!("/admin/consultations/{id}/edit"),
            &format!("/admin/consultations/{id}"),
            &[
                ("title", "Stationsplein en omgeving"),
                ("summary", "Denk mee."),
                ("body", "Tekst"),
            ],
        )
        .await
        .expect(303);
    eventually("the new title appears on B", || {
        let mut v = visitor_b.fork();
        async move {
            v.get("/nearby")
                .await
                .body
                .contains("Stationsplein en omgeving")
                .then_some(())
        }
    })
    .await;
    admin_a
        .submit(
            &format!("/admin/consultations/{id}/edit"),
            &format!("/admin/consultations/{id}/publish"),
            &[],
        )
        .await
        .expect(303);
    eventually("the withdrawn consultation disappears from B", || {
        let mut v = visitor_b.fork();
        async move {
            (!v.get("/nearby")
                .await
                .body
                .contains("Stationsplein en omgeving"))
            .then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn following_a_municipality_by_handle_brings_its_new_consultations() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    follow(&mut admin_b, &format!("@gemeente@{}:{}", a.host, a.port)).await;
    let visitor_a = a.browser();
    eventually("A counts B as a follower of the municipality", || {
        let mut v = visitor_a.fork();
        async move { (followers(&mut v, "/organization/followers").await == 1).then_some(()) }
    })
    .await;
    let (_, slug) = consultation(&mut admin_a, "Zwembad De Vennen", "proposals", &[]).await;
    let visitor_b = b.browser();
    let copy = eventually("the new consultation appears on B", || {
        let mut v = visitor_b.fork();
        async move {
            let page = v.get("/nearby").await;
            page.body
                .contains("Zwembad De Vennen")
                .then(|| extract_between(&page.body, "<a href=\"/consultations/", "\""))
                .flatten()
        }
    })
    .await;
    // Following the municipality brings what happens in its consultations too.
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    propose(&mut anna, &slug, "Langere openingstijden").await;
    eventually("the proposal appears on B", || {
        let mut v = visitor_b.fork();
        let path = format!("/consultations/{copy}");
        async move {
            v.get(&path)
                .await
                .body
                .contains("Langere openingstijden")
                .then_some(())
        }
    })
    .await;
    // A handle that does not resolve is explained, not an error page.
    let page = admin_b
        .submit(
            "/admin/federation",
            "/admin/federation/follow",
            &[("target", "@niemand@gemeente-a.test")],
        )
        .await;
    assert!(
        page.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/admin/federation?error=")),
        "{page:?}"
    );
}
