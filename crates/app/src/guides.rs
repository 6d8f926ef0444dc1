//! Guides on the national helpdesk: staff (admins) write, change and remove Markdown pages,
//! each published as an `Article` by the helpdesk's organization to its followers.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller, Change};
use chrono::Utc;
use inspraak_db::entity::guide;
use inspraak_db::guides::{self, NewGuide};
use inspraak_domain::guide::{GuideInput, SUMMARY_MAX, ValidGuide, plain_summary, slug_for};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_federation::{actors, discovery, publish};

/// Guides are written on a helpdesk only; elsewhere they are received.
fn require_helpdesk(app: &App) -> Result<(), AppError> {
    if app.federation.is_helpdesk() {
        Ok(())
    } else {
        Err(AppError::NotFound("guide"))
    }
}

/// Whether `caller` may write guides here: an admin, on a helpdesk (elsewhere `NotFound`).
pub fn may_write(app: &App, caller: Caller<'_>) -> Result<(), AppError> {
    caller.require_admin()?;
    require_helpdesk(app)
}

/// The stored form of a checked guide.
fn stored(app: &App, author_id: &str, valid: ValidGuide) -> Result<NewGuide, AppError> {
    let body_html = markdown_to_safe_html(&valid.body);
    let organization = actors::organization_id(&app.settings.public_url)?;
    Ok(NewGuide {
        slug: slug_for(&valid.title),
        summary: plain_summary(&body_html, SUMMARY_MAX),
        title: valid.title,
        body_markdown: valid.body,
        body_html,
        author_id: author_id.to_owned(),
        attributed_to: organization.to_string(),
        origin_host: discovery::handle_host(&app.settings.public_url),
    })
}

/// An admin of the helpdesk publishes a guide: stored, sent as `Create(Article)` to the
/// organization's followers, and logged.
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    input: GuideInput,
) -> Result<guide::Model, AppError> {
    let admin = caller.require_admin()?;
    require_helpdesk(app)?;
    let new = stored(app, &admin.id, input.validate()?)?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let saved =
        guides::create_local(&txn, new, |slug| app.url(&format!("/guides/{slug}")), now).await?;
    publish::guide_changed(&txn, &app.federation, &saved, Change::Published).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::GuideCreate,
        ("guide", &saved.id),
        saved.title.clone(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(slug = %saved.slug, "guide published");
    Ok(saved)
}

/// One of our guides, for editing; a copy from elsewhere is not ours to change.
pub async fn ours(app: &App, caller: Caller<'_>, id: &str) -> Result<guide::Model, AppError> {
    caller.require_admin()?;
    require_helpdesk(app)?;
    let found = guides::find(app.conn(), id).await?;
    if !found.local {
        return Err(AppError::NotFound("guide"));
    }
    Ok(found)
}

/// An admin of the helpdesk changes a guide; followers get an `Update(Article)`.
pub async fn update(
    app: &App,
    caller: Caller<'_>,
    id: &str,
    input: GuideInput,
) -> Result<guide::Model, AppError> {
    let admin = caller.require_admin()?;
    ours(app, caller, id).await?;
    let new = stored(app, &admin.id, input.validate()?)?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let saved = guides::update_local(&txn, id, new, now).await?;
    publish::guide_changed(&txn, &app.federation, &saved, Change::Updated).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::GuideUpdate,
        ("guide", id),
        saved.title.clone(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(saved)
}

/// An admin of the helpdesk removes a guide; followers get a `Delete` and drop their copies.
pub async fn delete(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let existing = ours(app, caller, id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    publish::guide_changed(&txn, &app.federation, &existing, Change::Removed).await?;
    guides::delete(&txn, id).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::GuideDelete,
        ("guide", id),
        existing.title,
        now,
    )
    .await?;
    app.commit(txn).await
}
