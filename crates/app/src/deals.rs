//! Province deals, on the province: staff make a deal, accept or reject municipalities that
//! apply, and remove members; anyone sees the dashboard of the members' own figures.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use inspraak_db::deals::{self, NewDeal};
use inspraak_db::entity::{deal, deal_consultation, deal_member};
use inspraak_domain::deal::{self as rules, DealTotals, MemberState, NAME_MAX};
use inspraak_domain::statistics::{ReuseLink, Statistics};
use inspraak_domain::{Problem, ValidationErrors, slugify, validate_slug};
use inspraak_federation::deals::{self as send, Answer};
use inspraak_federation::keys;
use serde::Serialize;
use url::Url;

/// Longest deal summary, in characters.
const SUMMARY_MAX: usize = 2000;

/// What staff type to make a deal.
#[derive(Debug, Clone, Default)]
pub struct DealInput {
    /// Its name.
    pub name: String,
    /// Its handle; made from the name when empty.
    pub slug: String,
    /// What it is about.
    pub summary: String,
}

/// Deals exist on a province instance only.
fn require_province(app: &App) -> Result<(), AppError> {
    if app.federation.instance_kind == "province" {
        Ok(())
    } else {
        Err(AppError::NotFound("deal"))
    }
}

/// Checks the input; the slug is made from the name when left empty.
fn checked(input: &DealInput) -> Result<NewDealFields, AppError> {
    let mut errors = ValidationErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", Problem::Required);
    } else if name.chars().count() > NAME_MAX {
        errors.add("name", Problem::TooLong { max: NAME_MAX });
    }
    let slug = match input.slug.trim() {
        "" => slugify(&name),
        given => given.to_owned(),
    };
    if let Err(problem) = validate_slug(&slug) {
        errors.add("slug", problem);
    }
    let summary = input.summary.trim().to_owned();
    if summary.chars().count() > SUMMARY_MAX {
        errors.add("summary", Problem::TooLong { max: SUMMARY_MAX });
    }
    if errors.is_empty() {
        Ok(NewDealFields {
            name,
            slug,
            summary,
        })
    } else {
        Err(AppError::Invalid(errors))
    }
}

struct NewDealFields {
    name: String,
    slug: String,
    summary: String,
}

/// Province staff make a deal: a new `Group` actor others can join and follow. A slug that a
/// deal or consultation has already is a field problem (`slug`).
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    input: &DealInput,
) -> Result<deal::Model, AppError> {
    let admin = caller.require_admin()?;
    require_province(app)?;
    let fields = checked(input)?;
    let taken_by_consultation =
        inspraak_db::consultations::find_with_phases(app.conn(), &fields.slug)
            .await
            .is_ok();
    if taken_by_consultation
        || deals::find_by_slug(app.conn(), &fields.slug)
            .await?
            .is_some()
    {
        return Err(AppError::field("slug", Problem::Taken));
    }
    let ap_id = app.url(&format!("/deals/{}", fields.slug));
    keys::for_local_actor(app.conn(), &ap_id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let made = deals::create(
        &txn,
        NewDeal {
            slug: fields.slug,
            ap_id,
            name: fields.name,
            summary: fields.summary,
        },
        now,
    )
    .await
    .map_err(|err| match err {
        inspraak_db::DbError::Conflict(_) => AppError::field("slug", Problem::Taken),
        other => other.into(),
    })?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::DealCreate,
        ("deal", &made.id),
        &made.name,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(made)
}

/// One municipality in a deal, with the figures it last sent.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    /// The member row's id (for accept, reject and remove).
    pub id: String,
    /// Its `Organization` actor.
    pub organization: String,
    /// Its name.
    pub name: String,
    /// Its host.
    pub host: String,
    /// Where it stands.
    pub state: MemberState,
    /// Its own figures, as it last sent them (only while a member).
    pub statistics: Option<Statistics>,
    /// When they arrived.
    pub statistics_at: Option<DateTime<Utc>>,
    /// When it applied.
    pub applied_at: DateTime<Utc>,
}

