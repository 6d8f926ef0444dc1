//! Everything we send reads back as what we built: objects and actors as their own types,
//! activities also as the inbox reads them.

use chrono::{TimeZone, Utc};
use inspraak_federation::actors::{self, GroupFacts};
use inspraak_federation::discovery;
use inspraak_federation::envelope::{Change, Envelope, ItemActivity};
use inspraak_federation::keys::ActorKeys;
use inspraak_federation::objects::{
    self, Audience, NoteFacts, OptionCount, PageFacts, QuestionFacts,
};
use inspraak_federation::protocol::activities::{
    Accept, ActivityHead, Delete, Follow, InboundActivity, Outbound, Undo, Update,
};
use inspraak_federation::protocol::compat::OtherObject;
use inspraak_federation::protocol::context::WithContext;
use inspraak_federation::protocol::nodeinfo::NodeInfo;
use inspraak_federation::protocol::objects::{
    ActorDocument, AnyObject, Note, Page, Question, Tombstone,
};
use inspraak_federation::protocol::values::{Addressing, IdOr, Ref};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use url::Url;

const BASE: &str = "https://inspraak.gemeente.example";
const GROUP: &str = "https://inspraak.gemeente.example/consultations/stationsplein";

fn url(s: &str) -> Url {
    Url::parse(s).expect("url")
}

/// Serialises `sent` as it goes out (with our context), reads it back as `T`, and checks
/// that nothing was lost or changed.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(sent: &T) -> Value {
    let wire = serde_json::to_value(WithContext::new(sent)).expect("serialise");
    let back: T = serde_json::from_value(wire.clone()).expect("deserialise");
    assert_eq!(&back, sent, "typed round trip");
    let mut again = serde_json::to_value(WithContext::new(&back)).expect("serialise again");
    assert_eq!(again, wire, "JSON round trip");
    if let Value::Object(map) = &mut again {
        assert!(map.remove("@context").is_some(), "sent with our context");
    }
    wire
}

/// Also reads an activity as the inbox does, and checks its head.
fn as_received(activity: &impl Outbound) -> InboundActivity {
    let wire = serde_json::to_value(WithContext::new(activity)).expect("serialise");
    let head: ActivityHead = serde_json::from_value(wire.clone()).expect("head");
    let sent = activity.head();
    assert_eq!(head.id.as_ref(), Some(&sent.id));
    assert_eq!(head.actor.as_ref(), Some(&sent.actor));
    assert_eq!(head.kind.as_deref(), Some(sent.kind));
    assert!(sent.id.as_str().starts_with(&format!("{BASE}/activities/")));
    InboundActivity::from_value(&wire).expect("readable by our own inbox")
}

fn audience() -> Audience {
    Audience::of_group(GROUP).expect("audience")
}

fn when() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 30, 0)
        .single()
        .expect("time")
        + chrono::Duration::nanoseconds(123_456_789)
}

fn page() -> Page {
    let tags = vec![String::from("groen"), String::from("verkeer")];
    let facts = PageFacts {
        id: "https://inspraak.gemeente.example/proposals/1",
        author: "https://inspraak.gemeente.example/users/anna",
        title: "Meer bomen",
        summary: "Bomen & bankjes",
        body_html: "<p>Tekst</p>",
        tags: &tags,
        status: Some("Aangenomen"),
        answer_html: Some("<p>Ja</p>"),
        supports: Some(4),
        published: when(),
        updated: Some(when()),
    };
    objects::page(BASE, &audience(), &facts).expect("page")
}

fn note() -> Note {
    let facts = NoteFacts {
        id: "https://inspraak.gemeente.example/comments/1",
        author: "https://inspraak.gemeente.example/users/bert",
        content_html: "<p>Eens</p>",
        in_reply_to: Some("https://inspraak.gemeente.example/proposals/1"),
        reply_to_author: Some("https://mastodon.example/users/bram"),
        published: when(),
        updated: None,
    };
    objects::note(&audience(), &facts).expect("note")
}

