//! Rules of the client administration: validation, the API views, create/update/delete,
//! allowed groups and client secrets. Also the views the protocol endpoints reuse
//! ([`meta_dto`], [`callback_urls`]).

use super::credentials::{Credentials, FederatedIdentity, StoredSecret};
use super::repo::{self, ListFilter, SortColumn};
use crate::db::entities::oidc_clients::{ActiveModel, Column, Model};
use crate::error::{AppError, unknown_entries, validated};
use crate::list::ListParams;
use chrono::{DateTime, Utc};
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::{
    OidcClientAllowedUserGroupsRequest, OidcClientCreateRequest, OidcClientCredentialsDto,
    OidcClientDto, OidcClientFederatedIdentityDto, OidcClientListItemDto, OidcClientListResponse,
    OidcClientSecretCreateRequest, OidcClientSecretCreatedDto, OidcClientSecretDto,
    OidcClientUpdateRequest, OidcClientWithGroupsDto, rules,
};
use pocket_shared::user::UserGroupSummaryDto;
use pocket_shared::{ErrorCode, FieldError};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, Set, TransactionSession, TransactionTrait,
};
use std::collections::BTreeSet;
use uuid::Uuid;

/// `client_type` of clients registered here (the other is `cimd`, metadata documents).
pub const CLIENT_TYPE_STANDARD: &str = "standard";
/// `client_type` of clients described by an OAuth Client ID Metadata Document.
pub const CLIENT_TYPE_CIMD: &str = "cimd";
/// Length of a generated client secret: 32 of 62 characters, about 190 bits.
pub const GENERATED_SECRET_LEN: usize = 32;
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn not_found() -> AppError {
    AppError::NotFound("OIDC client")
}

/// The public facts about a client (consent, device and "My Apps" pages).
pub fn meta_dto(c: &Model) -> OidcClientMetaDto {
    OidcClientMetaDto {
        id: c.id.clone(),
        // A client without a name is shown by its id rather than as a blank.
        name: c.name.clone().unwrap_or_else(|| c.id.clone()),
        description: c.description.clone(),
        has_logo: c.image_type.is_some(),
        has_dark_logo: c.dark_image_type.is_some(),
        launch_url: c.launch_url.clone(),
        requires_reauthentication: c.requires_reauthentication,
        client_type: c.client_type.clone(),
    }
}

fn string_list(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The registered redirect URI patterns (empty when none: every redirect URI is refused).
pub fn callback_urls(c: &Model) -> Vec<String> {
    string_list(c.callback_urls.as_ref())
}

/// The registered post-logout redirect URI patterns.
pub fn logout_callback_urls(c: &Model) -> Vec<String> {
    string_list(c.logout_callback_urls.as_ref())
}

/// A secret's metadata (never its value or hash).
pub fn secret_dto(s: &StoredSecret, now: DateTime<Utc>) -> OidcClientSecretDto {
    OidcClientSecretDto {
        id: s.id.clone(),
        prefix: s.prefix.clone(),
        created_at: s.created_at.to_rfc3339(),
        expires_at: s.expires_at.map(|e| e.to_rfc3339()),
        is_active: s.is_active(now),
    }
}

fn identity_dto(f: &FederatedIdentity) -> OidcClientFederatedIdentityDto {
    OidcClientFederatedIdentityDto {
        issuer: f.issuer.clone(),
        subject: f.subject.clone(),
        audience: f.audience.clone(),
        jwks: f.jwks.clone(),
        replay_protection: f.replay_protection,
    }
}

fn identity_from_dto(d: &OidcClientFederatedIdentityDto) -> FederatedIdentity {
    FederatedIdentity {
        issuer: d.issuer.clone(),
        subject: d.subject.clone(),
        audience: d.audience.clone(),
        jwks: d.jwks.clone(),
        replay_protection: d.replay_protection,
    }
}

/// The admin view of a client; `now` decides which secrets are active.
pub fn to_dto(c: &Model, now: DateTime<Utc>) -> OidcClientDto {
    let creds = Credentials::of(c);
    let meta = meta_dto(c);
    OidcClientDto {
        id: meta.id,
        name: meta.name,
        description: meta.description,
        has_logo: meta.has_logo,
        has_dark_logo: meta.has_dark_logo,
        launch_url: meta.launch_url,
        requires_reauthentication: meta.requires_reauthentication,
        client_type: meta.client_type,
        callback_urls: callback_urls(c),
        logout_callback_urls: logout_callback_urls(c),
        is_public: c.is_public,
        pkce_enabled: c.pkce_enabled,
        requires_pushed_authorization_requests: c.requires_pushed_authorization_requests,
        skip_consent: c.skip_consent,
        device_code_enabled: c.device_code_enabled,
        credentials: OidcClientCredentialsDto {
            federated_identities: creds
                .federated_identities
                .iter()
                .map(identity_dto)
                .collect(),
            secrets: creds.secrets.iter().map(|s| secret_dto(s, now)).collect(),
        },
        is_group_restricted: c.is_group_restricted,
        pkce_supported: c.pkce_supported,
        access_token_duration_minutes: c.access_token_duration_minutes,
        refresh_token_duration_minutes: c.refresh_token_duration_minutes,
        created_at: c.created_at.to_rfc3339(),
    }
}

/// The admin view of a client with its allowed user groups.
pub async fn with_groups(
    db: &impl ConnectionTrait,
    c: &Model,
    now: DateTime<Utc>,
) -> Result<OidcClientWithGroupsDto, DbErr> {
    let groups = repo::find_allowed_groups(db, &c.id).await?;
    Ok(OidcClientWithGroupsDto {
        client: to_dto(c, now),
        allowed_user_groups: groups
            .into_iter()
            .map(|g| UserGroupSummaryDto {
                id: g.id.to_string(),
                friendly_name: g.friendly_name,
                name: g.name,
            })
            .collect(),
    })
}

/// The client, or 404.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Model, AppError> {
    repo::find(db, id).await?.ok_or_else(not_found)
}

