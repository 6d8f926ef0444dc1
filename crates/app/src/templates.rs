//! Reusing a process: a consultation as a process template (the file format is in
//! `inspraak_domain::template`), and a new draft consultation made from one, which records
//! where its process came from (`derived_from`). Nothing personal is ever carried: no
//! proposals, comments, votes or accounts.

use crate::audit::{self, AuditAction};
use crate::participation::ConsultationContext;
use crate::{App, AppError, Caller};
use chrono::{NaiveDate, Utc};
use inspraak_db::consultations::{self, Consultation, ConsultationSettings, NewConsultation};
use inspraak_db::{conversations, new_id, polls, proposals};
use inspraak_domain::poll::{PollInput, ResultsVisibility};
use inspraak_domain::template::{
    self, ProcessTemplate, TemplateConversation, TemplatePhase, TemplatePoll, TemplateSettings,
};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_domain::{ConsultationInput, Problem, ValidationErrors};

/// A consultation's process as a template. Anyone who may see the consultation may take it.
pub async fn export(
    app: &App,
    caller: Caller<'_>,
    slug_or_id: &str,
) -> Result<ProcessTemplate, AppError> {
    let ctx = ConsultationContext::load(app, caller, slug_or_id).await?;
    let c = &ctx.item.consultation;
    let phases = ctx.item.timeline.phases();
    let start = phases.first().map(|p| p.starts_on).unwrap_or_default();
    let answer_statuses = proposals::custom_statuses(app.conn(), &c.id)
        .await?
        .into_iter()
        .map(|s| s.label)
        .collect();
    let polls = polls::list_for_consultation(app.conn(), &c.id)
        .await?
        .into_iter()
        .map(|p| TemplatePoll {
            question: p.poll.question,
            options: p.options.into_iter().map(|o| o.label).collect(),
            multiple: p.poll.multiple,
            results: p.poll.results_visibility,
        })
        .collect();
    let mut seeds = Vec::new();
    for conversation in conversations::list_for_consultation(app.conn(), &c.id).await? {
        let statements = conversations::statements(app.conn(), &conversation.id)
            .await?
            .into_iter()
            .filter(|s| s.seed)
            .map(|s| s.body)
            .collect();
        seeds.push(TemplateConversation {
            question: conversation.question,
            statements,
            premoderation: conversation.premoderation,
        });
    }
    Ok(ProcessTemplate {
        format: template::FORMAT.into(),
        version: template::VERSION,
        derived_from: Some(c.ap_id.clone()),
        ancestry: consultations::ancestry_of(c)
            .into_iter()
            .chain(c.derived_from.clone())
            .collect(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        body: c.body_markdown.clone(),
        themes: consultations::themes_of(c),
        phases: phases
            .iter()
            .map(|p| TemplatePhase::from_phase(p, start))
            .collect(),
        settings: TemplateSettings {
            support_threshold: ctx.settings.support_threshold,
            verified_to_propose: ctx.settings.verified_to_propose,
            verified_to_comment: ctx.settings.verified_to_comment,
            premoderation: ctx.settings.premoderation,
        },
        answer_statuses,
        polls,
        conversations: seeds,
    })
}

/// Where and when a reused process starts on this instance.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// The first phase's first day, as typed (`YYYY-MM-DD`).
    pub starts_on: String,
    /// The new consultation's slug; empty to derive it from the title.
    pub slug: String,
}

