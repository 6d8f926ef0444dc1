//! Province deals over real HTTP on loopback: two municipalities and a province under their
//! own host names. A municipality applies (`Join`), the province accepts or rejects, members'
//! own figures reach the dashboard and add up, a member that leaves stops counting, and bad
//! input (a `Join` from a person, for an unknown deal; figures from a non-member) is refused
//! or ignored.

use super::federation::{eventually, named_with_admin};
use super::{ADMIN_PASSWORD, consultation, propose, resident};
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance, extract_between};
use reqwest::Method;
use serde_json::{Value, json};

/// A province instance under `host` with an admin logged in.
pub async fn province(host: &str) -> (TestInstance, Browser) {
    let instance = TestInstance::builder()
        .host(host)
        .setting("INSPRAAK_INSTANCE_KIND", "province")
        .start()
        .await;
    instance.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", ADMIN_PASSWORD).await.expect(303);
    (instance, admin)
}

/// Makes a deal through the admin form; returns its id.
pub async fn make_deal(admin: &mut Browser, name: &str, slug: &str) -> String {
    let made = admin
        .submit(
            "/admin/deals",
            "/admin/deals",
            &[
                ("name", name),
                ("slug", slug),
                ("summary", "Samen beter meedoen."),
            ],
        )
        .await;
    made.expect(303);
    extract_between(made.location.as_deref().unwrap_or(""), "/admin/deals/", "?")
        .expect("the deal's admin page")
}

/// The deal's dashboard as JSON, read anonymously.
pub async fn deal_json(province: &TestInstance, slug: &str) -> Value {
    let page = province
        .browser()
        .get(&format!("/api/v1/deals/{slug}"))
        .await;
    page.expect(200);
    page.json()
}

/// A member's entry on the dashboard, by its host.
pub fn member<'a>(deal: &'a Value, host: &str) -> Option<&'a Value> {
    deal["members"].as_array()?.iter().find(|m| {
        m["host"]
            .as_str()
            .is_some_and(|h| h.split(':').next() == Some(host))
    })
}

/// Applies to a deal from a municipality's admin page.
pub async fn apply(admin: &mut Browser, deal_handle: &str) {
    let applied = admin
        .submit(
            "/admin/deals",
            "/admin/deals/apply",
            &[("deal", deal_handle)],
        )
        .await;
    assert_eq!(
        applied.location.as_deref(),
        Some("/admin/deals?notice=deal_applied"),
        "apply failed: {applied:?}"
    );
}

/// Waits until the province lists the member on `host` with `state`; returns its row id.
pub async fn until_member_state(
    province: &TestInstance,
    slug: &str,
    host: &str,
    state: &str,
) -> String {
    eventually(&format!("{host} is {state}"), || async move {
        let deal = deal_json(province, slug).await;
        let m = member(&deal, host)?;
        (m["state"] == state).then(|| m["id"].as_str().unwrap_or_default().to_owned())
    })
    .await
}

/// Waits until the municipality's own membership of the deal has `state`.
pub async fn until_membership_state(municipality: &TestInstance, token: &str, state: &str) {
    eventually(&format!("membership is {state}"), || async move {
        let list = municipality
            .browser()
            .api(Method::GET, "/api/v1/memberships", Some(token), None)
            .await
            .json();
        (list[0]["state"] == state).then_some(())
    })
    .await;
}

/// An API token for the logged-in account.
pub async fn token(browser: &mut Browser) -> String {
    let made = browser
        .submit(
            "/account",
            "/account/tokens",
            &[("token_name", "Beheer-app")],
        )
        .await;
    extract_between(&made.body, "<code class=\"verification-code\">", "</code>")
        .expect("token shown once")
}

/// The audit log's CSV.
pub async fn audit(admin: &mut Browser) -> String {
    admin.get("/admin/audit.csv").await.body
}

