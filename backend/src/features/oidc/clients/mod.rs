//! OIDC client administration: `/api/oidc/clients` (CRUD, secrets, allowed groups, public
//! metadata) and the stored client model the protocol endpoints read.

pub mod credentials;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

/// Routes of the client administration.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
