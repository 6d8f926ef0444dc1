//! Our consultations' contents as ActivityStreams objects: proposals as `Page`, comments as
//! `Note`, polls as `Question`, removed things as `Tombstone`. Every object is public, names its
//! consultation in `audience` (FEP-1b12), and the context declares every extension term.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The ActivityStreams Public collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The JSON-LD context of everything we publish: AS2, the security vocabulary (keys) and the
/// extension terms we use, declared so JSON-LD processors keep them.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "toot": "http://joinmastodon.org/ns#",
            "votersCount": "toot:votersCount",
            "discoverable": "toot:discoverable",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "inspraak": "https://inspraak.nl/ns#",
            "status": "inspraak:status",
            "officialAnswer": "inspraak:officialAnswer"
        }
    ])
}

/// Where an object sits: its consultation's `Group` and that group's followers.
#[derive(Debug, Clone)]
pub struct Audience {
    /// The consultation's `Group` id.
    pub group: String,
    /// The group's followers collection.
    pub followers: String,
}

impl Audience {
    /// The audience of a consultation with this `Group` id.
    pub fn of_group(group: &str) -> Self {
        Self {
            group: group.to_owned(),
            followers: format!("{}/followers", group.trim_end_matches('/')),
        }
    }
}

/// A hashtag on this instance.
fn hashtag(base: &str, tag: &str) -> Value {
    json!({
        "type": "Hashtag",
        "name": format!("#{tag}"),
        "href": format!("{}/tags/{}", base.trim_end_matches('/'), tag),
    })
}

/// What a proposal's `Page` shows.
pub struct PageFacts<'a> {
    /// Its id (also its web page).
    pub id: &'a str,
    /// The author's `Person` id.
    pub author: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary (plain text).
    pub summary: &'a str,
    /// Body (sanitised HTML).
    pub body_html: &'a str,
    /// Tags without `#`.
    pub tags: &'a [String],
    /// The official status, in words, if answered.
    pub status: Option<&'a str>,
    /// The official answer (sanitised HTML), if answered.
    pub answer_html: Option<&'a str>,
    /// Published.
    pub published: DateTime<Utc>,
    /// Last changed.
    pub updated: Option<DateTime<Utc>>,
}

/// A proposal as a `Page`: Mastodon shows its title, summary and a link; Lemmy-like software
/// shows the content.
pub fn page(base: &str, audience: &Audience, facts: &PageFacts<'_>) -> Value {
    // The official answer travels in its own terms; software that does not know them still
    // links to the page, where it is shown.
    let content = facts.body_html.to_owned();
    let mut page = json!({
        "id": facts.id,
        "type": "Page",
        "attributedTo": facts.author,
        "name": facts.title,
        "summary": escape(facts.summary),
        "content": content,
        "mediaType": "text/html",
        "url": facts.id,
        "audience": audience.group,
        "to": [PUBLIC, audience.group],
        "cc": [audience.followers],
        "tag": facts.tags.iter().map(|t| hashtag(base, t)).collect::<Vec<_>>(),
        "published": facts.published,
        "sensitive": false,
    });
    if let Some(updated) = facts.updated {
        page["updated"] = json!(updated);
    }
    if let Some(status) = facts.status {
        page["status"] = json!(status);
    }
    if let Some(answer) = facts.answer_html {
        page["officialAnswer"] = json!(answer);
    }
    page
}

/// What a comment's `Note` shows.
pub struct NoteFacts<'a> {
    /// Its id.
    pub id: &'a str,
    /// The author's id.
    pub author: &'a str,
    /// Sanitised HTML.
    pub content_html: &'a str,
    /// What it answers: a comment, a proposal, or nothing (a comment on the consultation).
    pub in_reply_to: Option<&'a str>,
    /// The author of what it answers, when that is someone else (gets a copy and a mention).
    pub reply_to_author: Option<&'a str>,
    /// Published.
    pub published: DateTime<Utc>,
    /// Last edited.
    pub updated: Option<DateTime<Utc>>,
}

/// A comment as a `Note`.
pub fn note(audience: &Audience, facts: &NoteFacts<'_>) -> Value {
    let mut cc = vec![json!(audience.followers)];
    let mut tags = Vec::new();
    if let Some(author) = facts.reply_to_author {
        cc.push(json!(author));
        tags.push(json!({"type": "Mention", "href": author}));
    }
    let mut note = json!({
        "id": facts.id,
        "type": "Note",
        "attributedTo": facts.author,
        "content": facts.content_html,
        "mediaType": "text/html",
        "url": facts.id,
        "inReplyTo": facts.in_reply_to,
        "audience": audience.group,
        "to": [PUBLIC, audience.group],
        "cc": cc,
        "tag": tags,
        "published": facts.published,
        "sensitive": false,
    });
    if let Some(updated) = facts.updated {
        note["updated"] = json!(updated);
    }
    note
}

