//! How forwarded proposals read on pages: the proposal page (where it was forwarded to, or
//! who forwarded it), the account page (the author's forwarded proposals) and the admin
//! queue share these views.

use crate::page::Page;
use inspraak_app::forwarding::ForwardView;

/// One step of a forward's history, ready to show.
pub struct EventItem {
    /// `sent`, `received`, `accepted`, `declined` or `status`.
    pub kind: String,
    /// The step in words.
    pub label: String,
    /// The status in words, for `status`.
    pub status: String,
    /// Plain text (a note or reason).
    pub text: String,
    /// Sanitised HTML (an official answer).
    pub html: String,
    /// When, in the visitor's words.
    pub when: String,
}

/// A forward, ready to show.
pub struct ForwardItem {
    /// Its id.
    pub id: String,
    /// `sent`, `pending`, `accepted` or `declined`.
    pub state: String,
    /// The state in words.
    pub state_label: String,
    /// The latest status on the other side, or the state in words.
    pub headline: String,
    /// The latest status on the other side, in words ("" when none).
    pub status: String,
    /// The other side's `Organization`.
    pub organization: String,
    /// Its name.
    pub organization_name: String,
    /// The proposal's title.
    pub title: String,
    /// The proposal's web page.
    pub url: String,
    /// The local proposal (sent: ours; received: made on accepting).
    pub proposal_id: String,
    /// Its text, sanitised HTML.
    pub body_html: String,
    /// The note sent with it.
    pub note: String,
    /// Why it was declined.
    pub reason: String,
    /// The latest official answer there, sanitised HTML.
    pub answer_html: String,
    /// Its supports on the origin ("" when not declared).
    pub supports: String,
    /// When it was sent or received.
    pub when: String,
    /// Every step, oldest first.
    pub history: Vec<EventItem>,
}

/// A forward as shown to a visitor of `page`.
pub fn item(page: &Page, view: ForwardView) -> ForwardItem {
    let f = view.forward;
    let state_label = page.t(&format!("forwards.state_{}", f.state)).to_owned();
    let status = f.status.clone().unwrap_or_default();
    let history = view
        .events
        .into_iter()
        .map(|e| {
            let is_answer = e.kind == "status";
            let text = e.text_html.unwrap_or_default();
            EventItem {
                label: page.t(&format!("forwards.event_{}", e.kind)).to_owned(),
                status: e.status.unwrap_or_default(),
                html: if is_answer {
                    text.clone()
                } else {
                    String::new()
                },
                text: if is_answer { String::new() } else { text },
                when: page.moment(e.created_at),
                kind: e.kind,
            }
        })
        .collect();
    ForwardItem {
        id: f.id,
        headline: if status.is_empty() {
            state_label.clone()
        } else {
            status.clone()
        },
        state: f.state,
        state_label,
        status,
        organization: f.organization_ap_id,
        organization_name: f.organization_name,
        title: f.title,
        url: f.url,
        proposal_id: f.proposal_id.unwrap_or_default(),
        body_html: f.body_html,
        note: f.note,
        reason: f.reason.unwrap_or_default(),
        answer_html: f.answer_html.unwrap_or_default(),
        supports: f.supports.map(|s| s.to_string()).unwrap_or_default(),
        when: page.moment(f.created_at),
        history,
    }
}

/// Forwards as shown to a visitor of `page`.
pub fn items(page: &Page, views: Vec<ForwardView>) -> Vec<ForwardItem> {
    views.into_iter().map(|v| item(page, v)).collect()
}
