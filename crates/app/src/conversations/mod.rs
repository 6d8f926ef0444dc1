//! Opinion-mapping conversations (pol.is-style) in a consultation: staff start them with seed
//! statements, residents vote agree, disagree or pass on one statement at a time, chosen by the
//! engine's priorities, and may add statements; moderators decide on pending ones.

pub mod analysis;
pub mod numbering;
pub mod opendata;

use crate::audit::{self, AuditAction};
use crate::participation::ConsultationContext;
use crate::{App, AppError, Caller, Change};
use chrono::Utc;
use inspraak_db::entity::{conversation, statement};
use inspraak_db::{consultations, conversations, new_id};
use inspraak_domain::conversation::{StatementState, StatementVote};
use inspraak_domain::ids::{ConsultationId, ConversationId, StatementId};
use inspraak_domain::participation::{Action, Refusal};
use inspraak_domain::{Problem, ValidationErrors};
use inspraak_federation::publish;
use std::collections::{HashMap, HashSet};

/// Most seed statements a conversation starts with.
const MAX_SEEDS: usize = 100;
/// Longest statement, in characters.
const STATEMENT_MAX: usize = 300;

/// What a participant sees of a conversation now.
pub struct ParticipantView {
    /// The conversation.
    pub conversation: conversation::Model,
    /// Its consultation, with what it allows today.
    pub context: ConsultationContext,
    /// The statement to vote on next, if any is left.
    pub next: Option<statement::Model>,
    /// How many published statements the caller voted on.
    pub voted: usize,
    /// How many statements are published.
    pub total: usize,
    /// Why the caller may not take part, when a participation rule says no.
    pub refusal: Option<Refusal>,
    /// Whether the caller may vote and add statements.
    pub can_take_part: bool,
    /// For staff: statements waiting for a moderator.
    pub pending: Vec<statement::Model>,
}

/// The conversation as the caller sees it, with the next statement chosen by priority.
pub async fn participant_view(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
) -> Result<ParticipantView, AppError> {
    let conversation = conversations::find(app.conn(), id).await?;
    let context = ConsultationContext::load(app, caller, &conversation.consultation_id).await?;
    let statements = conversations::statements(app.conn(), id).await?;
    let (published, others): (Vec<_>, Vec<_>) = statements
        .into_iter()
        .partition(|s| conversations::state_of(s) == StatementState::Published);
    let check = context.check(caller, Action::Comment);
    let voted: HashSet<String> = match caller.account() {
        Some(u) => conversations::voted_by(app.conn(), id, &u.id)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let open: Vec<statement::Model> = published
        .iter()
        .filter(|s| !voted.contains(&s.id))
        .cloned()
        .collect();
    let priorities: HashMap<i32, f64> = analysis::stored(app.conn(), id)
        .await?
        .map(|a| {
            a.comments
                .iter()
                .filter_map(|c| i32::try_from(c.tid).ok().map(|n| (n, c.priority)))
                .collect()
        })
        .unwrap_or_default();
    let next = next_statement(&open, &priorities, random_u64()).cloned();
    let pending = if caller.is_staff() {
        others
            .into_iter()
            .filter(|s| conversations::state_of(s) == StatementState::Pending)
            .collect()
    } else {
        Vec::new()
    };
    Ok(ParticipantView {
        conversation,
        next,
        voted: published.len() - open.len(),
        total: published.len(),
        refusal: context.refusal(caller, Action::Comment),
        can_take_part: check.is_ok(),
        pending,
        context,
    })
}

/// Picks the next statement for a participant: among the published ones they have not voted
/// on, at random in proportion to the engine's priority (1 for statements it has not seen).
pub fn next_statement<'a>(
    candidates: &'a [statement::Model],
    priorities: &HashMap<i32, f64>,
    random: u64,
) -> Option<&'a statement::Model> {
    let weight = |s: &statement::Model| priorities.get(&s.number).copied().unwrap_or(1.0).max(1e-9);
    let total: f64 = candidates.iter().map(weight).sum();
    if candidates.is_empty() || total <= 0.0 {
        return candidates.first();
    }
    let mut target = (random >> 11) as f64 / (1u64 << 53) as f64 * total;
    for s in candidates {
        target -= weight(s);
        if target < 0.0 {
            return Some(s);
        }
    }
    candidates.last()
}

/// A random number for the weighted choice. Without randomness the first candidate is chosen,
/// which is still a valid order.
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if let Err(err) = getrandom::fill(&mut bytes) {
        tracing::warn!(error = %err, "no randomness; statements come in a fixed order");
    }
    u64::from_le_bytes(bytes)
}

/// Loads a conversation and checks that the caller may take part in it now.
async fn open_for(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
) -> Result<conversation::Model, AppError> {
    let conversation = conversations::find(app.conn(), id).await?;
    let ctx = ConsultationContext::load(app, caller, &conversation.consultation_id).await?;
    ctx.check(caller, Action::Comment)?;
    Ok(conversation)
}

/// A vote on one published statement: agree, disagree or pass. Voting again changes the vote.
pub async fn vote(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
    statement_id: &StatementId,
    vote: &str,
) -> Result<(), AppError> {
    open_for(app, caller, id).await?;
    let user = caller.user()?;
    let vote: StatementVote = vote
        .parse()
        .map_err(|_| AppError::BadRequest("vote must be agree, disagree or pass".into()))?;
    let known = conversations::statements(app.conn(), id)
        .await?
        .into_iter()
        .any(|s| {
            s.id == statement_id.as_str()
                && conversations::state_of(&s) == StatementState::Published
        });
    if !known {
        return Err(AppError::NotFound("statement"));
    }
    conversations::vote(app.conn(), id, statement_id, &user.id, vote, Utc::now()).await?;
    Ok(())
}

