//! Loads our items from the database and renders them as ActivityStreams objects, for serving
//! at their ids and for the activities that carry them. The typed renderings serve the
//! activities; the `*_page`/`*_note`/`*_question` values serve the web layer.

use crate::FederationError;
use crate::budgets::{ImageFacts, OutcomeFacts, ProjectFacts};
use crate::context::FederationData;
use crate::objects::{self, Audience, NoteFacts, OptionCount, PageFacts, QuestionFacts};
use crate::protocol::objects::{Article, BudgetOutcome, Note, Page, ProjectPage, Question};
use chrono::Utc;
use inspraak_db::budgets::BudgetRecord;
use inspraak_db::entity::{budget, budget_project, comment, consultation, guide, poll, proposal};
use inspraak_db::{budgets, comments, consultations, fediverse, polls, proposals, users};
use inspraak_domain::poll::{ResultsVisibility, is_open, results_visible};
use inspraak_domain::proposal::AnswerStatus;
use sea_orm::ConnectionTrait;
use serde_json::Value;

/// Dutch words for the built-in answer statuses (the instance's default language).
fn status_words(key: &str, custom: &[(String, String)]) -> String {
    match AnswerStatus::from_key(key) {
        Some(AnswerStatus::UnderConsideration) => "In behandeling".into(),
        Some(AnswerStatus::Accepted) => "Aangenomen".into(),
        Some(AnswerStatus::Rejected) => "Afgewezen".into(),
        Some(AnswerStatus::Implemented) => "Uitgevoerd".into(),
        None => custom
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, label)| label.clone())
            .unwrap_or_else(|| key.to_owned()),
    }
}

/// One of our guides as an `Article` by our organization.
pub fn article(data: &FederationData, g: &guide::Model) -> Result<Article, FederationError> {
    let organization = crate::actors::organization_id(&data.base)?;
    objects::article(&objects::ArticleFacts {
        id: &g.ap_id,
        organization: &organization,
        title: &g.title,
        summary: &g.summary,
        body_html: &g.body_html,
        published: g.published_at,
        updated: (g.updated_at > g.published_at).then_some(g.updated_at),
    })
}

/// A proposal as a `Page`, as JSON.
pub async fn proposal_page(
    db: &impl ConnectionTrait,
    data: &FederationData,
    p: &proposal::Model,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(page(db, data, p).await?)?)
}

/// A proposal as a `Page`.
pub async fn page(
    db: &impl ConnectionTrait,
    data: &FederationData,
    p: &proposal::Model,
) -> Result<Page, FederationError> {
    let c = consultations::find(db, &p.consultation_id).await?;
    let author = users::find(db, &p.author_id).await?;
    let answers = proposals::answers(db, &p.id).await?;
    let custom: Vec<(String, String)> = proposals::custom_statuses(db, &c.id)
        .await?
        .into_iter()
        .map(|s| (format!("custom:{}", s.id), s.label))
        .collect();
    let latest = answers.last();
    let status = latest.map(|a| status_words(&a.status_key, &custom));
    let tags = proposals::tags_of(p);
    let facts = PageFacts {
        id: &p.ap_id,
        author: users::fediverse_author(&author, &c.ap_id),
        title: &p.title,
        summary: &p.summary,
        body_html: &p.body_html,
        tags: &tags,
        status: status.as_deref(),
        answer_html: latest.map(|a| a.answer_html.as_str()),
        supports: Some(proposals::support_count(db, &p.id).await?),
        published: p.created_at,
        updated: (p.updated_at > p.created_at).then_some(p.updated_at),
    };
    objects::page(data.base.as_str(), &Audience::of_group(&c.ap_id)?, &facts)
}

