//! Opinion mapping in a consultation: staff start a conversation with statements, residents
//! vote agree / disagree / pass one statement at a time (no JavaScript), the analysis runs in
//! the background, and the report shows the groups, what sets them apart and what they share.

use super::federation::eventually;
use super::{RESIDENT_PASSWORD, consultation, instance_with_admin};
use inspraak_tests::{Browser, extract_all, extract_between};

const STATEMENTS: [&str; 5] = [
    "Het plein moet autovrij worden",
    "Er moet meer parkeerruimte komen",
    "Laat de bus over het plein rijden",
    "Parkeren moet gratis blijven",
    "Er moeten meer bankjes en bomen komen",
];

/// Votes on every statement the page offers, as a resident of `camp` would.
async fn vote_everything(browser: &mut Browser, id: &str, camp: usize) {
    for _ in 0..20 {
        let page = browser.get(&format!("/conversations/{id}")).await;
        page.expect(200);
        let Some(statement) = extract_between(&page.body, "name=\"statement\" value=\"", "\"")
        else {
            assert!(page.has_id("all-voted"), "{}", page.body);
            let progress = page.element("conversation-progress");
            assert_eq!(
                progress.data("voted"),
                progress.data("total"),
                "every statement was voted on"
            );
            return;
        };
        let text =
            extract_between(&page.body, "<p class=\"statement-text\">", "</p>").expect("text");
        let index = STATEMENTS
            .iter()
            .position(|s| *s == text)
            .expect("a known statement");
        // Camp 0 wants a car-free square, camp 1 wants parking; everyone wants benches.
        let vote = match (index, camp) {
            (4, _) => "agree",
            (0 | 2, 0) | (1 | 3, 1) => "agree",
            _ => "disagree",
        };
        let token = page.csrf();
        browser
            .post(
                &format!("/conversations/{id}/vote"),
                &[
                    ("csrf_token", &token),
                    ("statement", &statement),
                    ("vote", vote),
                ],
            )
            .await
            .expect(303);
    }
    panic!("the statements never ran out");
}

