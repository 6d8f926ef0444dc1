//! The national helpdesk: registering an instance with it (our organization follows the
//! helpdesk's, which follows back), the registration's state, and the helpdesk's catalogue of
//! the consultations and processes of every instance it follows.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::{NaiveDate, Utc};
use inspraak_db::{consultations, follows, remote_actors};
use inspraak_domain::Problem;
use inspraak_domain::catalogue::{Entry, QueryInput, Template, templates};
use inspraak_federation::protocol::kind::ActorKind;
use inspraak_federation::{FederationError, actors, follow};
use std::collections::HashMap;

/// Longest handle or address an admin may type.
const TARGET_MAX: usize = 500;
/// Most consultation copies the catalogue searches.
const ENTRIES_MAX: u64 = 10_000;
/// Most processes listed as templates.
const TEMPLATES_MAX: usize = 100;

/// Registers this instance with a helpdesk given by handle (`@helpdesk@host`) or URL: our
/// organization follows the helpdesk's `Organization`, which follows back when it accepts.
/// An empty or unusable target is a field problem (`target`); one that cannot be reached is
/// `BadRequest` with the reason.
pub async fn register(app: &App, caller: Caller<'_>, target: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let target = target.trim();
    if target.is_empty() {
        return Err(AppError::field("target", Problem::Required));
    }
    if target.chars().count() > TARGET_MAX {
        return Err(AppError::field(
            "target",
            Problem::TooLong { max: TARGET_MAX },
        ));
    }
    let refused = |err: FederationError| {
        tracing::warn!(%target, error = %err, "cannot register with the helpdesk");
        AppError::BadRequest(format!("{target}: {err}"))
    };
    // Network work first: on SQLite the transaction holds the write lock while it is open.
    let fed = app.federation.to_request_data();
    let remote = follow::resolve(&fed, target).await.map_err(refused)?;
    if remote.row.kind != ActorKind::Organization.name() {
        return Err(AppError::field("target", Problem::UnknownChoice));
    }
    let plan = follow::prepare(&fed, remote).await.map_err(refused)?;
    let txn = app.begin().await?;
    follow::follow(&txn, &fed, &plan).await.map_err(refused)?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::HelpdeskRegister,
        ("actor", &plan.remote.row.ap_id),
        target,
        Utc::now(),
    )
    .await?;
    app.commit(txn).await
}

/// Our registration with one helpdesk, as the admin page shows it.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The helpdesk's `Organization` id.
    pub helpdesk: String,
    /// Its name.
    pub name: String,
    /// Its handle, `@helpdesk@host`.
    pub handle: String,
    /// The helpdesk accepted our follow.
    pub accepted: bool,
    /// The helpdesk follows our organization (it keeps our consultations in its catalogue).
    pub followed_back: bool,
}

/// The helpdesks our organization follows (organizations with the handle `helpdesk`).
pub async fn registrations(app: &App, caller: Caller<'_>) -> Result<Vec<Registration>, AppError> {
    caller.require_admin()?;
    let db = app.conn();
    let organization = actors::organization_id(&app.settings.public_url)?;
    let mut found = Vec::new();
    for f in follows::following(db, organization.as_str()).await? {
        let Some(remote) = remote_actors::find(db, &f.followed).await? else {
            continue;
        };
        let is_helpdesk = remote.kind == ActorKind::Organization.name()
            && remote.username == actors::organization_username("helpdesk");
        if !is_helpdesk {
            continue;
        }
        let followed_back = follows::find(db, &remote.ap_id, organization.as_str())
            .await?
            .is_some_and(|back| back.accepted_at.is_some());
        found.push(Registration {
            handle: format!("@{}@{}", remote.username, remote.host),
            name: remote.display_name,
            helpdesk: remote.ap_id,
            accepted: f.accepted_at.is_some(),
            followed_back,
        });
    }
    Ok(found)
}

/// The catalogue's answer to one search.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// Every consultation known, matching or not (the reuse trees refer to them).
    pub entries: Vec<Entry>,
    /// The matching open and upcoming consultations (or those of the phase asked for), as
    /// indexes into `entries`, newest first.
    pub consultations: Vec<usize>,
    /// The matching processes, most reused first.
    pub templates: Vec<Template>,
    /// The day the phases were read on.
    pub today: NaiveDate,
}

/// Searches the helpdesk's catalogue. On other instances there is none (`NotFound`); a bad
/// search names its field.
pub async fn catalogue(app: &App, input: &QueryInput) -> Result<Catalogue, AppError> {
    if !app.federation.is_helpdesk() {
        return Err(AppError::NotFound("catalogue"));
    }
    let query = input.validate()?;
    let db = app.conn();
    let rows = consultations::list_remote_with_phases(db, ENTRIES_MAX).await?;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let c = row.consultation;
        let instance = c.origin_host.clone().unwrap_or_else(|| host_of(&c.ap_id));
        let organization = match &c.origin_organization {
            Some(org) => match names.get(org) {
                Some(name) => name.clone(),
                None => {
                    let name = remote_actors::find(db, org)
                        .await?
                        .map(|r| r.display_name)
                        .unwrap_or_else(|| instance.clone());
                    names.insert(org.clone(), name.clone());
                    name
                }
            },
            None => instance.clone(),
        };
        entries.push(Entry {
            themes: consultations::themes_of(&c),
            url: c.ap_id.clone(),
            id: c.ap_id,
            title: c.title,
            summary: c.summary,
            instance,
            organization,
            province: c.province,
            timeline: row.timeline,
            derived_from: c.derived_from,
        });
    }
    let today = crate::clock::today();
    let consultations = (0..entries.len())
        .filter(|&i| query.matches(&entries[i], today))
        .collect();
    let mut listed = templates(&entries, |e| query.matches_text(e));
    listed.truncate(TEMPLATES_MAX);
    Ok(Catalogue {
        entries,
        consultations,
        templates: listed,
        today,
    })
}

/// The host (with port) of an id, for copies stored before the origin host was kept.
fn host_of(ap_id: &str) -> String {
    url::Url::parse(ap_id)
        .map(|u| inspraak_federation::discovery::handle_host(&u))
        .unwrap_or_default()
}