/// The id of what a comment answers, and that item's author when it is not the commenter.
async fn reply_target(
    db: &impl ConnectionTrait,
    c: &comment::Model,
) -> Result<(Option<String>, Option<String>), FederationError> {
    if let Some(parent) = &c.parent_id {
        let parent = comments::find(db, parent).await?;
        let author = users::find(db, &parent.author_id).await?;
        let other = (parent.author_id != c.author_id && users::appears_by_name(&author))
            .then_some(author.ap_id);
        return Ok((Some(parent.ap_id), other));
    }
    if let Some(project_id) = &c.budget_project_id {
        // Projects are the group's own: nobody else to answer.
        return Ok((
            Some(budgets::find_project(db, project_id).await?.ap_id),
            None,
        ));
    }
    if let Some(proposal_id) = &c.proposal_id {
        let p = proposals::find(db, proposal_id).await?;
        let author = users::find(db, &p.author_id).await?;
        let other =
            (p.author_id != c.author_id && users::appears_by_name(&author)).then_some(author.ap_id);
        return Ok((Some(p.ap_id), other));
    }
    Ok((None, None))
}

/// A comment as a `Note`, as JSON.
pub async fn comment_note(
    db: &impl ConnectionTrait,
    c: &comment::Model,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(note(db, c).await?)?)
}

/// A comment as a `Note`.
pub async fn note(db: &impl ConnectionTrait, c: &comment::Model) -> Result<Note, FederationError> {
    let consultation = consultations::find(db, &c.consultation_id).await?;
    let author = users::find(db, &c.author_id).await?;
    let (in_reply_to, reply_to_author) = reply_target(db, c).await?;
    let facts = NoteFacts {
        id: &c.ap_id,
        author: users::fediverse_author(&author, &consultation.ap_id),
        content_html: &c.body_html,
        in_reply_to: in_reply_to.as_deref(),
        reply_to_author: reply_to_author.as_deref(),
        published: c.created_at,
        updated: c.edited_at,
    };
    objects::note(&Audience::of_group(&consultation.ap_id)?, &facts)
}

/// A poll as a `Question`, as JSON.
pub async fn poll_question(
    db: &impl ConnectionTrait,
    poll_row: &poll::Model,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(question(db, poll_row).await?)?)
}

/// A poll as a `Question`, with residents' and fediverse votes counted together.
pub async fn question(
    db: &impl ConnectionTrait,
    poll_row: &poll::Model,
) -> Result<Question, FederationError> {
    let consultation = consultations::find(db, &poll_row.consultation_id).await?;
    let with_options = polls::find(db, &poll_row.id).await?;
    let now = Utc::now();
    let visible = results_visible(
        ResultsVisibility::parse(&poll_row.results_visibility),
        poll_row.closes_at,
        now,
        false,
    );
    let residents = polls::results(db, &poll_row.id).await?;
    let (fediverse, fediverse_voters) = fediverse::tally(db, &poll_row.id).await?;
    let options = with_options
        .options
        .iter()
        .map(|o| OptionCount {
            name: &o.label,
            count: visible.then(|| {
                residents.per_option.get(&o.id).copied().unwrap_or(0)
                    + fediverse.get(&o.id).copied().unwrap_or(0)
            }),
        })
        .collect();
    let facts = QuestionFacts {
        id: &poll_row.ap_id,
        question: &poll_row.question,
        multiple: poll_row.multiple,
        options,
        voters: visible.then_some(residents.voters + fediverse_voters),
        end_time: poll_row.closes_at,
        closed: !is_open(poll_row.closes_at, now),
        published: poll_row.created_at,
    };
    objects::question(&Audience::of_group(&consultation.ap_id)?, &facts)
}

/// Whether a consultation's content is public (published) and ours.
pub fn is_public_local(c: &consultation::Model) -> bool {
    c.local && c.published_at.is_some()
}

/// The words fediverse users vote with on a statement, in order: agree, disagree, pass.
pub const STATEMENT_OPTIONS: [&str; 3] = [AGREE, DISAGREE, PASS];

const AGREE: &str = "Eens";
const DISAGREE: &str = "Oneens";
const PASS: &str = "Overslaan";

/// A conversation statement as a `Question`, as JSON.
pub async fn statement_question(
    db: &impl ConnectionTrait,
    s: &inspraak_db::entity::statement::Model,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(statement(db, s).await?)?)
}

