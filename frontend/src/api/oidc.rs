//! The OpenID Connect provider's browser-facing API: authorization interactions (the steps the
//! `/interaction` page walks), device-code approval (`/device`) and client logos.

use super::{ClientError, get_json, segment, send_for_json, send_json, send_without_answer};
use crate::routes::guard::encode_uri_component;
use gloo_net::http::Request;
use pocket_shared::oidc::{
    CompleteInteractionRequest, CompleteInteractionResponse, DeviceCodeInfoDto, InteractionDto,
    InteractionStep,
};

fn interaction_path(id: &str) -> String {
    format!("/api/oidc/interactions/{}", segment(id))
}

/// A pending authorization request and its remaining steps; `interaction_not_found` (404) when
/// it is unknown, used or expired.
pub async fn interaction(id: &str) -> Result<InteractionDto, ClientError> {
    get_json(&interaction_path(id)).await
}

/// Completes `step`, which must be the interaction's current step
/// (`interaction_step_mismatch` otherwise).
pub async fn complete_interaction(
    id: &str,
    step: InteractionStep,
) -> Result<CompleteInteractionResponse, ClientError> {
    let path = format!("{}/complete", interaction_path(id));
    send_json(Request::post(&path), &CompleteInteractionRequest { step }).await
}

/// Refuses the authorization request; the answer's `redirectUrl` takes the browser back to the
/// client with `error=access_denied`.
pub async fn cancel_interaction(id: &str) -> Result<CompleteInteractionResponse, ClientError> {
    let path = format!("{}/cancel", interaction_path(id));
    send_for_json(Request::post(&path)).await
}

/// Where the browser resumes an interaction that has no step left: the server's `/authorize`,
/// which restores the original request from its own records.
pub fn resume_url(id: &str) -> String {
    format!("/authorize?interaction={}", encode_uri_component(id))
}

fn device_path(action: &str, code: &str) -> String {
    format!(
        "/api/oidc/device/{action}?code={}",
        encode_uri_component(code)
    )
}

/// What a device asks for; `device_code_invalid` when the code is unknown or expired.
pub async fn device_info(code: &str) -> Result<DeviceCodeInfoDto, ClientError> {
    get_json(&device_path("info", code)).await
}

/// Approves the device (204); `oidc_access_denied` (403) when the user may not use the client.
pub async fn verify_device_code(code: &str) -> Result<(), ClientError> {
    send_without_answer(Request::post(&device_path("verify", code))).await
}

/// Refuses the device (204); its polling then ends with `access_denied`.
pub async fn deny_device_code(code: &str) -> Result<(), ClientError> {
    send_without_answer(Request::post(&device_path("deny", code))).await
}

/// A client's logo: the light variant, or the dark one for dark colour schemes.
pub fn client_logo_url(client_id: &str, light: bool) -> String {
    format!(
        "/api/oidc/clients/{}/logo?light={light}",
        segment(client_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_ids_and_codes() {
        assert_eq!(interaction_path("a/b"), "/api/oidc/interactions/a%2Fb");
        assert_eq!(
            device_path("info", "E123 4&x"),
            "/api/oidc/device/info?code=E123%204%26x"
        );
        assert_eq!(resume_url("abc-1"), "/authorize?interaction=abc-1");
        assert_eq!(
            client_logo_url("nextcloud", false),
            "/api/oidc/clients/nextcloud/logo?light=false"
        );
    }

    #[test]
    fn complete_answers_decode_with_either_field() {
        let r: CompleteInteractionResponse =
            serde_json::from_str(r#"{"redirectUrl":"/authorize?interaction=x"}"#).unwrap();
        assert_eq!(r.redirect_url.as_deref(), Some("/authorize?interaction=x"));
        assert!(r.interaction.is_none());
    }
}