/// One option of a poll with its count.
pub struct OptionCount<'a> {
    /// The option's text.
    pub name: &'a str,
    /// How many chose it (residents and fediverse together), when results are public.
    pub count: Option<u64>,
}

/// What a poll's `Question` shows.
pub struct QuestionFacts<'a> {
    /// Its id.
    pub id: &'a str,
    /// The question.
    pub question: &'a str,
    /// Several options may be chosen.
    pub multiple: bool,
    /// The options.
    pub options: Vec<OptionCount<'a>>,
    /// Distinct voters, when results are public.
    pub voters: Option<u64>,
    /// When it closes.
    pub end_time: Option<DateTime<Utc>>,
    /// Whether it is closed now.
    pub closed: bool,
    /// Published.
    pub published: DateTime<Utc>,
}

/// A poll as a `Question`, the way Mastodon reads polls: options as `Note`s with
/// `replies.totalItems`, `oneOf` or `anyOf`, `endTime` and `votersCount`.
pub fn question(audience: &Audience, facts: &QuestionFacts<'_>) -> Value {
    let options: Vec<Value> = facts
        .options
        .iter()
        .map(|o| {
            json!({
                "type": "Note",
                "name": o.name,
                "replies": {"type": "Collection", "totalItems": o.count.unwrap_or(0)},
            })
        })
        .collect();
    let mut q = json!({
        "id": facts.id,
        "type": "Question",
        "attributedTo": audience.group,
        "name": facts.question,
        "content": format!("<p>{}</p>", escape(facts.question)),
        "mediaType": "text/html",
        "url": facts.id,
        "audience": audience.group,
        "to": [PUBLIC, audience.group],
        "cc": [audience.followers],
        "published": facts.published,
        "votersCount": facts.voters.unwrap_or(0),
    });
    q[if facts.multiple { "anyOf" } else { "oneOf" }] = Value::Array(options);
    if let Some(end) = facts.end_time {
        q["endTime"] = json!(end);
        if facts.closed {
            q["closed"] = json!(end);
        }
    }
    q
}

/// What stands at a removed object's id.
pub fn tombstone(id: &str, former_type: &str, deleted: DateTime<Utc>) -> Value {
    json!({
        "id": id,
        "type": "Tombstone",
        "formerType": former_type,
        "deleted": deleted,
    })
}

/// Escapes text for use inside HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Wraps an object or activity with the context, for serving at its id.
pub fn with_context(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("@context".into(), context());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_has_what_mastodon_reads() {
        let audience = Audience::of_group("https://a.example/consultations/plein");
        let facts = QuestionFacts {
            id: "https://a.example/polls/1",
            question: "Bomen of parkeren?",
            multiple: false,
            options: vec![
                OptionCount {
                    name: "Bomen",
                    count: Some(3),
                },
                OptionCount {
                    name: "Parkeren",
                    count: Some(1),
                },
            ],
            voters: Some(4),
            end_time: None,
            closed: false,
            published: Utc::now(),
        };
        let q = with_context(question(&audience, &facts));
        assert_eq!(q["type"], "Question");
        assert_eq!(q["oneOf"][0]["name"], "Bomen");
        assert_eq!(q["oneOf"][0]["replies"]["totalItems"], 3);
        assert_eq!(q["votersCount"], 4);
        assert!(q.get("anyOf").is_none());
        assert_eq!(q["attributedTo"], "https://a.example/consultations/plein");
        assert_eq!(q["@context"][2]["votersCount"], "toot:votersCount");
    }

    #[test]
    fn a_page_is_public_in_its_group_with_hashtags() {
        let audience = Audience::of_group("https://a.example/consultations/plein");
        let tags = vec!["groen".to_owned()];
        let facts = PageFacts {
            id: "https://a.example/proposals/1",
            author: "https://a.example/users/anna",
            title: "Meer bomen",
            summary: "Bomen <hier>",
            body_html: "<p>Tekst</p>",
            tags: &tags,
            status: Some("Aangenomen"),
            answer_html: Some("<p>Ja</p>"),
            published: Utc::now(),
            updated: None,
        };
        let p = page("https://a.example", &audience, &facts);
        assert_eq!(p["to"][0], PUBLIC);
        assert_eq!(
            p["cc"][0],
            "https://a.example/consultations/plein/followers"
        );
        assert_eq!(p["audience"], "https://a.example/consultations/plein");
        assert_eq!(p["summary"], "Bomen &lt;hier&gt;");
        assert_eq!(p["tag"][0]["name"], "#groen");
        assert_eq!(p["status"], "Aangenomen");
        assert_eq!(p["officialAnswer"], "<p>Ja</p>");
    }
}
