//! A proposal forwarded to another organization, or by one to us.

use sea_orm::entity::prelude::*;

/// A row of `forwards`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forwards")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `sent` or `received`.
    pub direction: String,
    /// `sent`, `pending`, `accepted` or `declined`.
    pub state: String,
    /// The `Offer` activity's id (ours when sent, theirs when received).
    pub offer_ap_id: String,
    /// Sent: our proposal. Received: the local proposal made on accepting.
    pub proposal_id: Option<String>,
    /// The forwarded `Page` (on the origin's host).
    pub proposal_ap_id: String,
    /// The other side's `Organization`.
    pub organization_ap_id: String,
    /// Its name.
    pub organization_name: String,
    /// Its inbox.
    pub inbox: String,
    /// The note sent with the forward.
    pub note: String,
    /// The proposal's title.
    pub title: String,
    /// The proposal's text, sanitised.
    pub body_html: String,
    /// The proposal's web page.
    pub url: String,
    /// Its supports on the origin, when declared.
    pub supports: Option<i64>,
    /// The accepting side's new proposal (`Accept`'s `result`).
    pub result_ap_id: Option<String>,
    /// Why it was declined.
    pub reason: Option<String>,
    /// The latest status on the accepting side, in words.
    pub status: Option<String>,
    /// The latest official answer there, sanitised HTML.
    pub answer_html: Option<String>,
    /// The staff member who forwarded it (sent only).
    pub created_by: Option<String>,
    /// Sent or received.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
