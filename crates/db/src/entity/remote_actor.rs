//! An actor hosted elsewhere, as last fetched: where to deliver to it and its public key.

use sea_orm::entity::prelude::*;

/// A row of `remote_actors`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "remote_actors")]
pub struct Model {
    /// Its ActivityPub id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ap_id: String,
    /// `Person`, `Group`, `Organization`, `Application` or `Service`.
    pub kind: String,
    /// `preferredUsername`.
    pub username: String,
    /// The host of its id.
    pub host: String,
    /// Its name, as plain text.
    pub display_name: String,
    /// Its web page.
    pub url: Option<String>,
    /// Its inbox.
    pub inbox: String,
    /// Its server's shared inbox.
    pub shared_inbox: Option<String>,
    /// Its followers collection.
    pub followers: Option<String>,
    /// Its public key, PEM.
    pub public_key_pem: String,
    /// The `users` row that stands for it when it writes here.
    pub user_id: Option<String>,
    /// When it was last fetched.
    pub fetched_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
