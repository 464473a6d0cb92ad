//! `/api/oidc/interactions/{id}`: the SPA reads a pending authorization, completes its steps in
//! order (authenticate → select_account → reauthenticate → consent) or cancels it. Each step
//! re-evaluates what the bound user still needs, so switching accounts re-checks consent.

use crate::auth::cookies::{self, REAUTHENTICATION_TOKEN};
use crate::auth::session::AMR_PASSKEY;
use crate::auth::{BrowserUser, MaybeUser, SessionUser};
use crate::db::entities::{interaction_sessions as interactions, oidc_clients};
use crate::error::AppError;
use crate::extract::{Json, Path};
use crate::features::oidc::flows::authorize::{self, InteractionParams, NOT_ALLOWED};
use crate::features::oidc::protocol::client;
use crate::features::oidc::store::interactions::Changes;
use crate::features::oidc::store::{self, consents};
use crate::features::users::repo as users_repo;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use pocket_shared::oidc::{
    CompleteInteractionRequest, CompleteInteractionResponse, InteractionDto, InteractionStep,
    InteractionUserDto,
};
use pocket_shared::{ApiError, ErrorCode};
use uuid::Uuid;

fn not_found() -> AppError {
    AppError::gone(ErrorCode::InteractionNotFound, authorize::EXPIRED)
}

fn steps(i: &interactions::Model) -> Vec<InteractionStep> {
    [
        (i.authentication_required, InteractionStep::Authenticate),
        (i.account_selection_required, InteractionStep::SelectAccount),
        (i.reauthentication_required, InteractionStep::Reauthenticate),
        (i.consent_required, InteractionStep::Consent),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect()
}

async fn load(
    state: &AppState,
    id: &str,
) -> Result<(interactions::Model, InteractionParams, oidc_clients::Model), AppError> {
    // A malformed id names no interaction: the same 404 as an unknown or expired one.
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let now = state.clock.now();
    let i = store::interactions::find_live(&state.db, id, now)
        .await?
        .ok_or_else(not_found)?;
    let p: InteractionParams =
        serde_json::from_value(i.parameters.clone()).map_err(|_| not_found())?;
    let c = crate::features::oidc::clients::repo::find(&state.db, &i.client_id)
        .await?
        .ok_or_else(not_found)?;
    Ok((i, p, c))
}

/// The interaction as `viewer` (the caller's signed-in user, if any) may see it: the user it
/// is bound to is shown to that user only, so holding the id reveals no one's name or email.
async fn dto(
    state: &AppState,
    i: &interactions::Model,
    p: &InteractionParams,
    c: &oidc_clients::Model,
    viewer: Option<Uuid>,
) -> Result<InteractionDto, AppError> {
    let user = match i.user_id.filter(|u| Some(*u) == viewer) {
        Some(u) => users_repo::find(&state.db, u)
            .await?
            .map(|u| InteractionUserDto {
                id: u.id.to_string(),
                username: u.username,
                display_name: u.display_name,
                email: u.email,
            }),
        None => None,
    };
    let required_steps = steps(i);
    let scope_info = crate::features::oidc::protocol::resource::scope_info(
        &state.db,
        p.request.audience.as_deref(),
        &p.request.scopes,
    )
    .await?;
    Ok(InteractionDto {
        id: i.id.to_string(),
        client: crate::features::oidc::clients::service::meta_dto(c),
        scopes: p.request.scopes.clone(),
        scope_info,
        current_step: required_steps.first().copied(),
        required_steps,
        user,
    })
}

/// Read a pending authorization request.
#[utoipa::path(get, path = "/api/oidc/interactions/{id}", tag = "OIDC",
    params(("id" = String, Path, description = "Interaction id")),
    responses((status = 200, body = InteractionDto), (status = 404, body = ApiError)))]
pub async fn get_interaction(
    State(state): State<AppState>,
    MaybeUser(viewer): MaybeUser,
    Path(id): Path<String>,
) -> Result<Json<InteractionDto>, AppError> {
    let (i, p, c) = load(&state, &id).await?;
    let viewer = viewer.map(|s| s.user.id);
    Ok(Json(dto(&state, &i, &p, &c, viewer).await?))
}