fn question(multiple: bool) -> Question {
    let facts = QuestionFacts {
        id: "https://inspraak.gemeente.example/polls/1",
        question: "Bomen of parkeren?",
        multiple,
        options: vec![
            OptionCount {
                name: "Bomen",
                count: Some(3),
            },
            OptionCount {
                name: "Parkeren",
                count: None,
            },
        ],
        voters: Some(3),
        end_time: Some(when()),
        closed: multiple,
        published: when(),
    };
    objects::question(&audience(), &facts).expect("question")
}

fn keys() -> ActorKeys {
    ActorKeys {
        public_pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into(),
        private_pem: None,
    }
}

fn group_document() -> ActorDocument {
    let themes = ["groen".to_owned(), "verkeer".to_owned()];
    let phases = [inspraak_domain::Phase {
        kind: inspraak_domain::PhaseKind::Proposals,
        title: Some("Ideeën".into()),
        starts_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        ends_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
        rules: inspraak_domain::PhaseKind::Proposals.default_rules(),
    }];
    let facts = GroupFacts {
        ap_id: GROUP,
        slug: "stationsplein",
        title: "Stationsplein",
        summary: "Meer <groen>",
        published: Some(when()),
        derived_from: Some("https://other.example/consultations/plein"),
        themes: &themes,
        phases: &phases,
        province: Some("Zuid-Holland"),
    };
    actors::group(&url(BASE), facts, &keys()).expect("group")
}

#[test]
fn objects_round_trip() {
    let wire = round_trip(&page());
    assert_eq!(wire.get("type"), Some(&Value::from("Page")));
    round_trip(&note());
    round_trip(&question(false));
    let multiple = question(true);
    assert!(multiple.one_of.is_none() && multiple.any_of.is_some());
    assert!(multiple.closed.is_some());
    round_trip(&multiple);
    let mut statement = question(false);
    statement.context = Some(url("https://inspraak.gemeente.example/conversations/1"));
    round_trip(&statement);
    let served = objects::tombstone(
        "https://inspraak.gemeente.example/comments/1",
        "Note",
        when(),
    );
    let tombstone: Tombstone = serde_json::from_value(served).expect("tombstone");
    assert_eq!(tombstone.former_type.as_deref(), Some("Note"));
    round_trip(&tombstone);
}

#[test]
fn actors_round_trip() {
    let base = url(BASE);
    let documents = [
        actors::application(&base, "Gemeente", &keys()).expect("application"),
        actors::organization(&base, "municipality", "Gemeente", &keys()).expect("organization"),
        group_document(),
        actors::person(
            &base,
            "https://inspraak.gemeente.example/users/anna",
            "anna",
            "Anna",
            &keys(),
        )
        .expect("person"),
    ];
    for document in documents {
        let wire = serde_json::to_value(&document).expect("serialise");
        let mut back: ActorDocument = serde_json::from_value(wire).expect("deserialise");
        // Received contexts are never read; ours is put back when served.
        assert_eq!(back.context, None);
        back.context = document.context;
        assert_eq!(back, document);
    }
}

