//! One rule for ids in paths: an id that cannot be an id at all (a malformed UUID, a bad `~`
//! encoding of a client id) answers 404 `not_found`, like an unknown id.

use crate::db_test;
use crate::fixtures::setup_admin;
use crate::helpers::TestApp;
use axum::http::{Method, StatusCode};
use pocket_shared::{ApiError, ErrorCode};
use serde_json::json;
use uuid::Uuid;

db_test!(
    malformed_path_ids_are_not_found,
    |app: TestApp| async move {
        let mut c = app.client();
        let admin = setup_admin(&mut c).await.id;
        let some = Uuid::new_v4();
        for (method, path) in [
            (Method::GET, "/api/users/not-a-uuid".to_owned()),
            (
                Method::GET,
                "/api/users/not-a-uuid/profile-picture.png".into(),
            ),
            (Method::GET, "/api/user-groups/not-a-uuid".into()),
            (Method::DELETE, "/api/api-keys/not-a-uuid".into()),
            (Method::GET, "/api/apis/not-a-uuid".into()),
            (Method::GET, "/api/oidc/clients/~***".into()),
            (Method::DELETE, "/api/oidc/clients/~***".into()),
            (Method::GET, "/api/api-access/~***/apis".into()),
            (Method::DELETE, format!("/api/apis/{some}/clients/~***")),
            (
                Method::GET,
                "/api/oidc/users/not-a-uuid/authorized-clients".into(),
            ),
            (
                Method::DELETE,
                "/api/oidc/users/me/authorized-clients/~***".into(),
            ),
            (
                Method::DELETE,
                "/api/webauthn/credentials/not-a-uuid".into(),
            ),
            (
                Method::DELETE,
                format!("/api/users/{admin}/webauthn-credentials/not-a-uuid"),
            ),
        ] {
            let r = c.send(method.clone(), &path, None).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path}: {}",
                r.text()
            );
            assert_eq!(
                r.json::<ApiError>().code,
                ErrorCode::NotFound,
                "{method} {path}"
            );
        }
        // With a body, the path still decides first.
        let r = c
            .send(
                Method::PATCH,
                "/api/webauthn/credentials/not-a-uuid",
                Some(&json!({"name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);
