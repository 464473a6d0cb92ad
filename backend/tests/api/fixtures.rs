//! Test data, built the way the API tests need it: the first admin (signed in, with a passkey if
//! asked), users stored directly and signed in with a login code, groups with members, OIDC
//! clients (confidential or public) and API keys.
//!
//! ```ignore
//! let mut admin = admin(&app).await;
//! let bob = User::new("bob").email("bob@example.com").insert(&app).await;
//! let mut bob_client = sign_in(&app, bob.id).await;
//! let staff = Group::new("staff").members([bob.id]).insert(&app).await;
//! OidcClient::confidential("rp").insert(&app).await; // secret: SECRET
//! ```

use crate::authenticator::SoftAuthenticator;
use crate::helpers::{Client, TestApp, TestResponse, test_now};
use crate::passkeys::{ORIGIN, login, register};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use pocket_id::db::entities::{oidc_clients, user_groups, user_groups_users, users};
use pocket_id::features::oidc::clients::credentials::{
    Credentials, FederatedIdentity, StoredSecret,
};
use pocket_id::features::one_time_access::service as login_codes;
use pocket_shared::UserDto;
use pocket_shared::api_key::ApiKeyResponse;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;
use uuid::Uuid;

/// The redirect URI every [`OidcClient`] registers.
pub const CALLBACK: &str = "https://rp.example/callback";
/// The post-logout redirect URI every [`OidcClient`] registers.
pub const LOGOUT: &str = "https://rp.example/signed-out";
/// The secret of a confidential [`OidcClient`].
pub const SECRET: &str = "rp-secret-0123456789abcdefghijklmn";

// ---- The first admin ----

/// Creates the first admin ("admin", Ada Admin) through the setup API; `c` is then signed in.
pub async fn setup_admin(c: &mut Client<'_>) -> UserDto {
    let r = c
        .post(
            "/api/signup/setup",
            &json!({"username": "admin", "email": "admin@example.com", "firstName": "Ada", "lastName": "Admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

/// The first admin, signed in.
pub async fn admin(app: &TestApp) -> Client<'_> {
    let mut c = app.client();
    setup_admin(&mut c).await;
    c
}

/// The first admin, signed in, with one registered passkey on a software authenticator.
pub async fn admin_with_passkey(app: &TestApp) -> (Client<'_>, SoftAuthenticator) {
    let mut c = admin(app).await;
    let mut auth = SoftAuthenticator::new(ORIGIN);
    let r = register(&mut c, &mut auth).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    (c, auth)
}

/// The first admin, signed in again with their passkey (as an OIDC authorization wants).
pub async fn passkey_admin(app: &TestApp) -> Client<'_> {
    let (mut c, mut auth) = admin_with_passkey(app).await;
    assert_eq!(login(&mut c, &mut auth).await.status, StatusCode::OK);
    c
}

// ---- Users ----

/// A user to store directly: `User::new("bob")` is "bob" (first and display name too), with no
/// email, not an admin, enabled, in no group (the first admin comes from [`admin`]).
#[derive(Clone, Debug)]
pub struct User {
    username: String,
    email: Option<String>,
    first_name: String,
    last_name: String,
    display_name: String,
    email_verified: bool,
    groups: Vec<Uuid>,
}

impl User {
    pub fn new(username: &str) -> Self {
        Self {
            username: username.to_owned(),
            email: None,
            first_name: username.to_owned(),
            last_name: String::new(),
            display_name: username.to_owned(),
            email_verified: false,
            groups: Vec::new(),
        }
    }

    /// A user with a username of its own (`u` and a random suffix), for tests that need many.
    pub fn random() -> Self {
        Self::new(&format!("u{}", Uuid::new_v4().simple()))
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = Some(email.to_owned());
        self
    }

    /// First and last name; the display name becomes "first last".
    pub fn names(mut self, first: &str, last: &str) -> Self {
        self.first_name = first.to_owned();
        self.last_name = last.to_owned();
        self.display_name = format!("{first} {last}").trim().to_owned();
        self
    }

    pub fn display_name(mut self, name: &str) -> Self {
        self.display_name = name.to_owned();
        self
    }

    pub fn email_verified(mut self) -> Self {
        self.email_verified = true;
        self
    }

    /// Member of these groups (stored with the user).
    pub fn groups(mut self, groups: impl IntoIterator<Item = Uuid>) -> Self {
        self.groups.extend(groups);
        self
    }

    /// The row, created at the tests' "now", not yet stored (for bulk inserts and for tests of
    /// the schema itself). Group memberships are not part of it.
    pub fn model(&self) -> users::ActiveModel {
        users::ActiveModel {
            id: Set(Uuid::new_v4()),
            created_at: Set(test_now()),
            updated_at: Set(None),
            username: Set(self.username.clone()),
            email: Set(self.email.clone()),
            first_name: Set(self.first_name.clone()),
            last_name: Set(self.last_name.clone()),
            display_name: Set(self.display_name.clone()),
            is_admin: Set(false),
            ldap_id: Set(None),
            locale: Set(None),
            disabled: Set(false),
            email_verified: Set(self.email_verified),
        }
    }

    /// Stores the user and its group memberships.
    pub async fn insert(self, app: &TestApp) -> users::Model {
        let user = self.model().insert(&app.db).await.expect("insert user");
        for group in &self.groups {
            add_member(app, *group, user.id).await;
        }
        user
    }

    /// Stores the user and signs it in on a new client.
    pub async fn signed_in(self, app: &TestApp) -> Client<'_> {
        let user = self.insert(app).await;
        sign_in(app, user.id).await
    }
}

/// Redeems a new login code for `user` (as an admin makes one, 15 minutes) on a new client that
/// sends `headers` with every request; returns the client and the response to the sign-in.
pub async fn sign_in_with<'a>(
    app: &'a TestApp,
    user: Uuid,
    headers: &[(&str, &str)],
) -> (Client<'a>, TestResponse) {
    let code = login_codes::create(&app.db, user, login_codes::DEFAULT_TTL, app.clock_now())
        .await
        .expect("login code");
    let mut c = app.client();
    c.headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let r = redeem(&mut c, &code).await;
    (c, r)
}