#[test]
fn item_activities_round_trip() {
    let base = url(BASE);
    let envelope = Envelope::new(&base);
    let anna = url("https://inspraak.gemeente.example/users/anna");
    let create = envelope
        .item_change(Change::Published, &anna, AnyObject::Page(page()))
        .expect("create");
    let ItemActivity::Create(created) = &create else {
        panic!("a Create");
    };
    assert_eq!(
        created.addressing,
        page().common.addressing,
        "addressed as the item is"
    );
    round_trip(created);
    assert!(matches!(as_received(&create), InboundActivity::Create(_)));

    let update = envelope
        .item_change(Change::Updated, &anna, AnyObject::Note(note()))
        .expect("update");
    let ItemActivity::Update(updated) = &update else {
        panic!("an Update");
    };
    round_trip(updated);
    assert!(matches!(as_received(&update), InboundActivity::Update(_)));

    let group = url(GROUP);
    let delete = envelope
        .item_change(
            Change::Removed,
            &group,
            AnyObject::Question(question(false)),
        )
        .expect("delete");
    let ItemActivity::Delete(deleted) = &delete else {
        panic!("a Delete");
    };
    assert_eq!(
        deleted.object.object(),
        Some(&AnyObject::Tombstone(Tombstone::of(url(
            "https://inspraak.gemeente.example/polls/1"
        ))))
    );
    round_trip(deleted);
    assert_eq!(
        as_received(&delete),
        InboundActivity::Delete(deleted.clone())
    );

    let announce = envelope
        .announce(&group, create.clone().into())
        .expect("announce");
    assert_eq!(
        announce.addressing,
        Addressing::in_group(&group).expect("addressing")
    );
    round_trip(&announce);
    let InboundActivity::Announce(received) = as_received(&announce) else {
        panic!("an Announce");
    };
    assert_eq!(
        received.object.subject(),
        Some(page().id),
        "about the page inside"
    );
}

#[test]
fn group_and_follow_activities_round_trip() {
    let base = url(BASE);
    let envelope = Envelope::new(&base);
    let organization = actors::organization_id(&base).expect("organization");
    let group = url(GROUP);
    let remote = url("https://mastodon.example/users/bram");

    let published = envelope
        .stamped(
            &organization,
            IdOr::Id(group.clone()),
            Addressing::public(&organization).expect("addressing"),
        )
        .expect("announce");
    let _: &inspraak_federation::protocol::activities::Announce = &published;
    round_trip(&published);
    assert!(matches!(
        as_received(&published),
        InboundActivity::Announce(_)
    ));

    let mut document = group_document();
    document.context = None;
    let update: Update = envelope
        .stamped(
            &group,
            IdOr::Object(Box::new(AnyObject::Actor(Box::new(document)))),
            Addressing::public(&group).expect("addressing"),
        )
        .expect("update");
    round_trip(&update);
    assert_eq!(
        as_received(&update),
        InboundActivity::Update(update.clone())
    );

    let withdrawn: Delete = envelope
        .activity(
            &group,
            IdOr::Id(group.clone()),
            Addressing::public(&group).expect("addressing"),
        )
        .expect("delete");
    round_trip(&withdrawn);

    let follow: Follow = envelope
        .activity(
            &organization,
            Ref(remote.clone()),
            Addressing::direct(&remote),
        )
        .expect("follow");
    round_trip(&follow);
    assert_eq!(
        as_received(&follow),
        InboundActivity::Follow(follow.clone())
    );

    let accept: Accept = envelope
        .activity(
            &group,
            IdOr::Object(Box::new(AnyObject::Follow(follow.clone()))),
            Addressing::direct(&follow.actor),
        )
        .expect("accept");
    round_trip(&accept);
    assert_eq!(
        as_received(&accept),
        InboundActivity::Accept(accept.clone())
    );

    let mut undone = follow.clone();
    undone.addressing = Addressing::default();
    let undo: Undo = envelope
        .activity(
            &organization,
            IdOr::Object(Box::new(AnyObject::Follow(undone))),
            Addressing::direct(&remote),
        )
        .expect("undo");
    round_trip(&undo);
    assert_eq!(as_received(&undo), InboundActivity::Undo(undo.clone()));
}

