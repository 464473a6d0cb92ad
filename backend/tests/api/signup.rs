//! Self-signup and signup tokens: the three modes, token creation (value once, hash at rest),
//! usage limits under concurrency, expiry, groups, audit, validation, rate limit and who may
//! manage tokens.

use crate::db_test;
use crate::fixtures::{admin, group};
use crate::helpers::{Client, TestApp, TestResponse, code, field_errors, test_now};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::Duration;
use pocket_id::db::entities::{audit_logs, signup_tokens, users};
use pocket_shared::signup::{SignupTokenDto, SignupTokenListResponse};
use pocket_shared::{ApiError, ErrorCode, UserDto};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use uuid::Uuid;

const TOKENS: &str = "/api/signup-tokens";

async fn create_token(c: &mut Client<'_>, body: Value) -> SignupTokenDto {
    let r = c.post(TOKENS, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn person(username: &str, token: Option<&str>) -> Value {
    let mut body = json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "firstName": "Sam",
        "lastName": "Signup",
    });
    if let Some(t) = token {
        body["token"] = json!(t);
    }
    body
}

/// `POST /api/signup` from a fresh browser.
async fn sign_up<'a>(app: &'a TestApp, body: &Value) -> (Client<'a>, TestResponse) {
    let mut c = app.client();
    let r = c.post("/api/signup", body).await;
    (c, r)
}

async fn audit_entries(app: &TestApp, user: &str) -> Vec<audit_logs::Model> {
    audit_logs::Entity::find()
        .filter(audit_logs::Column::UserId.eq(Uuid::parse_str(user).unwrap()))
        .filter(audit_logs::Column::Event.eq("ACCOUNT_CREATED"))
        .all(&app.db)
        .await
        .unwrap()
}

async fn list(c: &mut Client<'_>, query: &str) -> SignupTokenListResponse {
    let r = c.get(&format!("{TOKENS}?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

db_test!(
    open_signup_creates_a_signed_in_user_with_default_groups,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        let staff = group(&app, "staff").await;
        app.set_app_config("allowUserSignups", "open").await;
        app.set_app_config(
            "signupDefaultUserGroupIDs",
            &json!([staff.to_string()]).to_string(),
        )
        .await;

        let (mut c, r) = sign_up(&app, &person("sam", None)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert!(r.header("set-cookie").contains("access_token"), "signed in");
        let user: UserDto = r.json();
        assert_eq!(user.username, "sam");
        assert_eq!(user.display_name, "Sam Signup");
        assert!(!user.is_admin && !user.email_verified);
        assert_eq!(
            user.user_groups
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>(),
            ["staff"]
        );
        let me: UserDto = c.get("/api/users/me").await.json();
        assert_eq!(me.id, user.id);

        let entries = audit_entries(&app, &user.id).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].data, json!({"method": "open_signup"}));

        // A token also works in open mode.
        let token = create_token(&mut admin_c, json!({"usageLimit": 1})).await;
        let (_, r) = sign_up(&app, &person("tina", token.token.as_deref())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
);

db_test!(modes_decide_who_may_sign_up, |app: TestApp| async move {
    let mut admin_c = admin(&app).await;
    let token = create_token(&mut admin_c, json!({"usageLimit": 5})).await;
    let token = token.token.unwrap();

    // Default: disabled, with or without a token.
    let (_, r) = sign_up(&app, &person("sam", None)).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::FORBIDDEN, ErrorCode::OpenSignupDisabled)
    );
    let (_, r) = sign_up(&app, &person("sam", Some(&token))).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::FORBIDDEN, ErrorCode::SignupDisabled)
    );

    app.set_app_config("allowUserSignups", "withToken").await;
    let (_, r) = sign_up(&app, &person("sam", None)).await;
    assert_eq!(code(&r), ErrorCode::OpenSignupDisabled);
    let (_, r) = sign_up(&app, &person("sam", Some("  "))).await;
    assert_eq!(
        code(&r),
        ErrorCode::OpenSignupDisabled,
        "a blank token is no token"
    );
    let (_, r) = sign_up(&app, &person("sam", Some(&token))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        users::Entity::find()
            .filter(users::Column::Username.eq("sam"))
            .one(&app.db)
            .await
            .unwrap()
            .map(|u| u.is_admin),
        Some(false)
    );
});