/// Redeems the login code `code` on `c` (which is signed in if the code is good).
pub async fn redeem(c: &mut Client<'_>, code: &str) -> TestResponse {
    c.send(
        Method::POST,
        &format!("/api/one-time-access-token/{code}"),
        None,
    )
    .await
}

/// `user` signed in on a new client, through a login code.
pub async fn sign_in(app: &TestApp, user: Uuid) -> Client<'_> {
    let (c, r) = sign_in_with(app, user, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    c
}

// ---- Groups ----

/// A group to store directly: `Group::new("staff")` is named "staff", friendly name
/// "staff (friendly)", without members.
#[derive(Clone, Debug)]
pub struct Group {
    name: String,
    friendly_name: String,
    members: Vec<Uuid>,
}

impl Group {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            friendly_name: format!("{name} (friendly)"),
            members: Vec::new(),
        }
    }

    pub fn friendly(mut self, friendly_name: &str) -> Self {
        self.friendly_name = friendly_name.to_owned();
        self
    }

    pub fn members(mut self, users: impl IntoIterator<Item = Uuid>) -> Self {
        self.members.extend(users);
        self
    }

    /// Stores the group and its members; returns its id.
    pub async fn insert(self, app: &TestApp) -> Uuid {
        let id = Uuid::new_v4();
        user_groups::ActiveModel {
            id: Set(id),
            created_at: Set(test_now()),
            friendly_name: Set(self.friendly_name),
            name: Set(self.name),
            ldap_id: Set(None),
            updated_at: Set(None),
        }
        .insert(&app.db)
        .await
        .expect("insert group");
        for user in self.members {
            add_member(app, id, user).await;
        }
        id
    }
}

/// A group without members (`Group::new(name)`); returns its id.
pub async fn group(app: &TestApp, name: &str) -> Uuid {
    Group::new(name).insert(app).await
}

