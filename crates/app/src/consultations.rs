//! Managing consultations: creating, editing texts, phases and settings, custom answer
//! statuses, publishing (which federates the `Group`), and the cover image.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use activitypub_federation::fetch::object_id::ObjectId;
use chrono::Utc;
use inspraak_db::DbError;
use inspraak_db::consultations::{self, Consultation, ConsultationSettings, NewConsultation};
use inspraak_db::outbox::Target;
use inspraak_db::proposals;
use inspraak_domain::consultation::validate_alt_text;
use inspraak_domain::conversation::StatementState;
use inspraak_domain::ids::ConsultationId;
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_domain::{ConsultationInput, Problem, Timeline, ValidationErrors};
use inspraak_federation::actors::{self, ActorDocument, GroupFacts};
use inspraak_federation::signer::RemoteActor;
use inspraak_federation::{keys, publish};

/// A new consultation as submitted. The form's own parsing problems (phase rows, settings)
/// come along in `form_errors`, so every problem is reported at once.
pub struct ConsultationDraft {
    /// The texts.
    pub input: ConsultationInput,
    /// The phases, when the rows could be read.
    pub timeline: Option<Timeline>,
    /// The participation settings, when they could be read.
    pub settings: Option<ConsultationSettings>,
    /// Publish at once.
    pub publish: bool,
    /// Problems found while reading the form.
    pub form_errors: ValidationErrors,
}

/// Participation settings as typed into the form.
#[derive(Debug, Clone, Copy, Default)]
pub struct SettingsForm<'a> {
    /// Supports a proposal needs, as typed (empty means none).
    pub support_threshold: &'a str,
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may comment.
    pub verified_to_comment: bool,
    /// New contributions wait for a moderator.
    pub premoderation: bool,
}

/// Largest support threshold a consultation may set.
const THRESHOLD_MAX: i32 = 1_000_000;

/// Reads participation settings; `None` after recording the problems in `errors`.
pub fn settings_from(
    form: SettingsForm<'_>,
    errors: &mut ValidationErrors,
) -> Option<ConsultationSettings> {
    let threshold = match form.support_threshold.trim() {
        "" => Some(0),
        typed => match typed.parse::<i32>() {
            Ok(n) if (0..=THRESHOLD_MAX).contains(&n) => Some(n),
            _ => {
                errors.add("support_threshold", Problem::UnknownChoice);
                None
            }
        },
    };
    Some(ConsultationSettings {
        support_threshold: threshold?,
        verified_to_propose: form.verified_to_propose,
        verified_to_comment: form.verified_to_comment,
        premoderation: form.premoderation,
    })
}

/// The consultation's `Group` actor document.
pub async fn group_document(app: &App, c: &Consultation) -> Result<ActorDocument, AppError> {
    let timeline = consultations::find_with_phases(app.conn(), &c.id)
        .await?
        .timeline;
    group_document_with(app, c, &timeline).await
}

/// The `Group` document with these phases (new ones, not yet committed).
async fn group_document_with(
    app: &App,
    c: &Consultation,
    timeline: &Timeline,
) -> Result<ActorDocument, AppError> {
    let keys = keys::for_local_actor(app.conn(), &c.ap_id).await?;
    let themes = consultations::themes_of(c);
    let facts = GroupFacts {
        ap_id: &c.ap_id,
        slug: &c.slug,
        title: &c.title,
        summary: &c.summary,
        published: c.published_at,
        derived_from: c.derived_from.as_deref(),
        themes: &themes,
        phases: timeline.phases(),
        province: app.federation.province.as_deref(),
    };
    Ok(actors::group(&app.settings.public_url, facts, &keys)?)
}