/// A participant adds a statement; it waits for a moderator when the conversation asks so.
/// Returns the new statement's state.
pub async fn add_statement(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
    text: &str,
) -> Result<StatementState, AppError> {
    let conversation = open_for(app, caller, id).await?;
    let user = caller.user()?;
    let mut errors = ValidationErrors::new();
    let body = errors.text("statement", text, 5, STATEMENT_MAX).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let base = app.url("/statements/");
    let txn = app.begin().await?;
    let added = conversations::add_statement(
        &txn,
        id,
        &body,
        &user.id,
        conversation.premoderation,
        |sid| format!("{base}{sid}"),
        Utc::now(),
    )
    .await?;
    let state = conversations::state_of(&added);
    if state == StatementState::Published {
        publish::statement_changed(&txn, &app.federation, &added, Change::Published).await?;
    }
    app.commit(txn).await?;
    Ok(state)
}

/// What a moderator decides about a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementDecision {
    /// Publish it.
    Approve,
    /// Hide it.
    Hide,
}

impl std::str::FromStr for StatementDecision {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "approve" => Ok(StatementDecision::Approve),
            "hide" => Ok(StatementDecision::Hide),
            _ => Err(AppError::NotFound("page")),
        }
    }
}

/// A moderator publishes or hides a statement.
pub async fn decide_statement(
    app: &App,
    caller: Caller<'_>,
    id: &ConversationId,
    statement_id: &StatementId,
    decision: StatementDecision,
) -> Result<(), AppError> {
    let moderator = caller.require_staff()?;
    let (new_state, change, action) = match decision {
        StatementDecision::Approve => (
            StatementState::Published,
            Change::Published,
            AuditAction::StatementApprove,
        ),
        StatementDecision::Hide => (
            StatementState::Hidden,
            Change::Removed,
            AuditAction::StatementHide,
        ),
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    if !conversations::set_statement_state(&txn, id, statement_id, new_state).await? {
        return Err(AppError::NotFound("statement"));
    }
    if let Some(s) = conversations::statements(&txn, id)
        .await?
        .into_iter()
        .find(|s| s.id == statement_id.as_str())
    {
        publish::statement_changed(&txn, &app.federation, &s, change).await?;
    }
    audit::record(
        &txn,
        Some(&moderator.id),
        action,
        ("statement", statement_id.as_str()),
        "",
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// A new conversation as typed by staff.
#[derive(Debug, Clone, Default)]
pub struct NewConversationForm {
    /// The question the statements answer.
    pub question: String,
    /// Seed statements, one per line.
    pub statements: String,
    /// New statements wait for a moderator.
    pub premoderation: bool,
}

/// An admin starts a conversation with seed statements; each goes out as a `Question` that
/// fediverse users can vote on. Returns the conversation's id.
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    consultation_id: &ConsultationId,
    form: NewConversationForm,
) -> Result<ConversationId, AppError> {
    let admin = caller.require_admin()?;
    let c = consultations::find(app.conn(), consultation_id).await?;
    let mut errors = ValidationErrors::new();
    let question = errors.text("question", &form.question, 5, 300).to_owned();
    let seeds: Vec<String> = form
        .statements
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if seeds.is_empty() {
        errors.add("statements", Problem::Required);
    } else if seeds.len() > MAX_SEEDS || seeds.iter().any(|s| s.chars().count() > STATEMENT_MAX) {
        errors.add("statements", Problem::TooLong { max: STATEMENT_MAX });
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let conversation_id = new_id();
    let base = app.url("/statements/");
    let now = Utc::now();
    let txn = app.begin().await?;
    conversations::create(
        &txn,
        conversations::NewConversation {
            ap_id: app.url(&format!("/conversations/{conversation_id}")),
            id: conversation_id.clone(),
            consultation_id: c.id.clone(),
            question: question.clone(),
            premoderation: form.premoderation,
        },
        &seeds,
        &admin.id,
        |sid| format!("{base}{sid}"),
        now,
    )
    .await?;
    for s in conversations::statements(&txn, &conversation_id).await? {
        publish::statement_changed(&txn, &app.federation, &s, Change::Published).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConversationCreate,
        ("conversation", &conversation_id),
        question,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(conversation_id.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(number: i32) -> statement::Model {
        statement::Model {
            id: number.to_string(),
            conversation_id: "c".into(),
            number,
            body: String::new(),
            author_id: None,
            seed: true,
            state: "published".into(),
            created_at: Utc::now(),
            ap_id: String::new(),
            local: true,
        }
    }

    #[test]
    fn higher_priority_statements_come_up_more_often() {
        let candidates = [statement(0), statement(1)];
        let priorities = HashMap::from([(0, 1.0), (1, 9.0)]);
        let picks = (0..1000u64)
            .filter(|i| {
                let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
                next_statement(&candidates, &priorities, r).map(|s| s.number) == Some(1)
            })
            .count();
        assert!(
            picks > 800,
            "statement 1 (priority 9) picked {picks} of 1000 times"
        );
        assert!(next_statement(&[], &priorities, 0).is_none());
    }
}
