//! The instance around the features: health, languages, API description, headers, errors.

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut browser = instance.browser();
    let health = browser.get("/healthz").await;
    health.expect(200);
    assert_eq!(health.body.trim(), "ok");
}

#[tokio::test]
async fn dutch_by_default_english_and_frisian_on_request() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut browser = instance.browser();
    let home = browser.get("/").await;
    assert!(
        home.body.contains("<html lang=\"nl\">") && home.body.contains("Denk mee over je gemeente")
    );

    browser.accept_language = Some("en-GB,en;q=0.9".into());
    let english = browser.get("/").await;
    assert!(
        english.body.contains("<html lang=\"en\">")
            && english.body.contains("Help shape your municipality")
    );

    // The visible switch wins over the browser's preference and brings you back.
    let switch = browser.get("/lang/fy?next=/consultations").await;
    assert_eq!(switch.status, 303);
    assert_eq!(switch.location.as_deref(), Some("/consultations"));
    let frisian = browser.get("/consultations").await;
    assert!(frisian.body.contains("<html lang=\"fy\">"));
    assert!(
        !frisian.body.contains("Participatietrajecten</h1>"),
        "the Frisian page is not the Dutch one"
    );

    // No open redirects through the switch.
    let evil = browser.get("/lang/nl?next=//evil.example/").await;
    assert_eq!(evil.location.as_deref(), Some("/"));
    browser.get("/lang/xx").await.expect(404);
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut browser = instance.browser();
    let doc = browser.get("/api/v1/openapi.json").await;
    doc.expect(200);
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
    for path in [
        "/api/v1/consultations",
        "/api/v1/consultations/{id}",
        "/api/v1/instance",
        "/api/v1/statistics",
        "/api/v1/consultations/{id}/template",
        "/consultations/{slug}/export.json",
        "/consultations/{slug}/export/{file}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} is described");
    }
    for (path, method) in [
        ("/api/v1/templates", "post"),
        ("/api/v1/consultations/{id}/reuse", "post"),
        ("/api/v1/consultations/{id}/publication", "put"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is described"
        );
    }
    assert!(doc["components"]["schemas"]["ConsultationExport"].is_object());
    assert!(doc["components"]["schemas"]["ConsultationDetail"].is_object());
    let instance_info = browser.get("/api/v1/instance").await.json();
    assert_eq!(instance_info["software"], "inspraak");
}

#[tokio::test]
async fn bad_api_queries_get_a_json_400() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut browser = instance.browser();
    for query in ["limit=0", "limit=101", "limit=abc", "offset=-1"] {
        let page = browser.get(&format!("/api/v1/consultations?{query}")).await;
        page.expect(400);
        let json = page.json();
        assert_eq!(json["error"], "bad_request", "{query}");
        assert!(!json["message"].as_str().unwrap_or("").is_empty());
    }
    browser.get("/api/v1/nothing-here").await.expect(404);
    assert_eq!(
        browser.get("/api/v1/nothing-here").await.json()["error"],
        "not_found"
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_errors_are_pages() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut browser = instance.browser();
    let page = browser.get("/").await;
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("x-frame-options"), "DENY");
    let css = browser.get("/static/style.css").await;
    css.expect(200);
    assert!(css.body.contains(".skip-link"));
    // Pages link the stylesheet by a content-hashed URL that may be cached for a year.
    let href = inspraak_tests::extract_between(&page.body, "rel=\"stylesheet\" href=\"", "\"")
        .expect("a stylesheet link");
    assert!(href.starts_with("/static/style.") && href != "/static/style.css");
    let hashed = browser.get(&href).await;
    hashed.expect(200);
    assert_eq!(hashed.body, css.body);
    let cache = hashed
        .headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok());
    assert_eq!(cache, Some("public, max-age=31536000, immutable"));
    // A page from before a deploy asks for an older hash: it is sent to the current one.
    let stale = browser.get("/static/style.0000000000000000.css").await;
    stale.expect(307);
    assert_eq!(stale.location.as_deref(), Some(href.as_str()));
    let missing = browser.get("/no/such/page").await;
    missing.expect(404);
    assert_eq!(
        missing
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8"),
        "a page for people"
    );
    assert!(
        missing.body.contains("<html lang=\"nl\">") && missing.body.contains("<h1>"),
        "{}",
        missing.body
    );
    assert_eq!(
        browser.get_json("/no/such/page").await.error_code(),
        "not_found",
        "the same refusal for programs"
    );
    let body_too_big = browser
        .post("/login", &[("username", &"x".repeat(2 * 1024 * 1024))])
        .await;
    body_too_big.expect(413);
}

#[tokio::test]
async fn the_run_uses_the_database_it_was_asked_for() {
    let instance = inspraak_tests::TestInstance::start().await;
    let db = instance.database().await;
    match inspraak_tests::database_label().as_str() {
        "postgresql" => assert_eq!(db.kind, inspraak_db::DatabaseKind::Postgres),
        _ => {
            assert_eq!(db.kind, inspraak_db::DatabaseKind::Sqlite);
            assert_eq!(
                db.sqlite_journal_mode().await.expect("pragma").as_deref(),
                Some("wal"),
                "SQLite runs in WAL mode"
            );
            assert!(
                instance.data_dir.join("inspraak.db").exists(),
                "the database lives in the data folder"
            );
        }
    }
}

#[tokio::test]
async fn log_in_limits_follow_the_client_behind_a_trusted_proxy_only() {
    use inspraak_tests::Limits;
    async fn attempts(
        instance: &inspraak_tests::TestInstance,
        forwarded_for: &str,
        username: &str,
    ) -> Vec<u16> {
        let mut browser = instance.browser();
        browser.forwarded_for = Some(forwarded_for.to_owned());
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(browser.login(username, "niet-het-wachtwoord").await.status);
        }
        statuses
    }

    let behind_proxy = inspraak_tests::TestInstance::builder()
        .limits(Limits {
            logins_per_minute: 2,
            trust_forwarded_for: true,
        })
        .start()
        .await;
    assert_eq!(
        attempts(&behind_proxy, "198.51.100.1", "iemand").await,
        [401, 401, 429]
    );
    assert_eq!(
        attempts(&behind_proxy, "198.51.100.2", "iemand_anders").await,
        [401, 401, 429],
        "another client has its own limit"
    );
    // A client cannot pick its address: the proxy's own entry is the right-most one.
    assert_eq!(
        attempts(&behind_proxy, "203.0.113.9, 198.51.100.1", "nog_iemand").await,
        [429, 429, 429]
    );

    let direct = inspraak_tests::TestInstance::builder()
        .limits(Limits {
            logins_per_minute: 2,
            trust_forwarded_for: false,
        })
        .start()
        .await;
    assert_eq!(
        attempts(&direct, "198.51.100.1", "iemand").await,
        [401, 401, 429]
    );
    assert_eq!(
        attempts(&direct, "198.51.100.2", "iemand_anders").await,
        [429, 429, 429],
        "without trust the header is ignored"
    );
}