/// An admin starts a new **draft** consultation from a template: texts, phases from the
/// chosen start, settings, answer statuses, polls and conversation seeds, with
/// `derived_from` kept. Every problem names its field.
pub async fn import(
    app: &App,
    caller: Caller<'_>,
    template: ProcessTemplate,
    placement: Placement,
) -> Result<Consultation, AppError> {
    let admin = caller.require_admin()?;
    template.check()?;
    let mut errors = ValidationErrors::new();
    let start = NaiveDate::parse_from_str(placement.starts_on.trim(), "%Y-%m-%d")
        .map_err(|_| errors.add("starts_on", Problem::InvalidDate))
        .ok();
    let timeline = start.and_then(|start| {
        template
            .timeline(start)
            .map_err(|e| errors.0.extend(e.0))
            .ok()
    });
    let fields = ConsultationInput {
        slug: placement.slug,
        title: template.title.clone(),
        summary: template.summary.clone(),
        body: template.body.clone(),
        themes: template.themes.join(","),
    }
    .validate()
    .map_err(|e| errors.0.extend(e.0))
    .ok();
    let (Some(fields), Some(timeline), true) = (fields, timeline, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let s = template.settings;
    let new = NewConsultation {
        ap_id: app.url(&format!("/consultations/{}", fields.slug)),
        body_html: markdown_to_safe_html(&fields.body),
        fields,
        created_by: admin.id.clone(),
        publish: false,
        timeline,
        settings: ConsultationSettings {
            support_threshold: s.support_threshold,
            verified_to_propose: s.verified_to_propose,
            verified_to_comment: s.verified_to_comment,
            premoderation: s.premoderation,
        },
        derived_from: template.derived_from.clone(),
        ancestry: template.ancestry.clone(),
    };
    let now = Utc::now();
    let (txn, created) = crate::consultations::store(app, new, now).await?;
    for label in &template.answer_statuses {
        proposals::add_custom_status(&txn, &created.id, label).await?;
    }
    for (i, poll) in template.polls.iter().enumerate() {
        let input = PollInput {
            question: poll.question.clone(),
            options: poll.options.join("\n"),
            multiple: poll.multiple,
            closes_at: None,
            results: ResultsVisibility::parse(&poll.results),
        };
        let valid = input.validate(now).map_err(|problems| {
            let mut errors = ValidationErrors::new();
            for p in problems.0 {
                errors.add(format!("polls[{i}].{}", p.field), p.problem);
            }
            AppError::Invalid(errors)
        })?;
        let poll_id = new_id();
        let ap_id = app.url(&format!("/polls/{poll_id}"));
        polls::create(&txn, poll_id, ap_id, &created.id, valid, &admin.id, now).await?;
    }
    let base = app.url("/statements/");
    for c in &template.conversations {
        let id = new_id();
        conversations::create(
            &txn,
            conversations::NewConversation {
                ap_id: app.url(&format!("/conversations/{id}")),
                id,
                consultation_id: created.id.clone(),
                question: c.question.trim().to_owned(),
                premoderation: c.premoderation,
            },
            &c.statements,
            &admin.id,
            |sid| format!("{base}{sid}"),
            now,
        )
        .await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ConsultationReuse,
        ("consultation", &created.id),
        template.derived_from.clone().unwrap_or_default(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(slug = %created.slug, from = ?template.derived_from, "process reused as a draft");
    Ok(created)
}

/// An admin reuses a consultation they can see: a template of it, imported here. For a
/// consultation of another instance (one under "nearby"), the template comes from its home.
pub async fn reuse(
    app: &App,
    caller: Caller<'_>,
    slug_or_id: &str,
    placement: Placement,
) -> Result<Consultation, AppError> {
    caller.require_admin()?;
    let found = consultations::find_with_phases(app.conn(), slug_or_id).await?;
    if !found.consultation.local {
        return reuse_remote(app, caller, &found.consultation.ap_id, placement).await;
    }
    let template = export(app, caller, slug_or_id).await?;
    import(app, caller, template, placement).await
}

/// An admin reuses the process of a consultation on another instance, given by its address
/// or handle: its template is fetched from its home and imported here as a draft. A source
/// that is not a consultation, cannot be reached or does not vouch for its template is a bad
/// request with the reason (field `source`).
pub async fn reuse_remote(
    app: &App,
    caller: Caller<'_>,
    source: &str,
    placement: Placement,
) -> Result<Consultation, AppError> {
    caller.require_admin()?;
    let source = source.trim();
    if source.is_empty() || source.len() > 500 {
        return Err(AppError::field("source", Problem::Required));
    }
    let fed = app.federation.to_request_data();
    let template = inspraak_federation::reuse::fetch_template(&fed, source)
        .await
        .map_err(|err| {
            tracing::warn!(%source, error = %err, "cannot fetch a process template");
            AppError::BadRequest(format!("{source}: {err}"))
        })?;
    import(app, caller, template, placement).await
}
