//! The administrators' view of the application configuration: every key
//! (`GET /api/application-configuration/all`) and the full replace
//! (`PUT /api/application-configuration`, refused with `ui_config_disabled` when the
//! environment is the source).

use super::{ClientError, get_json, send_json};
use gloo_net::http::Request;
use pocket_shared::AppConfigVariable;
use pocket_shared::app_config::{AdminAppConfigVariable, AppConfigUpdateRequest};
use std::collections::BTreeMap;

/// Every configuration key with its value (secrets redacted when the environment is the
/// source).
pub async fn load_all() -> Result<Vec<AdminAppConfigVariable>, ClientError> {
    get_json("/api/application-configuration/all").await
}

/// Saves the whole configuration (`{key: value}` for every key; an empty value resets the
/// key to its default) and returns every key as now stored (read without `isPublic`, which
/// the save does not change).
pub async fn save(
    values: &BTreeMap<String, String>,
) -> Result<Vec<AppConfigVariable>, ClientError> {
    let request =
        AppConfigUpdateRequest::from_pairs(values.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    send_json(Request::put("/api/application-configuration"), &request).await
}
