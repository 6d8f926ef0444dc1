//! Our consultations' contents as ActivityStreams objects: proposals as `Page`, comments as
//! `Note`, polls as `Question`, removed things as `Tombstone`. Every object is public, names its
//! consultation in `audience` (FEP-1b12), and the context declares every extension term.

use crate::FederationError;
use crate::protocol::compat;
use crate::protocol::context::Context;
use crate::protocol::kind::{ArticleType, NoteType, PageKind, QuestionType, TombstoneType};
use crate::protocol::objects::{
    Article, Common, Note, Page, Question, QuestionOption, Tag, Tombstone,
};
use crate::protocol::values::Addressing;
use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

pub use crate::protocol::PUBLIC;

/// The JSON-LD context of everything we publish (see [`Context`]).
pub fn context() -> Value {
    Context::Objects.to_value()
}

/// Where an object sits: its consultation's `Group` and that group's followers.
#[derive(Debug, Clone)]
pub struct Audience {
    /// The consultation's `Group` id.
    pub group: Url,
}

impl Audience {
    /// The audience of a consultation with this `Group` id.
    pub fn of_group(group: &str) -> Result<Self, FederationError> {
        Ok(Self {
            group: Url::parse(group)?,
        })
    }

    /// What every object of ours in this consultation has: public in the group, by `author`,
    /// linking to its own id, with its text as HTML.
    pub(crate) fn common(
        &self,
        id: &Url,
        author: &str,
        html: &str,
        published: DateTime<Utc>,
    ) -> Result<Common, FederationError> {
        Ok(Common {
            attributed_to: Some(Url::parse(author)?),
            content: Some(html.to_owned()),
            media_type: Some("text/html".into()),
            url: Some(id.clone()),
            addressing: Addressing::object_in_group(&self.group)?,
            published: Some(published),
            sensitive: Some(false),
            ..Common::default()
        })
    }
}

/// A hashtag on this instance.
pub(crate) fn hashtag(base: &str, tag: &str) -> Result<Tag, FederationError> {
    let href = Url::parse(&format!("{}/tags/{}", base.trim_end_matches('/'), tag))?;
    Ok(Tag::hashtag(tag, href))
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
    /// Its residents' supports.
    pub supports: Option<u64>,
    /// Published.
    pub published: DateTime<Utc>,
    /// Last changed.
    pub updated: Option<DateTime<Utc>>,
}

/// A proposal as a `Page`: Mastodon shows its title, summary and a link; Lemmy-like software
/// shows the content.
pub fn page(
    base: &str,
    audience: &Audience,
    facts: &PageFacts<'_>,
) -> Result<Page, FederationError> {
    // The official answer travels in its own terms; software that does not know them still
    // links to the page, where it is shown.
    let id = Url::parse(facts.id)?;
    let tags = facts.tags.iter().map(|t| hashtag(base, t));
    Ok(Page {
        common: Common {
            name: Some(facts.title.to_owned()),
            tag: tags.collect::<Result<Vec<_>, _>>()?.into(),
            updated: facts.updated,
            ..audience.common(&id, facts.author, facts.body_html, facts.published)?
        },
        id,
        kind: PageKind::Page,
        summary: Some(escape(facts.summary)),
        status: facts.status.map(str::to_owned),
        official_answer: facts.answer_html.map(str::to_owned),
        supports: facts.supports,
    })
}

/// What a guide's `Article` shows.
pub struct ArticleFacts<'a> {
    /// Its id (also its web page).
    pub id: &'a str,
    /// The `Organization` that publishes it.
    pub organization: &'a Url,
    /// Title.
    pub title: &'a str,
    /// The opening lines, plain text.
    pub summary: &'a str,
    /// Body (sanitised HTML).
    pub body_html: &'a str,
    /// Published.
    pub published: DateTime<Utc>,
    /// Last changed.
    pub updated: Option<DateTime<Utc>>,
}