/// Sort columns of the client list (`allowedUserGroups` is an older spelling).
const SORT_COLUMNS: &[(&str, SortColumn)] = &[
    ("name", SortColumn::Name),
    ("description", SortColumn::Description),
    ("createdAt", SortColumn::CreatedAt),
    ("clientType", SortColumn::ClientType),
    ("allowedUserGroupsCount", SortColumn::AllowedUserGroupsCount),
    ("allowedUserGroups", SortColumn::AllowedUserGroupsCount),
];

/// Boolean `filters[...]` of the client list and the column each one tests.
pub const FLAG_FILTERS: &[(&str, Column)] = &[
    ("pkceEnabled", Column::PkceEnabled),
    ("requiresReauthentication", Column::RequiresReauthentication),
    (
        "requiresPushedAuthorizationRequests",
        Column::RequiresPushedAuthorizationRequests,
    ),
    ("skipConsent", Column::SkipConsent),
    ("isGroupRestricted", Column::IsGroupRestricted),
    ("pkceSupported", Column::PkceSupported),
    ("isPublic", Column::IsPublic),
];

/// The list filter of `params`: search, the boolean filters and `filters[clientType]`
/// (repeatable; `standard` or `cimd`).
fn list_filter(params: &ListParams) -> Result<ListFilter, AppError> {
    let mut f = ListFilter {
        search: params.search.clone(),
        ..Default::default()
    };
    for (name, column) in FLAG_FILTERS {
        if let Some(v) = params.bool_filter(name)? {
            f.flags.push((*column, v));
        }
    }
    for t in params.filters.get("clientType").into_iter().flatten() {
        let t = t.trim();
        match t {
            "" => {}
            CLIENT_TYPE_STANDARD | CLIENT_TYPE_CIMD => f.client_types.push(t.to_owned()),
            _ => {
                return Err(AppError::field(
                    "filters[clientType]",
                    "invalid_format",
                    "must be standard or cimd",
                ));
            }
        }
    }
    Ok(f)
}

/// One page of clients with their allowed-group counts. As in Pocket ID, a page below 1 is
/// page 1, past the end the last page, and the page size defaults to 20, at most 100.
pub async fn list(
    db: &impl ConnectionTrait,
    params: &ListParams,
    now: DateTime<Utc>,
) -> Result<OidcClientListResponse, AppError> {
    let sort = params.sort(SORT_COLUMNS, SortColumn::Name)?;
    let filter = list_filter(params)?;
    let total = repo::count_matching(db, &filter).await?;
    let (pagination, slice) = params.slice(total, sort);
    let clients = repo::find_page(db, &filter, slice).await?;
    let counts =
        repo::count_allowed_groups(db, clients.iter().map(|c| c.id.clone()).collect()).await?;
    Ok(OidcClientListResponse {
        data: clients
            .iter()
            .map(|c| OidcClientListItemDto {
                client: to_dto(c, now),
                allowed_user_groups_count: counts.get(&c.id).copied().unwrap_or(0),
            })
            .collect(),
        pagination,
    })
}

