//! Participatory budgets over ActivityPub: a project is a `Page` by the consultation's `Group`
//! with its cost, area and categories in declared terms; a published outcome is an `Article`
//! by the group, announced to its followers, that lists the funded projects per area. Both are
//! in Dutch, the consultation's language. Ballots stay at home: nothing here lets anyone vote.

use crate::FederationError;
use crate::objects::{Audience, escape};
use crate::protocol::kind::{ArticleType, ImageType, PageType};
use crate::protocol::objects::budget::EURO;
use crate::protocol::objects::{BudgetOutcome, Image, ProjectPage};
use chrono::{DateTime, Utc};
use url::Url;

/// The longest `summary` of an outcome, in characters: Mastodon shows all of it.
const SUMMARY_MAX: usize = 1_000;

/// An amount in whole euros the Dutch way: `€ 25.000` (with a no-break space).
pub fn euros(amount: u64) -> String {
    let digits = amount.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("€\u{a0}{grouped}")
}

/// The media type of an uploaded picture, from its file name (we name them by their bytes).
fn image_media_type(url: &Url) -> Option<&'static str> {
    let extension = url.path().rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "webp" => Some("image/webp"),
        "gif" => Some("image/gif"),
        _ => None,
    }
}

/// A project's picture.
#[derive(Debug, Clone)]
pub struct ImageFacts<'a> {
    /// Where it is served (`/media/{file}`).
    pub url: Url,
    /// Its text alternative.
    pub alt: &'a str,
}

/// What a project's `Page` shows.
#[derive(Debug, Clone)]
pub struct ProjectFacts<'a> {
    /// Its id (also its web page, `/projects/{id}`).
    pub id: &'a str,
    /// The budget's page.
    pub budget: &'a str,
    /// Title.
    pub title: &'a str,
    /// What it is, sanitised HTML.
    pub description_html: &'a str,
    /// Whether it can be carried out.
    pub feasible: bool,
    /// Why (not), plain text; may be empty.
    pub feasibility_note: &'a str,
    /// What it costs, in euros.
    pub cost: u64,
    /// The name of its area.
    pub area: &'a str,
    /// Its categories.
    pub categories: &'a [String],
    /// Its picture.
    pub image: Option<ImageFacts<'a>>,
    /// When it was added.
    pub published: DateTime<Utc>,
    /// Last changed.
    pub updated: Option<DateTime<Utc>>,
}

/// A project as a `Page` by the group (`audience`): the description and the feasibility note
/// as `content`; cost and area in words as `summary` (what Mastodon shows beside the title);
/// the same facts in our terms; the picture as `image` and `attachment`.
pub fn project_page(
    audience: &Audience,
    facts: &ProjectFacts<'_>,
) -> Result<ProjectPage, FederationError> {
    let id = Url::parse(facts.id)?;
    let mut html = facts.description_html.to_owned();
    let note = facts.feasibility_note.trim();
    if !facts.feasible {
        html.push_str(&format!(
            "<p><strong>Niet uitvoerbaar.</strong> {}</p>",
            escape(note)
        ));
    } else if !note.is_empty() {
        html.push_str(&format!(
            "<p><strong>Haalbaarheid:</strong> {}</p>",
            escape(note)
        ));
    }
    let mut summary = format!("Kosten: {} · Gebied: {}", euros(facts.cost), facts.area);
    if !facts.feasible {
        summary.push_str(" · Niet uitvoerbaar");
    }
    let image = facts.image.as_ref().map(|i| Image {
        kind: ImageType::Image,
        media_type: image_media_type(&i.url).map(str::to_owned),
        name: Some(i.alt.to_owned()).filter(|alt| !alt.is_empty()),
        url: Some(i.url.clone()),
    });
    let mut common = audience.common(&id, audience.group.as_str(), &html, facts.published)?;
    common.name = Some(facts.title.to_owned());
    common.updated = facts.updated;
    Ok(ProjectPage {
        id,
        kind: PageType::Page,
        common,
        summary: Some(escape(&summary)),
        attachment: image.iter().cloned().collect::<Vec<_>>().into(),
        image,
        cost: Some(facts.cost),
        currency: Some(EURO.to_owned()),
        area: Some(facts.area.to_owned()),
        categories: facts.categories.to_vec().into(),
        feasible: facts.feasible,
        budget: Url::parse(facts.budget)?,
    })
}