db_test!(
    tokens_are_hashed_limited_and_give_their_groups,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        app.set_app_config("allowUserSignups", "withToken").await;
        let default_group = group(&app, "everyone").await;
        app.set_app_config(
            "signupDefaultUserGroupIDs",
            &json!([default_group.to_string()]).to_string(),
        )
        .await;
        let devs = group(&app, "devs").await;
        let created = create_token(
            &mut admin_c,
            json!({"ttl": "24h", "usageLimit": 2, "userGroupIds": [devs.to_string()]}),
        )
        .await;
        let token = created.token.clone().unwrap();
        assert_eq!(token.len(), 16);
        assert!(token.chars().all(|ch| ch.is_ascii_alphanumeric()));
        assert_eq!(created.token_prefix, token[..4]);
        assert_eq!(
            created.expires_at,
            (test_now() + Duration::hours(24)).to_rfc3339()
        );
        assert_eq!((created.usage_limit, created.usage_count), (2, 0));
        assert_eq!(created.user_groups[0].name, "devs");

        let row = signup_tokens::Entity::find_by_id(Uuid::parse_str(&created.id).unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.token_hash,
            hex::encode(Sha256::digest(token.as_bytes()))
        );
        assert_eq!(row.token_prefix, token[..4]);

        // Lists show the prefix, never the token.
        let r = admin_c.get(TOKENS).await;
        assert!(!r.text().contains(&token));
        assert!(r.json::<Value>()["data"][0].get("token").is_none());

        let (_, r) = sign_up(&app, &person("one", Some(&token))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let user: UserDto = r.json();
        assert_eq!(
            user.user_groups
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>(),
            ["devs"],
            "the token's groups replace the defaults"
        );
        let entries = audit_entries(&app, &user.id).await;
        assert_eq!(entries[0].data, json!({"signupToken": created.id}));
        assert_eq!(list(&mut admin_c, "").await.data[0].usage_count, 1);

        let (_, r) = sign_up(&app, &person("two", Some(&token))).await;
        assert_eq!(r.status, StatusCode::CREATED);
        let (_, r) = sign_up(&app, &person("three", Some(&token))).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::BAD_REQUEST, ErrorCode::TokenInvalidOrExpired)
        );
        let (_, r) = sign_up(&app, &person("four", Some("NoSuchToken12345"))).await;
        assert_eq!(code(&r), ErrorCode::TokenInvalidOrExpired);
        assert_eq!(list(&mut admin_c, "").await.data[0].usage_count, 2);

        // Without token groups the defaults apply.
        let plain = create_token(&mut admin_c, json!({"usageLimit": 1})).await;
        let (_, r) = sign_up(&app, &person("five", plain.token.as_deref())).await;
        let user: UserDto = r.json();
        assert_eq!(user.user_groups[0].name, "everyone");
    }
);

