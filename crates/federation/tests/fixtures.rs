//! What Mastodon, Lemmy, Mobilizon and Fedify really send, read into the inbound enum.

use inspraak_federation::protocol::activities::{ActivityHead, InboundActivity};
use inspraak_federation::protocol::kind::{ActorKind, TagKind};
use inspraak_federation::protocol::objects::AnyObject;
use inspraak_federation::protocol::values::IdOr;
use serde_json::Value;
use url::Url;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn inbound(name: &str) -> InboundActivity {
    let value = fixture(name);
    let head: ActivityHead = serde_json::from_value(value.clone()).expect("head");
    assert!(
        head.id.is_some() && head.actor.is_some(),
        "{name} has an id and an actor"
    );
    InboundActivity::from_value(&value).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("url")
}

const PROPOSAL: &str = "https://inspraak.gemeente.example/proposals/01JD3K7Q2V";
const GROUP: &str = "https://inspraak.gemeente.example/consultations/stationsplein";

fn embedded(object: &IdOr<AnyObject>) -> &AnyObject {
    object.object().expect("an embedded object")
}

#[test]
fn mastodon_reply() {
    let InboundActivity::Create(create) = inbound("mastodon_create_note_reply") else {
        panic!("a Create");
    };
    assert_eq!(create.actor, url("https://mastodon.example/users/bram"));
    let AnyObject::Note(note) = embedded(&create.object) else {
        panic!("a Note");
    };
    assert_eq!(note.in_reply_to, Some(url(PROPOSAL)));
    assert!(
        note.common
            .content
            .as_deref()
            .unwrap_or_default()
            .contains("fietsenstalling")
    );
    assert!(
        note.content_map
            .as_ref()
            .is_some_and(|m| m.contains_key("nl"))
    );
    assert_eq!(note.vote(), None, "a reply is not a vote");
    assert_eq!(
        note.mentions().collect::<Vec<_>>(),
        vec![&url("https://inspraak.gemeente.example/users/anna")]
    );
    assert!(
        note.common.tag.iter().any(|t| t.kind == TagKind::Other),
        "the emoji is kept apart"
    );
    assert_eq!(create.addressing.cc.len(), 2);
}

#[test]
fn mastodon_poll_vote() {
    let InboundActivity::Create(create) = inbound("mastodon_poll_vote") else {
        panic!("a Create");
    };
    let AnyObject::Note(note) = embedded(&create.object) else {
        panic!("a Note");
    };
    assert_eq!(note.vote(), Some("Bomen"));
    assert_eq!(
        note.in_reply_to,
        Some(url("https://inspraak.gemeente.example/polls/01JD3M0A1B"))
    );
    assert_eq!(
        create.addressing.to[0],
        url(GROUP),
        "a single `to` is read as a list"
    );
}

#[test]
fn mastodon_follow_and_undo() {
    let InboundActivity::Follow(follow) = inbound("mastodon_follow") else {
        panic!("a Follow");
    };
    assert_eq!(follow.object.0, url(GROUP));
    let InboundActivity::Undo(undo) = inbound("mastodon_undo_follow") else {
        panic!("an Undo");
    };
    let AnyObject::Follow(undone) = embedded(&undo.object) else {
        panic!("the Follow undone");
    };
    assert_eq!(undone.id, follow.id);
    assert_eq!(undone.object.0, url(GROUP));
    assert_eq!(undo.object.id(), Some(follow.id.clone()));
}

#[test]
fn mastodon_like_and_flag() {
    let InboundActivity::Like(like) = inbound("mastodon_like") else {
        panic!("a Like");
    };
    assert_eq!(like.object.0, url(PROPOSAL));
    let InboundActivity::Flag(flag) = inbound("mastodon_flag") else {
        panic!("a Flag");
    };
    assert_eq!(flag.object.len(), 2);
    assert_eq!(flag.object[1].0, url(PROPOSAL));
    assert_eq!(
        flag.content.as_deref(),
        Some("Dit is reclame, geen voorstel.")
    );
    assert_eq!(flag.addressing.to.len(), 1);
}

#[test]
fn mastodon_deletes() {
    let InboundActivity::Delete(delete) = inbound("mastodon_delete_tombstone") else {
        panic!("a Delete");
    };
    assert!(matches!(embedded(&delete.object), AnyObject::Tombstone(_)));
    assert_eq!(
        delete.object.id(),
        Some(url(
            "https://mastodon.example/users/bram/statuses/113456789012345678"
        ))
    );
    let InboundActivity::Delete(gone) = inbound("mastodon_delete_actor") else {
        panic!("a Delete");
    };
    assert_eq!(
        gone.object.id(),
        Some(gone.actor.clone()),
        "the actor deletes itself"
    );
}

#[test]
fn mastodon_profile_update() {
    let InboundActivity::Update(update) = inbound("mastodon_update_person") else {
        panic!("an Update");
    };
    let AnyObject::Actor(person) = embedded(&update.object) else {
        panic!("a Person");
    };
    assert_eq!(person.kind, ActorKind::Person);
    assert_eq!(person.id, update.actor);
    assert_eq!(person.url, Some(url("https://mastodon.example/@bram")));
    assert_eq!(
        person
            .endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.clone()),
        Some(url("https://mastodon.example/inbox"))
    );
    assert!(person.public_key.is_some());
}

