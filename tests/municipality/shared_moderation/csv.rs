//! Mastodon domain-block CSV: an import with a bad line changes nothing and names the line,
//! too many lines or our own host are refused, and export then import gives the same blocks.

use super::super::deals::token;
use super::super::federation::named_with_admin;
use super::blocks;
use inspraak_tests::Browser;
use reqwest::Method;

/// Uploads a CSV on the admin federation page.
async fn upload(admin: &mut Browser, text: &str) -> inspraak_tests::Page {
    let csrf = admin.get("/admin/federation").await.csrf();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("blocks.csv"),
        );
    admin.post_multipart("/admin/federation/import", form).await
}

#[tokio::test]
async fn mastodon_csv_import_is_all_or_nothing_and_round_trips() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let token_a = token(&mut admin_a).await;
    let header = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";
    let import = |body: String| {
        let a = &a;
        let token_a = token_a.clone();
        async move {
            a.browser()
                .api_text(Method::POST, "/api/v1/domain-blocks/import", &token_a, body)
                .await
        }
    };

    // A bad line refuses the whole file, naming the line.
    let bad = format!(
        "{header}\ngood.test,suspend,false,false,ok,false\nnot a host,suspend,false,false,,false\n"
    );
    let refused = import(bad.clone()).await;
    refused.expect(400);
    assert!(refused.body.contains("line 3"), "{}", refused.body);
    assert!(blocks(&a, &token_a).await.is_empty());
    let page = upload(&mut admin_a, &bad).await;
    let location = page.location.clone().unwrap_or_default();
    assert!(location.contains("error=Regel+3"), "{location}");
    assert!(blocks(&a, &token_a).await.is_empty());
    // Our own host, or too many lines, likewise.
    import(format!(
        "{header}\ngemeente-a.test,suspend,false,false,,false\n"
    ))
    .await
    .expect(400);
    let many: String = (0..=5_000)
        .map(|i| format!("s{i}.test,suspend,false,false,,false\n"))
        .collect();
    import(format!("{header}\n{many}")).await.expect(400);
    assert!(blocks(&a, &token_a).await.is_empty());

    // A good file (on the page), exported and imported again elsewhere: the same blocks.
    let good = format!(
        "{header}\nbad.test,suspend,false,false,\"spam, mostly\",false\nloud.test,silence,true,false,,false\nfine.test,noop,true,false,,false\n"
    );
    let page = upload(&mut admin_a, &good).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/federation?notice=blocks_imported")
    );
    assert_eq!(
        blocks(&a, &token_a).await,
        [
            ("bad.test".to_owned(), true),
            ("loud.test".to_owned(), true)
        ]
    );
    let exported = a
        .browser()
        .api(
            Method::GET,
            "/api/v1/domain-blocks.csv",
            Some(&token_a),
            None,
        )
        .await;
    exported.expect(200);
    assert_eq!(
        exported.body,
        format!(
            "{header}\nbad.test,suspend,false,false,\"spam, mostly\",false\nloud.test,silence,false,false,,false\n"
        )
    );
    let from_page = admin_a.get("/admin/federation/blocks.csv").await;
    assert_eq!(from_page.body, exported.body);
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let token_b = token(&mut admin_b).await;
    let imported = b
        .browser()
        .api_text(
            Method::POST,
            "/api/v1/domain-blocks/import",
            &token_b,
            exported.body.clone(),
        )
        .await;
    imported.expect(200);
    assert_eq!(imported.json()["imported"], 2);
    let again = b
        .browser()
        .api(
            Method::GET,
            "/api/v1/domain-blocks.csv",
            Some(&token_b),
            None,
        )
        .await;
    assert_eq!(again.body, exported.body);
    assert!(
        admin_a
            .get("/admin/audit.csv")
            .await
            .body
            .contains("blocklist.import")
    );
}