#[test]
fn a_reply_is_passed_on_exactly_as_received() {
    let received: Value = serde_json::from_str(
        r#"{"@context": "https://www.w3.org/ns/activitystreams",
            "id": "https://mastodon.example/users/bram/statuses/1/activity",
            "type": "Create", "actor": "https://mastodon.example/users/bram",
            "object": {"id": "https://mastodon.example/users/bram/statuses/1", "type": "Note",
                       "content": "<p>Ja</p>", "atomUri": "kept"},
            "signature": {"type": "RsaSignature2017"}}"#,
    )
    .expect("json");
    let base = url(BASE);
    let announce = Envelope::new(&base)
        .announce(
            &url(GROUP),
            AnyObject::Other(OtherObject::verbatim(received.clone())),
        )
        .expect("announce");
    let wire = serde_json::to_value(WithContext::new(&announce)).expect("json");
    let mut expected = received;
    if let Value::Object(map) = &mut expected {
        map.remove("@context");
    }
    assert_eq!(
        wire.get("object"),
        Some(&expected),
        "every field kept, no context inside"
    );
    assert_eq!(
        announce.head().subject,
        Some(url("https://mastodon.example/users/bram/statuses/1"))
    );
    let InboundActivity::Announce(back) = as_received(&announce) else {
        panic!("an Announce");
    };
    assert!(matches!(back.object.object(), Some(AnyObject::Create(_))));
}

#[test]
fn nodeinfo_round_trips() {
    let info = discovery::nodeinfo(
        "Gemeente",
        "municipality",
        "1.0.0",
        discovery::Usage {
            users: 4,
            local_posts: 9,
        },
        true,
    );
    let typed: NodeInfo = serde_json::from_value(info.clone()).expect("nodeinfo");
    assert_eq!(serde_json::to_value(&typed).expect("json"), info);
}

#[test]
fn deal_membership_and_figures_read_back_as_sent() {
    use inspraak_domain::statistics::{ConsultationCounts, Counts, ReuseLink, Statistics};
    use inspraak_federation::protocol::activities::{Join, Leave, Reject, Remove};
    use inspraak_federation::protocol::kind::{RemoveType, StatisticsType};
    use inspraak_federation::protocol::objects::FiguresReport;
    let base = url(BASE);
    let envelope = Envelope::new(&base);
    let organization = url("https://inspraak.gemeente.example/organization");
    let deal = url("https://provincie.example/deals/participatie");
    let join: Join = envelope
        .activity(&organization, Ref(deal.clone()), Addressing::direct(&deal))
        .expect("join");
    round_trip(&join);
    assert_eq!(as_received(&join), InboundActivity::Join(join.clone()));
    let reject: Reject = Envelope::new(&url("https://provincie.example"))
        .activity(
            &deal,
            IdOr::Object(Box::new(AnyObject::Join(join.clone()))),
            Addressing::direct(&organization),
        )
        .expect("reject");
    round_trip(&reject);
    // The province's activities have ids on its own host: read them as the inbox does.
    let on_province = |activity: &dyn erased::Wire| activity.read();
    assert_eq!(
        on_province(&reject),
        InboundActivity::Reject(reject.clone())
    );
    let leave: Leave = envelope
        .activity(&organization, Ref(deal.clone()), Addressing::direct(&deal))
        .expect("leave");
    assert_eq!(as_received(&leave), InboundActivity::Leave(leave.clone()));
    let remove = Remove {
        id: url("https://provincie.example/activities/1"),
        kind: RemoveType::Remove,
        actor: deal.clone(),
        object: Ref(organization.clone()),
        target: Ref(deal.clone()),
        addressing: Addressing::direct(&organization),
    };
    round_trip(&remove);
    assert_eq!(
        on_province(&remove),
        InboundActivity::Remove(remove.clone())
    );

    let figures = Statistics {
        consultations: ConsultationCounts {
            total: 3,
            open: 2,
            upcoming: 0,
            finished: 1,
        },
        totals: Counts {
            proposals: 4,
            ..Counts::default()
        },
        participants: 2,
        weeks: Vec::new(),
        reuses: vec![ReuseLink {
            origin: "https://a.example/consultations/x".into(),
            copy: GROUP.into(),
        }],
    };
    let report = FiguresReport {
        id: url("https://inspraak.gemeente.example/api/v1/statistics"),
        kind: StatisticsType::Statistics,
        attributed_to: organization.clone(),
        published: Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).single(),
        figures,
        addressing: Addressing::direct(&deal),
    };
    let update: Update = envelope
        .activity(
            &organization,
            IdOr::Object(Box::new(AnyObject::Figures(Box::new(report)))),
            Addressing::direct(&deal),
        )
        .expect("update");
    let wire = round_trip(&update);
    assert_eq!(wire["object"]["type"], "Statistics");
    assert_eq!(wire["object"]["figures"]["totals"]["proposals"], 4);
    let context = wire["@context"].to_string();
    assert!(
        context.contains(r#""figures":{"@id":"inspraak:figures","@type":"@json"}"#),
        "{context}"
    );
    assert_eq!(
        as_received(&update),
        InboundActivity::Update(update.clone())
    );
}