/// Waits until the deal shows the member's figures equal to its own `/api/v1/statistics`.
pub async fn until_figures_match(province: &TestInstance, slug: &str, municipality: &TestInstance) {
    eventually(
        &format!("the deal has {}'s own figures", municipality.host),
        || async move {
            let own = municipality
                .browser()
                .get("/api/v1/statistics")
                .await
                .json();
            let deal = deal_json(province, slug).await;
            (member(&deal, &municipality.host)?["statistics"] == own).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_deal_adds_up_its_members_own_figures_and_forgets_those_who_leave() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let deal_id = make_deal(
        &mut admin_p,
        "Provinciedeal Participatie Zuid-Holland",
        "participatie-zh",
    )
    .await;
    let page = p.browser().get("/deals/participatie-zh").await;
    page.expect(200);
    let handle = format!("@participatie-zh@{}:{}", p.host, p.port);
    assert_eq!(
        page.element("fediverse-handle").data("handle").as_deref(),
        Some(handle.as_str())
    );
    let token_a = token(&mut admin_a).await;
    let token_b = token(&mut admin_b).await;
    let token_p = token(&mut admin_p).await;

    // A applies from its admin page; the province accepts in its admin page.
    apply(&mut admin_a, &handle).await;
    until_membership_state(&a, &token_a, "applied").await;
    let member_a = until_member_state(&p, "participatie-zh", &a.host, "pending").await;
    admin_p
        .submit(
            &format!("/admin/deals/{deal_id}"),
            &format!("/admin/deals/{deal_id}/members/{member_a}/accept"),
            &[],
        )
        .await
        .expect(303);
    until_membership_state(&a, &token_a, "member").await;

    // B applies through the API; the province first rejects, B applies again, and is accepted.
    let deal_url = format!("{}/deals/participatie-zh", p.base);
    b.browser()
        .api(
            Method::POST,
            "/api/v1/memberships",
            Some(&token_b),
            Some(json!({"deal": deal_url})),
        )
        .await
        .expect(201);
    let member_b = until_member_state(&p, "participatie-zh", &b.host, "pending").await;
    let resident_token = {
        let mut anna = resident(&p, &mut admin_p, "anna", true).await;
        token(&mut anna).await
    };
    p.browser()
        .api(
            Method::POST,
            &format!("/api/v1/deals/{deal_id}/members/{member_b}/accept"),
            Some(&resident_token),
            None,
        )
        .await
        .expect(403);
    p.browser()
        .api(
            Method::POST,
            &format!("/api/v1/deals/{deal_id}/members/{member_b}/reject"),
            Some(&token_p),
            None,
        )
        .await
        .expect(204);
    until_membership_state(&b, &token_b, "rejected").await;
    p.browser()
        .api(
            Method::POST,
            &format!("/api/v1/deals/{deal_id}/members/{member_b}/accept"),
            Some(&token_p),
            None,
        )
        .await
        .expect(409);
    b.browser()
        .api(
            Method::POST,
            "/api/v1/memberships",
            Some(&token_b),
            Some(json!({"deal": deal_url})),
        )
        .await
        .expect(201);
    until_member_state(&p, "participatie-zh", &b.host, "pending").await;
    p.browser()
        .api(
            Method::POST,
            &format!("/api/v1/deals/participatie-zh/members/{member_b}/accept"),
            Some(&token_p),
            None,
        )
        .await
        .expect(204);
    until_membership_state(&b, &token_b, "member").await;

    // New activity on both members: each one's figures on the dashboard equal its own.
    let (_, slug_a) = consultation(&mut admin_a, "Groen schoolplein", "proposals", &[]).await;
    let (_, slug_b) = consultation(&mut admin_b, "Veilige fietsroute", "proposals", &[]).await;
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    propose(&mut anna, &slug_a, "Meer bomen bij de school").await;
    propose(&mut anna, &slug_a, "Een moestuin voor de klas").await;
    let mut bram = resident(&b, &mut admin_b, "bram", true).await;
    propose(&mut bram, &slug_b, "Een fietsstraat langs het kanaal").await;
    until_figures_match(&p, "participatie-zh", &a).await;
    until_figures_match(&p, "participatie-zh", &b).await;
    let deal = deal_json(&p, "participatie-zh").await;
    let own_a = a.browser().get("/api/v1/statistics").await.json();
    let own_b = b.browser().get("/api/v1/statistics").await.json();
    assert_eq!(own_a["totals"]["proposals"], 2);
    let sum = |field: &str| {
        own_a["totals"][field].as_u64().unwrap_or(0) + own_b["totals"][field].as_u64().unwrap_or(0)
    };
    assert_eq!(
        deal["totals"]["totals"]["proposals"].as_u64(),
        Some(sum("proposals"))
    );
    assert_eq!(
        deal["totals"]["totals"]["supports"].as_u64(),
        Some(sum("supports"))
    );
    assert_eq!(
        deal["totals"]["participants"].as_u64(),
        Some(
            own_a["participants"].as_u64().unwrap_or(0)
                + own_b["participants"].as_u64().unwrap_or(0)
        )
    );
    // The dashboard page shows the same totals.
    let page = p.browser().get("/deals/participatie-zh").await;
    assert_eq!(
        page.element("deal-totals").data("proposals").as_deref(),
        Some(sum("proposals").to_string().as_str())
    );
    // The weekly trend on the page is the members' weeks added up.
    let this_week = deal["totals"]["weeks"]
        .as_array()
        .and_then(|w| w.last())
        .cloned()
        .expect("a trend");
    assert_eq!(
        this_week["counts"]["proposals"].as_u64(),
        Some(sum("proposals"))
    );
    assert_eq!(
        page.data_all("contributions").last().map(String::as_str),
        Some(this_week["contributions"].to_string().as_str())
    );
    // Members' new consultations were announced to the deal.
    let listed = eventually("the deal lists both new consultations", || async {
        let deal = deal_json(&p, "participatie-zh").await;
        let ids: Vec<String> = deal["consultations"]
            .as_array()?
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        (ids.len() >= 2).then_some(ids)
    })
    .await;
    assert!(
        listed
            .iter()
            .any(|id| id.ends_with(&format!("/consultations/{slug_a}")))
    );

    // A leaves: its figures stop counting.
    let membership_a = a
        .browser()
        .api(Method::GET, "/api/v1/memberships", Some(&token_a), None)
        .await
        .json()[0]["id"]
        .as_str()
        .expect("membership")
        .to_owned();
    admin_a
        .submit(
            "/admin/deals",
            &format!("/admin/memberships/{membership_a}/leave"),
            &[],
        )
        .await
        .expect(303);
    until_member_state(&p, "participatie-zh", &a.host, "left").await;
    let deal = deal_json(&p, "participatie-zh").await;
    assert_eq!(deal["totals"]["reporting_members"], 1);
    assert_eq!(
        deal["totals"]["totals"]["proposals"].as_u64(),
        own_b["totals"]["proposals"].as_u64()
    );
    assert!(member(&deal, &a.host).is_some_and(|m| m["statistics"].is_null()));

    // Every step is in the audit logs on both sides.
    let log_a = audit(&mut admin_a).await;
    for action in ["deal.apply", "deal.accept_received", "deal.leave"] {
        assert!(log_a.contains(action), "{action} in A's log");
    }
    let log_b = audit(&mut admin_b).await;
    assert!(log_b.contains("deal.reject_received"));
    let log_p = audit(&mut admin_p).await;
    for action in [
        "deal.create",
        "deal.join_received",
        "deal.accept",
        "deal.reject",
        "deal.leave_received",
    ] {
        assert!(log_p.contains(action), "{action} in the province's log");
    }
}

#[tokio::test]
async fn joins_from_non_organizations_or_for_unknown_deals_and_figures_from_non_members_are_refused()
 {
    let (p, mut admin_p) = province("provincie.test").await;
    let (m, _admin_m) = named_with_admin("gemeente-m.test").await;
    make_deal(&mut admin_p, "Deal Zuid", "deal-zuid").await;
    let deal = format!("{}/deals/deal-zuid", p.base);
    let organization = Sender::of(&m, "/organization", "/organization").await;
    let activity = |sender: &Sender, kind: &str, object: Value| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{}", m.base, uuid::Uuid::now_v7()),
            "type": kind,
            "actor": sender.actor,
            "object": object,
        }))
        .expect("json")
    };
    // A person (here: a fediverse-visible resident) may not join.
    let mut admin_m = m.browser();
    admin_m.login("beheer", ADMIN_PASSWORD).await.expect(303);
    let mut kees = resident(&m, &mut admin_m, "kees", false).await;
    kees.submit(
        "/account",
        "/account/fediverse",
        &[("fediverse_visible", "on")],
    )
    .await;
    let person = Sender::of(&m, "/users/kees", "/users/kees").await;
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &activity(&person, "Join", json!(deal)),
        &person,
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    // A deal that does not exist.
    let unknown = format!("{}/deals/bestaat-niet", p.base);
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &activity(&organization, "Join", json!(unknown)),
        &organization,
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // Figures from an organization that is no member are accepted (202) and ignored.
    let figures = m.browser().get("/api/v1/statistics").await.json();
    let report = json!({
        "id": format!("{}/api/v1/statistics", m.base),
        "type": "Statistics",
        "attributedTo": organization.actor,
        "figures": figures,
    });
    let (status, body) = post_signed(
        &p,
        "/inbox",
        &activity(&organization, "Update", report),
        &organization,
        None,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let deal = deal_json(&p, "deal-zuid").await;
    assert_eq!(
        deal["members"].as_array().map(Vec::len),
        Some(0),
        "nothing stored: {deal}"
    );
    assert_eq!(deal["totals"]["reporting_members"], 0);
    // Nothing in the audit log of the province but the deal itself.
    let log = audit(&mut admin_p).await;
    assert!(!log.contains("deal.join_received"));
    // Deals exist on provinces only.
    m.browser().get("/api/v1/deals/deal-zuid").await.expect(404);
    let made = m
        .browser()
        .api(
            Method::POST,
            "/api/v1/deals",
            None,
            Some(json!({"name": "x"})),
        )
        .await;
    made.expect(401);
}

#[tokio::test]
async fn a_deal_and_a_consultation_never_share_a_handle() {
    let (_p, mut admin_p) = province("provincie.test").await;
    make_deal(&mut admin_p, "Deal Noord", "deal-noord").await;
    let taken = admin_p
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[
                ("title", "Deal Noord"),
                ("slug", "deal-noord"),
                ("summary", "x"),
                ("phase0_kind", "information"),
                ("phase0_starts_on", "2027-01-01"),
                ("phase0_ends_on", "2027-01-10"),
            ],
        )
        .await;
    taken.expect(422);
    let (_, slug) = consultation(&mut admin_p, "Eigen traject", "proposals", &[]).await;
    let clash = admin_p
        .submit(
            "/admin/deals",
            "/admin/deals",
            &[("name", "Eigen traject"), ("slug", &slug)],
        )
        .await;
    clash.expect(422);
}