/// A funded project, as the outcome lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundedProject {
    /// Its `Page` id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it costs, in euros.
    pub cost: u64,
}

/// One area's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaOutcomeFacts {
    /// The area's name.
    pub name: String,
    /// Its money, in euros.
    pub amount: u64,
    /// Ballots cast in it.
    pub voters: usize,
    /// The funded projects, in the outcome's order.
    pub funded: Vec<FundedProject>,
}

/// What a budget's outcome `Article` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFacts {
    /// The budget's page (the outcome is at `{budget}/outcome`).
    pub budget: String,
    /// The budget's title.
    pub title: String,
    /// Per area, in the budget's order.
    pub areas: Vec<AreaOutcomeFacts>,
    /// When the outcome was published.
    pub published: DateTime<Utc>,
}

impl OutcomeFacts {
    /// The outcome's id and page: `{budget}/outcome`.
    pub fn id(&self) -> String {
        format!("{}/outcome", self.budget.trim_end_matches('/'))
    }
}

/// "1 stem", "12 stemmen".
fn ballots(n: usize) -> String {
    if n == 1 {
        "1 stem".into()
    } else {
        format!("{n} stemmen")
    }
}

/// "Speeltuin (€ 12.000), Bankjes (€ 3.000)", or that nothing was chosen.
fn funded_line(area: &AreaOutcomeFacts) -> String {
    if area.funded.is_empty() {
        return "geen project gekozen".into();
    }
    area.funded
        .iter()
        .map(|p| format!("{} ({})", p.title, euros(p.cost)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The outcome in short, for `summary`: one line per area (without the area's name when the
/// budget has one area), cut at [`SUMMARY_MAX`].
fn outcome_summary(facts: &OutcomeFacts) -> String {
    let text = match facts.areas.as_slice() {
        [only] => format!("Gekozen: {}.", funded_line(only)),
        areas => areas
            .iter()
            .map(|a| format!("{}: {}.", a.name, funded_line(a)))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    if text.chars().count() <= SUMMARY_MAX {
        return text;
    }
    let mut cut: String = text.chars().take(SUMMARY_MAX - 1).collect();
    cut.push('…');
    cut
}

/// The outcome as HTML: per area its money and ballots, then each funded project linked to
/// its `Page`, with its cost.
fn outcome_html(facts: &OutcomeFacts) -> String {
    let mut html = format!(
        "<p>De uitslag van {}: deze projecten worden uitgevoerd.</p>",
        escape(&facts.title)
    );
    for area in &facts.areas {
        html.push_str(&format!(
            "<h3>{}</h3><p>{} te verdelen, {}.</p>",
            escape(&area.name),
            euros(area.amount),
            ballots(area.voters)
        ));
        if area.funded.is_empty() {
            html.push_str("<p>Geen project gekozen.</p>");
            continue;
        }
        html.push_str("<ul>");
        for p in &area.funded {
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a>: {}</li>",
                escape(&p.id),
                escape(&p.title),
                euros(p.cost)
            ));
        }
        html.push_str("</ul>");
    }
    html
}

/// A budget's outcome as an `Article` by the group (`audience`), at `{budget}/outcome`.
pub fn outcome_article(
    audience: &Audience,
    facts: &OutcomeFacts,
) -> Result<BudgetOutcome, FederationError> {
    let id = Url::parse(&facts.id())?;
    let mut common = audience.common(
        &id,
        audience.group.as_str(),
        &outcome_html(facts),
        facts.published,
    )?;
    common.name = Some(format!("Uitslag: {}", facts.title));
    let funded = facts
        .areas
        .iter()
        .flat_map(|a| &a.funded)
        .map(|p| Url::parse(&p.id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BudgetOutcome {
        id,
        kind: ArticleType::Article,
        common,
        summary: Some(escape(&outcome_summary(facts))),
        budget: Url::parse(&facts.budget)?,
        funded_projects: funded.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PUBLIC;
    use crate::protocol::context::WithContext;

    const GROUP: &str = "https://a.example/consultations/plein";

    fn audience() -> Audience {
        Audience::of_group(GROUP).expect("audience")
    }

    #[test]
    fn amounts_are_written_the_dutch_way() {
        assert_eq!(euros(0), "€\u{a0}0");
        assert_eq!(euros(950), "€\u{a0}950");
        assert_eq!(euros(25_000), "€\u{a0}25.000");
        assert_eq!(euros(1_250_000), "€\u{a0}1.250.000");
    }

    #[test]
    fn a_project_is_a_page_of_the_group_with_its_terms() {
        let categories = vec!["groen".to_owned(), "spelen".to_owned()];
        let facts = ProjectFacts {
            id: "https://a.example/projects/1",
            budget: "https://a.example/budgets/b",
            title: "Speeltuin <Noord>",
            description_html: "<p>Nieuwe toestellen.</p>",
            feasible: true,
            feasibility_note: "Past in het plan & kan in 2027.",
            cost: 25_000,
            area: "Noord",
            categories: &categories,
            image: Some(ImageFacts {
                url: Url::parse("https://a.example/media/x.webp").expect("url"),
                alt: "Kinderen op een klimrek",
            }),
            published: Utc::now(),
            updated: None,
        };
        let page = project_page(&audience(), &facts).expect("page");
        assert_eq!(
            page.common.attributed_to.as_ref().map(Url::as_str),
            Some(GROUP)
        );
        assert_eq!(page.common.addressing.to[0].as_str(), PUBLIC);
        assert_eq!(
            page.common.addressing.audience.as_ref().map(Url::as_str),
            Some(GROUP)
        );
        assert_eq!(page.common.name.as_deref(), Some("Speeltuin <Noord>"));
        let content = page.common.content.as_deref().unwrap_or_default();
        assert!(content.starts_with("<p>Nieuwe toestellen.</p>"));
        assert!(content.contains("Past in het plan &amp; kan in 2027."));
        assert_eq!(
            page.summary.as_deref(),
            Some("Kosten: €\u{a0}25.000 · Gebied: Noord")
        );
        let image = page.image.as_ref().expect("image");
        assert_eq!(image.media_type.as_deref(), Some("image/webp"));
        assert_eq!(image.name.as_deref(), Some("Kinderen op een klimrek"));
        assert_eq!(page.attachment.len(), 1);
        let text = serde_json::to_string(&WithContext::new(&page)).expect("json");
        for wanted in [
            r#""type":"Page""#,
            r#""cost":25000"#,
            r#""currency":"EUR""#,
            r#""area":"Noord""#,
            r#""categories":["groen","spelen"]"#,
            r#""feasible":true"#,
            r#""budget":"https://a.example/budgets/b""#,
            r#""cost":"inspraak:cost""#,
            r#""budget":{"@id":"inspraak:budget","@type":"@id"}"#,
            r#""fundedProjects":{"@id":"inspraak:fundedProjects","@type":"@id"}"#,
        ] {
            assert!(text.contains(wanted), "{wanted} in {text}");
        }
    }

    #[test]
    fn an_infeasible_project_says_so_with_its_reason() {
        let facts = ProjectFacts {
            id: "https://a.example/projects/2",
            budget: "https://a.example/budgets/b",
            title: "Tunnel",
            description_html: "",
            feasible: false,
            feasibility_note: "Te duur voor de grond hier.",
            cost: 9_000_000,
            area: "Zuid",
            categories: &[],
            image: None,
            published: Utc::now(),
            updated: None,
        };
        let page = project_page(&audience(), &facts).expect("page");
        assert!(!page.feasible);
        assert!(
            page.common
                .content
                .as_deref()
                .is_some_and(|c| c.contains("Niet uitvoerbaar.</strong> Te duur"))
        );
        assert!(
            page.summary
                .as_deref()
                .is_some_and(|s| s.ends_with("Niet uitvoerbaar"))
        );
        assert!(page.image.is_none() && page.attachment.is_empty());
        let text = serde_json::to_string(&page).expect("json");
        assert!(!text.contains("categories"), "{text}");
    }

    fn outcome() -> OutcomeFacts {
        OutcomeFacts {
            budget: "https://a.example/budgets/b".into(),
            title: "Buurtbudget 2027".into(),
            areas: vec![
                AreaOutcomeFacts {
                    name: "Noord".into(),
                    amount: 50_000,
                    voters: 12,
                    funded: vec![
                        FundedProject {
                            id: "https://a.example/projects/1".into(),
                            title: "Speeltuin".into(),
                            cost: 25_000,
                        },
                        FundedProject {
                            id: "https://a.example/projects/3".into(),
                            title: "Bankjes & bomen".into(),
                            cost: 3_000,
                        },
                    ],
                },
                AreaOutcomeFacts {
                    name: "Zuid".into(),
                    amount: 20_000,
                    voters: 1,
                    funded: Vec::new(),
                },
            ],
            published: Utc::now(),
        }
    }

    #[test]
    fn an_outcome_lists_the_funded_projects_per_area() {
        let article = outcome_article(&audience(), &outcome()).expect("article");
        assert_eq!(article.id.as_str(), "https://a.example/budgets/b/outcome");
        assert_eq!(article.common.url.as_ref(), Some(&article.id));
        assert_eq!(
            article.common.name.as_deref(),
            Some("Uitslag: Buurtbudget 2027")
        );
        let funded: Vec<&str> = article.funded_projects.iter().map(Url::as_str).collect();
        assert_eq!(
            funded,
            [
                "https://a.example/projects/1",
                "https://a.example/projects/3"
            ]
        );
        assert_eq!(
            article.summary.as_deref(),
            Some(
                "Noord: Speeltuin (€\u{a0}25.000), Bankjes &amp; bomen (€\u{a0}3.000).\nZuid: geen project gekozen."
            )
        );
        let content = article.common.content.as_deref().unwrap_or_default();
        assert!(content.contains("<h3>Noord</h3><p>€\u{a0}50.000 te verdelen, 12 stemmen.</p>"));
        assert!(content.contains(
            "<li><a href=\"https://a.example/projects/1\">Speeltuin</a>: €\u{a0}25.000</li>"
        ));
        assert!(content.contains(
            "<h3>Zuid</h3><p>€\u{a0}20.000 te verdelen, 1 stem.</p><p>Geen project gekozen.</p>"
        ));
        let text = serde_json::to_string(&article).expect("json");
        assert!(text.contains(
            r#""fundedProjects":["https://a.example/projects/1","https://a.example/projects/3"]"#
        ));
    }

    #[test]
    fn a_single_area_outcome_reads_as_one_sentence_and_a_long_one_is_cut() {
        let mut facts = outcome();
        facts.areas.truncate(1);
        let article = outcome_article(&audience(), &facts).expect("article");
        assert_eq!(
            article.summary.as_deref(),
            Some("Gekozen: Speeltuin (€\u{a0}25.000), Bankjes &amp; bomen (€\u{a0}3.000).")
        );
        facts.areas[0].funded = (0..200)
            .map(|i| FundedProject {
                id: format!("https://a.example/projects/{i}"),
                title: format!("Project nummer {i}"),
                cost: 1_000,
            })
            .collect();
        let summary = outcome_summary(&facts);
        assert_eq!(summary.chars().count(), SUMMARY_MAX);
        assert!(summary.ends_with('…'));
        let article = outcome_article(&audience(), &facts).expect("article");
        assert_eq!(article.funded_projects.len(), 200, "every id is listed");
    }
}
