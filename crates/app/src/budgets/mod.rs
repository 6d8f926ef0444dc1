//! Participatory budgets: staff set one up with its areas' money and projects; residents cast
//! one ballot each in their own area; after voting ends the outcome is computed with the rule
//! shown beforehand and explained project by project. Pabulib files go in and out.

mod ballot;
mod fediverse;
mod outcome;
mod pabulib;

pub use ballot::{BallotRequest, VoterArea, cast_ballot, check_ballot, voter_area};
pub use fediverse::{outcome_facts, published_outcome};
pub use outcome::{AreaOutcome, Outcome, compute_outcome, outcome, publish_outcome};
pub use pabulib::{export_pb, import_pb};

use crate::audit::{self, AuditAction};
use crate::participation::ConsultationContext;
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_db::budgets::{self, BudgetRecord, NewBudget, NewProject};
use inspraak_db::entity::{area, budget_project};
use inspraak_db::{areas, consultations, new_id, proposals};
use inspraak_domain::budget::setup::{BudgetInput, ProjectInput};
use inspraak_domain::budget::{Rule, method::VotingMethod};
use inspraak_domain::{Problem, ValidationErrors, validate_slug};

/// Where a budget stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetStatus {
    /// Ballots are taken now (a phase allowing votes runs).
    Open,
    /// Not now: before voting, or between phases.
    Waiting,
    /// Voting is over (or the budget was imported): the outcome is public.
    Closed,
}

impl BudgetStatus {
    /// Stable name for the API and `data-` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetStatus::Open => "open",
            BudgetStatus::Waiting => "waiting",
            BudgetStatus::Closed => "closed",
        }
    }
}

/// A budget with where it stands, as every front end needs it.
pub struct BudgetState {
    /// The budget, its areas and projects.
    pub record: BudgetRecord,
    /// Its consultation with what it allows today.
    pub ctx: ConsultationContext,
    /// Open, waiting or closed.
    pub status: BudgetStatus,
    /// How residents vote.
    pub method: VotingMethod,
    /// How the outcome is decided.
    pub rule: Rule,
}

/// Loads a budget the caller may see, with its status.
pub async fn load(app: &App, caller: Caller<'_>, budget_id: &str) -> Result<BudgetState, AppError> {
    let record = budgets::find(app.conn(), budget_id).await?;
    let ctx = ConsultationContext::load(app, caller, &record.budget.consultation_id).await?;
    let status = if record.budget.imported || ctx.item.timeline.voting_over(crate::clock::today()) {
        BudgetStatus::Closed
    } else if ctx.rules.vote {
        BudgetStatus::Open
    } else {
        BudgetStatus::Waiting
    };
    let method = record.method().ok_or_else(|| {
        AppError::internal("stored budget", format!("method {}", record.budget.method))
    })?;
    let rule = Rule::parse(&record.budget.rule).ok_or_else(|| {
        AppError::internal("stored budget", format!("rule {}", record.budget.rule))
    })?;
    Ok(BudgetState {
        record,
        ctx,
        status,
        method,
        rule,
    })
}

/// An admin adds an area (district); its slug names it in forms, codes and the API.
pub async fn create_area(
    app: &App,
    caller: Caller<'_>,
    slug: &str,
    name: &str,
) -> Result<area::Model, AppError> {
    let admin = caller.require_admin()?;
    let mut errors = ValidationErrors::new();
    let name = errors.text("name", name, 2, 200).to_owned();
    let slug = slug.trim();
    if let Err(problem) = validate_slug(slug) {
        errors.add("slug", problem);
    }
    errors.into_result()?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let made = areas::create(&txn, slug, &name, now)
        .await
        .map_err(|e| match e {
            inspraak_db::DbError::Conflict(_) => AppError::field("slug", Problem::Taken),
            other => other.into(),
        })?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::AreaCreate,
        ("area", &made.id),
        name,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(made)
}

