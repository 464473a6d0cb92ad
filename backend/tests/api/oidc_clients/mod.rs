//! OIDC client administration: create, validate, list, update, delete, allowed groups,
//! public metadata, and who may call what; `secrets` covers client secrets, `filters` list
//! filters and federated identities, `logos` logos, `preview` the claims preview, `my_apps`
//! "My Apps" and consents.

mod filters;
mod logos;
mod my_apps;
mod preview;
mod secrets;

use crate::db_test;
use crate::fixtures::{User, admin, group};
use crate::helpers::{Client, TestApp, TestResponse, code, error_fields, test_now};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use pocket_id::db::entities::oidc_clients;
use pocket_id::features::oidc::clients::credentials::Credentials;
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::{
    OidcClientListResponse, OidcClientSecretCreatedDto, OidcClientWithGroupsDto,
};
use pocket_shared::{ApiError, ErrorCode};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const CLIENTS: &str = "/api/oidc/clients";

async fn create(c: &mut Client<'_>, body: Value) -> OidcClientWithGroupsDto {
    let r = c.post(CLIENTS, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn put(c: &mut Client<'_>, path: &str, body: Value) -> TestResponse {
    c.send(Method::PUT, path, Some(&body)).await
}

async fn delete(c: &mut Client<'_>, path: &str) -> TestResponse {
    c.send(Method::DELETE, path, None).await
}

async fn list(c: &mut Client<'_>, query: &str) -> OidcClientListResponse {
    let r = c.get(&format!("{CLIENTS}?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn names(l: &OidcClientListResponse) -> Vec<&str> {
    l.data.iter().map(|i| i.client.name.as_str()).collect()
}

async fn stored(app: &TestApp, id: &str) -> oidc_clients::Model {
    oidc_clients::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("client row")
}

db_test!(
    create_with_generated_and_custom_ids,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let me: Value = c.get("/api/users/me").await.json();
        let client = create(
            &mut c,
            json!({"name": "  My App ", "callbackURLs": ["https://app.example/cb"]}),
        )
        .await;
        let dto = &client.client;
        assert!(Uuid::parse_str(&dto.id).is_ok(), "{}", dto.id);
        assert_eq!(dto.name, "My App");
        assert_eq!(dto.callback_urls, ["https://app.example/cb"]);
        assert!(dto.logout_callback_urls.is_empty());
        assert_eq!(
            (
                dto.access_token_duration_minutes,
                dto.refresh_token_duration_minutes
            ),
            (60, 43_200)
        );
        assert_eq!(dto.client_type, "standard");
        assert!(!dto.has_logo && !dto.has_dark_logo && !dto.is_public && !dto.pkce_enabled);
        assert!(dto.credentials.secrets.is_empty(), "no secret is created");
        assert!(client.allowed_user_groups.is_empty());
        assert_eq!(dto.created_at, test_now().to_rfc3339());
        let row = stored(&app, &dto.id).await;
        assert_eq!(
            row.created_by_id.map(|u| u.to_string()),
            me["id"].as_str().map(str::to_owned)
        );
        assert!(Credentials::of(&row).secrets.is_empty());

        // The wire names are Pocket ID's.
        let r = c.get(&format!("{CLIENTS}/{}", dto.id)).await;
        let raw: Value = r.json();
        for key in [
            "callbackURLs",
            "logoutCallbackURLs",
            "launchURL",
            "isPublic",
            "pkceEnabled",
            "pkceSupported",
            "requiresReauthentication",
            "requiresPushedAuthorizationRequests",
            "skipConsent",
            "isGroupRestricted",
            "allowedUserGroups",
            "hasLogo",
            "hasDarkLogo",
            "clientType",
            "createdAt",
            "accessTokenDurationMinutes",
            "refreshTokenDurationMinutes",
        ] {
            assert!(raw.get(key).is_some(), "{key} missing: {raw}");
        }
        assert_eq!(raw["credentials"]["secrets"], json!([]));

        let custom = create(
            &mut c,
            json!({"id": "my-app_v2.0", "name": "Custom", "accessTokenDurationMinutes": 5,
               "refreshTokenDurationMinutes": 525600}),
        )
        .await;
        assert_eq!(custom.client.id, "my-app_v2.0");
        assert_eq!(custom.client.access_token_duration_minutes, 5);
        assert_eq!(custom.client.refresh_token_duration_minutes, 525_600);

        let r = c
            .post(CLIENTS, &json!({"id": "my-app_v2.0", "name": "Again"}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::AlreadyInUse);
        assert_eq!(
            stored(&app, "my-app_v2.0").await.name.as_deref(),
            Some("Custom")
        );
    }
);

db_test!(invalid_fields_are_named, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let r = c
        .post(
            CLIENTS,
            &json!({
                "id": "x",
                "name": "n".repeat(51),
                "description": "d".repeat(151),
                "callbackURLs": ["https://ok.example/cb", "javascript:alert(1)"],
                "logoutCallbackURLs": ["data:text/html,hi", "no-scheme.example/logout"],
                "launchURL": "javascript:alert(document.cookie)",
                "credentials": {"federatedIdentities": [{"issuer": ""}]},
                "accessTokenDurationMinutes": 525601,
                "refreshTokenDurationMinutes": -1,
            }),
        )
        .await;
    assert_eq!(
        error_fields(&r),
        [
            "id",
            "name",
            "description",
            "callbackURLs[1]",
            "logoutCallbackURLs[0]",
            "logoutCallbackURLs[1]",
            "launchURL",
            "credentials.federatedIdentities[0].issuer",
            "accessTokenDurationMinutes",
            "refreshTokenDurationMinutes",
        ]
    );
    let e: ApiError = r.json();
    let fields = e.details.unwrap().fields;
    assert_eq!(fields[1].code, "too_long");
    assert_eq!(fields[3].code, "invalid_format");
    assert_eq!(fields[8].code, "out_of_range");

    let r = c.post(CLIENTS, &json!({"callbackURLs": []})).await;
    assert_eq!(error_fields(&r), ["name"]);
    let r = c
        .post(CLIENTS, &json!({"id": "bad id!", "name": "x"}))
        .await;
    assert_eq!(error_fields(&r), ["id"]);
    let r = c
        .post(CLIENTS, &json!({"name": "x", "isPublic": "yes"}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&r), ErrorCode::InvalidRequestBody);
    assert_eq!(
        oidc_clients::Entity::find().count(&app.db).await.unwrap(),
        0
    );

    // The same rules on update.
    let id = create(&mut c, json!({"name": "Ok"})).await.client.id;
    let r = put(
        &mut c,
        &format!("{CLIENTS}/{id}"),
        json!({"name": "Ok", "callbackURLs": ["javascript:alert(1)"]}),
    )
    .await;
    assert_eq!(error_fields(&r), ["callbackURLs[0]"]);
});

db_test!(
    get_and_list_with_search_pagination_and_sort,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        for (i, name) in [
            "Gamma",
            "alphabet soup",
            "beta",
            "Alpha",
            "Delta app",
            "100% off",
        ]
        .iter()
        .enumerate()
        {
            create(&mut c, json!({"id": format!("client-{i}"), "name": name})).await;
            app.clock.advance(Duration::minutes(1));
        }
        let all = list(&mut c, "").await;
        assert_eq!(
            names(&all),
            [
                "100% off",
                "Alpha",
                "alphabet soup",
                "beta",
                "Delta app",
                "Gamma"
            ],
            "by name, case-insensitively"
        );
        assert_eq!(
            (all.pagination.total_items, all.pagination.total_pages),
            (6, 1)
        );
        assert_eq!(
            (all.pagination.current_page, all.pagination.items_per_page),
            (1, 20)
        );
        assert_eq!(all.data[0].allowed_user_groups_count, 0);

        let found = list(&mut c, "search=ALPHA").await;
        assert_eq!(names(&found), ["Alpha", "alphabet soup"]);
        assert_eq!(found.pagination.total_items, 2);
        // LIKE wildcards are literal.
        assert_eq!(names(&list(&mut c, "search=%25").await), ["100% off"]);
        assert!(list(&mut c, "search=_").await.data.is_empty());

        let page = list(&mut c, "pagination[page]=2&pagination[limit]=2").await;
        assert_eq!(names(&page), ["alphabet soup", "beta"]);
        assert_eq!(
            (
                page.pagination.total_pages,
                page.pagination.current_page,
                page.pagination.items_per_page
            ),
            (3, 2, 2)
        );
        // Encoded brackets are the same parameter; a page past the end is the last page.
        let last = list(&mut c, "pagination%5Bpage%5D=99&pagination%5Blimit%5D=4").await;
        assert_eq!(names(&last), ["Delta app", "Gamma"]);
        assert_eq!(last.pagination.current_page, 2);

        let newest = list(&mut c, "sort[column]=createdAt&sort[direction]=desc").await;
        assert_eq!(names(&newest)[..2], ["100% off", "Delta app"]);
        let desc = list(&mut c, "sort[column]=name&sort[direction]=desc&search=a").await;
        assert_eq!(
            names(&desc),
            ["Gamma", "Delta app", "beta", "alphabet soup", "Alpha"]
        );

        let g1 = group(&app, "one").await;
        let g2 = group(&app, "two").await;
        let r = put(
            &mut c,
            &format!("{CLIENTS}/client-2/allowed-user-groups"),
            json!({"userGroupIds": [g1, g2]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let r = put(
            &mut c,
            &format!("{CLIENTS}/client-0/allowed-user-groups"),
            json!({"userGroupIds": [g1]}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let by_groups = list(
            &mut c,
            "sort[column]=allowedUserGroupsCount&sort[direction]=desc",
        )
        .await;
        assert_eq!(names(&by_groups)[..2], ["beta", "Gamma"]);
        assert_eq!(by_groups.data[0].allowed_user_groups_count, 2);
        assert_eq!(by_groups.data[1].allowed_user_groups_count, 1);

        let r = c.get(&format!("{CLIENTS}?sort[column]=secret")).await;
        assert_eq!(error_fields(&r), ["sort[column]"]);
        let r = c.get(&format!("{CLIENTS}?sort[direction]=up")).await;
        assert_eq!(error_fields(&r), ["sort[direction]"]);

        let one: OidcClientWithGroupsDto = c.get(&format!("{CLIENTS}/client-2")).await.json();
        assert_eq!(one.client.name, "beta");
        let groups: Vec<&str> = one
            .allowed_user_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(groups, ["one", "two"]);
        assert_eq!(one.allowed_user_groups[0].friendly_name, "one (friendly)");
        assert_eq!(one.allowed_user_groups[0].id, g1.to_string());
        // `~` + base64url addresses the same client.
        let r = c.get(&format!("{CLIENTS}/~Y2xpZW50LTI")).await;
        assert_eq!(r.json::<OidcClientWithGroupsDto>().client.id, "client-2");
        let r = c.get(&format!("{CLIENTS}/nope")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(code(&r), ErrorCode::NotFound);
    }
);

db_test!(
    update_replaces_the_editable_fields,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(
            &mut c,
            json!({"name": "App", "description": "first", "callbackURLs": ["https://a.example/cb"],
               "skipConsent": true, "launchURL": "https://a.example"}),
        )
        .await
        .client
        .id;
        let path = format!("{CLIENTS}/{id}");
        let secret: OidcClientSecretCreatedDto = c
            .send(Method::POST, &format!("{path}/secrets"), None)
            .await
            .json();

        let r = put(
        &mut c,
        &path,
        json!({"name": "Public app", "isPublic": true, "pkceEnabled": false,
               "callbackURLs": ["http://localhost:*/cb", "myapp://cb"],
               "logoutCallbackURLs": ["https://a.example/bye"],
               "requiresReauthentication": true, "requiresPushedAuthorizationRequests": true,
               "credentials": {"federatedIdentities": [
                   {"issuer": "https://token.actions.example", "subject": "repo:x", "replayProtection": true},
                   {"issuer": "https://idp.example", "jwks": "https://idp.example/keys", "subject": ""}],
                   "secrets": []},
               "accessTokenDurationMinutes": 0, "refreshTokenDurationMinutes": 90}),
    )
    .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let dto = r.json::<OidcClientWithGroupsDto>().client;
        assert_eq!(dto.name, "Public app");
        assert!(
            dto.is_public && dto.pkce_enabled,
            "public clients always use PKCE"
        );
        assert_eq!(dto.description, "", "a full replace: absent fields reset");
        assert!(!dto.skip_consent);
        assert_eq!(dto.launch_url, None);
        assert_eq!(dto.callback_urls, ["http://localhost:*/cb", "myapp://cb"]);
        assert_eq!(dto.logout_callback_urls, ["https://a.example/bye"]);
        assert!(dto.requires_reauthentication && dto.requires_pushed_authorization_requests);
        assert_eq!(dto.access_token_duration_minutes, 60);
        assert_eq!(dto.refresh_token_duration_minutes, 90);
        let fi = &dto.credentials.federated_identities;
        assert_eq!(fi.len(), 2);
        assert_eq!(fi[0].subject.as_deref(), Some("repo:x"));
        assert!(fi[0].replay_protection);
        assert_eq!(fi[1].subject, None, "empty means the default");
        // Secrets are untouched by an update (a `secrets` list in the body is ignored).
        assert_eq!(dto.credentials.secrets.len(), 1);
        assert_eq!(dto.credentials.secrets[0].id, secret.id);
        let creds = Credentials::of(&stored(&app, &id).await);
        assert_eq!(
            creds.federated_identities[1].jwks.as_deref(),
            Some("https://idp.example/keys")
        );
        assert!(creds.verify_secret(&secret.secret, test_now()));

        // Turning PKCE off clears the "supports PKCE" hint the token endpoint may have set.
        let mut row: oidc_clients::ActiveModel = stored(&app, &id).await.into();
        row.pkce_supported = Set(true);
        row.update(&app.db).await.unwrap();
        let r = put(&mut c, &path, json!({"name": "App", "pkceEnabled": true})).await;
        assert!(r.json::<OidcClientWithGroupsDto>().client.pkce_supported);
        let r = put(&mut c, &path, json!({"name": "App"})).await;
        let dto = r.json::<OidcClientWithGroupsDto>().client;
        assert!(!dto.pkce_enabled && !dto.pkce_supported && !dto.is_public);

        // Lifting the group restriction forgets the allowed groups.
        let g = group(&app, "staff").await;
        let r = put(
            &mut c,
            &path,
            json!({"name": "App", "isGroupRestricted": true}),
        )
        .await;
        assert!(
            r.json::<OidcClientWithGroupsDto>()
                .client
                .is_group_restricted
        );
        put(
            &mut c,
            &format!("{path}/allowed-user-groups"),
            json!({"userGroupIds": [g]}),
        )
        .await;
        let r = put(
            &mut c,
            &path,
            json!({"name": "App", "isGroupRestricted": true}),
        )
        .await;
        assert_eq!(
            r.json::<OidcClientWithGroupsDto>()
                .allowed_user_groups
                .len(),
            1
        );
        let r = put(&mut c, &path, json!({"name": "App"})).await;
        assert!(
            r.json::<OidcClientWithGroupsDto>()
                .allowed_user_groups
                .is_empty()
        );

        let r = put(&mut c, &format!("{CLIENTS}/nope"), json!({"name": "x"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(delete_removes_the_client, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let id = create(&mut c, json!({"name": "Doomed"})).await.client.id;
    let keep = create(&mut c, json!({"name": "Kept"})).await.client.id;
    let g = group(&app, "g").await;
    put(
        &mut c,
        &format!("{CLIENTS}/{id}/allowed-user-groups"),
        json!({"userGroupIds": [g]}),
    )
    .await;
    let r = delete(&mut c, &format!("{CLIENTS}/{id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert!(r.body.is_empty());
    assert_eq!(
        c.get(&format!("{CLIENTS}/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = delete(&mut c, &format!("{CLIENTS}/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(names(&list(&mut c, "").await), ["Kept"]);
    assert_eq!(
        c.get(&format!("{CLIENTS}/{keep}")).await.status,
        StatusCode::OK
    );
    let links = pocket_id::db::entities::oidc_clients_allowed_user_groups::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(links, 0, "group links cascade");
});

db_test!(
    allowed_user_groups_are_replaced,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "App", "isGroupRestricted": true}))
            .await
            .client
            .id;
        let path = format!("{CLIENTS}/{id}/allowed-user-groups");
        let (devs, ops) = (group(&app, "devs").await, group(&app, "ops").await);

        let r = put(&mut c, &path, json!({"userGroupIds": [ops, devs, ops]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let dto: OidcClientWithGroupsDto = r.json();
        let got: Vec<&str> = dto
            .allowed_user_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(got, ["devs", "ops"]);
        assert_eq!(list(&mut c, "").await.data[0].allowed_user_groups_count, 2);

        let r = put(&mut c, &path, json!({"userGroupIds": [devs]})).await;
        assert_eq!(
            r.json::<OidcClientWithGroupsDto>()
                .allowed_user_groups
                .len(),
            1
        );

        let unknown = Uuid::new_v4();
        let r = put(&mut c, &path, json!({"userGroupIds": [ops, unknown]})).await;
        assert_eq!(error_fields(&r), ["userGroupIds[1]"]);
        assert_eq!(
            r.json::<ApiError>().details.unwrap().fields[0].code,
            "not_found"
        );
        let r = put(&mut c, &path, json!({"userGroupIds": ["not-a-uuid"]})).await;
        assert_eq!(error_fields(&r), ["userGroupIds[0]"]);
        let r = put(&mut c, &path, json!({})).await;
        assert_eq!(
            code(&r),
            ErrorCode::InvalidRequestBody,
            "userGroupIds is required"
        );
        // Refused changes changed nothing.
        let one: OidcClientWithGroupsDto = c.get(&format!("{CLIENTS}/{id}")).await.json();
        assert_eq!(one.allowed_user_groups[0].id, devs.to_string());

        let r = put(&mut c, &path, json!({"userGroupIds": []})).await;
        assert!(
            r.json::<OidcClientWithGroupsDto>()
                .allowed_user_groups
                .is_empty()
        );
        let r = put(
            &mut c,
            &format!("{CLIENTS}/nope/allowed-user-groups"),
            json!({"userGroupIds": []}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(metadata_is_public, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let id = create(
        &mut c,
        json!({"name": "Wiki", "description": "Team wiki", "launchURL": "https://wiki.example",
               "requiresReauthentication": true, "callbackURLs": ["https://wiki.example/cb"]}),
    )
    .await
    .client
    .id;
    let r = app.get(&format!("{CLIENTS}/{id}/meta")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let meta: OidcClientMetaDto = r.json();
    assert_eq!(
        meta,
        OidcClientMetaDto {
            id: id.clone(),
            name: "Wiki".into(),
            description: "Team wiki".into(),
            has_logo: false,
            has_dark_logo: false,
            launch_url: Some("https://wiki.example".into()),
            requires_reauthentication: true,
            client_type: "standard".into(),
        }
    );
    assert!(
        !r.text().contains("callback"),
        "no admin fields: {}",
        r.text()
    );
    let r = app.get(&format!("{CLIENTS}/nope/meta")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(
    admin_routes_refuse_anonymous_and_non_admins,
    |app: TestApp| async move {
        let mut admin_client = admin(&app).await;
        let id = create(&mut admin_client, json!({"name": "App"}))
            .await
            .client
            .id;
        let secret: OidcClientSecretCreatedDto = admin_client
            .send(Method::POST, &format!("{CLIENTS}/{id}/secrets"), None)
            .await
            .json();
        let mut user = User::new("bob").signed_in(&app).await;
        let mut anonymous = app.client();
        let body = json!({"name": "Hijacked", "userGroupIds": []});
        let routes = [
            (Method::GET, CLIENTS.to_owned()),
            (Method::POST, CLIENTS.to_owned()),
            (Method::GET, format!("{CLIENTS}/{id}")),
            (Method::PUT, format!("{CLIENTS}/{id}")),
            (Method::DELETE, format!("{CLIENTS}/{id}")),
            (Method::PUT, format!("{CLIENTS}/{id}/allowed-user-groups")),
            (Method::GET, format!("{CLIENTS}/{id}/secrets")),
            (Method::POST, format!("{CLIENTS}/{id}/secrets")),
            (
                Method::DELETE,
                format!("{CLIENTS}/{id}/secrets/{}", secret.id),
            ),
        ];
        for (method, path) in routes {
            let r = anonymous.send(method.clone(), &path, Some(&body)).await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path}: {}",
                r.text()
            );
            assert_eq!(code(&r), ErrorCode::NotSignedIn);
            let r = user.send(method.clone(), &path, Some(&body)).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{method} {path}: {}",
                r.text()
            );
            assert_eq!(code(&r), ErrorCode::Forbidden);
        }
        // Nothing changed; the public metadata stays readable by anyone.
        let row = stored(&app, &id).await;
        assert_eq!(row.name.as_deref(), Some("App"));
        assert_eq!(Credentials::of(&row).secrets.len(), 1);
        assert_eq!(
            user.get(&format!("{CLIENTS}/{id}/meta")).await.status,
            StatusCode::OK
        );
    }
);