db_test!(
    concurrent_signups_never_exceed_the_usage_limit,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        app.set_app_config("allowUserSignups", "withToken").await;
        let token = create_token(&mut admin_c, json!({"usageLimit": 1}))
            .await
            .token
            .unwrap();
        let tasks: Vec<_> = ["racer1", "racer2"]
            .into_iter()
            .map(|name| {
                let router = app.next_router();
                let body = person(name, Some(&token)).to_string();
                tokio::spawn(async move {
                    let req = Request::builder()
                        .method(Method::POST)
                        .uri("/api/signup")
                        .header("content-type", "application/json")
                        .body(Body::from(body))
                        .unwrap();
                    router.oneshot(req).await.unwrap().status()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::BAD_REQUEST],
            "{statuses:?}"
        );
        let racers = users::Entity::find()
            .filter(users::Column::Username.starts_with("racer"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(racers.len(), 1);
        assert_eq!(list(&mut admin_c, "").await.data[0].usage_count, 1);
    }
);

db_test!(
    expired_tokens_are_refused_and_no_longer_listed,
    |app: TestApp| async move {
        app.set_app_config("sessionDuration", "1440").await;
        let mut admin_c = admin(&app).await;
        app.set_app_config("allowUserSignups", "withToken").await;
        let token = create_token(&mut admin_c, json!({"ttl": 3600, "usageLimit": 3})).await;
        app.clock.advance(Duration::minutes(59));
        assert_eq!(list(&mut admin_c, "").await.pagination.total_items, 1);
        app.clock.advance(Duration::minutes(1));
        let (_, r) = sign_up(&app, &person("late", token.token.as_deref())).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::BAD_REQUEST, ErrorCode::TokenInvalidOrExpired)
        );
        assert_eq!(list(&mut admin_c, "").await.pagination.total_items, 0);
        // Creating a token clears expired rows out.
        create_token(&mut admin_c, json!({"usageLimit": 1})).await;
        assert!(
            signup_tokens::Entity::find_by_id(Uuid::parse_str(&token.id).unwrap())
                .one(&app.db)
                .await
                .unwrap()
                .is_none()
        );
    }
);

db_test!(
    a_failed_signup_does_not_use_the_token,
    |app: TestApp| async move {
        let mut admin_c = admin(&app).await;
        app.set_app_config("allowUserSignups", "withToken").await;
        let token = create_token(&mut admin_c, json!({"usageLimit": 1}))
            .await
            .token
            .unwrap();

        let (_, r) = sign_up(
            &app,
            &json!({"username": ".bad", "email": "nope", "firstName": "", "token": token}),
        )
        .await;
        assert_eq!(
            field_errors(&r),
            [
                ("username".into(), "invalid".into()),
                ("email".into(), "invalid".into()),
                ("firstName".into(), "required".into())
            ]
        );
        let (_, r) = sign_up(&app, &person("admin", Some(&token))).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::CONFLICT, ErrorCode::AlreadyInUse)
        );
        let (_, r) = sign_up(
            &app,
            &json!({"username": "sam", "email": "admin@example.com", "firstName": "Sam", "token": token}),
        )
        .await;
        assert_eq!(
            r.json::<ApiError>().details.unwrap().values["property"],
            "email"
        );
        assert_eq!(list(&mut admin_c, "").await.data[0].usage_count, 0);

        let (_, r) = sign_up(&app, &person("sam", Some(&token))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
);

db_test!(signup_is_rate_limited, |app: TestApp| async move {
    let from = |peer: &str| {
        let mut c = app.client();
        c.peer = Some(peer.parse().unwrap());
        c
    };
    let mut c = from("198.51.100.7:40000");
    // Burst of 10, then 2 a minute; refused attempts count too.
    for _ in 0..10 {
        let r = c.post("/api/signup", &person("sam", None)).await;
        assert_eq!(code(&r), ErrorCode::OpenSignupDisabled);
    }
    let r = c.post("/api/signup", &person("sam", None)).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((30..=31).contains(&retry), "one token per 30 s: {retry}");
    // Another port is the same client; another address is not.
    let r = from("198.51.100.7:40001")
        .post("/api/signup", &person("sam", None))
        .await;
    assert_eq!(code(&r), ErrorCode::RateLimited);
    let r = from("198.51.100.8:40000")
        .post("/api/signup", &person("sam", None))
        .await;
    assert_eq!(code(&r), ErrorCode::OpenSignupDisabled);
    // IPv6: one bucket per /64, whichever address of it the host picks.
    let mut v6 = from("[2001:db8:1:2::1]:40000");
    for _ in 0..10 {
        v6.post("/api/signup", &person("sam", None)).await;
    }
    let r = from("[2001:db8:1:2:dead:beef:0:1]:40000")
        .post("/api/signup", &person("sam", None))
        .await;
    assert_eq!(code(&r), ErrorCode::RateLimited);
});

db_test!(
    a_spoofed_forwarded_for_does_not_escape_the_limit,
    env = [("TRUST_PROXY", "true")],
    |app: TestApp| async move {
        // Behind a proxy at 10.0.0.2 that appends the address it sees (198.51.100.7); the
        // client writes a new fake first entry every time.
        let mut refused = 0;
        for i in 0..12 {
            let mut c = app.client();
            c.peer = Some("10.0.0.2:40000".parse().unwrap());
            c.headers.push((
                "x-forwarded-for".into(),
                format!("203.0.113.{i}, 198.51.100.7"),
            ));
            let r = c.post("/api/signup", &person("sam", None)).await;
            if code(&r) == ErrorCode::RateLimited {
                refused += 1;
            }
        }
        assert_eq!(refused, 2, "a burst of 10 for the one real client");
    }
);

db_test!(token_requests_are_validated, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let r = c.post(TOKENS, &json!({"usageLimit": 0})).await;
    assert_eq!(
        field_errors(&r),
        [("usageLimit".into(), "out_of_range".into())]
    );
    let r = c
        .post(TOKENS, &json!({"usageLimit": 101, "ttl": "forever"}))
        .await;
    assert_eq!(
        field_errors(&r),
        [
            ("ttl".into(), "invalid_value".into()),
            ("usageLimit".into(), "out_of_range".into())
        ]
    );
    let r = c
        .post(TOKENS, &json!({"usageLimit": 1, "ttl": "745h"}))
        .await;
    assert_eq!(
        field_errors(&r),
        [("ttl".into(), "invalid_value".into())],
        "over 31 days"
    );
    let r = c
        .post(
            TOKENS,
            &json!({"usageLimit": 1, "userGroupIds": ["nope", Uuid::new_v4().to_string()]}),
        )
        .await;
    assert_eq!(
        field_errors(&r),
        [
            ("userGroupIds[0]".into(), "invalid_format".into()),
            ("userGroupIds[1]".into(), "not_found".into())
        ]
    );
    let t = create_token(&mut c, json!({"usageLimit": 100})).await;
    assert_eq!(
        t.expires_at,
        (test_now() + Duration::hours(1)).to_rfc3339(),
        "default TTL"
    );
});