/// An admin sets up a budget in a consultation. Areas are named by id or slug.
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    consultation_id: &str,
    input: BudgetInput,
) -> Result<BudgetRecord, AppError> {
    let admin = caller.require_admin()?;
    let c = consultations::find(app.conn(), consultation_id).await?;
    if !c.local {
        return Err(AppError::Forbidden);
    }
    let known = areas::list(app.conn()).await?;
    let mut input = input;
    let mut errors = ValidationErrors::new();
    for (id, _) in &mut input.areas {
        match known.iter().find(|a| a.id == *id || a.slug == *id) {
            Some(a) => *id = a.id.clone(),
            None => errors.add(format!("areas.{id}"), Problem::UnknownChoice),
        }
    }
    errors.into_result()?;
    let valid = input.validate()?;
    let budget_id = new_id();
    let areas = valid
        .areas
        .iter()
        .map(|(id, amount)| {
            let area = known.iter().find(|a| &a.id == id);
            (
                area.map(|a| a.id.clone()),
                area.map_or_else(|| c.title.clone(), |a| a.name.clone()),
                *amount,
            )
        })
        .collect();
    let now = Utc::now();
    let txn = app.begin().await?;
    let record = budgets::create(
        &txn,
        NewBudget {
            id: budget_id.clone(),
            consultation_id: c.id.clone(),
            ap_id: app.url(&format!("/budgets/{budget_id}")),
            title: valid.title.clone(),
            description: valid.description,
            method: valid.method,
            rule: valid.rule.as_str().to_owned(),
            caps: valid.caps,
            imported: false,
            source_meta: None,
            created_by: Some(admin.id.clone()),
            areas,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BudgetCreate,
        ("budget", &budget_id),
        valid.title,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(record)
}

/// An image as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Its text alternative.
    pub alt: String,
}

/// Checks an upload: a PNG, JPEG or WebP (told by its bytes, as covers are) with a text
/// alternative; returns the file extension.
fn check_image(upload: &Upload, errors: &mut ValidationErrors) -> Option<&'static str> {
    let extension = crate::consultations::image_extension(&upload.bytes);
    if extension.is_none() {
        errors.add("image", Problem::UnknownChoice);
    }
    errors.text("image_alt", &upload.alt, 3, 300);
    extension
}

/// Saves an image in the media folder under a new name.
async fn save_image(app: &App, bytes: &[u8], extension: &str) -> Result<String, AppError> {
    let name = format!("{}.{extension}", new_id());
    tokio::fs::create_dir_all(&app.settings.media_dir)
        .await
        .map_err(|e| AppError::internal("making the media folder", e))?;
    tokio::fs::write(app.settings.media_dir.join(&name), bytes)
        .await
        .map_err(|e| AppError::internal("saving a project image", e))?;
    Ok(name)
}

/// Staff add a project, optionally promoted from an accepted proposal (the link is kept).
/// `input.area` names a budget area by id (empty in a budget without areas).
pub async fn add_project(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
    input: ProjectInput,
    image: Option<Upload>,
    proposal_id: Option<&str>,
) -> Result<budget_project::Model, AppError> {
    let staff = caller.require_admin()?;
    let record = budgets::find(app.conn(), budget_id).await?;
    if record.budget.imported {
        return Err(AppError::Forbidden);
    }
    let area_ids: Vec<String> = record.areas.iter().map(|a| a.id.clone()).collect();
    let mut input = input;
    if area_ids.len() == 1 && input.area.trim().is_empty() {
        input.area = area_ids[0].clone();
    }
    let mut errors = ValidationErrors::new();
    let valid = input
        .validate(&area_ids)
        .map_err(|problems| errors.0.extend(problems.0))
        .ok();
    let kind = image.as_ref().and_then(|i| check_image(i, &mut errors));
    if let Some(id) = proposal_id {
        let proposal = proposals::find(app.conn(), id).await?;
        if proposal.consultation_id != record.budget.consultation_id
            || proposal.status_key.as_deref() != Some("accepted")
        {
            errors.add("proposal", Problem::UnknownChoice);
        } else if budgets::project_of_proposal(app.conn(), id)
            .await?
            .is_some()
        {
            errors.add("proposal", Problem::Taken);
        }
    }
    let (Some(valid), true) = (valid, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = Utc::now();
    let project_id = new_id();
    let (image_file, image_alt) = match (image, kind) {
        (Some(upload), Some(extension)) => (
            Some(save_image(app, &upload.bytes, extension).await?),
            upload.alt.trim().to_owned(),
        ),
        _ => (None, String::new()),
    };
    let txn = app.begin().await?;
    let stored = budgets::add_projects(
        &txn,
        budget_id,
        vec![NewProject {
            id: project_id.clone(),
            ap_id: app.url(&format!("/projects/{project_id}")),
            number: None,
            budget_area_id: valid.area,
            title: valid.title.clone(),
            description: valid.description,
            cost: valid.cost,
            categories: valid.categories,
            feasible: valid.feasible,
            feasibility_note: valid.feasibility_note,
            image: image_file,
            image_alt,
            proposal_id: proposal_id.map(str::to_owned),
        }],
        now,
    )
    .await?;
    for project in &stored {
        inspraak_federation::publish::project_changed(
            &txn,
            &app.federation,
            project,
            crate::Change::Published,
        )
        .await?;
    }
    audit::record(
        &txn,
        Some(&staff.id),
        AuditAction::BudgetProjectCreate,
        ("project", &project_id),
        valid.title,
        now,
    )
    .await?;
    app.commit(txn).await?;
    stored
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("project"))
}