#[tokio::test]
async fn residents_vote_on_statements_and_the_report_shows_groups_and_consensus() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, slug) = consultation(&mut admin, "Marktplein", "proposals", &[]).await;
    let new = format!("/admin/consultations/{id}/conversations/new");
    let action = format!("/admin/consultations/{id}/conversations");
    let refused = admin
        .submit(
            &new,
            &action,
            &[
                ("question", "Wat wil je met het plein?"),
                ("statements", "  \n "),
            ],
        )
        .await;
    refused.expect(422);
    refused.expect_problem("statements", "required");
    let created = admin
        .submit(
            &new,
            &action,
            &[
                ("question", "Wat wil je met het plein?"),
                ("statements", &STATEMENTS.join("\n")),
            ],
        )
        .await;
    created.expect(303);
    let conversation = created
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/conversations/"))
        .expect("conversation url")
        .to_owned();
    let page = instance
        .browser()
        .get(&format!("/consultations/{slug}"))
        .await;
    assert!(
        page.body.contains("Wat wil je met het plein?"),
        "listed on the consultation"
    );
    let anonymous = instance
        .browser()
        .get(&format!("/conversations/{conversation}"))
        .await;
    assert!(anonymous.body.contains("/login?next=/conversations/"));

    for n in 0..12 {
        let mut resident = instance.browser();
        resident
            .register(&format!("deelnemer{n}"), RESIDENT_PASSWORD)
            .await
            .expect(303);
        vote_everything(&mut resident, &conversation, n % 2).await;
    }
    let report = eventually("the background analysis finds two groups", || {
        let mut visitor = instance.browser();
        let path = format!("/conversations/{conversation}/report");
        async move {
            let page = visitor.get(&path).await;
            let summary = page.by_id("report-summary")?;
            (summary.data("participants").as_deref() == Some("12")
                && summary.data("groups").as_deref() == Some("2"))
            .then_some(page.body)
        }
    })
    .await;
    assert_eq!(
        report.matches("class=\"point ").count(),
        12,
        "one point per participant"
    );
    report_shows_the_groups_figures(&mut instance.browser(), &conversation, &report).await;
    assert!(
        report.contains("role=\"img\"") && report.contains("<desc"),
        "the map has a text equivalent"
    );
    let consensus =
        extract_between(&report, "id=\"consensus-title\"", "</section>").expect("consensus");
    assert!(
        consensus.contains("Er moeten meer bankjes en bomen komen"),
        "{consensus}"
    );
    let group = extract_between(&report, "id=\"group-1\"", "</section>").expect("group 1");
    assert!(
        group.contains("100%"),
        "each group agrees fully with its own side: {group}"
    );

    // The openData export reads back in the engine with the same groups, and has no names.
    let mut visitor = instance.browser();
    let file = |name: &str| format!("/conversations/{conversation}/export/{name}");
    let comments = visitor.get(&file("comments.csv")).await;
    comments.expect(200);
    let votes = visitor.get(&file("votes.csv")).await.body;
    let matrix = visitor.get(&file("participants-votes.csv")).await.body;
    assert!(
        !votes.contains("deelnemer") && !matrix.contains("deelnemer"),
        "no account names"
    );
    let data = inspraak_consensus::opendata::parse(&comments.body, &matrix, Some(&votes))
        .expect("our export is valid openData");
    assert_eq!(data.comments.len(), STATEMENTS.len());
    let (analysis, _) = inspraak_consensus::analyze(
        &data.events,
        &data.moderated_out(),
        &Default::default(),
        &Default::default(),
    );
    assert_eq!(
        analysis.groups.len(),
        2,
        "the export carries the same opinion groups"
    );
    assert_eq!(
        data.polis_groups.values().filter(|g| g.is_some()).count(),
        12
    );

    // A resident adds a statement; it can be voted on at once (no pre-moderation here).
    let mut late = instance.browser();
    late.register("laatkomer", RESIDENT_PASSWORD)
        .await
        .expect(303);
    let added = late
        .submit(
            &format!("/conversations/{conversation}"),
            &format!("/conversations/{conversation}/statements"),
            &[("statement", "Maak er op zaterdag een markt")],
        )
        .await;
    added.expect(303);
    let mut seen = false;
    for _ in 0..10 {
        let page = late.get(&format!("/conversations/{conversation}")).await;
        let Some(statement) = extract_between(&page.body, "name=\"statement\" value=\"", "\"")
        else {
            break;
        };
        seen |= page.body.contains("Maak er op zaterdag een markt");
        let token = page.csrf();
        late.post(
            &format!("/conversations/{conversation}/vote"),
            &[
                ("csrf_token", &token),
                ("statement", &statement),
                ("vote", "pass"),
            ],
        )
        .await
        .expect(303);
    }
    assert!(seen, "the new statement is offered for voting");

    // The worker merges the late votes into the matrix it kept from the earlier analyses; the
    // report then counts the newcomer, as a rebuild from every vote would.
    eventually("the late votes are analysed", || {
        let mut visitor = instance.browser();
        let path = format!("/conversations/{conversation}/report");
        async move {
            let page = visitor.get(&path).await;
            let summary = page.by_id("report-summary")?;
            (summary.data("participants").as_deref() == Some("13")
                && summary.data("groups").as_deref() == Some("2"))
            .then_some(())
        }
    })
    .await;
}

