//! "My Apps": the clients the signed-in user may sign in to (`/api/oidc/users/me/clients`) and
//! revoking a client's access (`DELETE /api/oidc/users/me/authorized-clients/:clientId`, which
//! also revokes the tokens it was given).

use super::list::{ListQuery, ListResponse, fetch_list};
use super::oidc_clients::path_id;
use super::{ClientError, segment, send_without_answer};
use gloo_net::http::Request;
use pocket_shared::oidc_client::AccessibleOidcClientDto;

/// A page of the clients the user may use (`filters[hasLaunchURL]`).
pub async fn list(query: &ListQuery) -> Result<ListResponse<AccessibleOidcClientDto>, ClientError> {
    fetch_list("/api/oidc/users/me/clients", query).await
}

/// Forgets the user's consent to `client_id` and revokes the tokens it holds.
pub async fn revoke(client_id: &str) -> Result<(), ClientError> {
    let path = format!(
        "/api/oidc/users/me/authorized-clients/{}",
        segment(&path_id(client_id))
    );
    send_without_answer(Request::delete(&path)).await
}
