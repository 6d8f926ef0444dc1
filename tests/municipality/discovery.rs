//! Discovery as a fediverse server does it: WebFinger with Mastodon's loop-back check, actor
//! documents by content negotiation, NodeInfo with the instance-actor link.

use super::{consultation, instance_with_admin};

const AS2: &str = "application/activity+json";

async fn get_as(
    browser: &mut inspraak_tests::Browser,
    url: &str,
    accept: &str,
) -> inspraak_tests::Page {
    browser.accept_language = None;
    browser.get_with_accept(url, accept).await
}

#[tokio::test]
async fn a_consultation_is_a_group_that_webfinger_finds_and_that_loops_back() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(&mut admin, "Verkeersplan", "proposals", &[]).await;
    let host = instance.base.trim_start_matches("http://").to_owned();
    let mut server = instance.browser();

    let finger = server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:{slug}@{host}"
        ))
        .await;
    finger.expect(200);
    assert_eq!(
        finger
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/jrd+json")
    );
    let jrd = finger.json();
    assert_eq!(jrd["subject"], format!("acct:{slug}@{host}"));
    let link = jrd["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == "self")
        .expect("self link")
        .clone();
    assert_eq!(link["type"], AS2);
    let actor_url = link["href"].as_str().expect("href").to_owned();
    assert_eq!(actor_url, format!("{}/consultations/{slug}", instance.base));

    // Mastodon's loop-back: the actor's preferredUsername at its host must WebFinger to itself.
    let path = actor_url.trim_start_matches(&instance.base).to_owned();
    let actor = get_as(&mut server, &path, AS2).await;
    actor.expect(200);
    assert_eq!(
        actor
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some(AS2)
    );
    let doc = actor.json();
    assert_eq!(doc["id"], actor_url.as_str());
    assert_eq!(doc["type"], "Group");
    assert_eq!(doc["preferredUsername"], slug.as_str());
    let back = server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:{}@{host}",
            doc["preferredUsername"].as_str().unwrap_or("")
        ))
        .await
        .json();
    assert_eq!(back["links"][0]["href"], actor_url.as_str(), "loops back");
    assert_eq!(doc["publicKey"]["owner"], actor_url.as_str());
    assert!(
        doc["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap_or("")
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert_eq!(doc["inbox"], format!("{actor_url}/inbox"));
    assert_eq!(
        doc["endpoints"]["sharedInbox"],
        format!("{}/inbox", instance.base)
    );
    assert_eq!(
        doc["attributedTo"],
        format!("{}/organization", instance.base)
    );

    // The same URL is a page for people.
    let page = get_as(&mut server, &path, "text/html,application/xhtml+xml").await;
    page.expect(200);
    assert!(page.body.contains("<h1>Verkeersplan</h1>"));
    let ld = get_as(
        &mut server,
        &path,
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
    )
    .await;
    assert_eq!(ld.json()["type"], "Group");

    // Keys are made once and stored.
    let again = get_as(&mut server, &path, AS2).await.json();
    assert_eq!(
        again["publicKey"]["publicKeyPem"],
        doc["publicKey"]["publicKeyPem"]
    );
    let db = instance.database().await;
    let stored = inspraak_db::actor_keys::find(&db.conn, &actor_url)
        .await
        .expect("query")
        .expect("stored key");
    assert_eq!(
        stored.public_key_pem,
        doc["publicKey"]["publicKeyPem"].as_str().unwrap_or("")
    );
    assert!(
        stored
            .private_key_pem
            .is_some_and(|k| k.contains("PRIVATE KEY"))
    );
}

#[tokio::test]
async fn webfinger_refuses_what_is_not_ours_or_not_public() {
    let (instance, mut admin) = instance_with_admin().await;
    let host = instance.base.trim_start_matches("http://").to_owned();
    let draft = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[("title", "Nog geheim"), ("summary", "Concept")],
        )
        .await;
    assert_eq!(draft.status, 303);
    let mut server = instance.browser();
    server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:nog-geheim@{host}"
        ))
        .await
        .expect(404);
    get_as(&mut server, "/consultations/nog-geheim", AS2)
        .await
        .expect(404);
    server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:bestaat-niet@{host}"
        ))
        .await
        .expect(404);
    server
        .get("/.well-known/webfinger?resource=acct:gemeente@elders.example")
        .await
        .expect(404);
    let missing = server.get("/.well-known/webfinger").await;
    missing.expect(400);
    assert_eq!(missing.json()["error"], "bad_request");
}

#[tokio::test]
async fn the_instance_and_the_municipality_are_actors_found_through_nodeinfo_and_webfinger() {
    let (instance, _) = instance_with_admin().await;
    let host = instance.base.trim_start_matches("http://").to_owned();
    let mut server = instance.browser();
    let links = server.get("/.well-known/nodeinfo").await.json();
    let rels: Vec<&str> = links["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["rel"].as_str())
        .collect();
    assert!(rels.contains(&"http://nodeinfo.diaspora.software/ns/schema/2.1"));
    let application = links["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == "https://www.w3.org/ns/activitystreams#Application")
        .expect("FEP-2677 link");
    assert_eq!(application["href"], format!("{}/actor", instance.base));

    let info = server.get("/nodeinfo/2.1").await;
    info.expect(200);
    let info = info.json();
    assert_eq!(info["version"], "2.1");
    assert_eq!(info["software"]["name"], "inspraak");
    assert_eq!(info["protocols"][0], "activitypub");
    assert_eq!(info["usage"]["users"]["total"], 1);

    let app = get_as(&mut server, "/actor", AS2).await.json();
    assert_eq!(app["type"], "Application");
    assert_eq!(app["id"], format!("{}/actor", instance.base));
    assert!(app["publicKey"]["publicKeyPem"].is_string());

    let org = server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:gemeente@{host}"
        ))
        .await
        .json();
    assert_eq!(
        org["links"][0]["href"],
        format!("{}/organization", instance.base)
    );
    let doc = get_as(&mut server, "/organization", AS2).await.json();
    assert_eq!(doc["type"], "Organization");
    assert_eq!(doc["preferredUsername"], "gemeente");
    assert_eq!(
        get_as(&mut server, "/organization", "text/html")
            .await
            .status,
        303,
        "people go to the home page"
    );

    // Nobody can register an account that would shadow the organization's handle.
    let mut visitor = instance.browser();
    let taken = visitor.register("gemeente", super::RESIDENT_PASSWORD).await;
    taken.expect(422);
}

#[tokio::test]
async fn pages_show_the_handles_that_webfinger_resolves() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(&mut admin, "Verkeersplan", "proposals", &[]).await;
    let host = instance.base.trim_start_matches("http://").to_owned();
    let mut visitor = instance.browser();
    let page = visitor.get(&format!("/consultations/{slug}")).await;
    let handle = page
        .element("fediverse-handle")
        .data("handle")
        .expect("handle");
    assert_eq!(handle, format!("@{slug}@{host}"));
    let home = visitor.get("/").await;
    let organization = home
        .element("fediverse-handle")
        .data("handle")
        .expect("handle");
    assert_eq!(organization, format!("@gemeente@{host}"));
    for shown in [handle, organization] {
        let acct = shown.trim_start_matches('@');
        visitor
            .get(&format!("/.well-known/webfinger?resource=acct:{acct}"))
            .await
            .expect(200);
    }
}
