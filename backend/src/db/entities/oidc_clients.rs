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
}

no_relations!();
