//! Reusing a process from another instance: its template is fetched from the consultation's
//! own host, as servers fetch anything (signed, size-limited, no private addresses), and only
//! believed when it names that consultation as its origin.

use crate::FederationError;
use crate::context::Fed;
use crate::inbox::same_origin;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::ProcessTemplateDocument;
use activitypub_federation::fetch::fetch_object_http;
use inspraak_domain::template::ProcessTemplate;
use url::Url;

/// Where a consultation's template lives, from its `Group` id.
pub fn template_url(group: &Url) -> Result<Url, FederationError> {
    Ok(Url::parse(&format!(
        "{}/process-template.json",
        group.as_str().trim_end_matches('/')
    ))?)
}

/// The process template of the consultation at `source`: its address or handle
/// (`@slug@host`). Anything but a consultation of another Inspraak instance whose template
/// names it as the origin is refused with the reason.
pub async fn fetch_template(data: &Fed, source: &str) -> Result<ProcessTemplate, FederationError> {
    let group = crate::follow::resolve(data, source).await?;
    if group.row.kind != ActorKind::Group.name() {
        return Err(FederationError::Invalid(format!(
            "{} is not a consultation",
            group.id
        )));
    }
    let url = template_url(&group.id)?;
    let document = fetch_object_http::<_, ProcessTemplateDocument>(&url, data)
        .await?
        .object;
    let names_it = document.template.derived_from.as_deref() == Some(group.id.as_str());
    if document.attributed_to != group.id || !names_it || !same_origin(&document.id, &group.id) {
        return Err(FederationError::Forbidden(format!(
            "the template at {url} is not that of {}",
            group.id
        )));
    }
    Ok(document.template)
}