#[test]
fn mastodon_accepts_our_follow() {
    let InboundActivity::Accept(accept) = inbound("mastodon_accept_follow") else {
        panic!("an Accept");
    };
    let follow = accept.object.object().expect("the Follow embedded");
    assert_eq!(follow.kind(), "Follow");
    assert_eq!(
        follow.actor(),
        Some(url("https://inspraak.gemeente.example/organization"))
    );
}

#[test]
fn lemmy_comment_and_its_announce() {
    let InboundActivity::Create(create) = inbound("lemmy_create_note") else {
        panic!("a Create");
    };
    let AnyObject::Note(note) = embedded(&create.object) else {
        panic!("a Note");
    };
    assert_eq!(note.in_reply_to, Some(url(PROPOSAL)));
    assert_eq!(note.common.addressing.audience, Some(url(GROUP)));
    let InboundActivity::Announce(announce) = inbound("lemmy_announce_create_note") else {
        panic!("an Announce");
    };
    assert_eq!(announce.actor, url("https://lemmy.example/c/wijkplein"));
    let AnyObject::Create(inner) = embedded(&announce.object) else {
        panic!("an announced Create");
    };
    assert_eq!(inner.actor, url("https://lemmy.example/u/fenna"));
    let AnyObject::Note(comment) = embedded(&inner.object) else {
        panic!("a Note");
    };
    assert_eq!(comment.id, url("https://lemmy.example/comment/382"));
    assert_eq!(
        announce.object.subject(),
        Some(comment.id.clone()),
        "an announce is about the object inside"
    );
}

#[test]
fn lemmy_votes_and_follows() {
    let InboundActivity::Like(like) = inbound("lemmy_like") else {
        panic!("a Like");
    };
    assert_eq!(like.object.0, url(PROPOSAL));
    assert_eq!(like.addressing.audience, Some(url(GROUP)));
    assert_eq!(
        inbound("lemmy_dislike"),
        InboundActivity::Unknown("Dislike".into()),
        "a downvote is not handled"
    );
    let InboundActivity::Follow(follow) = inbound("lemmy_follow_group") else {
        panic!("a Follow");
    };
    assert_eq!(follow.object.0, url(GROUP));
}

#[test]
fn mobilizon_comment_and_join() {
    let InboundActivity::Create(create) = inbound("mobilizon_create_note") else {
        panic!("a Create");
    };
    let AnyObject::Note(note) = embedded(&create.object) else {
        panic!("a Note");
    };
    assert_eq!(note.in_reply_to, Some(url(PROPOSAL)));
    assert!(note.common.tag.is_empty());
    // Mobilizon's event Join reads as a Join; the inbox refuses it, as no deal of ours is named.
    let InboundActivity::Join(join) = inbound("mobilizon_join") else {
        panic!("a Join");
    };
    assert_eq!(
        join.kind,
        inspraak_federation::protocol::kind::JoinType::Join
    );
    assert!(join.object.0.as_str().starts_with("http"));
}

#[test]
fn fedify_reply_follow_and_like() {
    let InboundActivity::Create(create) = inbound("fedify_create_note") else {
        panic!("a Create");
    };
    let AnyObject::Note(note) = embedded(&create.object) else {
        panic!("a Note");
    };
    assert_eq!(note.in_reply_to, Some(url(PROPOSAL)));
    assert_eq!(
        note.mentions().count(),
        1,
        "a single tag object is read as a list"
    );
    assert_eq!(note.common.addressing.to.len(), 1, "`as:Public` is kept");
    let InboundActivity::Follow(follow) = inbound("fedify_follow") else {
        panic!("a Follow");
    };
    assert_eq!(follow.object.0, url(GROUP));
    let InboundActivity::Like(like) = inbound("fedify_like") else {
        panic!("a Like");
    };
    assert_eq!(like.object.0, url(PROPOSAL));
}

#[test]
fn a_known_type_that_cannot_be_read_is_an_error_and_an_odd_object_is_kept() {
    let follow_without_object = serde_json::from_str::<Value>(
        r#"{"id": "https://a.example/1", "type": "Follow", "actor": "https://a.example/u"}"#,
    )
    .expect("json");
    assert!(InboundActivity::from_value(&follow_without_object).is_err());
    let create_of_event = serde_json::from_str::<Value>(
        r#"{"id": "https://a.example/2", "type": "Create", "actor": "https://a.example/u",
            "object": {"id": "https://a.example/e", "type": "Event", "name": "Buurtavond"}}"#,
    )
    .expect("json");
    let Ok(InboundActivity::Create(create)) = InboundActivity::from_value(&create_of_event) else {
        panic!("a Create");
    };
    let AnyObject::Other(event) = embedded(&create.object) else {
        panic!("kept as sent");
    };
    assert_eq!(event.kind(), "Event");
    assert_eq!(event.id(), Some(url("https://a.example/e")));
}
