//! What every HTML page shares: language, visitor, CSRF token and formatting helpers that the
//! templates call.

use crate::i18n::{Locale, Translations};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;
use inspraak_db::users;
use inspraak_domain::{Problem, ValidationErrors};

pub use inspraak_app::clock::today;

/// The logged-in visitor as pages show them.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Public name.
    pub display_name: String,
    /// Sees the admin menu.
    pub is_admin: bool,
    /// Sees the moderation queue.
    pub is_staff: bool,
}

/// Context shared by all pages.
pub struct Page {
    /// The strings of the visitor's language.
    pub t: &'static Translations,
    /// The visitor's language.
    pub locale: Locale,
    /// The municipality's name.
    pub instance_name: String,
    /// The logged-in visitor.
    pub visitor: Option<Visitor>,
    /// The session's CSRF token ("" when there is no session).
    pub csrf: String,
    /// The current path, for the language switcher's way back.
    pub path: String,
    /// A one-off confirmation ("Saved."), already translated.
    pub notice: Option<String>,
    /// This instance's host (with a port when it has one), as in fediverse handles.
    pub host: String,
    /// The organization's fediverse handle, e.g. `@gemeente@inspraak.example.nl`.
    pub organization_handle: String,
    /// This instance is the national helpdesk (it has a catalogue and writes guides).
    pub helpdesk: bool,
}

impl Page {
    /// The stylesheet's content-hashed URL.
    pub fn stylesheet(&self) -> &'static str {
        crate::routes::stylesheet_path()
    }

    /// Builds the context for a request.
    pub fn new(state: &AppState, session: &Session, path: &str) -> Self {
        let t = Translations::of(session.locale);
        let host = inspraak_federation::discovery::handle_host(&state.config.public_url);
        Page {
            t,
            locale: session.locale,
            instance_name: state.config.instance_name.clone(),
            visitor: session.user.as_ref().map(|u| Visitor {
                display_name: u.display_name.clone(),
                is_admin: users::role_of(u).can_manage_consultations(),
                is_staff: users::role_of(u).can_moderate(),
            }),
            csrf: session.csrf_token.clone().unwrap_or_default(),
            path: path.to_owned(),
            notice: None,
            organization_handle: format!(
                "@{}@{host}",
                inspraak_federation::actors::organization_username(&state.config.instance_kind),
            ),
            host,
            helpdesk: state.config.instance_kind == "helpdesk",
        }
    }

    /// Adds a confirmation from a `?notice=` key, if it names a known notice.
    pub fn with_notice(mut self, key: Option<&str>) -> Self {
        if let Some(key) = key.filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
            let full = format!("notice.{key}");
            let text = self.t.get(&full);
            if text != full {
                self.notice = Some(text.to_owned());
            }
        }
        self
    }

    /// The translation of `key`.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.t.get(key)
    }

    /// The languages offered in the switcher.
    pub fn languages(&self) -> &'static [Locale] {
        &Locale::ALL
    }

    /// The HTML id of a field's input: `phase2.starts_on` → `phase2_starts_on`.
    pub fn field_id(&self, field: &str) -> String {
        field.replace('.', "_")
    }

    /// The label of a field, translated; rows of the phases table say which phase.
    pub fn field_label(&self, field: &str) -> String {
        if let Some((row, name)) = field
            .strip_prefix("phase")
            .and_then(|rest| rest.split_once('.'))
            && let Ok(row) = row.parse::<usize>()
        {
            return format!(
                "{} {}: {}",
                self.t.get("phases.phase"),
                row + 1,
                self.t.get(&format!("field.{name}"))
            );
        }
        self.t.get(&format!("field.{field}")).to_owned()
    }

    /// The problem with one field of row `row` of the phases table.
    pub fn row_problem(
        &self,
        errors: &ValidationErrors,
        row: &usize,
        field: &str,
    ) -> Option<String> {
        self.problem(errors, &format!("phase{row}.{field}"))
    }

    /// A date the way the language writes it: "1 maart 2026", "1 March 2026".
    pub fn date(&self, date: NaiveDate) -> String {
        let month = self.t.get(&format!("month.{}", date.month())).to_owned();
        format!("{} {} {}", date.day(), month, date.year())
    }

    /// A moment in Amsterdam time: "1 maart 2026, 14:05".
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Amsterdam);
        format!(
            "{}, {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// An amount in whole euros the way the language writes it: `€ 25.000` in Dutch and
    /// Frisian, `€25,000` in English.
    pub fn money(&self, amount: &u64) -> String {
        let digits = amount.to_string();
        let separator = if self.locale == Locale::En { ',' } else { '.' };
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(c);
        }
        if self.locale == Locale::En {
            format!("€{grouped}")
        } else {
            format!("€\u{a0}{grouped}")
        }
    }

    /// The translated sentence for the first problem with `field`, if any.
    pub fn problem(&self, errors: &ValidationErrors, field: &str) -> Option<String> {
        errors.for_field(field).map(|p| self.problem_text(p))
    }

    /// The translated sentence for a problem.
    pub fn problem_text(&self, problem: &Problem) -> String {
        let key = format!("problem.{}", problem.code());
        match problem.limit() {
            Some(n) => self.t.with_number(&key, n),
            None => self.t.get(&key).to_owned(),
        }
    }
}

/// Renders a template as a 200 HTML page.
pub fn render(template: &impl Template) -> Result<Response, WebError> {
    Ok(Html(template.render()?).into_response())
}

/// Renders a template with another status, e.g. 422 for a form with problems.
pub fn render_status(status: StatusCode, template: &impl Template) -> Result<Response, WebError> {
    Ok((status, Html(template.render()?)).into_response())
}
