//! The whole network on loopback, four instances under their own host names: two
//! municipalities, a province and the national helpdesk. A process is reused from A to B and
//! back again (provenance and ancestry on every side), both municipalities join the province's
//! deal and its dashboard adds up their own figures, the helpdesk's catalogue lists both
//! municipalities' open consultations and ranks the reused process, a guide reaches a member,
//! and a member leaves.

use super::deals::{
    deal_json, make_deal, member, province, token, until_member_state, until_membership_state,
};
use super::federation::{eventually, named_with_admin};
use super::{consultation, propose, resident};
use inspraak_tests::{Browser, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};

/// Reuses the consultation `slug` of `from` on `to` through the API (template download and
/// upload, then publication); returns the copy's ActivityPub id.
async fn reuse(
    from: &TestInstance,
    slug: &str,
    to: &TestInstance,
    token: &str,
    new_slug: &str,
) -> String {
    let template = from
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/template"))
        .await;
    template.expect(200);
    let today = inspraak_app::clock::today().format("%Y-%m-%d").to_string();
    let mut app = to.browser();
    let made = app
        .api(
            Method::POST,
            "/api/v1/templates",
            Some(token),
            Some(json!({"template": template.json(), "starts_on": today, "slug": new_slug})),
        )
        .await;
    made.expect(201);
    let id = made.json()["id"].as_str().expect("id").to_owned();
    app.api(
        Method::PUT,
        &format!("/api/v1/consultations/{id}/publication"),
        Some(token),
        None,
    )
    .await
    .expect(204);
    format!("{}/consultations/{new_slug}", to.base)
}

/// A consultation's JSON on its own instance.
async fn consultation_json(instance: &TestInstance, slug: &str) -> Value {
    instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json()
}