db_test!(
    tokens_are_listed_sorted_and_deleted_by_admins_only,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let mut ids = Vec::new();
        for (limit, ttl) in [(3, "3h"), (1, "1h"), (2, "2h")] {
            ids.push(
                create_token(&mut c, json!({"usageLimit": limit, "ttl": ttl}))
                    .await
                    .id,
            );
            app.clock.advance(Duration::seconds(1));
        }
        let limits =
            |l: &SignupTokenListResponse| l.data.iter().map(|t| t.usage_limit).collect::<Vec<_>>();
        assert_eq!(
            limits(&list(&mut c, "").await),
            [3, 1, 2],
            "created first first"
        );
        assert_eq!(
            limits(&list(&mut c, "sort[column]=usageLimit&sort[direction]=desc").await),
            [3, 2, 1]
        );
        assert_eq!(
            limits(&list(&mut c, "sort[column]=expiresAt").await),
            [1, 2, 3]
        );
        let page = list(&mut c, "pagination[limit]=2&pagination[page]=2").await;
        assert_eq!(limits(&page), [2]);
        assert_eq!(
            (page.pagination.total_items, page.pagination.total_pages),
            (3, 2)
        );
        let r = c.get(&format!("{TOKENS}?sort[column]=token")).await;
        assert_eq!(
            field_errors(&r),
            [("sort[column]".into(), "invalid_format".into())]
        );

        // Who may: anonymous 401, a non-admin 403.
        let r = app.get(TOKENS).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        app.set_app_config("allowUserSignups", "open").await;
        let (mut user, r) = sign_up(&app, &person("sam", None)).await;
        assert_eq!(r.status, StatusCode::CREATED);
        for r in [
            user.get(TOKENS).await,
            user.post(TOKENS, &json!({"usageLimit": 1})).await,
            user.send(Method::DELETE, &format!("{TOKENS}/{}", ids[0]), None)
                .await,
        ] {
            assert_eq!(
                (r.status, code(&r)),
                (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
            );
        }

        // Deleting is idempotent.
        let path = format!("{TOKENS}/{}", ids[0]);
        assert_eq!(
            c.send(Method::DELETE, &path, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            c.send(Method::DELETE, &path, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(list(&mut c, "").await.pagination.total_items, 2);
        let r = c.send(Method::DELETE, &format!("{TOKENS}/x"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);