fn minutes(v: Option<i64>, default: i64) -> i64 {
    // Absent or 0 is the default, as in Pocket ID (`cmp.Or`).
    v.filter(|m| *m != 0).unwrap_or(default)
}

/// Writes the editable fields of `req` (normalized and validated) onto `a`. For metadata
/// document clients only the locally managed fields change: the rest comes from the document.
fn apply(a: &mut ActiveModel, req: &OidcClientUpdateRequest, cimd: bool, mut creds: Credentials) {
    a.description = Set(req.description.clone());
    a.requires_reauthentication = Set(req.requires_reauthentication);
    a.requires_pushed_authorization_requests = Set(req.requires_pushed_authorization_requests);
    a.skip_consent = Set(req.skip_consent);
    if let Some(enabled) = req.device_code_enabled {
        a.device_code_enabled = Set(enabled);
    }
    a.launch_url = Set(req.launch_url.clone());
    a.is_group_restricted = Set(req.is_group_restricted);
    a.access_token_duration_minutes = Set(minutes(
        req.access_token_duration_minutes,
        rules::DEFAULT_ACCESS_TOKEN_MINUTES,
    ));
    a.refresh_token_duration_minutes = Set(minutes(
        req.refresh_token_duration_minutes,
        rules::DEFAULT_REFRESH_TOKEN_MINUTES,
    ));
    if cimd {
        return;
    }
    a.name = Set(Some(req.name.clone()));
    a.callback_urls = Set(Some(serde_json::json!(req.callback_urls)));
    a.logout_callback_urls = Set(Some(serde_json::json!(req.logout_callback_urls)));
    a.is_public = Set(req.is_public);
    // Public clients cannot keep a secret, so PKCE is what binds the code to the client.
    let pkce = req.is_public || req.pkce_enabled;
    a.pkce_enabled = Set(pkce);
    if !pkce {
        // The "this client supports PKCE, turn it on?" hint starts over.
        a.pkce_supported = Set(false);
    }
    // Secrets are kept: they are managed through their own endpoints.
    creds.federated_identities = req
        .credentials
        .federated_identities
        .iter()
        .map(identity_from_dto)
        .collect();
    a.credentials = Set(Some(creds.to_column()));
}

/// A create request normalized, or its field errors.
pub fn validated_create(req: OidcClientCreateRequest) -> Result<OidcClientCreateRequest, AppError> {
    let req = OidcClientCreateRequest {
        id: req
            .id
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty()),
        client: req.client.normalized(),
    };
    validated(rules::create_errors(&req))?;
    Ok(req)
}

/// An update request normalized, or its field errors.
pub fn validated_update(req: OidcClientUpdateRequest) -> Result<OidcClientUpdateRequest, AppError> {
    let req = req.normalized();
    validated(rules::client_errors(&req))?;
    Ok(req)
}

