//! A consultation's process template as servers fetch it, so another instance can reuse the
//! process by the consultation's address or handle alone.

use crate::protocol::compat;
use crate::protocol::kind::ProcessTemplateType;
use inspraak_domain::template::ProcessTemplate;
use serde::{Deserialize, Serialize};
use url::Url;

/// `{"type": "ProcessTemplate", "template": {…}}` at `{group}/process-template.json`: the same
/// template as the download (docs/process-template.md), wrapped with its id and consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessTemplateDocument {
    /// Its id: the template's address.
    pub id: Url,
    /// `ProcessTemplate`.
    #[serde(rename = "type")]
    pub kind: ProcessTemplateType,
    /// The consultation (`Group`) whose process it is.
    #[serde(deserialize_with = "compat::required_reference")]
    pub attributed_to: Url,
    /// The template (a JSON value, `@json` in our context).
    pub template: ProcessTemplate,
}
