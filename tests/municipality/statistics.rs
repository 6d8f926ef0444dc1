//! `/api/v1/statistics`: the instance's own counts of local activity, public items only.

use crate::{consultation, instance_with_admin, propose, resident};

#[tokio::test]
async fn statistics_count_local_contributions_and_distinct_participants() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(&mut admin, "Speeltuin Noord", "proposals", &[]).await;
    let mut visitor = instance.browser();
    let empty = visitor.get("/api/v1/statistics").await;
    empty.expect(200);
    let empty = empty.json();
    assert_eq!(empty["consultations"]["total"], 1);
    assert_eq!(empty["consultations"]["open"], 1);
    assert_eq!(empty["totals"]["proposals"], 0);
    assert_eq!(empty["participants"], 0);
    assert_eq!(empty["weeks"].as_array().map(Vec::len), Some(12));

    let mut anna = resident(&instance, &mut admin, "anna", true).await;
    let mut bram = resident(&instance, &mut admin, "bram", true).await;
    let proposal = propose(&mut anna, &slug, "Een klimrek bij de school").await;
    let token = bram.get(&format!("/proposals/{proposal}")).await.csrf();
    bram.post(
        &format!("/proposals/{proposal}/support"),
        &[("csrf_token", &token)],
    )
    .await
    .expect(303);
    bram.submit(
        &format!("/consultations/{slug}"),
        &format!("/consultations/{slug}/comments"),
        &[
            ("body", "Goed idee, ook een bankje erbij."),
            ("stance", "for"),
        ],
    )
    .await
    .expect(303);

    let figures = visitor.get("/api/v1/statistics").await.json();
    assert_eq!(figures["totals"]["proposals"], 1);
    assert_eq!(figures["totals"]["supports"], 1);
    assert_eq!(figures["totals"]["comments"], 1);
    assert_eq!(figures["participants"], 2, "anna and bram, each once");
    let this_week = &figures["weeks"][11];
    assert_eq!(this_week["counts"]["proposals"], 1);
    assert_eq!(this_week["participants"], 2);
    assert!(
        !visitor
            .get("/api/v1/statistics")
            .await
            .body
            .contains("anna"),
        "no names"
    );
}