/// Registers a client. No secret is created: the admin adds one afterwards if needed.
pub async fn create(
    db: &impl ConnectionTrait,
    req: OidcClientCreateRequest,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Model, AppError> {
    let req = validated_create(req)?;
    let id = req.id.unwrap_or_else(|| Uuid::new_v4().to_string());
    if repo::find(db, &id).await?.is_some() {
        return Err(AppError::AlreadyInUse("client ID"));
    }
    let mut active = ActiveModel {
        id: Set(id),
        created_at: Set(now),
        created_by_id: Set(created_by),
        client_type: Set(CLIENT_TYPE_STANDARD.into()),
        pkce_supported: Set(false),
        image_type: Set(None),
        dark_image_type: Set(None),
        metadata_expires_at: Set(None),
        metadata_grant_types: Set(None),
        ..Default::default()
    };
    apply(&mut active, &req.client, false, Credentials::default());
    // A concurrent create with the same id won the race.
    active
        .insert(db)
        .await
        .map_err(AppError::in_use("client ID"))
}

/// Replaces the editable fields of a client. Lifting the group restriction forgets the
/// allowed groups (as in Pocket ID).
pub async fn update(
    db: &impl TransactionTrait,
    id: &str,
    req: OidcClientUpdateRequest,
) -> Result<Model, AppError> {
    let req = validated_update(req)?;
    let txn = db.begin().await?;
    let client = repo::find_for_update(&txn, id)
        .await?
        .ok_or_else(not_found)?;
    let cimd = client.client_type == CLIENT_TYPE_CIMD;
    let creds = Credentials::of(&client);
    let mut active: ActiveModel = client.into();
    apply(&mut active, &req, cimd, creds);
    if !req.is_group_restricted {
        repo::clear_allowed_groups(&txn, id).await?;
    }
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a client with everything that hangs off it in the database; the deleted client
/// (its logo files are the caller's to remove).
pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<Model, AppError> {
    let client = get(db, id).await?;
    match repo::delete(db, id).await? {
        0 => Err(not_found()),
        _ => Ok(client),
    }
}

/// Makes exactly these user groups the client's allowed groups. Unknown or malformed ids are
/// refused (Pocket ID skips them silently, which hides typos in API scripts).
pub async fn set_allowed_groups(
    db: &impl TransactionTrait,
    id: &str,
    req: &OidcClientAllowedUserGroupsRequest,
) -> Result<Model, AppError> {
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (i, raw) in req.user_group_ids.iter().enumerate() {
        match Uuid::parse_str(raw.trim()) {
            Ok(u) => ids.push((i, u)),
            Err(_) => errors.push(FieldError {
                field: format!("userGroupIds[{i}]"),
                code: "invalid_format".into(),
                message: "must be a valid UUID".into(),
            }),
        }
    }
    validated(errors)?;
    let unique: Vec<Uuid> = ids
        .iter()
        .map(|(_, u)| *u)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let txn = db.begin().await?;
    let client = repo::find_for_update(&txn, id)
        .await?
        .ok_or_else(not_found)?;
    let known: BTreeSet<Uuid> = repo::find_groups(&txn, unique.clone())
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    // Every entry parsed (or we returned above), so positions are the request's indexes.
    let parsed: Vec<Uuid> = ids.iter().map(|(_, u)| *u).collect();
    validated(unknown_entries(
        "userGroupIds",
        &parsed,
        &known,
        "user group",
    ))?;
    repo::replace_allowed_groups(&txn, id, &unique).await?;
    txn.commit().await?;
    Ok(client)
}

/// The client's secrets (expired ones too), oldest first.
pub async fn list_secrets(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<OidcClientSecretDto>, AppError> {
    let client = get(db, id).await?;
    Ok(Credentials::of(&client)
        .secrets
        .iter()
        .map(|s| secret_dto(s, now))
        .collect())
}

/// Parses an optional `expiresAt`, which must lie after `now`.
fn expiry(raw: Option<&str>, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let err = |code: &str, message: &str| FieldError {
        field: "expiresAt".into(),
        code: code.into(),
        message: message.into(),
    };
    let at = DateTime::parse_from_rfc3339(raw)
        .map_err(|_| err("invalid_format", "must be an RFC 3339 date and time"))?
        .with_timezone(&Utc);
    // A secret that is already expired could never be used.
    if at <= now {
        return Err(err("out_of_range", "must be in the future"));
    }
    Ok(Some(at))
}

/// Adds a secret (the caller's or a generated one) and returns it in clear text, the only
/// time it is available: only its SHA-256 is stored.
pub async fn create_secret(
    db: &impl TransactionTrait,
    id: &str,
    req: OidcClientSecretCreateRequest,
    now: DateTime<Utc>,
) -> Result<OidcClientSecretCreatedDto, AppError> {
    let mut errors = rules::secret_errors(&req);
    let expires_at = expiry(req.expires_at.as_deref(), now).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    validated(errors)?;
    let txn = db.begin().await?;
    let client = repo::find_for_update(&txn, id)
        .await?
        .ok_or_else(not_found)?;
    if client.is_public {
        return Err(AppError::bad_request(
            ErrorCode::PublicClientSecretNotAllowed,
            "Public clients cannot have a client secret",
        ));
    }
    let mut creds = Credentials::of(&client);
    if !creds.has_room_for_secret() {
        return Err(AppError::bad_request(
            ErrorCode::TooManyClientSecrets,
            "A client cannot have more than 20 secrets; delete one first",
        ));
    }
    let secret = req
        .secret
        .unwrap_or_else(|| crate::crypto::random_from(SECRET_ALPHABET, GENERATED_SECRET_LEN));
    let stored = StoredSecret::new(&secret, now, expires_at);
    creds.secrets.push(stored.clone());
    let mut active: ActiveModel = client.into();
    active.credentials = Set(Some(creds.to_column()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(OidcClientSecretCreatedDto {
        id: stored.id,
        secret,
        prefix: stored.prefix,
        created_at: stored.created_at.to_rfc3339(),
        expires_at: stored.expires_at.map(|e| e.to_rfc3339()),
        is_active: true,
    })
}

/// Removes one secret; it stops working at once.
pub async fn delete_secret(
    db: &impl TransactionTrait,
    id: &str,
    secret_id: &str,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let client = repo::find_for_update(&txn, id)
        .await?
        .ok_or_else(not_found)?;
    let mut creds = Credentials::of(&client);
    if !creds.remove_secret(secret_id) {
        return Err(AppError::NotFound("Client secret"));
    }
    let mut active: ActiveModel = client.into();
    active.credentials = Set(Some(creds.to_column()));
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Order;

    fn client() -> Model {
        Model {
            created_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            name: Some("App".into()),
            callback_urls: Some(serde_json::json!(["https://app.example/cb"])),
            image_type: Some("png".into()),
            launch_url: Some("https://app.example".into()),
            requires_reauthentication: true,
            pkce_supported: true,
            description: "d".into(),
            client_type: CLIENT_TYPE_STANDARD.into(),
            ..Model::example("c1")
        }
    }

    #[test]
    fn meta_and_lists_read_the_columns() {
        let c = client();
        let m = meta_dto(&c);
        assert_eq!(
            (m.name.as_str(), m.has_logo, m.has_dark_logo),
            ("App", true, false)
        );
        assert!(m.requires_reauthentication);
        assert_eq!(callback_urls(&c), ["https://app.example/cb"]);
        assert!(logout_callback_urls(&c).is_empty());
    }

    #[test]
    fn public_forces_pkce_and_pkce_off_resets_the_hint() {
        let mut a: ActiveModel = client().into();
        let req = OidcClientUpdateRequest {
            name: "App".into(),
            is_public: true,
            ..Default::default()
        };
        apply(&mut a, &req, false, Credentials::default());
        assert_eq!(a.pkce_enabled, Set(true));
        assert!(
            !a.pkce_supported.is_set(),
            "PKCE stays on: the hint is kept"
        );
        let mut a: ActiveModel = client().into();
        apply(
            &mut a,
            &OidcClientUpdateRequest {
                name: "App".into(),
                ..Default::default()
            },
            false,
            Credentials::default(),
        );
        assert_eq!(a.pkce_enabled, Set(false));
        assert_eq!(a.pkce_supported, Set(false));
        assert_eq!(a.access_token_duration_minutes, Set(60));
        assert!(
            !a.device_code_enabled.is_set(),
            "an update without the flag keeps the device flow as it was"
        );
    }

    #[test]
    fn metadata_document_clients_keep_their_registration() {
        let mut a: ActiveModel = client().into();
        let req = OidcClientUpdateRequest {
            name: "Renamed".into(),
            skip_consent: true,
            ..Default::default()
        };
        apply(&mut a, &req, true, Credentials::default());
        assert!(!a.name.is_set());
        assert!(!a.callback_urls.is_set());
        assert_eq!(a.skip_consent, Set(true));
    }

    #[test]
    fn expiry_must_be_future_rfc3339() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(expiry(None, now), Ok(None));
        assert_eq!(expiry(Some(" "), now), Ok(None));
        assert_eq!(
            expiry(Some("2027-01-16T08:00:00+01:00"), now)
                .unwrap()
                .unwrap()
                .to_rfc3339(),
            "2027-01-16T07:00:00+00:00"
        );
        assert_eq!(
            expiry(Some("tomorrow"), now).unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(
            expiry(Some(&now.to_rfc3339()), now).unwrap_err().code,
            "out_of_range"
        );
    }

    #[test]
    fn list_filters() {
        let p = ListParams::parse(
            "search=wiki&filters[pkceEnabled]=true&filters[skipConsent]=false\
             &filters[clientType]=cimd&filters[clientType]=standard",
        )
        .unwrap();
        let f = list_filter(&p).unwrap();
        assert_eq!(f.search.as_deref(), Some("wiki"));
        let flags: Vec<String> = f.flags.iter().map(|(c, v)| format!("{c:?}={v}")).collect();
        assert_eq!(flags, ["PkceEnabled=true", "SkipConsent=false"]);
        assert_eq!(f.client_types, ["cimd", "standard"]);
        let bad = |q: &str| match list_filter(&ListParams::parse(q).unwrap()) {
            Err(AppError::Validation(v)) => v[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(bad("filters[clientType]=other"), "filters[clientType]");
        assert_eq!(
            bad("filters[isGroupRestricted]=maybe"),
            "filters[isGroupRestricted]"
        );
        let p = ListParams::parse("sort[column]=allowedUserGroups&sort[direction]=desc").unwrap();
        assert_eq!(
            p.sort(SORT_COLUMNS, SortColumn::Name).unwrap(),
            (SortColumn::AllowedUserGroupsCount, Order::Desc)
        );
    }
}
