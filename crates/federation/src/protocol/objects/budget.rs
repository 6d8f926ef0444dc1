//! Participatory budgets: a project residents can choose, as a `Page` with its cost, area,
//! categories and budget; and a budget's outcome, as an `Article` listing the funded projects.
//! Ballots never travel: fediverse users cannot vote in a budget.

use super::common::Common;
use crate::protocol::compat;
use crate::protocol::kind::{ArticleType, ImageType, PageType};
use crate::protocol::values::OneOrMany;
use serde::{Deserialize, Serialize};
use url::Url;

/// The currency of every amount we send (ISO 4217).
pub const EURO: &str = "EUR";

/// A picture with its text alternative (`name`), as Lemmy reads `image` and Mastodon reads
/// `attachment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `Image`.
    #[serde(rename = "type")]
    pub kind: ImageType,
    /// Where the picture is.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::href"
    )]
    pub url: Option<Url>,
    /// Its text alternative.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub name: Option<String>,
    /// `image/png`, `image/jpeg` or `image/webp`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub media_type: Option<String>,
}

/// A budget project as a `Page` by the consultation's `Group`: Mastodon shows its title, the
/// summary (cost and area in words) and a link; the terms carry the same facts for software
/// that reads them (`inspraak:cost`, `currency`, `area`, `categories`, `feasible`, `budget`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPage {
    /// Its id (also its web page).
    pub id: Url,
    /// `Page`.
    #[serde(rename = "type")]
    pub kind: PageType,
    /// The group, title (`name`), description and feasibility note (`content`), addressing.
    #[serde(flatten)]
    pub common: Common,
    /// Cost and area in words, plain text (escaped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The project's picture.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::lenient"
    )]
    pub image: Option<Image>,
    /// The same picture, where Mastodon looks for media.
    #[serde(default, skip_serializing_if = "<[Image]>::is_empty")]
    pub attachment: OneOrMany<Image>,
    /// What it costs, in whole units of `currency`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::count"
    )]
    pub cost: Option<u64>,
    /// `EUR`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub currency: Option<String>,
    /// The name of the area whose money it competes for.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub area: Option<String>,
    /// Its categories (plain words, also used for caps).
    #[serde(default, skip_serializing_if = "<[String]>::is_empty")]
    pub categories: OneOrMany<String>,
    /// Whether it can be carried out; only feasible projects can be chosen.
    #[serde(default = "feasible_by_default")]
    pub feasible: bool,
    /// The budget's page.
    #[serde(deserialize_with = "compat::required_reference")]
    pub budget: Url,
}

fn feasible_by_default() -> bool {
    true
}

/// A budget's published outcome as an `Article` by the consultation's `Group`, at
/// `{budget}/outcome`: the funded projects per area with their costs, linked, in `content`
/// (and in short in `summary`, which Mastodon shows), and their ids in `fundedProjects`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetOutcome {
    /// Its id (also its web page).
    pub id: Url,
    /// `Article`.
    #[serde(rename = "type")]
    pub kind: ArticleType,
    /// The group, title (`name`), the funded projects per area (`content`), addressing.
    #[serde(flatten)]
    pub common: Common,
    /// The funded projects in short, plain text (escaped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The budget's page.
    #[serde(deserialize_with = "compat::required_reference")]
    pub budget: Url,
    /// The funded projects' `Page` ids, area by area (always a list, perhaps empty).
    #[serde(default)]
    pub funded_projects: OneOrMany<Url>,
}