fn guide() -> inspraak_federation::protocol::objects::Article {
    let organization = url("https://helpdesk.example/organization");
    objects::article(&objects::ArticleFacts {
        id: "https://helpdesk.example/guides/een-goede-vraag",
        organization: &organization,
        title: "Een goede vraag stellen",
        summary: "Begin <klein>",
        body_html: "<p>Begin <strong>klein</strong>.</p>",
        published: when(),
        updated: None,
    })
    .expect("article")
}

#[test]
fn a_guide_round_trips_as_an_article_and_its_activities_read_back() {
    let article = guide();
    let wire = round_trip(&article);
    assert_eq!(wire["type"], "Article");
    assert_eq!(
        wire["attributedTo"],
        "https://helpdesk.example/organization"
    );
    assert_eq!(wire["summary"], "Begin &lt;klein&gt;");
    assert_eq!(
        wire["cc"],
        serde_json::json!(["https://helpdesk.example/organization/followers"])
    );
    let read = AnyObject::from_value(wire);
    assert_eq!(read, AnyObject::Article(article.clone()));
    assert_eq!(read.kind(), "Article");
    assert_eq!(
        read.attributed_to(),
        Some(url("https://helpdesk.example/organization"))
    );

    let base = url("https://helpdesk.example");
    let organization = url("https://helpdesk.example/organization");
    let envelope = Envelope::new(&base);
    for change in [Change::Published, Change::Updated, Change::Removed] {
        let activity = envelope
            .item_change(change, &organization, AnyObject::Article(article.clone()))
            .expect("activity");
        let wire = serde_json::to_value(WithContext::new(&activity)).expect("serialise");
        let received = InboundActivity::from_value(&wire).expect("readable");
        match (change, received) {
            (Change::Published, InboundActivity::Create(create)) => {
                assert_eq!(
                    create.object.object(),
                    Some(&AnyObject::Article(article.clone()))
                );
            }
            (Change::Updated, InboundActivity::Update(update)) => {
                assert_eq!(update.object.id(), Some(article.id.clone()));
            }
            (Change::Removed, InboundActivity::Delete(delete)) => {
                assert_eq!(delete.object.id(), Some(article.id.clone()));
            }
            (change, other) => panic!("{change:?} read as {}", other.kind()),
        }
    }
}

#[test]
fn a_group_carries_its_themes_phases_and_province() {
    let document = group_document();
    let wire = serde_json::to_value(&document).expect("serialise");
    assert_eq!(wire["province"], "Zuid-Holland");
    assert_eq!(wire["tag"][0]["type"], "Hashtag");
    assert_eq!(wire["tag"][0]["name"], "#groen");
    assert_eq!(wire["phases"][0]["type"], "Phase");
    assert_eq!(wire["phases"][0]["phaseKind"], "proposals");
    assert_eq!(wire["phases"][0]["name"], "Ideeën");
    assert_eq!(wire["phases"][0]["startDate"], "2026-12-01");
    assert_eq!(wire["phases"][0]["endDate"], "2026-12-31");
    let context = wire["@context"].to_string();
    for term in ["\"province\"", "\"phases\"", "\"startDate\"", "\"Hashtag\""] {
        assert!(context.contains(term), "{term} is declared: {context}");
    }
    // An odd phase from elsewhere is dropped, the rest kept.
    let mut received = wire.clone();
    received["phases"] = serde_json::json!([
        {"type": "Phase", "startDate": "not a date", "endDate": "2026-12-31"},
        {"type": "Phase", "phaseKind": "voting", "startDate": "2027-01-01", "endDate": "2027-01-31"}
    ]);
    let back: ActorDocument = serde_json::from_value(received).expect("lenient");
    assert_eq!(back.phases.len(), 1);
    assert_eq!(back.phases[0].phase_kind.as_deref(), Some("voting"));
}