/// Binds the interaction to the signed-in user and recomputes what they still need (`None`
/// when the user may not use the client). A passkey sign-in made during this interaction
/// counts as fresh authentication.
async fn bind_user(
    state: &AppState,
    model: &interactions::Model,
    p: &InteractionParams,
    c: &oidc_clients::Model,
    s: &SessionUser,
    now: DateTime<Utc>,
) -> Result<Option<Changes>, AppError> {
    if !client::user_allowed(&state.db, c, s.user.id).await? {
        return Ok(None);
    }
    let needs = authorize::requirements(state, c, &p.request, s.user.id, s.claims.iat, now).await?;
    let fresh = s.claims.amr.iter().any(|m| m == AMR_PASSKEY)
        && s.claims.iat >= model.created_at.timestamp();
    Ok(Some(Changes {
        user_id: Some(s.user.id),
        signed_in: true,
        consent_required: Some(needs.consent),
        reauthentication_required: Some(needs.reauth && !fresh),
        reauthenticated_at: fresh.then(|| DateTime::from_timestamp(s.claims.iat, 0).unwrap_or(now)),
    }))
}

/// Uses up the caller's reauthentication cookie; true when it was valid for `user`.
pub async fn consume_reauthentication(
    state: &AppState,
    headers: &HeaderMap,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let token = cookies::get(headers, REAUTHENTICATION_TOKEN, state.config.is_https());
    Ok(
        crate::features::passkeys::service::consume_reauthentication_token(
            &state.db,
            token.as_deref(),
            user,
            now,
        )
        .await?,
    )
}

/// A fresh passkey assertion (`POST /api/webauthn/reauthenticate`) must come first.
pub fn reauthentication_required() -> AppError {
    AppError::unauthorized(
        ErrorCode::ReauthenticationRequired,
        "Confirm with your passkey first",
    )
}

/// Complete the interaction's current step.
#[utoipa::path(post, path = "/api/oidc/interactions/{id}/complete", tag = "OIDC",
    params(("id" = String, Path, description = "Interaction id")),
    request_body = CompleteInteractionRequest,
    responses((status = 200, body = CompleteInteractionResponse), (status = 400, body = ApiError),
              (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn complete_interaction(
    State(state): State<AppState>,
    BrowserUser(s): BrowserUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<CompleteInteractionRequest>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let (model, mut p, c) = load(&state, &id).await?;
    let current = steps(&model).first().copied();
    if current != Some(body.step) {
        return Err(AppError::conflict(
            ErrorCode::InteractionStepMismatch,
            format!(
                "The current step is {}",
                current.map(InteractionStep::as_str).unwrap_or("none")
            ),
        ));
    }
    let bound_to_caller = model.user_id == Some(s.user.id);
    let changes = match body.step {
        InteractionStep::Authenticate | InteractionStep::SelectAccount => {
            let Some(changes) = bind_user(&state, &model, &p, &c, &s, now).await? else {
                store::interactions::delete(&state.db, model.id).await?;
                return Ok(redirect_response(
                    crate::features::oidc::protocol::request::error_url(NOT_ALLOWED),
                ));
            };
            changes
        }
        InteractionStep::Reauthenticate => {
            if !bound_to_caller {
                return Err(AppError::Forbidden);
            }
            if !consume_reauthentication(&state, &headers, s.user.id, now).await? {
                return Err(reauthentication_required());
            }
            Changes {
                reauthentication_required: Some(false),
                reauthenticated_at: Some(now),
                ..Changes::default()
            }
        }
        InteractionStep::Consent => {
            if !bound_to_caller {
                return Err(AppError::Forbidden);
            }
            let keys = crate::features::oidc::protocol::resource::consent_keys(
                p.request.audience.as_deref(),
                &p.request.scopes,
            );
            p.new_consent =
                consents::grant(&state.db, s.user.id, &c.id, &keys, now).await? || p.new_consent;
            Changes {
                consent_required: Some(false),
                ..Changes::default()
            }
        }
    };
    let params = serde_json::to_value(&p).unwrap_or_default();
    let updated = store::interactions::save(&state.db, model.clone(), changes, params).await?;
    if steps(&updated).is_empty() {
        return Ok(redirect_response(format!(
            "/authorize?interaction={}",
            model.id
        )));
    }
    Ok(Json(CompleteInteractionResponse {
        interaction: Some(dto(&state, &updated, &p, &c, Some(s.user.id)).await?),
        redirect_url: None,
    })
    .into_response())
}

/// Refuse the request: the client receives `access_denied`.
#[utoipa::path(post, path = "/api/oidc/interactions/{id}/cancel", tag = "OIDC",
    params(("id" = String, Path, description = "Interaction id")),
    responses((status = 200, body = CompleteInteractionResponse), (status = 404, body = ApiError)))]
pub async fn cancel_interaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (model, mut p, _) = load(&state, &id).await?;
    let id = model.id;
    p.denied = true;
    let params = serde_json::to_value(&p).unwrap_or_default();
    store::interactions::save(&state.db, model, Changes::default(), params).await?;
    Ok(redirect_response(format!("/authorize?interaction={id}")))
}

fn redirect_response(url: String) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(CompleteInteractionResponse {
            interaction: None,
            redirect_url: Some(url),
        }),
    )
        .into_response()
}