/// One reuse in the deal's graph, with where each side lives.
#[derive(Debug, Clone, Serialize)]
pub struct ReuseEdge {
    /// The reused process.
    pub origin: String,
    /// The copy.
    pub copy: String,
    /// The origin's host.
    pub origin_host: String,
    /// The copy's host.
    pub copy_host: String,
    /// Whether the origin is on a member.
    pub origin_is_member: bool,
    /// Whether the copy is on a member.
    pub copy_is_member: bool,
}

/// A member's consultation the deal announced.
#[derive(Debug, Clone, Serialize)]
pub struct DealConsultation {
    /// Its `Group`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// The member's organization.
    pub organization: String,
    /// When it was announced.
    pub announced_at: DateTime<Utc>,
}

/// A deal with its members, their totals and trends, and the reuse graph.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The deal's id.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// Its name.
    pub name: String,
    /// What it is about.
    pub summary: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Every municipality that applied, is a member, or was.
    pub members: Vec<MemberView>,
    /// The current members' figures added up.
    pub totals: DealTotals,
    /// Which processes spread where.
    pub reuse_graph: Vec<ReuseEdge>,
    /// Members' consultations announced to the deal, newest first.
    pub consultations: Vec<DealConsultation>,
}

/// A stored member row as shown; figures that no longer read are left out (logged).
fn member_view(row: deal_member::Model) -> MemberView {
    let state = MemberState::parse(&row.state).unwrap_or(MemberState::Pending);
    let statistics = row.figures.as_deref().and_then(|json| {
        serde_json::from_str::<Statistics>(json)
            .inspect_err(|err| tracing::warn!(member = %row.organization_ap_id, %err, "stored figures unreadable"))
            .ok()
    });
    MemberView {
        id: row.id,
        organization: row.organization_ap_id,
        name: row.name,
        host: row.host,
        state,
        statistics: statistics.filter(|_| state == MemberState::Member),
        statistics_at: row.figures_at,
        applied_at: row.created_at,
    }
}

/// The host (and port) of an id, for the graph.
fn host_of(id: &str) -> String {
    Url::parse(id)
        .map(|u| inspraak_federation::discovery::handle_host(&u))
        .unwrap_or_default()
}

fn reuse_edges(links: Vec<ReuseLink>, member_hosts: &[String]) -> Vec<ReuseEdge> {
    links
        .into_iter()
        .map(|link| {
            let origin_host = host_of(&link.origin);
            let copy_host = host_of(&link.copy);
            ReuseEdge {
                origin_is_member: member_hosts.contains(&origin_host),
                copy_is_member: member_hosts.contains(&copy_host),
                origin: link.origin,
                copy: link.copy,
                origin_host,
                copy_host,
            }
        })
        .collect()
}

fn consultation_view(row: deal_consultation::Model) -> DealConsultation {
    DealConsultation {
        id: row.consultation_ap_id,
        title: row.title,
        url: row.url,
        organization: row.organization_ap_id,
        announced_at: row.created_at,
    }
}

/// The dashboard of a deal, by id or slug.
pub async fn dashboard(app: &App, id_or_slug: &str) -> Result<Dashboard, AppError> {
    let deal = find(app, id_or_slug).await?;
    dashboard_of(app, deal).await
}

async fn dashboard_of(app: &App, deal: deal::Model) -> Result<Dashboard, AppError> {
    let members: Vec<MemberView> = deals::members(app.conn(), &deal.id)
        .await?
        .into_iter()
        .map(member_view)
        .collect();
    let counted: Vec<&Statistics> = members
        .iter()
        .filter_map(|m| m.statistics.as_ref())
        .collect();
    let member_hosts: Vec<String> = members
        .iter()
        .filter(|m| m.state == MemberState::Member)
        .map(|m| m.host.clone())
        .collect();
    let totals = rules::totals(counted.iter().copied());
    let reuse_graph = reuse_edges(rules::reuse_graph(counted.iter().copied()), &member_hosts);
    let consultations = deals::consultations(app.conn(), &deal.id)
        .await?
        .into_iter()
        .map(consultation_view)
        .collect();
    Ok(Dashboard {
        id: deal.id,
        slug: deal.slug,
        ap_id: deal.ap_id,
        name: deal.name,
        summary: deal.summary,
        created_at: deal.created_at,
        members,
        totals,
        reuse_graph,
        consultations,
    })
}