/// The ids in a consultation's `reused_by`.
fn reused_by(c: &Value) -> Vec<String> {
    c["reused_by"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Registers a municipality (or the province) with the helpdesk from its admin page.
async fn register(admin: &mut Browser, helpdesk: &TestInstance) {
    let handle = format!("@helpdesk@{}:{}", helpdesk.host, helpdesk.port);
    let page = admin
        .submit("/admin/helpdesk", "/admin/helpdesk", &[("target", &handle)])
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/helpdesk?notice=helpdesk_registered"),
        "{page:?}"
    );
}

#[tokio::test]
async fn four_instances_reuse_join_count_catalogue_and_guide() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (p, mut admin_p) = province("provincie.test").await;
    let h = TestInstance::builder()
        .host("helpdesk.test")
        .setting("INSPRAAK_INSTANCE_KIND", "helpdesk")
        .start()
        .await;
    h.create_admin("beheer", super::ADMIN_PASSWORD).await;
    let mut admin_h = h.browser();
    admin_h
        .login("beheer", super::ADMIN_PASSWORD)
        .await
        .expect(303);
    let (token_a, token_b, token_p) = (
        token(&mut admin_a).await,
        token(&mut admin_b).await,
        token(&mut admin_p).await,
    );

    // Everyone registers with the helpdesk; the deal is made and both municipalities join.
    for admin in [&mut admin_a, &mut admin_b, &mut admin_p] {
        register(admin, &h).await;
    }
    let deal_id = make_deal(
        &mut admin_p,
        "Provinciedeal Participatie Zuid-Holland",
        "participatie-zh",
    )
    .await;
    let deal_url = format!("{}/deals/participatie-zh", p.base);
    for (instance, token) in [(&a, &token_a), (&b, &token_b)] {
        instance
            .browser()
            .api(
                Method::POST,
                "/api/v1/memberships",
                Some(token),
                Some(json!({"deal": deal_url})),
            )
            .await
            .expect(201);
        let member_id = until_member_state(&p, "participatie-zh", &instance.host, "pending").await;
        p.browser()
            .api(
                Method::POST,
                &format!("/api/v1/deals/{deal_id}/members/{member_id}/accept"),
                Some(&token_p),
                None,
            )
            .await
            .expect(204);
        until_membership_state(instance, token, "member").await;
    }

    // A's consultation is reused by B, and B's copy again by A: provenance on every side.
    let (_, origin_slug) = consultation(&mut admin_a, "Groen schoolplein", "proposals", &[]).await;
    let (_, b_own) = consultation(&mut admin_b, "Veilige fietsroute", "proposals", &[]).await;
    let origin = format!("{}/consultations/{origin_slug}", a.base);
    let copy = reuse(&a, &origin_slug, &b, &token_b, "schoolplein-b").await;
    let copy_of_copy = reuse(&b, "schoolplein-b", &a, &token_a, "schoolplein-a2").await;
    assert_eq!(
        consultation_json(&b, "schoolplein-b").await["derived_from"],
        origin.as_str()
    );
    let again = consultation_json(&a, "schoolplein-a2").await;
    assert_eq!(again["derived_from"], copy.as_str());
    assert_eq!(
        again["ancestry"],
        json!([origin]),
        "a reuse of a reuse shows its whole ancestry"
    );
    eventually("A lists B's copy as a reuse", || async {
        reused_by(&consultation_json(&a, &origin_slug).await)
            .contains(&copy)
            .then_some(())
    })
    .await;
    eventually("B lists A's copy of its copy", || async {
        reused_by(&consultation_json(&b, "schoolplein-b").await)
            .contains(&copy_of_copy)
            .then_some(())
    })
    .await;

    // New activity on both members: the dashboard's totals are the sum of their own figures.
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    propose(&mut anna, &origin_slug, "Meer bomen bij de school").await;
    let mut bram = resident(&b, &mut admin_b, "bram", true).await;
    propose(&mut bram, &b_own, "Een fietsstraat langs het kanaal").await;
    propose(&mut bram, "schoolplein-b", "Een moestuin").await;
    let (own_a, own_b) = eventually(
        "the dashboard has both members' current figures",
        || async {
            let own_a = a.browser().get("/api/v1/statistics").await.json();
            let own_b = b.browser().get("/api/v1/statistics").await.json();
            let deal = deal_json(&p, "participatie-zh").await;
            (member(&deal, &a.host)?["statistics"] == own_a
                && member(&deal, &b.host)?["statistics"] == own_b)
                .then_some((own_a, own_b))
        },
    )
    .await;
    let deal = deal_json(&p, "participatie-zh").await;
    for field in [
        "proposals",
        "comments",
        "supports",
        "ballots",
        "statement_votes",
    ] {
        let sum = own_a["totals"][field].as_u64().unwrap_or(0)
            + own_b["totals"][field].as_u64().unwrap_or(0);
        assert_eq!(
            deal["totals"]["totals"][field].as_u64(),
            Some(sum),
            "{field}"
        );
    }
    assert_eq!(own_a["totals"]["proposals"], 1);
    assert_eq!(own_b["totals"]["proposals"], 2);
    let open = own_a["consultations"]["open"].as_u64().unwrap_or(0)
        + own_b["consultations"]["open"].as_u64().unwrap_or(0);
    assert_eq!(deal["totals"]["consultations"]["open"].as_u64(), Some(open));
    // The reuse graph shows the process spreading between the members.
    let graph = deal["reuse_graph"].as_array().cloned().unwrap_or_default();
    assert!(graph.iter().any(|e| e["origin"] == origin.as_str()
        && e["copy"] == copy.as_str()
        && e["copy_is_member"] == true));
    assert!(
        graph
            .iter()
            .any(|e| e["origin"] == copy.as_str() && e["copy"] == copy_of_copy.as_str())
    );

    // The helpdesk's catalogue: both municipalities' open consultations, the reused process ranked.
    let catalogue = eventually(
        "the catalogue has both municipalities and the reuses",
        || async {
            let found = h.browser().get("/api/v1/catalogue").await.json();
            let ids: Vec<&str> = found["consultations"]
                .as_array()?
                .iter()
                .filter_map(|c| c["id"].as_str())
                .collect();
            let b_own_id = format!("{}/consultations/{b_own}", b.base);
            let complete = ids.contains(&origin.as_str())
                && ids.contains(&b_own_id.as_str())
                && ids.contains(&copy.as_str());
            let counted = found["templates"]
                .as_array()?
                .iter()
                .any(|t| t["id"] == origin.as_str() && t["reuse_count"] == 1);
            (complete && counted).then_some(found)
        },
    )
    .await;
    let template = catalogue["templates"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == origin.as_str()))
        .cloned()
        .expect("the origin as a template");
    assert_eq!(
        template["reused_by"][0]["id"],
        copy.as_str(),
        "its reuse tree"
    );
    let instances: Vec<&str> = catalogue["consultations"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["instance"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        instances.iter().any(|i| i.starts_with(&a.host))
            && instances.iter().any(|i| i.starts_with(&b.host))
    );

    // A guide written on the helpdesk reaches a member's admin area.
    admin_h
        .submit(
            "/admin/guides",
            "/admin/guides",
            &[
                ("title", "Een deal beginnen"),
                ("text", "Begin met **twee** gemeenten."),
            ],
        )
        .await
        .expect(303);
    eventually("the guide reaches A", || {
        let mut admin = admin_a.fork();
        async move {
            let home = admin.get("/admin").await;
            home.by_id("helpdesk-guides")?
                .contains("Een deal beginnen")
                .then_some(())
        }
    })
    .await;

    // B leaves the deal: it stops counting.
    let membership = b
        .browser()
        .api(Method::GET, "/api/v1/memberships", Some(&token_b), None)
        .await
        .json()[0]["id"]
        .as_str()
        .expect("membership")
        .to_owned();
    b.browser()
        .api(
            Method::DELETE,
            &format!("/api/v1/memberships/{membership}"),
            Some(&token_b),
            None,
        )
        .await
        .expect(204);
    until_member_state(&p, "participatie-zh", &b.host, "left").await;
    let deal = deal_json(&p, "participatie-zh").await;
    assert_eq!(deal["totals"]["reporting_members"], 1);
    assert_eq!(
        deal["totals"]["totals"]["proposals"].as_u64(),
        own_a["totals"]["proposals"].as_u64()
    );
}
