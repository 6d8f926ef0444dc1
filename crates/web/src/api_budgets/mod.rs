//! Participatory budgets in the JSON API: areas, budgets and their projects, a resident's
//! ballot (read, checked and cast with a personal token), the explained outcome, and Pabulib
//! files out and in. The same use cases as the pages run underneath, so every rule holds here
//! in the same way.

use crate::api_write::{ApiCaller, ApiJson};
use crate::session::Session;
use crate::{AppState, Locale, WebError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use inspraak_app::AppError;
use inspraak_app::budgets::{self, BallotRequest, BudgetState, Outcome};
use inspraak_app::participation::ConsultationContext;
use inspraak_db::budgets::BudgetRecord;
use inspraak_db::entity::{area, budget_project};
use inspraak_domain::budget::method::{BallotCheck, VotingMethod};
use inspraak_domain::budget::pabulib::MAX_BYTES;
use inspraak_domain::budget::setup::{BudgetInput, ProjectInput};
use inspraak_domain::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod ballot;
mod budget;
mod outcome;

pub(crate) use ballot::*;
pub(crate) use budget::*;
pub(crate) use outcome::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/areas", get(list_areas).post(create_area))
        .route(
            "/consultations/{id}/budgets",
            get(list_budgets).post(create_budget),
        )
        .route(
            "/consultations/{id}/budgets/import",
            post(import_budget).layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route("/budgets/{id}", get(get_budget))
        .route("/budgets/{id}/projects", post(add_project))
        .route("/budgets/{id}/ballot", get(get_ballot).put(put_ballot))
        .route("/budgets/{id}/ballot/check", post(check_ballot))
        .route("/budgets/{id}/outcome", get(get_outcome))
        .route("/budgets/{id}/outcome/publish", post(publish_outcome))
        .route("/budgets/{id}/pabulib", get(export_pabulib))
}

/// The caller behind a bearer token when one is sent, or an anonymous visitor: public reads
/// that staff may see more of (drafts, an outcome while voting runs).
pub struct MaybeApiCaller(pub Session);

impl FromRequestParts<AppState> for MaybeApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if parts.headers.contains_key(AUTHORIZATION) {
            let ApiCaller(session) = ApiCaller::from_request_parts(parts, state).await?;
            return Ok(MaybeApiCaller(session));
        }
        Ok(MaybeApiCaller(Session {
            token_hash: None,
            csrf_token: None,
            user: None,
            locale: Locale::Nl,
        }))
    }
}

/// An admin behind a bearer token, checked before the request body is read: a large upload
/// from anyone else is refused without reading it.
pub struct ApiAdmin(pub Session);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let ApiCaller(session) = ApiCaller::from_request_parts(parts, state).await?;
        session.require_admin()?;
        Ok(ApiAdmin(session))
    }
}

/// A municipality's area (district).
#[derive(Serialize, ToSchema)]
pub struct AreaDto {
    /// Opaque id.
    pub id: String,
    /// Short name in URLs, forms and letter codes.
    pub slug: String,
    /// The name residents know.
    pub name: String,
}

impl From<area::Model> for AreaDto {
    fn from(a: area::Model) -> Self {
        AreaDto {
            id: a.id,
            slug: a.slug,
            name: a.name,
        }
    }
}

/// A new area.
#[derive(Deserialize, ToSchema)]
pub struct NewArea {
    /// Short name: lowercase letters, digits and hyphens.
    pub slug: String,
    /// The name, 2 to 200 characters.
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/areas", tag = "budgets",
    responses((status = 200, description = "The municipality's areas in their set order", body = Vec<AreaDto>)))]
pub(crate) async fn list_areas(
    State(state): State<AppState>,
) -> Result<Json<Vec<AreaDto>>, WebError> {
    let areas = inspraak_db::areas::list(&state.db.conn).await?;
    Ok(Json(areas.into_iter().map(AreaDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/areas", tag = "budgets", security(("token" = [])),
    request_body = NewArea,
    responses((status = 201, body = AreaDto), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid or taken slug, or a name that does not fit", body = crate::api::ApiErrorBody)))]
pub(crate) async fn create_area(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewArea>,
) -> Result<Response, WebError> {
    let made = budgets::create_area(&state.app, session.caller(), &body.slug, &body.name).await?;
    Ok((StatusCode::CREATED, Json(AreaDto::from(made))).into_response())
}