/// Every deal with its dashboard, newest first; empty on instances that are not a province.
pub async fn list(app: &App) -> Result<Vec<Dashboard>, AppError> {
    if app.federation.instance_kind != "province" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for deal in deals::list(app.conn()).await? {
        out.push(dashboard_of(app, deal).await?);
    }
    Ok(out)
}

/// The deal row by id or slug, for its actor document.
pub async fn find(app: &App, id_or_slug: &str) -> Result<deal::Model, AppError> {
    require_province(app)?;
    match deals::find_by_slug(app.conn(), id_or_slug).await? {
        Some(deal) => Ok(deal),
        None => Ok(deals::find(app.conn(), id_or_slug).await?),
    }
}

/// The deal's `Group` document.
pub async fn group_document(
    app: &App,
    deal: &deal::Model,
) -> Result<inspraak_federation::actors::ActorDocument, AppError> {
    let keys = keys::for_local_actor(app.conn(), &deal.ap_id).await?;
    let facts = inspraak_federation::actors::DealFacts {
        ap_id: &deal.ap_id,
        slug: &deal.slug,
        name: &deal.name,
        summary: &deal.summary,
        published: deal.created_at,
    };
    Ok(inspraak_federation::actors::deal(
        &app.settings.public_url,
        facts,
        &keys,
    )?)
}

/// What province staff decide about a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Let an applicant in.
    Accept,
    /// Turn an applicant down.
    Reject,
    /// End a membership (or an application).
    Remove,
}

/// Province staff accept or reject an application, or remove a member; the municipality is
/// told (`Accept`, `Reject`, `Remove`). Deciding what is no longer open is a conflict.
pub async fn decide(
    app: &App,
    caller: Caller<'_>,
    deal_id: &str,
    member_id: &str,
    decision: Decision,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let deal = find(app, deal_id).await?;
    let member = deals::member(app.conn(), &deal.id, member_id).await?;
    let state = MemberState::parse(&member.state).unwrap_or(MemberState::Pending);
    let allowed = match decision {
        Decision::Accept | Decision::Reject => state.can_decide(),
        Decision::Remove => state.is_active(),
    };
    if !allowed {
        return Err(AppError::Conflict("membership state"));
    }
    let deal_url = Url::parse(&deal.ap_id).map_err(|e| AppError::internal("deal id", e))?;
    let organization =
        Url::parse(&member.organization_ap_id).map_err(|e| AppError::internal("member id", e))?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let data = &*app.federation;
    let (new_state, action) = match decision {
        Decision::Accept => (MemberState::Member, AuditAction::DealAccept),
        Decision::Reject => (MemberState::Rejected, AuditAction::DealReject),
        Decision::Remove => (MemberState::Removed, AuditAction::DealRemove),
    };
    match decision {
        Decision::Accept | Decision::Reject => {
            let answer = if decision == Decision::Accept {
                Answer::Accept
            } else {
                Answer::Reject
            };
            let join = member.join_activity_id.as_str();
            send::answer_join(
                &txn,
                data,
                &deal_url,
                &organization,
                &member.inbox,
                join,
                answer,
            )
            .await?;
        }
        Decision::Remove => {
            send::remove_member(&txn, data, &deal_url, &organization, &member.inbox).await?;
        }
    }
    deals::set_state(&txn, &member, new_state, now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        action,
        ("deal", &deal.id),
        &member.organization_ap_id,
        now,
    )
    .await?;
    app.commit(txn).await
}
