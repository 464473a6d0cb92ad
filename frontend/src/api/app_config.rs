//! Calls to the application-configuration endpoints.

use super::{ClientError, get_json};
use pocket_shared::{AppConfigVariable, PublicAppConfig};

/// Loads the public (unauthenticated) configuration and reads it into its typed view.
pub async fn load_public() -> Result<PublicAppConfig, ClientError> {
    let vars: Vec<AppConfigVariable> = get_json("/api/application-configuration").await?;
    Ok(PublicAppConfig::from_variables(&vars))
}