/// Reading an activity sent by another instance (whose ids are not under `BASE`).
mod erased {
    use super::*;

    /// Anything we send, as the receiving inbox reads it.
    pub trait Wire {
        fn read(&self) -> InboundActivity;
    }

    impl<T: Serialize> Wire for T {
        fn read(&self) -> InboundActivity {
            let wire = serde_json::to_value(WithContext::new(self)).expect("serialise");
            InboundActivity::from_value(&wire).expect("readable by the inbox")
        }
    }
}

fn project() -> inspraak_federation::protocol::objects::ProjectPage {
    use inspraak_federation::budgets::{ImageFacts, ProjectFacts, project_page};
    let categories = vec![String::from("groen")];
    project_page(
        &audience(),
        &ProjectFacts {
            id: "https://inspraak.gemeente.example/projects/p1",
            budget: "https://inspraak.gemeente.example/budgets/b1",
            title: "Speeltuin Noord",
            description_html: "<p>Nieuwe toestellen.</p>",
            feasible: true,
            feasibility_note: "Kan in 2027.",
            cost: 25_000,
            area: "Noord",
            categories: &categories,
            image: Some(ImageFacts {
                url: url("https://inspraak.gemeente.example/media/p1.png"),
                alt: "Een klimrek",
            }),
            published: when(),
            updated: None,
        },
    )
    .expect("project")
}

fn budget_outcome() -> inspraak_federation::protocol::objects::BudgetOutcome {
    use inspraak_federation::budgets::{
        AreaOutcomeFacts, FundedProject, OutcomeFacts, outcome_article,
    };
    outcome_article(
        &audience(),
        &OutcomeFacts {
            budget: "https://inspraak.gemeente.example/budgets/b1".into(),
            title: "Buurtbudget".into(),
            areas: vec![AreaOutcomeFacts {
                name: "Noord".into(),
                amount: 50_000,
                voters: 3,
                funded: vec![FundedProject {
                    id: "https://inspraak.gemeente.example/projects/p1".into(),
                    title: "Speeltuin Noord".into(),
                    cost: 25_000,
                }],
            }],
            published: when(),
        },
    )
    .expect("outcome")
}