/// A conversation statement as a `Question` with the options agree / disagree / pass, so
/// fediverse users can vote on it the way they vote in a poll. Counts are the residents' and
/// the fediverse's together.
pub async fn statement(
    db: &impl ConnectionTrait,
    s: &inspraak_db::entity::statement::Model,
) -> Result<Question, FederationError> {
    let conversation = inspraak_db::conversations::find(db, &s.conversation_id).await?;
    let consultation = consultations::find(db, &conversation.consultation_id).await?;
    let mut counts = [0u64; 3];
    for v in inspraak_db::conversations::all_votes(db, &s.conversation_id).await? {
        if v.number == s.number {
            counts[match v.vote {
                1 => 0,
                -1 => 1,
                _ => 2,
            }] += 1;
        }
    }
    let fediverse = inspraak_db::conversations::fediverse_tally(db, &s.conversation_id).await?;
    let mut voters = counts.iter().sum::<u64>();
    if let Some(&(a, d, p)) = fediverse.get(&s.id) {
        counts[0] += a;
        counts[1] += d;
        counts[2] += p;
        voters += a + d + p;
    }
    let options = STATEMENT_OPTIONS
        .iter()
        .zip(counts)
        .map(|(name, count)| OptionCount {
            name,
            count: Some(count),
        })
        .collect();
    let facts = QuestionFacts {
        id: &s.ap_id,
        question: &s.body,
        multiple: false,
        options,
        voters: Some(voters),
        end_time: None,
        closed: false,
        published: s.created_at,
    };
    let mut q = objects::question(&Audience::of_group(&consultation.ap_id)?, &facts)?;
    q.context = Some(url::Url::parse(&conversation.ap_id)?);
    Ok(q)
}

/// A budget project as a `Page` by its consultation's group, from its budget as loaded.
pub fn project_of_budget(
    data: &FederationData,
    record: &BudgetRecord,
    c: &consultation::Model,
    project: &budget_project::Model,
) -> Result<ProjectPage, FederationError> {
    let area = record
        .areas
        .iter()
        .find(|a| a.id == project.budget_area_id)
        .map_or(c.title.as_str(), |a| a.name.as_str());
    let categories = BudgetRecord::categories_of(project);
    let image = match &project.image {
        Some(file) => Some(ImageFacts {
            url: url::Url::parse(&format!(
                "{}/media/{file}",
                data.base.as_str().trim_end_matches('/')
            ))?,
            alt: &project.image_alt,
        }),
        None => None,
    };
    let description_html = inspraak_domain::text::markdown_to_safe_html(&project.description);
    let facts = ProjectFacts {
        id: &project.ap_id,
        budget: &record.budget.ap_id,
        title: &project.title,
        description_html: &description_html,
        feasible: project.feasible,
        feasibility_note: &project.feasibility_note,
        cost: u64::try_from(project.cost).unwrap_or(0),
        area,
        categories: &categories,
        image,
        published: project.created_at,
        updated: (project.updated_at > project.created_at).then_some(project.updated_at),
    };
    crate::budgets::project_page(&Audience::of_group(&c.ap_id)?, &facts)
}

/// A budget project as a `Page` by its consultation's group.
pub async fn project_page(
    db: &impl ConnectionTrait,
    data: &FederationData,
    project: &budget_project::Model,
) -> Result<ProjectPage, FederationError> {
    let record = budgets::find(db, &project.budget_id).await?;
    let c = consultations::find(db, &record.budget.consultation_id).await?;
    project_of_budget(data, &record, &c, project)
}

/// A budget project as a `Page`, as JSON.
pub async fn project_page_json(
    db: &impl ConnectionTrait,
    data: &FederationData,
    project: &budget_project::Model,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(
        project_page(db, data, project).await?,
    )?)
}

/// A budget's published outcome as an `Article` by its consultation's group. The outcome is
/// computed by the caller (the rules live in the application), which passes it as `facts`.
pub async fn budget_outcome(
    db: &impl ConnectionTrait,
    b: &budget::Model,
    facts: &OutcomeFacts,
) -> Result<BudgetOutcome, FederationError> {
    let c = consultations::find(db, &b.consultation_id).await?;
    crate::budgets::outcome_article(&Audience::of_group(&c.ap_id)?, facts)
}

/// A budget's published outcome as an `Article`, as JSON.
pub async fn budget_outcome_json(
    db: &impl ConnectionTrait,
    b: &budget::Model,
    facts: &OutcomeFacts,
) -> Result<Value, FederationError> {
    Ok(serde_json::to_value(budget_outcome(db, b, facts).await?)?)
}
