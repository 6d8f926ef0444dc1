//! Open data: CSV that spreadsheets read, JSON that matches the API, nothing private in either.

use super::{consultation, instance_with_admin, propose, resident};

#[tokio::test]
async fn exports_are_valid_csv_and_json_without_private_data() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(
        &mut admin,
        "Open data",
        "proposals",
        &[("support_threshold", "1")],
    )
    .await;
    let mut anna = resident(&instance, &mut admin, "anna_k", true).await;
    let proposal = propose(&mut anna, &slug, "Titel met, komma en \"quotes\"").await;
    anna.submit(
        &format!("/proposals/{proposal}"),
        &format!("/proposals/{proposal}/support"),
        &[],
    )
    .await
    .expect(303);
    let page = format!("/consultations/{slug}");
    anna.submit(
        &page,
        &format!("/consultations/{slug}/comments"),
        &[
            ("stance", "for"),
            ("body", "Regel één\nregel twee, met komma"),
        ],
    )
    .await
    .expect(303);
    let formula = anna
        .submit(
            &page,
            &format!("/consultations/{slug}/comments"),
            &[("body", "=HYPERLINK(\"http://evil.example\")")],
        )
        .await;
    assert_eq!(formula.status, 303);
    let hidden = anna
        .submit(
            &page,
            &format!("/consultations/{slug}/comments"),
            &[("body", "Deze wordt verborgen")],
        )
        .await;
    let hidden_id = hidden
        .location
        .as_deref()
        .unwrap_or("")
        .rsplit("#comment-")
        .next()
        .unwrap_or("")
        .to_owned();
    admin
        .submit(
            "/moderation",
            &format!("/moderation/comment/{hidden_id}/hide"),
            &[("reason", "Test")],
        )
        .await
        .expect(303);

    let mut visitor = instance.browser();
    let proposals_csv = visitor
        .get(&format!("/consultations/{slug}/export/proposals.csv"))
        .await;
    proposals_csv.expect(200);
    assert!(
        proposals_csv.body.starts_with('\u{feff}'),
        "BOM for spreadsheets"
    );
    assert!(
        proposals_csv
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let mut reader =
        csv::Reader::from_reader(proposals_csv.body.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "id",
            "url",
            "title",
            "summary",
            "author",
            "tags",
            "state",
            "status",
            "status_label",
            "answer",
            "supports",
            "threshold",
            "threshold_reached",
            "created_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][2], "Titel met, komma en \"quotes\"");
    assert_eq!(&rows[0][4], "Inwoner anna_k", "the public display name");
    assert_eq!(&rows[0][5], "groen;centrum");
    assert_eq!(&rows[0][10], "1");
    assert_eq!(&rows[0][12], "true");

    let comments_csv = visitor
        .get(&format!("/consultations/{slug}/export/comments.csv"))
        .await
        .body;
    let mut reader =
        csv::Reader::from_reader(comments_csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), 2, "the hidden comment is not published");
    assert!(
        rows.iter()
            .any(|r| &r[5] == "Regel één\nregel twee, met komma")
    );
    assert!(
        rows.iter()
            .any(|r| &r[5] == "'=HYPERLINK(\"http://evil.example\")"),
        "formulas are neutralised"
    );
    assert!(!comments_csv.contains("anna_k\""), "no usernames");
    let polls_csv = visitor
        .get(&format!("/consultations/{slug}/export/polls.csv"))
        .await;
    polls_csv.expect(200);
    visitor
        .get(&format!("/consultations/{slug}/export/users.csv"))
        .await
        .expect(404);

    let json = visitor.get(&format!("{page}/export.json")).await.json();
    assert_eq!(json["proposals"][0]["supports"], 1);
    assert_eq!(json["comments"].as_array().map(Vec::len), Some(2));
    assert!(
        json["proposals"][0].get("author_id").is_none(),
        "no account ids in the public export"
    );
    let api = visitor
        .get(&format!("/api/v1/consultations/{slug}/proposals"))
        .await
        .json();
    assert_eq!(api, json["proposals"], "the API and the export agree");

    // The admins' full export has what the public one leaves out.
    visitor
        .get(&format!("/admin/consultations/{id}/export.json"))
        .await
        .expect(303);
    anna.get(&format!("/admin/consultations/{id}/export.json"))
        .await
        .expect(403);
    let full = admin
        .get(&format!("/admin/consultations/{id}/export.json"))
        .await
        .json();
    assert_eq!(full["comments"].as_array().map(Vec::len), Some(3));
    assert!(full["proposals"][0]["author_id"].is_string());
    assert!(
        full["comments"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["hidden_reason"] == "Test")
    );
}