#[tokio::test]
async fn a_polis_conversation_is_imported_from_open_data_and_analysed() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, _) = consultation(&mut admin, "Minimumloon", "proposals", &[]).await;
    let seattle = inspraak_testdata::polis_dir("15-per-hour-seattle");
    let read = |f: &str| std::fs::read_to_string(seattle.join(f)).expect("openData file");
    let new = format!("/admin/consultations/{id}/conversations/new");
    let reader = admin.fork();
    let upload = |votes: String| {
        let mut reader = reader.fork();
        let new = new.clone();
        let token = async move { reader.get(&new).await.csrf() };
        let comments = read("comments.csv");
        let matrix = read("participants-votes.csv");
        async move {
            reqwest::multipart::Form::new()
                .text("csrf_token", token.await)
                .text("question", "Wat doet het minimumloon met Seattle?")
                .part(
                    "comments",
                    reqwest::multipart::Part::text(comments).file_name("comments.csv"),
                )
                .part(
                    "participants_votes",
                    reqwest::multipart::Part::text(matrix).file_name("participants-votes.csv"),
                )
                .part(
                    "votes",
                    reqwest::multipart::Part::text(votes).file_name("votes.csv"),
                )
        }
    };
    let action = format!("/admin/consultations/{id}/conversations/import");
    let bad =
        upload("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,twee\n".into())
            .await;
    let refused = admin.post_multipart(&action, bad).await;
    refused.expect(422);
    assert!(
        refused.body.contains("votes.csv, line 3"),
        "{}",
        refused.body
    );

    let good = upload(read("votes.csv")).await;
    let imported = admin.post_multipart(&action, good).await;
    imported.expect(303);
    let report = imported.location.clone().expect("report url");
    let page = eventually("the imported conversation is analysed", || {
        let mut visitor = instance.browser();
        let path = report.clone();
        async move {
            let page = visitor.get(&path).await;
            let summary = page.by_id("report-summary")?;
            (summary.data("participants").as_deref() == Some("339")
                && summary.data("groups").as_deref() == Some("2"))
            .then_some(page.body)
        }
    })
    .await;
    assert!(page.contains("living wage"), "statements keep their text");
    // 339 participants are too many to draw one by one: circles per grid cell, sized by count.
    assert!(page.contains("id=\"opinion-map\" data-binned=\"true\""));
    let counts: Vec<usize> = extract_all(&page, " data-count=\"", "\"")
        .iter()
        .map(|c| c.parse().expect("a count"))
        .collect();
    assert!(counts.len() < 339 && counts.iter().any(|&c| c > 1));
    assert_eq!(counts.iter().sum::<usize>(), 339, "every participant drawn");
    assert_eq!(
        page.matches("class=\"hull ").count(),
        2,
        "one region per group"
    );
}

#[tokio::test]
async fn pre_moderated_statements_wait_for_a_moderator() {
    let (instance, mut admin) = instance_with_admin().await;
    let (id, _) = consultation(&mut admin, "Speeltuin", "proposals", &[]).await;
    let created = admin
        .submit(
            &format!("/admin/consultations/{id}/conversations/new"),
            &format!("/admin/consultations/{id}/conversations"),
            &[
                ("question", "Wat moet er in de speeltuin?"),
                ("statements", "Een grote glijbaan"),
                ("premoderation", "on"),
            ],
        )
        .await;
    created.expect(303);
    let path = created.location.clone().expect("conversation");
    let mut resident = instance.browser();
    resident
        .register("ouder", RESIDENT_PASSWORD)
        .await
        .expect(303);
    let added = resident
        .submit(
            &path,
            &format!("{path}/statements"),
            &[("statement", "Een waterspeelplaats")],
        )
        .await;
    assert_eq!(
        added.location.as_deref(),
        Some(format!("{path}?notice=statement_pending").as_str())
    );
    // Not offered to vote on while it waits.
    let token = resident.get(&path).await.csrf();
    let first = resident.get(&path).await;
    let statement =
        extract_between(&first.body, "name=\"statement\" value=\"", "\"").expect("seed");
    resident
        .post(
            &format!("{path}/vote"),
            &[
                ("csrf_token", &token),
                ("statement", &statement),
                ("vote", "agree"),
            ],
        )
        .await
        .expect(303);
    let done = resident.get(&path).await;
    assert!(done.has_id("all-voted"), "nothing else is offered");
    assert_eq!(
        done.element("conversation-progress")
            .data("total")
            .as_deref(),
        Some("1"),
        "the waiting statement is not counted yet"
    );
    // The moderator allows it; then it is offered.
    let staff_view = admin.get(&path).await;
    assert!(staff_view.body.contains("Een waterspeelplaats"));
    let pending = extract_between(
        &staff_view.body,
        &format!("action=\"{path}/statements/"),
        "/approve\"",
    )
    .expect("approve button");
    admin
        .submit(&path, &format!("{path}/statements/{pending}/approve"), &[])
        .await
        .expect(303);
    let offered = resident.get(&path).await;
    assert!(offered.body.contains("Een waterspeelplaats"));
    assert_eq!(
        offered.element("statement-card").data("statement"),
        Some(pending),
        "the approved statement is the one offered"
    );
}