#[test]
fn a_budget_project_and_outcome_round_trip_and_read_as_themselves() {
    let page = project();
    let wire = round_trip(&page);
    assert_eq!(wire["type"], "Page");
    assert_eq!(wire["attributedTo"], GROUP);
    assert_eq!(wire["cost"], 25_000);
    assert_eq!(wire["currency"], "EUR");
    assert_eq!(wire["area"], "Noord");
    assert_eq!(
        wire["budget"],
        "https://inspraak.gemeente.example/budgets/b1"
    );
    assert_eq!(wire["image"]["type"], "Image");
    assert_eq!(wire["image"]["mediaType"], "image/png");
    let read = AnyObject::from_value(wire);
    assert_eq!(read, AnyObject::Project(Box::new(page.clone())));
    assert_eq!(read.kind(), "Page");
    assert_eq!(read.attributed_to(), Some(url(GROUP)));

    let outcome = budget_outcome();
    let wire = round_trip(&outcome);
    assert_eq!(wire["type"], "Article");
    assert_eq!(
        wire["fundedProjects"],
        serde_json::json!(["https://inspraak.gemeente.example/projects/p1"])
    );
    let read = AnyObject::from_value(wire);
    assert_eq!(read, AnyObject::Outcome(Box::new(outcome.clone())));
    assert_eq!(read.kind(), "Article");

    // The group creates the project and announces it, and announces the outcome itself.
    let base = url(BASE);
    let group = url(GROUP);
    let envelope = Envelope::new(&base);
    let create = envelope
        .item_change(
            Change::Published,
            &group,
            AnyObject::Project(Box::new(page.clone())),
        )
        .expect("create");
    let announce = envelope
        .announce(&group, create.clone().into())
        .expect("announce");
    round_trip(&announce);
    let InboundActivity::Announce(received) = as_received(&announce) else {
        panic!("an Announce");
    };
    assert_eq!(received.object.subject(), Some(page.id.clone()));
    let announce = envelope
        .announce(&group, AnyObject::Outcome(Box::new(outcome.clone())))
        .expect("announce");
    round_trip(&announce);
    let InboundActivity::Announce(received) = as_received(&announce) else {
        panic!("an Announce");
    };
    assert_eq!(
        received.object.object(),
        Some(&AnyObject::Outcome(Box::new(outcome)))
    );
    // A page without `budget` is still a proposal.
    let mut plain = serde_json::to_value(&page).expect("serialise");
    if let Value::Object(map) = &mut plain {
        map.remove("budget");
    }
    assert!(matches!(AnyObject::from_value(plain), AnyObject::Page(_)));
}

#[test]
fn a_forward_its_answers_and_a_status_update_read_back_as_sent() {
    use inspraak_federation::protocol::activities::{Offer, Reject};
    let base = url(BASE);
    let envelope = Envelope::new(&base);
    let ours = url("https://inspraak.gemeente.example/organization");
    let theirs = url("https://inspraak.gemeente.example/organization#province");
    let mut offer: Offer = envelope
        .activity(
            &ours,
            Ref(url("https://inspraak.gemeente.example/proposals/1")),
            Addressing::direct(&theirs),
        )
        .expect("offer");
    offer.target = Some(theirs.clone());
    offer.content = Some("De provincie beheert deze weg.".into());
    let wire = round_trip(&offer);
    assert_eq!(wire["type"], "Offer");
    assert_eq!(wire["target"], theirs.as_str());
    assert_eq!(as_received(&offer), InboundActivity::Offer(offer.clone()));
    let mut accept: Accept = envelope
        .activity(
            &ours,
            IdOr::Id(offer.id.clone()),
            Addressing::direct(&theirs),
        )
        .expect("accept");
    accept.result = Some(url("https://inspraak.gemeente.example/proposals/2"));
    let wire = round_trip(&accept);
    assert_eq!(
        wire["result"],
        "https://inspraak.gemeente.example/proposals/2"
    );
    assert_eq!(
        as_received(&accept),
        InboundActivity::Accept(accept.clone())
    );
    let mut reject: Reject = envelope
        .activity(
            &ours,
            IdOr::Id(offer.id.clone()),
            Addressing::direct(&theirs),
        )
        .expect("reject");
    reject.content = Some("Niet onze weg.".into());
    assert_eq!(round_trip(&reject)["content"], "Niet onze weg.");
    assert_eq!(
        as_received(&reject),
        InboundActivity::Reject(reject.clone())
    );
    // The status travels in the `Page`, with its supports.
    let update: Update = envelope
        .activity(
            &ours,
            IdOr::Object(Box::new(AnyObject::Page(page()))),
            Addressing::direct(&theirs),
        )
        .expect("update");
    let wire = round_trip(&update);
    assert_eq!(wire["object"]["status"], "Aangenomen");
    assert_eq!(wire["object"]["supports"], 4);
    assert_eq!(
        as_received(&update),
        InboundActivity::Update(update.clone())
    );
}