/// Puts `user` into `group`.
pub async fn add_member(app: &TestApp, group: Uuid, user: Uuid) {
    user_groups_users::ActiveModel {
        user_id: Set(user),
        user_group_id: Set(group),
    }
    .insert(&app.db)
    .await
    .expect("insert group member");
}

// ---- OIDC clients ----

/// An OIDC client to store as the admin API would: named "App {id}", redirecting to
/// [`CALLBACK`] (and [`LOGOUT`] after sign-out), with the secret [`SECRET`] unless public.
#[derive(Clone, Debug)]
pub struct OidcClient {
    pub id: &'static str,
    pub public: bool,
    pub pkce: bool,
    pub callbacks: Vec<String>,
    pub skip_consent: bool,
    pub reauth: bool,
    pub par: bool,
    pub device: bool,
    pub federated: Vec<FederatedIdentity>,
    pub secret_expires: Option<DateTime<Utc>>,
}

impl OidcClient {
    /// A confidential client (secret [`SECRET`], PKCE optional).
    pub fn confidential(id: &'static str) -> Self {
        Self {
            id,
            public: false,
            pkce: false,
            callbacks: vec![CALLBACK.into()],
            skip_consent: false,
            reauth: false,
            par: false,
            device: false,
            federated: vec![],
            secret_expires: None,
        }
    }

    /// A public client (no secret, PKCE required).
    pub fn public(id: &'static str) -> Self {
        Self {
            public: true,
            pkce: true,
            ..Self::confidential(id)
        }
    }

    pub fn skip_consent(mut self) -> Self {
        self.skip_consent = true;
        self
    }

    pub fn reauth(mut self) -> Self {
        self.reauth = true;
        self
    }

    pub fn par(mut self) -> Self {
        self.par = true;
        self
    }

    /// May use the device authorization grant.
    pub fn device(mut self) -> Self {
        self.device = true;
        self
    }

    pub fn federated(mut self, identity: FederatedIdentity) -> Self {
        self.federated.push(identity);
        self
    }

    pub fn secret_expires(mut self, at: DateTime<Utc>) -> Self {
        self.secret_expires = Some(at);
        self
    }

    /// Stores the client; returns its id (its secret, if any, is [`SECRET`]).
    pub async fn insert(self, app: &TestApp) -> &'static str {
        let now = app.clock_now();
        let creds = Credentials {
            federated_identities: self.federated,
            secrets: if self.public {
                vec![]
            } else {
                vec![StoredSecret::new(SECRET, now, self.secret_expires)]
            },
        };
        oidc_clients::ActiveModel {
            id: Set(self.id.to_owned()),
            created_at: Set(now),
            name: Set(Some(format!("App {}", self.id))),
            callback_urls: Set(Some(json!(self.callbacks))),
            image_type: Set(None),
            created_by_id: Set(None),
            is_public: Set(self.public),
            pkce_enabled: Set(self.pkce),
            logout_callback_urls: Set(Some(json!([LOGOUT]))),
            credentials: Set(Some(creds.to_column())),
            launch_url: Set(None),
            requires_reauthentication: Set(self.reauth),
            dark_image_type: Set(None),
            is_group_restricted: Set(false),
            requires_pushed_authorization_requests: Set(self.par),
            skip_consent: Set(self.skip_consent),
            pkce_supported: Set(false),
            description: Set(String::new()),
            client_type: Set("standard".into()),
            metadata_expires_at: Set(None),
            metadata_grant_types: Set(None),
            access_token_duration_minutes: Set(60),
            refresh_token_duration_minutes: Set(43_200),
            device_code_enabled: Set(self.device),
        }
        .insert(&app.db)
        .await
        .expect("insert client");
        self.id
    }
}

// ---- API keys ----

/// An API key of the signed-in client `c`, expiring in `days` (made through the browser-only
/// route, so `c` must hold a session).
pub async fn api_key(c: &mut Client<'_>, name: &str, days: i64) -> ApiKeyResponse {
    let expires = (test_now() + Duration::days(days)).to_rfc3339();
    let r = c
        .post(
            "/api/api-keys",
            &json!({"name": name, "expiresAt": expires}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}