/// A guide as an `Article` by the organization: public, copied to its followers.
pub fn article(facts: &ArticleFacts<'_>) -> Result<Article, FederationError> {
    let id = Url::parse(facts.id)?;
    Ok(Article {
        common: Common {
            attributed_to: Some(facts.organization.clone()),
            name: Some(facts.title.to_owned()),
            content: Some(facts.body_html.to_owned()),
            media_type: Some("text/html".into()),
            url: Some(id.clone()),
            addressing: Addressing::public(facts.organization)?,
            published: Some(facts.published),
            updated: facts.updated,
            sensitive: Some(false),
            ..Common::default()
        },
        id,
        kind: ArticleType::Article,
        summary: Some(escape(facts.summary)),
    })
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
pub fn note(audience: &Audience, facts: &NoteFacts<'_>) -> Result<Note, FederationError> {
    let id = Url::parse(facts.id)?;
    let mut common = audience.common(&id, facts.author, facts.content_html, facts.published)?;
    common.updated = facts.updated;
    if let Some(author) = facts.reply_to_author {
        let author = Url::parse(author)?;
        common.addressing.cc.0.push(author.clone());
        common.tag.0.push(Tag::mention(author));
    }
    Ok(Note {
        id,
        kind: NoteType::Note,
        common,
        in_reply_to: facts.in_reply_to.map(Url::parse).transpose()?,
        content_map: None,
    })
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
pub fn question(
    audience: &Audience,
    facts: &QuestionFacts<'_>,
) -> Result<Question, FederationError> {
    let options: Vec<QuestionOption> = facts
        .options
        .iter()
        .map(|o| QuestionOption::new(o.name, o.count.unwrap_or(0)))
        .collect();
    let (one_of, any_of) = if facts.multiple {
        (None, Some(options.into()))
    } else {
        (Some(options.into()), None)
    };
    let id = Url::parse(facts.id)?;
    let html = format!("<p>{}</p>", escape(facts.question));
    let mut common = audience.common(&id, audience.group.as_str(), &html, facts.published)?;
    common.name = Some(facts.question.to_owned());
    // Mastodon reads polls without these two; they were never sent for polls.
    common.sensitive = None;
    Ok(Question {
        id,
        kind: QuestionType::Question,
        common,
        voters_count: Some(facts.voters.unwrap_or(0)),
        one_of,
        any_of,
        end_time: facts.end_time,
        closed: facts.end_time.filter(|_| facts.closed),
        context: None,
    })
}

/// What stands at a removed object's id, as served (410 Gone).
pub fn tombstone(id: &str, former_type: &str, deleted: DateTime<Utc>) -> Value {
    let tombstone = Url::parse(id).map(|id| Tombstone {
        id,
        kind: TombstoneType::Tombstone,
        former_type: Some(former_type.to_owned()),
        deleted: Some(deleted),
    });
    match tombstone {
        Ok(tombstone) => compat::to_value(&tombstone),
        Err(err) => {
            tracing::error!(%err, id, "a removed object with an invalid id");
            Value::Null
        }
    }
}

/// Escapes text for use inside HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Wraps an object or activity with the context, for serving at its id.
pub fn with_context(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            map.insert("@context".into(), context());
            Value::Object(map)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_has_what_mastodon_reads() {
        let audience = Audience::of_group("https://a.example/consultations/plein").expect("url");
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
        let q = question(&audience, &facts).expect("question");
        let (multiple, options) = q.options();
        assert!(!multiple);
        assert_eq!(options[0].name.as_deref(), Some("Bomen"));
        assert_eq!(options[0].count(), 3);
        assert_eq!(q.voters_count, Some(4));
        assert!(q.any_of.is_none());
        assert_eq!(q.common.attributed_to, Some(audience.group.clone()));
        let text =
            serde_json::to_string(&crate::protocol::context::WithContext::new(&q)).expect("json");
        assert!(text.contains(r#""votersCount":"toot:votersCount""#));
        assert!(text.contains(r#""oneOf":[{"type":"Note","name":"Bomen","replies":{"type":"Collection","totalItems":3}}"#));
    }

    #[test]
    fn a_page_is_public_in_its_group_with_hashtags() {
        let audience = Audience::of_group("https://a.example/consultations/plein").expect("url");
        let tags = vec![String::from("groen")];
        let facts = PageFacts {
            id: "https://a.example/proposals/1",
            author: "https://a.example/users/anna",
            title: "Meer bomen",
            summary: "Bomen <hier>",
            body_html: "<p>Tekst</p>",
            tags: &tags,
            status: Some("Aangenomen"),
            answer_html: Some("<p>Ja</p>"),
            supports: Some(4),
            published: Utc::now(),
            updated: None,
        };
        let p = page("https://a.example", &audience, &facts).expect("page");
        assert_eq!(p.common.addressing.to[0].as_str(), PUBLIC);
        assert_eq!(
            p.common.addressing.cc[0].as_str(),
            "https://a.example/consultations/plein/followers"
        );
        assert_eq!(p.common.addressing.audience, Some(audience.group.clone()));
        assert_eq!(p.summary.as_deref(), Some("Bomen &lt;hier&gt;"));
        assert_eq!(p.common.tag[0].name.as_deref(), Some("#groen"));
        assert_eq!(p.status.as_deref(), Some("Aangenomen"));
        let text = serde_json::to_string(&p).expect("json");
        assert!(text.contains(r#""officialAnswer":"<p>Ja</p>""#));
        assert!(text.contains(r#""href":"https://a.example/tags/groen""#));
    }
}
