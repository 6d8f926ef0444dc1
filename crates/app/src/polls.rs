//! Polls: staff make them, residents cast (and change) a ballot.

use crate::audit::{self, AuditAction};
use crate::participation::ConsultationContext;
use crate::{App, AppError, Caller, Change};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use inspraak_db::entity::poll;
use inspraak_db::{consultations, new_id, polls};
use inspraak_domain::ids::{ConsultationId, PollId};
use inspraak_domain::participation::Action;
use inspraak_domain::poll::{PollInput, ResultsVisibility, is_open, validate_ballot};
use inspraak_domain::proposal::ItemRefusal;
use inspraak_domain::{Problem, ValidationErrors};
use inspraak_federation::publish;

/// A new poll as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct PollForm {
    /// The question.
    pub question: String,
    /// Options, one per line.
    pub options: String,
    /// More than one option may be chosen.
    pub multiple: bool,
    /// Closing time as `YYYY-MM-DDTHH:MM` in Amsterdam time, or empty.
    pub closes_at: String,
    /// `live` or `after_closing`.
    pub results: String,
}

/// Reads `YYYY-MM-DDTHH:MM` (a `datetime-local` input) as Amsterdam time.
pub(crate) fn parse_local(typed: &str, errors: &mut ValidationErrors) -> Option<DateTime<Utc>> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(typed, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|local| Amsterdam.from_local_datetime(&local).earliest())
        .map(|at| at.with_timezone(&Utc));
    if parsed.is_none() {
        errors.add("closes_at", Problem::InvalidDate);
    }
    parsed
}

/// An admin adds a poll to a consultation; it federates as a `Question`.
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    consultation_id: &ConsultationId,
    form: PollForm,
) -> Result<poll::Model, AppError> {
    let admin = caller.require_admin()?;
    let c = consultations::find(app.conn(), consultation_id).await?;
    let mut errors = ValidationErrors::new();
    let closes_at = parse_local(&form.closes_at, &mut errors);
    let input = PollInput {
        question: form.question.clone(),
        options: form.options,
        multiple: form.multiple,
        closes_at,
        results: ResultsVisibility::parse(&form.results),
    };
    let now = Utc::now();
    let valid = input
        .validate(now)
        .map_err(|problems| errors.0.extend(problems.0))
        .ok();
    let (Some(valid), true) = (valid, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let poll_id = new_id();
    let ap_id = app.url(&format!("/polls/{poll_id}"));
    let txn = app.begin().await?;
    let created = polls::create(&txn, poll_id.clone(), ap_id, &c.id, valid, &admin.id, now).await?;
    publish::poll_changed(&txn, &app.federation, &created, Change::Published).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::PollCreate,
        ("poll", &poll_id),
        form.question,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(created)
}

/// Casts or changes a ballot; returns the consultation's slug.
pub async fn cast_ballot(
    app: &App,
    caller: Caller<'_>,
    poll_id: &PollId,
    chosen: &[String],
) -> Result<String, AppError> {
    let item = polls::find(app.conn(), poll_id).await?;
    let ctx = ConsultationContext::load(app, caller, &item.poll.consultation_id).await?;
    ctx.check(caller, Action::Vote)?;
    if !is_open(item.poll.closes_at, Utc::now()) {
        return Err(AppError::ItemClosed(ItemRefusal::Closed));
    }
    let user = caller.user()?;
    let option_ids: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    let ballot = validate_ballot(chosen, &option_ids, item.poll.multiple)
        .map_err(|problem| AppError::field("option", problem))?;
    polls::cast(app.conn(), poll_id, &user.id, &ballot, Utc::now()).await?;
    Ok(ctx.item.consultation.slug.clone())
}
