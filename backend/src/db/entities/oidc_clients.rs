//! Entity for the `oidc_clients` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub created_at: DateTimeUtc,
    pub name: Option<String>,
    pub callback_urls: Option<Json>,
    pub image_type: Option<String>,
    pub created_by_id: Option<Uuid>,
    pub is_public: bool,
    pub pkce_enabled: bool,
    pub logout_callback_urls: Option<Json>,
    pub credentials: Option<Json>,
    pub launch_url: Option<String>,
    pub requires_reauthentication: bool,
    pub dark_image_type: Option<String>,
    pub is_group_restricted: bool,
    pub requires_pushed_authorization_requests: bool,
    pub skip_consent: bool,
    pub pkce_supported: bool,
    pub description: String,
    pub client_type: String,
    pub metadata_expires_at: Option<DateTimeUtc>,
    pub metadata_grant_types: Option<Json>,
    pub access_token_duration_minutes: i64,
    pub refresh_token_duration_minutes: i64,
    /// May use the device authorization grant (off unless an administrator enables it).
    pub device_code_enabled: bool,
}

no_relations!();

#[cfg(test)]
impl Model {
    /// A standard confidential client as a fresh row has it (column defaults), for unit tests:
    /// change what a test is about with `Model { name: .., ..Model::example("id") }`.
    pub fn example(id: &str) -> Self {
        Self {
            id: id.into(),
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
            name: None,
            callback_urls: None,
            image_type: None,
            created_by_id: None,
            is_public: false,
            pkce_enabled: false,
            logout_callback_urls: None,
            credentials: None,
            launch_url: None,
            requires_reauthentication: false,
            dark_image_type: None,
            is_group_restricted: false,
            requires_pushed_authorization_requests: false,
            skip_consent: false,
            pkce_supported: false,
            description: String::new(),
            client_type: "standard".into(),
            metadata_expires_at: None,
            metadata_grant_types: None,
            access_token_duration_minutes: 60,
            refresh_token_duration_minutes: 43_200,
            device_code_enabled: false,
        }
    }
}