/// An admin makes a consultation (a draft, or published at once).
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    draft: ConsultationDraft,
) -> Result<Consultation, AppError> {
    let admin = caller.require_admin()?;
    let mut errors = draft.form_errors;
    let fields = draft
        .input
        .validate()
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let (Some(fields), Some(timeline), Some(settings), true) =
        (fields, draft.timeline, draft.settings, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let new = NewConsultation {
        ap_id: app.url(&format!("/consultations/{}", fields.slug)),
        body_html: markdown_to_safe_html(&fields.body),
        fields,
        created_by: admin.id.clone(),
        publish: draft.publish,
        timeline,
        settings,
        derived_from: None,
        ancestry: Vec::new(),
    };
    let now = Utc::now();
    // The province deals we belong to hear of every new consultation (read before the write).
    let deals = if new.publish {
        crate::memberships::deal_inboxes(app).await?
    } else {
        Vec::new()
    };
    let (txn, created) = store(app, new, now).await?;
    publish::consultation_published_to(&txn, &app.federation, &created, deals).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationCreate,
        ("consultation", &created.id),
        created.title.clone(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(slug = %created.slug, "consultation created");
    Ok(created)
}

/// Opens the transaction and stores a new consultation in it; a taken slug is a field problem.
/// The group's keys are made first: on SQLite a second writer would wait on the transaction.
pub(crate) async fn store(
    app: &App,
    new: NewConsultation,
    now: chrono::DateTime<Utc>,
) -> Result<(sea_orm::DatabaseTransaction, Consultation), AppError> {
    // A deal's slug is its handle too: a consultation may not take it (WebFinger would be
    // ambiguous).
    if inspraak_db::deals::find_by_slug(app.conn(), &new.fields.slug)
        .await?
        .is_some()
    {
        return Err(AppError::field("slug", Problem::Taken));
    }
    keys::for_local_actor(app.conn(), &new.ap_id).await?;
    let txn = app.begin().await?;
    match consultations::create(&txn, new, now).await {
        Ok(created) => Ok((txn, created)),
        Err(DbError::Conflict(field)) => Err(AppError::field(field, Problem::Taken)),
        Err(other) => Err(other.into()),
    }
}

/// An admin changes the texts (the slug stays); followers get an `Update` of the `Group`.
pub async fn update_texts(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    mut input: ConsultationInput,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let existing = consultations::find(app.conn(), id).await?;
    input.slug = existing.slug.clone();
    let fields = input.validate()?;
    let html = markdown_to_safe_html(&fields.body);
    let now = Utc::now();
    let txn = app.begin().await?;
    let updated = consultations::update_texts(&txn, id, fields, html, now).await?;
    if updated.published_at.is_some() {
        // The group's keys exist already: it was announced when published.
        let group = group_document(app, &updated).await?;
        let group = serde_json::to_value(&group)
            .map_err(|e| AppError::internal("serialising the group", e))?;
        publish::consultation_updated(&txn, &app.federation, &updated, group).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationUpdate,
        ("consultation", id.as_str()),
        "texts",
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin replaces the phases; followers get an `Update` of the `Group`, which carries the
/// phases with their dates.
pub async fn update_phases(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    timeline: &Timeline,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let existing = consultations::find(app.conn(), id).await?;
    let group = match existing.published_at {
        Some(_) => {
            let document = group_document_with(app, &existing, timeline).await?;
            Some(
                serde_json::to_value(&document)
                    .map_err(|e| AppError::internal("serialising the group", e))?,
            )
        }
        None => None,
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    consultations::replace_phases(&txn, id, timeline, now).await?;
    if let Some(group) = group {
        publish::consultation_updated(&txn, &app.federation, &existing, group).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationPhases,
        ("consultation", id.as_str()),
        format!("{} phases", timeline.phases().len()),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin changes the participation settings.
pub async fn update_settings(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    settings: ConsultationSettings,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    consultations::find(app.conn(), id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    consultations::update_settings(&txn, id, settings, now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationSettings,
        ("consultation", id.as_str()),
        format!("{settings:?}"),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin adds a custom answer status to a consultation.
pub async fn add_status(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    label: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    consultations::find(app.conn(), id).await?;
    let mut errors = ValidationErrors::new();
    let label = errors.text("status_label", label, 2, 60).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let txn = app.begin().await?;
    let status = proposals::add_custom_status(&txn, id, &label).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationStatusAdd,
        ("consultation", id.as_str()),
        status.label,
        Utc::now(),
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin publishes a consultation (announced by the organization) or takes it back to
/// draft (its copies elsewhere are deleted).
pub async fn set_published(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    publish: bool,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let now = Utc::now();
    // The group's keys are made before the transaction (on SQLite a second writer would wait).
    let before = consultations::find(app.conn(), id).await?;
    keys::for_local_actor(app.conn(), &before.ap_id).await?;
    // A reused process from elsewhere: its origin is told too (network work before the
    // transaction; an origin that cannot be reached does not stop the publication).
    let mut extra_inboxes = match &before.derived_from {
        Some(origin) if publish => remote_origin_inbox(app, origin).await?,
        _ => Vec::new(),
    };
    // The province deals we belong to hear of every new consultation.
    if publish {
        extra_inboxes.extend(crate::memberships::deal_inboxes(app).await?);
    }
    let txn = app.begin().await?;
    if !publish {
        publish::consultation_withdrawn(&txn, &app.federation, &before).await?;
    }
    let after = consultations::set_published(&txn, id, publish.then_some(now)).await?;
    if publish {
        publish::consultation_published_to(&txn, &app.federation, &after, extra_inboxes).await?;
        announce_prepared_items(app, &txn, &after.id).await?;
        record_reuse(app, &txn, &after, now).await?;
    }
    let action = if publish {
        AuditAction::ConsultationPublish
    } else {
        AuditAction::ConsultationUnpublish
    };
    audit::record(
        &txn,
        Some(&admin.id),
        action,
        ("consultation", id.as_str()),
        "",
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// Polls and conversation statements made while the consultation was a draft (by hand, or
/// carried by a reused process) federate when it is published, as they would have if made
/// afterwards. Receivers keep one copy per id, so a second publication repeats harmlessly.
async fn announce_prepared_items(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    consultation_id: &str,
) -> Result<(), AppError> {
    let data = &*app.federation;
    for item in inspraak_db::polls::list_for_consultation(txn, consultation_id).await? {
        publish::poll_changed(txn, data, &item.poll, crate::Change::Published).await?;
    }
    for conversation in
        inspraak_db::conversations::list_for_consultation(txn, consultation_id).await?
    {
        for s in inspraak_db::conversations::statements(txn, &conversation.id).await? {
            if inspraak_db::conversations::state_of(&s) == StatementState::Published {
                publish::statement_changed(txn, data, &s, crate::Change::Published).await?;
            }
        }
    }
    Ok(())
}

/// The inbox of a reused process's origin on another instance, to tell it of the copy; empty
/// for an origin of ours or one that cannot be fetched (logged).
async fn remote_origin_inbox(app: &App, origin: &str) -> Result<Vec<Target>, AppError> {
    if let Some(found) = inspraak_db::remote_content::find_consultation(app.conn(), origin).await?
        && found.local
    {
        return Ok(Vec::new());
    }
    let Ok(url) = url::Url::parse(origin) else {
        tracing::warn!(%origin, "the origin of a reused process is not a URL; not told");
        return Ok(Vec::new());
    };
    let fed = app.federation.to_request_data();
    match ObjectId::<RemoteActor>::from(url).dereference(&fed).await {
        Ok(actor) => Ok(publish::target(&actor.row.inbox).into_iter().collect()),
        Err(err) => {
            tracing::warn!(%origin, error = %err, "the origin of a reused process cannot be fetched; not told");
            Ok(Vec::new())
        }
    }
}

/// A published reuse of one of our own consultations is listed on the origin at once (one on
/// another instance learns of it from the `Announce` sent by `set_published`).
async fn record_reuse(
    app: &App,
    txn: &impl sea_orm::ConnectionTrait,
    copy: &Consultation,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(origin) = &copy.derived_from else {
        return Ok(());
    };
    match inspraak_db::remote_content::find_consultation(txn, origin).await? {
        Some(found) if found.local => {
            let url = app.url(&format!("/consultations/{}", copy.slug));
            consultations::record_reuse(txn, origin, &copy.ap_id, &copy.title, &url, now).await?;
        }
        _ => {
            tracing::info!(%origin, "a reused process from elsewhere was published; its origin is not told yet")
        }
    }
    Ok(())
}

/// A cover image change as submitted.
#[derive(Debug, Clone, Default)]
pub struct CoverChange {
    /// Remove the current image.
    pub remove: bool,
    /// The new image's bytes, if one was chosen.
    pub file: Option<Vec<u8>>,
    /// Its alternative text.
    pub alt: String,
}

/// Recognises the image formats we serve by their first bytes, never by the client's claim.
pub(crate) fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// Deletes a replaced or removed upload, so it stops being downloadable. A failure only costs
/// disk space, so it is logged and not returned.
pub(crate) async fn remove_media(app: &App, file: Option<&str>) {
    if let Some(file) = file
        && let Err(err) = tokio::fs::remove_file(app.settings.media_dir.join(file)).await
    {
        tracing::warn!(%err, file, "could not delete a replaced upload");
    }
}

/// An admin uploads, replaces or removes the cover image (or changes its alternative text).
pub async fn change_cover(
    app: &App,
    caller: Caller<'_>,
    id: &ConsultationId,
    change: CoverChange,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let existing = consultations::find(app.conn(), id).await?;
    let now = Utc::now();
    if change.remove {
        let txn = app.begin().await?;
        consultations::set_cover(&txn, id, None).await?;
        audit::record(
            &txn,
            Some(&admin.id),
            AuditAction::ConsultationCoverRemove,
            ("consultation", id.as_str()),
            "",
            now,
        )
        .await?;
        app.commit(txn).await?;
        remove_media(app, existing.cover_image.as_deref()).await;
        return Ok(());
    }
    let mut errors = ValidationErrors::new();
    let alt = validate_alt_text(&change.alt, &mut errors);
    let extension = match &change.file {
        None if existing.cover_image.is_none() => {
            errors.add("cover", Problem::Required);
            None
        }
        None => None,
        Some(bytes) => match image_extension(bytes) {
            Some(ext) => Some(ext),
            None => {
                errors.add("cover", Problem::UnknownChoice);
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let name = match (change.file, extension) {
        (Some(bytes), Some(ext)) => {
            let name = format!("{}.{ext}", inspraak_db::new_id());
            tokio::fs::create_dir_all(&app.settings.media_dir)
                .await
                .map_err(|e| AppError::internal("making the media folder", e))?;
            tokio::fs::write(app.settings.media_dir.join(&name), bytes)
                .await
                .map_err(|e| AppError::internal("saving an upload", e))?;
            name
        }
        // Only the alternative text changed.
        _ => existing.cover_image.clone().unwrap_or_default(),
    };
    let txn = app.begin().await?;
    consultations::set_cover(&txn, id, Some((name.clone(), alt))).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationCover,
        ("consultation", id.as_str()),
        name.clone(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    if existing.cover_image.as_deref() != Some(name.as_str()) {
        remove_media(app, existing.cover_image.as_deref()).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::image_extension;

    #[test]
    fn images_are_recognised_by_content() {
        assert_eq!(image_extension(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_extension(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_extension(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_extension(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_extension(b""), None);
    }
}
