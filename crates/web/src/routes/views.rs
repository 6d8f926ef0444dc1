//! Consultations shaped for templates: names translated, dates formatted, state worked out.

use crate::page::Page;
use chrono::NaiveDate;
use inspraak_db::consultations::ConsultationWithPhases;
use inspraak_domain::{Phase, PhaseState};

/// A phase as a page shows it.
pub struct PhaseView {
    /// Custom title or the kind's name.
    pub name: String,
    /// The kind's stored name, for styling.
    pub kind: &'static str,
    /// "1 maart 2026".
    pub starts: String,
    /// "14 maart 2026".
    pub ends: String,
    /// `2026-03-01`, for `<time datetime>`.
    pub starts_iso: String,
    /// `2026-03-14`.
    pub ends_iso: String,
    /// Running today.
    pub current: bool,
    /// Already over.
    pub past: bool,
    /// What residents may do, translated.
    pub allowed: Vec<String>,
}

/// A consultation as lists and detail pages show it.
pub struct ConsultationView {
    /// The id.
    pub id: String,
    /// The slug.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: String,
    /// Sanitised HTML body.
    pub body_html: String,
    /// `/media/…` URL and alternative text.
    pub cover: Option<(String, String)>,
    /// Not yet published.
    pub draft: bool,
    /// "active", "upcoming", …, for styling.
    pub state: &'static str,
    /// A short label for the state ("Open"), translated.
    pub state_label: String,
    /// A sentence saying where it stands, translated.
    pub state_text: String,
    /// The phases in date order.
    pub phases: Vec<PhaseView>,
    /// For another instance's consultation: "From host" and the link to the original.
    pub origin: Option<(String, String)>,
    /// The ActivityPub id of the consultation whose process this one reuses.
    pub derived_from: Option<String>,
    /// Its fediverse handle (`@slug@host`), for consultations of this instance.
    pub handle: Option<String>,
}

/// The name of a phase: its own title, or its kind's name in the page's language.
pub fn phase_name(page: &Page, phase: &Phase) -> String {
    match &phase.title {
        Some(title) => title.clone(),
        None => page
            .t(&format!("phase.kind.{}", phase.kind.as_str()))
            .to_owned(),
    }
}

fn allowed(page: &Page, phase: &Phase) -> Vec<String> {
    let r = phase.rules;
    [
        (r.propose, "propose"),
        (r.comment, "comment"),
        (r.support, "support"),
        (r.vote, "vote"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, what)| page.t(&format!("phase.action.{what}")).to_owned())
    .collect()
}

/// Shapes one consultation for a page, as of `today`.
pub fn consultation(
    page: &Page,
    item: &ConsultationWithPhases,
    today: NaiveDate,
) -> ConsultationView {
    let c = &item.consultation;
    let phases = item.timeline.phases();
    let state = item.timeline.state_on(today);
    let state_text = match state {
        PhaseState::Unscheduled => page.t("state.unscheduled").to_owned(),
        PhaseState::Upcoming { next } | PhaseState::Between { next } => {
            let key = if matches!(state, PhaseState::Upcoming { .. }) {
                "state.upcoming"
            } else {
                "state.between"
            };
            match phases.get(next) {
                Some(p) => page
                    .t(key)
                    .replace("{phase}", &phase_name(page, p))
                    .replace("{date}", &page.date(p.starts_on)),
                None => page.t("state.unscheduled").to_owned(),
            }
        }
        PhaseState::Active { index } => match phases.get(index) {
            Some(p) => page
                .t("state.active")
                .replace("{phase}", &phase_name(page, p))
                .replace("{date}", &page.date(p.ends_on)),
            None => page.t("state.unscheduled").to_owned(),
        },
        PhaseState::Finished => page.t("state.finished").to_owned(),
    };
    let origin = (!c.local).then(|| {
        let host = url::Url::parse(&c.ap_id)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        (
            page.t("federation.origin").replace("{host}", &host),
            c.ap_id.clone(),
        )
    });
    ConsultationView {
        origin,
        derived_from: c.derived_from.clone(),
        handle: c.local.then(|| format!("@{}@{}", c.slug, page.host)),
        id: c.id.clone(),
        slug: c.slug.clone(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        body_html: c.body_html.clone(),
        cover: c.cover_image.as_ref().map(|file| {
            (
                format!("/media/{file}"),
                c.cover_alt.clone().unwrap_or_default(),
            )
        }),
        draft: c.published_at.is_none(),
        state: state.as_str(),
        state_label: page
            .t(&format!("state.label.{}", state.as_str()))
            .to_owned(),
        state_text,
        phases: phases
            .iter()
            .map(|p| PhaseView {
                name: phase_name(page, p),
                kind: p.kind.as_str(),
                starts: page.date(p.starts_on),
                ends: page.date(p.ends_on),
                starts_iso: p.starts_on.to_string(),
                ends_iso: p.ends_on.to_string(),
                current: p.contains(today),
                past: p.ends_on < today,
                allowed: allowed(page, p),
            })
            .collect(),
    }
}