/// A bar table read back: the statement's number and text, and per row (`all`, `1`, `2`) its
/// agree, disagree, pass and seen.
type Bars = (u64, String, Vec<(String, [u64; 4])>);

/// The attribute `name` of an opening tag (as text), as a number.
fn attr_number(tag: &str, name: &str) -> u64 {
    extract_between(tag, &format!(" {name}=\""), "\"")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
}

/// The report of the two camps of `vote_everything`: a region per group, bars per statement
/// and group with the numbers the votes imply, a summary naming the shared and the dividing
/// statement, and the same figures as CSV.
async fn report_shows_the_groups_figures(visitor: &mut Browser, conversation: &str, report: &str) {
    let hulls: Vec<String> = extract_all(report, "<polygon ", ">")
        .iter()
        .filter(|tag| tag.contains("class=\"hull "))
        .map(|tag| extract_between(tag, "data-group=\"", "\"").expect("group"))
        .collect();
    assert_eq!(hulls, ["1", "2"], "a hull polygon per group");
    let labels = extract_all(report, "class=\"hull-label\"", "</text>");
    assert!(
        labels.len() == 2 && labels[0].ends_with(">Groep 1"),
        "{labels:?}"
    );
    // Bars: per statement, everyone and each group, agree + disagree + pass = seen.
    let mut figures: Vec<Bars> = Vec::new();
    for block in extract_all(report, "<div class=\"statement-bars\"", "</table>") {
        let number = attr_number(&block, "data-statement");
        let caption = extract_between(&block, "<caption>", "</caption>").expect("caption");
        let text = caption
            .strip_prefix(&format!("#{number} "))
            .expect("numbered caption")
            .to_owned();
        let rows: Vec<(String, [u64; 4])> = extract_all(&block, "<tr data-group=\"", ">")
            .into_iter()
            .map(|tag| {
                let tag = format!(" data-group=\"{tag}");
                let group = extract_between(&tag, " data-group=\"", "\"").expect("group");
                let n = ["data-agree", "data-disagree", "data-pass", "data-seen"]
                    .map(|a| attr_number(&tag, a));
                assert_eq!(n[0] + n[1] + n[2], n[3], "{tag}");
                (group, n)
            })
            .collect();
        figures.push((number, text, rows));
    }
    assert_eq!(figures.len(), STATEMENTS.len(), "a bar table per statement");
    let of = |text: &str| {
        figures
            .iter()
            .find(|f| f.1 == text)
            .unwrap_or_else(|| panic!("bars for {text}"))
    };
    let benches = of(STATEMENTS[4]);
    assert_eq!(
        benches.2,
        vec![
            ("all".to_owned(), [12, 0, 0, 12]),
            ("1".to_owned(), [6, 0, 0, 6]),
            ("2".to_owned(), [6, 0, 0, 6]),
        ]
    );
    // Each group is one camp: it agrees with its own side's statements and with nothing else.
    let agrees = |group: &str| -> Vec<u64> {
        STATEMENTS[..4]
            .iter()
            .map(|s| of(s).2.iter().find(|r| r.0 == group).expect("group row").1[0])
            .collect()
    };
    let (one, two) = (agrees("1"), agrees("2"));
    assert!(one == [6, 0, 6, 0] || one == [0, 6, 0, 6], "{one:?}");
    assert_eq!(
        one.iter().zip(&two).map(|(a, b)| a + b).collect::<Vec<_>>(),
        [6; 4]
    );
    for s in &STATEMENTS[..4] {
        assert_eq!(of(s).2[0].1, [6, 6, 0, 12], "everyone on {s}");
    }

    // The summary: two groups, shared agreement on the benches, the car-free square divides.
    let summary = extract_between(report, "id=\"plain-summary\"", "</ul>").expect("summary");
    assert!(
        summary.contains("12 deelnemers vallen uiteen in 2 groepen"),
        "{summary}"
    );
    let agree = extract_between(&summary, "data-summary=\"agree\"", "</li>").expect("agree");
    assert!(
        agree.contains(&format!("data-statement=\"{}\"", benches.0)),
        "{agree}"
    );
    assert!(agree.contains(STATEMENTS[4]));
    let differ = extract_between(&summary, "data-summary=\"differ\"", "</li>").expect("differ");
    let square = of(STATEMENTS[0]);
    assert!(
        differ.contains(&format!("data-statement=\"{}\"", square.0)),
        "{differ}"
    );
    assert!(
        differ.contains(STATEMENTS[0]) && differ.contains("100%") && differ.contains(" 0%"),
        "{differ}"
    );

    // The comment map: every statement numbered, with a table beside it.
    let map = extract_between(report, "id=\"comment-map\"", "</figure>").expect("comment map");
    let table = extract_between(report, "id=\"comment-map-table\"", "</table>").expect("table");
    for (n, text, _) in &figures {
        assert!(map.contains(&format!("class=\"comment-dot\" data-statement=\"{n}\"")));
        assert!(table.contains(&format!("#{n} {text}")), "{table}");
    }

    // The same figures as CSV, and each participant's group without names.
    let path = |f: &str| format!("/conversations/{conversation}/report/{f}");
    let csv = visitor.get(&path("statements.csv")).await;
    csv.expect(200);
    assert!(
        csv.body.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheets"
    );
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        [
            "statement",
            "text",
            "group",
            "agree",
            "disagree",
            "pass",
            "seen"
        ]
    );
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("a row");
        let n: u64 = record[0].parse().expect("statement number");
        let (_, text, bars) = figures
            .iter()
            .find(|f| f.0 == n)
            .expect("a shown statement");
        assert_eq!(&record[1], text);
        let bar = bars
            .iter()
            .find(|b| b.0 == record[2])
            .expect("a row per group");
        let values: Vec<u64> = (3..7)
            .map(|i| record[i].parse().expect("a count"))
            .collect();
        assert_eq!(
            values, bar.1,
            "CSV and page agree on #{n}, group {}",
            &record[2]
        );
        rows += 1;
    }
    assert_eq!(rows, STATEMENTS.len() * 3);
    let groups = visitor.get(&path("groups.csv")).await;
    groups.expect(200);
    assert!(!groups.body.contains("deelnemer"), "no account names");
    let mut reader =
        csv::Reader::from_reader(groups.body.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["participant", "group"]
    );
    let assigned: Vec<String> = reader
        .records()
        .map(|r| r.expect("a row")[1].to_owned())
        .collect();
    assert_eq!(assigned.len(), 12);
    assert_eq!(assigned.iter().filter(|g| *g == "1").count(), 6);
    assert_eq!(assigned.iter().filter(|g| *g == "2").count(), 6);
    visitor.get(&path("other.csv")).await.expect(404);

    // The summary in English and Frisian from the same figures.
    for (language, groups, differ) in [
        (
            "en",
            "The 12 participants fall into 2 groups",
            "They differ most on",
        ),
        (
            "fy",
            "De 12 dielnimmers falle útinoar yn 2 groepen",
            "Se ferskille it meast oer",
        ),
    ] {
        let mut reader = visitor.fork();
        reader.accept_language = Some(language.to_owned());
        let page = reader
            .get(&format!("/conversations/{conversation}/report"))
            .await;
        let summary =
            extract_between(&page.body, "id=\"plain-summary\"", "</ul>").expect("summary");
        assert!(
            summary.contains(groups) && summary.contains(differ),
            "{language}: {summary}"
        );
    }
}
