//! The user administration: create (with the app configuration's defaults), validate, list
//! (search, filters, sort, pages), update, delete (picture file too), groups, passkeys,
//! pictures, emailed login codes, LDAP read-only rules, and who may call what.

use crate::db_test;
use crate::fixtures::{Group, User, admin, admin_with_passkey, group};
use crate::helpers::{Client, TestApp, TestResponse, code, error_fields, multipart};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use pocket_id::db::entities::{audit_logs, one_time_access_tokens, user_groups, users};
use pocket_shared::user_group::UserGroupDto;
use pocket_shared::{ApiError, ErrorCode, UserDto, WebauthnCredentialDto};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

mod list;

pub async fn put(c: &mut Client<'_>, path: &str, body: Value) -> TestResponse {
    c.send(Method::PUT, path, Some(&body)).await
}

pub async fn delete(c: &mut Client<'_>, path: &str) -> TestResponse {
    c.send(Method::DELETE, path, None).await
}

/// Creates a user through the API (201 expected).
pub async fn create_user(c: &mut Client<'_>, body: Value) -> UserDto {
    let r = c.post("/api/users", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// A user with just a username (and an email derived from it).
pub async fn user_named(c: &mut Client<'_>, username: &str) -> UserDto {
    create_user(
        c,
        json!({"username": username, "email": format!("{username}@example.com"), "firstName": username}),
    )
    .await
}

/// `(code, details.property)` of a 409.
pub fn conflict(r: &TestResponse) -> (ErrorCode, String) {
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let e: ApiError = r.json();
    (e.code, e.details.unwrap().values["property"].clone())
}

db_test!(create_get_update_delete, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let id = Uuid::new_v4();
    let created = create_user(
        &mut c,
        json!({"id": id, "username": " Grace ", "email": "grace@example.com", "firstName": "Grace",
               "lastName": "Hopper", "isAdmin": true, "locale": "de-CH", "disabled": false}),
    )
    .await;
    assert_eq!(created.id, id.to_string(), "the supplied id is kept");
    assert_eq!(created.username, "Grace");
    assert_eq!(created.display_name, "Grace Hopper");
    assert!(created.is_admin && !created.disabled && !created.email_verified);
    assert_eq!(created.locale.as_deref(), Some("de-CH"));

    let got: UserDto = c.get(&format!("/api/users/{id}")).await.json();
    assert_eq!(got, created);

    let r = put(
        &mut c,
        &format!("/api/users/{id}"),
        json!({"username": "grace", "email": "grace@example.com", "firstName": "Grace",
               "lastName": "H.", "displayName": "Amazing Grace", "isAdmin": false,
               "disabled": true, "emailVerified": true, "locale": ""}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let updated: UserDto = r.json();
    assert_eq!(
        (updated.username.as_str(), updated.display_name.as_str()),
        ("grace", "Amazing Grace")
    );
    assert!(!updated.is_admin && updated.disabled && updated.email_verified);
    assert_eq!(updated.locale, None);

    // The admin's own upload for the user, then deletion takes the picture file along.
    let picture = app
        .config
        .upload_path
        .join(format!("profile-pictures/{id}.png"));
    let r = upload_picture(&c, &format!("/api/users/{id}/profile-picture")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert!(picture.exists());
    assert_eq!(
        delete(&mut c, &format!("/api/users/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(
        !picture.exists(),
        "the picture file is deleted with the user"
    );
    let r = c.get(&format!("/api/users/{id}")).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    assert_eq!(
        delete(&mut c, &format!("/api/users/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = put(
        &mut c,
        &format!("/api/users/{}", Uuid::new_v4()),
        json!({"username": "x", "email": "x@example.com", "firstName": "X"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([(x % 256) as u8, 80, 160]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn upload_picture(c: &Client<'_>, path: &str) -> TestResponse {
    let form = multipart("file", "p.png", "image/png", &png());
    c.send_multipart(Method::PUT, path, form).await
}

db_test!(
    admin_resets_and_replaces_pictures,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let u = user_named(&mut c, "pic").await;
        let png_path = format!("/api/users/{}/profile-picture.png", u.id);
        let initials = c.get(&png_path).await.body;
        let r = upload_picture(&c, &format!("/api/users/{}/profile-picture", u.id)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_ne!(c.get(&png_path).await.body, initials);
        let r = delete(&mut c, &format!("/api/users/{}/profile-picture", u.id)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(c.get(&png_path).await.body, initials);
        let unknown = format!("/api/users/{}/profile-picture", Uuid::new_v4());
        assert_eq!(
            upload_picture(&c, &unknown).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(delete(&mut c, &unknown).await.status, StatusCode::NOT_FOUND);
    }
);

db_test!(validation_names_the_fields, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let r = c
        .post(
            "/api/users",
            &json!({"id": "nope", "username": ".bad", "email": "not-an-email", "firstName": "",
                    "lastName": "x".repeat(51), "displayName": "y".repeat(101)}),
        )
        .await;
    assert_eq!(
        error_fields(&r),
        [
            "id",
            "username",
            "email",
            "firstName",
            "lastName",
            "displayName"
        ]
    );
    // Email is required unless the app configuration says otherwise.
    let r = c
        .post(
            "/api/users",
            &json!({"username": "noemail", "firstName": "N"}),
        )
        .await;
    assert_eq!(error_fields(&r), ["email"]);
    app.set_app_config("requireUserEmail", "false").await;
    let u = create_user(&mut c, json!({"username": "noemail", "firstName": "N"})).await;
    assert_eq!(u.email, None);

    let r = c
        .post(
            "/api/users",
            &json!({"username": "g", "firstName": "G", "userGroupIds": ["x", Uuid::new_v4()]}),
        )
        .await;
    assert_eq!(error_fields(&r), ["userGroupIds[0]"]);
    let r = c
        .post(
            "/api/users",
            &json!({"username": "g", "firstName": "G", "userGroupIds": [Uuid::new_v4()]}),
        )
        .await;
    assert_eq!(error_fields(&r), ["userGroupIds[0]"]);

    let r = put(
        &mut c,
        &format!("/api/users/{}", u.id),
        json!({"username": "", "firstName": "N"}),
    )
    .await;
    assert_eq!(error_fields(&r), ["username"]);
    let req = Request::post("/api/users")
        .header("content-type", "text/plain")
        .header("cookie", c.cookie_header())
        .body(Body::from("{}"))
        .unwrap();
    let r = app.request(req).await;
    assert_eq!(code(&r), ErrorCode::InvalidRequestBody);
    let r = c.get("/api/users/not-a-uuid").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(duplicates_are_already_in_use, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let first = user_named(&mut c, "ann").await;
    let r = c
        .post(
            "/api/users",
            &json!({"username": "ANN", "email": "other@example.com", "firstName": "A"}),
        )
        .await;
    assert_eq!(
        conflict(&r),
        (ErrorCode::AlreadyInUse, "username".into()),
        "usernames are unique case-insensitively"
    );
    let r = c
        .post(
            "/api/users",
            &json!({"username": "ann2", "email": "ann@example.com", "firstName": "A"}),
        )
        .await;
    assert_eq!(conflict(&r), (ErrorCode::AlreadyInUse, "email".into()));
    let r = c
        .post(
            "/api/users",
            &json!({"id": first.id, "username": "ann3", "email": "ann3@example.com", "firstName": "A"}),
        )
        .await;
    assert_eq!(conflict(&r), (ErrorCode::AlreadyInUse, "id".into()));
    let second = user_named(&mut c, "ben").await;
    let r = put(
        &mut c,
        &format!("/api/users/{}", second.id),
        json!({"username": "Ann", "email": "ben@example.com", "firstName": "B"}),
    )
    .await;
    assert_eq!(conflict(&r), (ErrorCode::AlreadyInUse, "username".into()));
    // Keeping one's own username and email is no conflict.
    let r = put(
        &mut c,
        &format!("/api/users/{}", second.id),
        json!({"username": "BEN", "email": "ben@example.com", "firstName": "Ben"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
});

db_test!(
    new_users_get_the_configured_defaults,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let (g1, g2) = (group(&app, "staff").await, group(&app, "extra").await);
        app.set_app_config("emailsVerified", "true").await;
        app.set_app_config(
            "signupDefaultUserGroupIDs",
            &format!(r#"["{g1}", "{}"]"#, Uuid::new_v4()),
        )
        .await;
        app.set_app_config(
            "signupDefaultCustomClaims",
            r#"[{"key":"tier","value":"gold"}]"#,
        )
        .await;

        let u = user_named(&mut c, "dflt").await;
        assert!(u.email_verified, "emailsVerified default");
        let groups: Vec<&str> = u.user_groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            groups,
            ["staff"],
            "default groups; a vanished default is skipped"
        );
        assert_eq!(
            (
                u.custom_claims[0].key.as_str(),
                u.custom_claims[0].value.as_str()
            ),
            ("tier", "gold")
        );
        let staff = user_groups::Entity::find_by_id(g1)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            staff.updated_at.is_some(),
            "membership change touches the group"
        );

        let explicit = create_user(
            &mut c,
            json!({"username": "expl", "email": "expl@example.com", "firstName": "E",
                   "emailVerified": false, "userGroupIds": [g2]}),
        )
        .await;
        assert!(!explicit.email_verified, "an explicit value wins");
        let groups: Vec<&str> = explicit
            .user_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(groups, ["extra"], "given groups replace the defaults");
        assert_eq!(
            explicit.custom_claims.len(),
            1,
            "default claims always apply"
        );

        // A changed email takes the default again unless the admin says otherwise.
        pocket_id::db::entities::app_config_variables::Entity::delete_by_id("emailsVerified")
            .exec(&app.db)
            .await
            .unwrap();
        let body = |email: &str| json!({"username": "dflt", "email": email, "firstName": "D"});
        let r = put(
            &mut c,
            &format!("/api/users/{}", u.id),
            body("dflt@example.com"),
        )
        .await;
        assert!(r.json::<UserDto>().email_verified, "same email: unchanged");
        let r = put(
            &mut c,
            &format!("/api/users/{}", u.id),
            json!({"username": "dflt", "email": "new@example.com", "firstName": "D"}),
        )
        .await;
        assert!(
            !r.json::<UserDto>().email_verified,
            "new email: reset to the default"
        );
    }
);

db_test!(who_may_call, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let mut bob = User::new("bob").signed_in(&app).await;
    let someone = format!("/api/users/{}", Uuid::new_v4());
    let body = json!({"username": "x", "email": "x@example.com", "firstName": "X"});
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/users".into(), None),
        (Method::POST, "/api/users".into(), Some(body.clone())),
        (Method::GET, someone.clone(), None),
        (Method::PUT, someone.clone(), Some(body)),
        (Method::DELETE, someone.clone(), None),
        (Method::GET, format!("{someone}/groups"), None),
        (
            Method::PUT,
            format!("{someone}/user-groups"),
            Some(json!({"userGroupIds": []})),
        ),
        (Method::GET, format!("{someone}/webauthn-credentials"), None),
        (
            Method::DELETE,
            format!("{someone}/webauthn-credentials/{}", Uuid::new_v4()),
            None,
        ),
        (Method::DELETE, format!("{someone}/profile-picture"), None),
        (
            Method::POST,
            format!("{someone}/one-time-access-email"),
            Some(json!({})),
        ),
    ];
    let mut anon = app.client();
    for (m, path, body) in routes {
        let r = anon.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {path}");
        assert_eq!(code(&r), ErrorCode::NotSignedIn);
        let r = bob.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {path}");
        assert_eq!(code(&r), ErrorCode::Forbidden);
    }
    // The admin reaches them (here: 404 for the unknown user).
    let r = c.get(&someone).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(group_membership, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let u = user_named(&mut c, "member").await;
    let a = Group::new("alpha")
        .friendly("alpha friendly")
        .insert(&app)
        .await;
    let b = Group::new("beta")
        .friendly("beta friendly")
        .insert(&app)
        .await;
    let path = format!("/api/users/{}/user-groups", u.id);
    let r = put(&mut c, &path, json!({"userGroupIds": [b, a]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let names: Vec<String> = r
        .json::<UserDto>()
        .user_groups
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["alpha", "beta"]);

    let groups: Vec<UserGroupDto> = c.get(&format!("/api/users/{}/groups", u.id)).await.json();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].friendly_name, "alpha friendly");

    let beta = user_groups::Entity::find_by_id(b)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        beta.updated_at.is_some(),
        "membership change touches the group"
    );
    let r = put(&mut c, &path, json!({"userGroupIds": [a]})).await;
    assert_eq!(r.json::<UserDto>().user_groups.len(), 1);

    let r = put(
        &mut c,
        &path,
        json!({"userGroupIds": [a, "x", Uuid::new_v4()]}),
    )
    .await;
    assert_eq!(error_fields(&r), ["userGroupIds[1]"]);
    let r = put(&mut c, &path, json!({"userGroupIds": [a, Uuid::new_v4()]})).await;
    assert_eq!(error_fields(&r), ["userGroupIds[1]"]);
    let r = put(&mut c, &path, json!({})).await;
    assert_eq!(
        code(&r),
        ErrorCode::InvalidRequestBody,
        "userGroupIds is required"
    );
    let unknown = format!("/api/users/{}", Uuid::new_v4());
    assert_eq!(
        put(
            &mut c,
            &format!("{unknown}/user-groups"),
            json!({"userGroupIds": []})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("{unknown}/groups")).await.status,
        StatusCode::NOT_FOUND
    );
});

db_test!(
    admin_lists_and_removes_a_users_passkey,
    |app: TestApp| async move {
        let (mut c, _auth) = admin_with_passkey(&app).await;
        let me: UserDto = c.get("/api/users/me").await.json();
        let path = format!("/api/users/{}/webauthn-credentials", me.id);
        let keys: Vec<WebauthnCredentialDto> = c.get(&path).await.json();
        assert_eq!(keys.len(), 1);
        let other = user_named(&mut c, "nokeys").await;
        let none: Vec<WebauthnCredentialDto> = c
            .get(&format!("/api/users/{}/webauthn-credentials", other.id))
            .await
            .json();
        assert!(none.is_empty());
        // Another user's path does not reach this passkey.
        let r = delete(
            &mut c,
            &format!(
                "/api/users/{}/webauthn-credentials/{}",
                other.id, keys[0].id
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let r = delete(&mut c, &format!("{path}/{}", keys[0].id)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let keys: Vec<WebauthnCredentialDto> = c.get(&path).await.json();
        assert!(keys.is_empty());
        let log = audit_logs::Entity::find()
            .filter(audit_logs::Column::Event.eq("PASSKEY_REMOVED"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("audit entry");
        assert_eq!(log.user_id, Some(me.id.parse().unwrap()));
        assert_eq!(log.data["actorUserID"], me.id);
        assert_eq!(log.data["actorUsername"], "admin");
        assert_eq!(
            c.get(&format!(
                "/api/users/{}/webauthn-credentials",
                Uuid::new_v4()
            ))
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }
);

db_test!(
    login_code_email_needs_the_flag_and_a_mailer,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let u = user_named(&mut c, "mailme").await;
        let path = format!("/api/users/{}/one-time-access-email", u.id);
        let r = c.post(&path, &json!({"ttl": "1h"})).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::BAD_REQUEST, ErrorCode::OneTimeAccessDisabled)
        );
        app.set_app_config("emailOneTimeAccessAsAdminEnabled", "true")
            .await;
        let r = c.post(&path, &json!({"ttl": "forever"})).await;
        assert_eq!(error_fields(&r), ["ttl"]);
        let r = c.post(&path, &json!({"ttl": "1h"})).await;
        assert_eq!(
            (r.status, code(&r)),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::EmailNotConfigured
            )
        );
        let codes = one_time_access_tokens::Entity::find()
            .filter(one_time_access_tokens::Column::UserId.eq(u.id.parse::<Uuid>().unwrap()))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(codes, 0, "no code is left behind when nothing was sent");

        app.set_app_config("requireUserEmail", "false").await;
        let silent = create_user(&mut c, json!({"username": "silent", "firstName": "S"})).await;
        let r = c
            .post(
                &format!("/api/users/{}/one-time-access-email", silent.id),
                &json!({}),
            )
            .await;
        assert_eq!(error_fields(&r), ["email"]);
        let r = c
            .post(
                &format!("/api/users/{}/one-time-access-email", Uuid::new_v4()),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    ldap_users_are_read_only_while_ldap_is_on,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let u = user_named(&mut c, "ldapuser").await;
        let id: Uuid = u.id.parse().unwrap();
        let mut row: users::ActiveModel = users::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        row.ldap_id = Set(Some("cn=ldapuser".into()));
        row.update(&app.db).await.unwrap();
        app.set_app_config("ldapEnabled", "true").await;

        let r = put(
        &mut c,
        &format!("/api/users/{id}"),
        json!({"username": "renamed", "email": "r@example.com", "firstName": "R", "isAdmin": true, "locale": "fr"}),
    )
    .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let after: UserDto = r.json();
        assert_eq!(after.username, "ldapuser", "LDAP owns the profile");
        assert!(!after.is_admin);
        assert_eq!(
            after.locale.as_deref(),
            Some("fr"),
            "only the locale changes"
        );

        let r = delete(&mut c, &format!("/api/users/{id}")).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::FORBIDDEN, ErrorCode::LdapUserUpdate)
        );
        let mut row: users::ActiveModel = users::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        row.disabled = Set(true);
        row.update(&app.db).await.unwrap();
        assert_eq!(
            delete(&mut c, &format!("/api/users/{id}")).await.status,
            StatusCode::NO_CONTENT,
            "a disabled LDAP user may be deleted"
        );
    }
);

db_test!(
    the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let me: UserDto = c.get("/api/users/me").await.json();
        let path = format!("/api/users/{}", me.id);
        let body = |admin: bool, disabled: bool| {
            json!({"username": "admin", "email": "admin@example.com", "firstName": "Ada",
               "lastName": "Admin", "isAdmin": admin, "disabled": disabled})
        };
        for (b, what) in [
            (body(false, false), "demote"),
            (body(true, true), "disable"),
        ] {
            let r = put(&mut c, &path, b).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{what}: {}", r.text());
            assert_eq!(r.json::<ApiError>().code, ErrorCode::LastAdmin, "{what}");
        }
        let r = delete(&mut c, &path).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        // A second enabled admin makes each of these allowed; the first one demotes itself.
        create_user(
        &mut c,
        json!({"username": "second", "email": "second@example.com", "firstName": "S", "isAdmin": true}),
    )
    .await;
        let r = put(&mut c, &path, body(false, false)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(!r.json::<UserDto>().is_admin);
    }
);
