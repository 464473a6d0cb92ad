//! OAuth API administration (`/api/apis`, `/api/api-access`): create with resource rules,
//! rename, delete, permission sets, the CIMD opt-in, client grants, the lists, and who may
//! call what.

use crate::db_test;
use crate::fixtures::OidcClient;
use crate::fixtures::{User, admin};
use crate::helpers::{Client, TestApp, TestResponse, code, field_errors, test_now};
use axum::http::{Method, StatusCode};
use pocket_id::db::entities::oidc_clients_allowed_api_permissions;
use pocket_shared::api_resource::{
    ApiClientAccessListResponse, ApiClientGrantDto, ApiClientListResponse, ApiDto, ApiListResponse,
    ClientApiGrantDto,
};
use pocket_shared::{ApiError, ErrorCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const APIS: &str = "/api/apis";

async fn send(c: &mut Client<'_>, method: Method, path: &str, body: Value) -> TestResponse {
    c.send(method, path, Some(&body)).await
}

async fn create(c: &mut Client<'_>, name: &str, resource: &str) -> ApiDto {
    let r = c
        .post(APIS, &json!({"name": name, "resource": resource}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn set_permissions(c: &mut Client<'_>, id: &str, perms: Value) -> ApiDto {
    let r = send(
        c,
        Method::PUT,
        &format!("{APIS}/{id}/permissions"),
        json!({ "permissions": perms }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn perm_id(api: &ApiDto, key: &str) -> String {
    api.permissions
        .iter()
        .find(|p| p.key == key)
        .unwrap_or_else(|| panic!("no permission {key}"))
        .id
        .clone()
}

db_test!(create_get_rename_delete, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let api = create(&mut c, " Orders ", " https://orders.example.com/v1/ ").await;
    assert_eq!(api.name, "Orders");
    assert_eq!(
        api.resource, "https://orders.example.com/v1",
        "trailing / trimmed"
    );
    assert!(api.permissions.is_empty() && !api.allow_cimd_clients);
    assert_eq!(api.created_at, test_now().to_rfc3339());
    let got: ApiDto = c.get(&format!("{APIS}/{}", api.id)).await.json();
    assert_eq!(got, api);

    // Renaming keeps the resource, even when one is sent.
    let r = send(
        &mut c,
        Method::PUT,
        &format!("{APIS}/{}", api.id),
        json!({"name": "Order service", "resource": "https://other.example.com"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let renamed: ApiDto = r.json();
    assert_eq!(renamed.name, "Order service");
    assert_eq!(renamed.resource, "https://orders.example.com/v1");

    let r = c
        .send(Method::DELETE, &format!("{APIS}/{}", api.id), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for (method, path) in [
        (Method::GET, format!("{APIS}/{}", api.id)),
        (Method::DELETE, format!("{APIS}/{}", api.id)),
        (Method::GET, format!("{APIS}/not-a-uuid")),
    ] {
        let r = c.send(method, &path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(code(&r), ErrorCode::NotFound);
    }
    let r = send(
        &mut c,
        Method::PUT,
        &format!("{APIS}/{}", api.id),
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(create_validates_each_field, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let cases = [
        (
            json!({}),
            vec![("name", "required"), ("resource", "required")],
        ),
        (
            json!({"name": "x".repeat(51), "resource": "orders.example.com"}),
            vec![("name", "too_long"), ("resource", "invalid_format")],
        ),
        (
            json!({"name": "A", "resource": "https://orders.example.com/#frag"}),
            vec![("resource", "invalid_format")],
        ),
        (
            json!({"name": "A", "resource": format!("https://x.example/{}", "a".repeat(340))}),
            vec![("resource", "too_long")],
        ),
        // Our own URL (the issuer) is refused, with or without trailing slash.
        (
            json!({"name": "A", "resource": "http://localhost:1411/"}),
            vec![("resource", "reserved")],
        ),
    ];
    for (body, want) in cases {
        let r = c.post(APIS, &body).await;
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(f, c)| (f.to_owned(), c.to_owned()))
            .collect();
        assert_eq!(field_errors(&r), want, "{body}");
    }
    // URNs are absolute URIs too.
    create(&mut c, "Billing", "urn:example:billing").await;
    let r = send(
        &mut c,
        Method::PUT,
        &format!("{APIS}/{}", Uuid::new_v4()),
        json!({"name": ""}),
    )
    .await;
    assert_eq!(
        field_errors(&r),
        [("name".to_owned(), "required".to_owned())]
    );
    assert_eq!(
        c.get(APIS).await.json::<ApiListResponse>().data.len(),
        1,
        "nothing else was stored"
    );
});

db_test!(resources_are_unique, |app: TestApp| async move {
    let mut c = admin(&app).await;
    create(&mut c, "Orders", "https://orders.example.com").await;
    for resource in ["https://orders.example.com", "https://orders.example.com/"] {
        let r = c
            .post(APIS, &json!({"name": "Again", "resource": resource}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{resource}");
        let e: ApiError = r.json();
        assert_eq!(e.code, ErrorCode::AlreadyInUse);
        assert_eq!(e.details.unwrap().values["property"], "resource");
    }
});

db_test!(
    list_searches_sorts_and_paginates,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        create(&mut c, "beta", "https://b.example.com").await;
        create(&mut c, "Alpha", "https://z.example.com").await;
        create(&mut c, "gamma", "urn:alpha:gamma").await;
        let names = |l: &ApiListResponse| l.data.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        let l: ApiListResponse = c.get(APIS).await.json();
        assert_eq!(
            names(&l),
            ["Alpha", "beta", "gamma"],
            "by name, case-insensitive"
        );
        assert_eq!(l.pagination.total_items, 3);
        let l: ApiListResponse = c.get(&format!("{APIS}?search=ALPHA")).await.json();
        assert_eq!(names(&l), ["Alpha", "gamma"], "name or resource");
        let l: ApiListResponse = c
            .get(&format!(
                "{APIS}?sort[column]=resource&sort[direction]=desc"
            ))
            .await
            .json();
        assert_eq!(names(&l), ["gamma", "Alpha", "beta"]);
        let l: ApiListResponse = c
            .get(&format!("{APIS}?pagination[page]=2&pagination[limit]=2"))
            .await
            .json();
        assert_eq!(names(&l), ["gamma"]);
        assert_eq!(
            (l.pagination.total_pages, l.pagination.current_page),
            (2, 2)
        );
        let r = c.get(&format!("{APIS}?sort[column]=secret")).await;
        assert_eq!(
            field_errors(&r),
            [("sort[column]".to_owned(), "invalid_format".to_owned())]
        );
    }
);

db_test!(
    permission_sets_are_replaced_by_key,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        OidcClient::confidential("rp").insert(&app).await;
        let api = create(&mut c, "Orders", "https://orders.example.com").await;
        let api = set_permissions(
            &mut c,
            &api.id,
            json!([
                {"key": "read:orders", "name": "Read orders", "description": "See your orders"},
                {"key": "write:orders", "name": "Write orders"},
            ]),
        )
        .await;
        assert_eq!(api.permissions.len(), 2);
        assert_eq!(
            api.permissions[0].description.as_deref(),
            Some("See your orders")
        );
        let read = perm_id(&api, "read:orders");
        let write = perm_id(&api, "write:orders");
        let grant = send(
            &mut c,
            Method::PUT,
            &format!("{APIS}/{}/clients/rp", api.id),
            json!({"userDelegatedPermissionIds": [read, write]}),
        )
        .await;
        assert_eq!(grant.status, StatusCode::OK, "{}", grant.text());

        // Renamed `read:orders` keeps its id and grant; `write:orders` goes with its grant.
        let api = set_permissions(
            &mut c,
            &api.id,
            json!([
                {"key": "read:orders", "name": "View orders"},
                {"key": "cancel:orders", "name": "Cancel orders"},
            ]),
        )
        .await;
        assert_eq!(perm_id(&api, "read:orders"), read);
        let kept = api.permissions.iter().find(|p| p.id == read).unwrap();
        assert_eq!(
            (kept.name.as_str(), kept.description.as_deref()),
            ("View orders", None)
        );
        assert!(api.permissions.iter().all(|p| p.key != "write:orders"));
        assert_eq!(
            oidc_clients_allowed_api_permissions::Entity::find()
                .count(&app.db)
                .await
                .unwrap(),
            1,
            "the removed permission's grant is gone"
        );

        let r = send(
            &mut c,
            Method::PUT,
            &format!("{APIS}/{}/permissions", api.id),
            json!({"permissions": [
                {"key": "read", "name": "Read"},
                {"key": "read", "name": "Again"},
                {"key": "openid", "name": "Mine"},
                {"key": "has space", "name": ""},
                {"key": "k".repeat(129), "name": "x".repeat(51), "description": "d".repeat(201)},
            ]}),
        )
        .await;
        let errors = field_errors(&r);
        for want in [
            ("permissions[1].key", "duplicate"),
            ("permissions[2].key", "reserved"),
            ("permissions[3].key", "invalid_format"),
            ("permissions[3].name", "required"),
            ("permissions[4].key", "too_long"),
            ("permissions[4].name", "too_long"),
            ("permissions[4].description", "too_long"),
        ] {
            assert!(
                errors.contains(&(want.0.to_owned(), want.1.to_owned())),
                "{want:?} in {errors:?}"
            );
        }
        let unchanged: ApiDto = c.get(&format!("{APIS}/{}", api.id)).await.json();
        assert_eq!(
            unchanged.permissions.len(),
            2,
            "a refused set changes nothing"
        );
        let r = send(
            &mut c,
            Method::PUT,
            &format!("{APIS}/{}/permissions", Uuid::new_v4()),
            json!({"permissions": []}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // An empty set removes everything.
        assert!(
            set_permissions(&mut c, &api.id, json!([]))
                .await
                .permissions
                .is_empty()
        );
    }
);

db_test!(cimd_access_is_stored, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let api = create(&mut c, "Orders", "https://orders.example.com").await;
    let api = set_permissions(
        &mut c,
        &api.id,
        json!([{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]),
    )
    .await;
    let a = perm_id(&api, "a");
    let path = format!("{APIS}/{}/cimd-access", api.id);
    let r = send(
        &mut c,
        Method::PUT,
        &path,
        json!({"enabled": true, "permissionIds": [a]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v: ApiDto = r.json();
    assert!(v.allow_cimd_clients);
    let flags: Vec<(String, bool)> = v
        .permissions
        .iter()
        .map(|p| (p.key.clone(), p.allowed_for_cimd_clients))
        .collect();
    assert_eq!(flags, [("a".to_owned(), true), ("b".to_owned(), false)]);
    // Off keeps the selection.
    let v: ApiDto = send(
        &mut c,
        Method::PUT,
        &path,
        json!({"enabled": false, "permissionIds": [a]}),
    )
    .await
    .json();
    assert!(!v.allow_cimd_clients && v.permissions[0].allowed_for_cimd_clients);
    let r = send(
        &mut c,
        Method::PUT,
        &path,
        json!({"enabled": true, "permissionIds": [Uuid::new_v4().to_string(), "x"]}),
    )
    .await;
    assert_eq!(
        field_errors(&r),
        [
            ("permissionIds[0]".to_owned(), "not_found".to_owned()),
            ("permissionIds[1]".to_owned(), "invalid_format".to_owned())
        ]
    );
});

db_test!(client_grants, |app: TestApp| async move {
    let mut c = admin(&app).await;
    OidcClient::confidential("rp").insert(&app).await;
    OidcClient::public("spa").insert(&app).await;
    OidcClient::confidential("idle").insert(&app).await;
    let api = create(&mut c, "Orders", "https://orders.example.com").await;
    let other = create(&mut c, "Billing", "https://billing.example.com").await;
    let api = set_permissions(
        &mut c,
        &api.id,
        json!([{"key": "read", "name": "Read"}, {"key": "write", "name": "Write"}]),
    )
    .await;
    let (read, write) = (perm_id(&api, "read"), perm_id(&api, "write"));
    let grant_path = |client: &str| format!("{APIS}/{}/clients/{client}", api.id);

    // Permissions imply access; the response is what was stored.
    let r = send(
        &mut c,
        Method::PUT,
        &grant_path("rp"),
        json!({"userDelegatedAccess": false, "clientAccess": false,
               "userDelegatedPermissionIds": [read], "clientPermissionIds": [write]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json::<ApiClientGrantDto>(),
        ApiClientGrantDto {
            user_delegated_access: true,
            client_access: true,
            user_delegated_permission_ids: vec![read.clone()],
            client_permission_ids: vec![write.clone()],
        }
    );
    // A public client cannot use client credentials: its client access is dropped.
    let g: ApiClientGrantDto = send(
        &mut c,
        Method::PUT,
        &grant_path("spa"),
        json!({"userDelegatedAccess": true, "clientAccess": true, "clientPermissionIds": [read]}),
    )
    .await
    .json();
    assert!(g.user_delegated_access && !g.client_access && g.client_permission_ids.is_empty());
    // Access without any permission.
    send(
        &mut c,
        Method::PUT,
        &format!("{APIS}/{}/clients/rp", other.id),
        json!({"clientAccess": true}),
    )
    .await;

    let l: ApiClientAccessListResponse = c.get(&format!("{APIS}/{}/clients", api.id)).await.json();
    let rows: Vec<(&str, bool, bool)> = l
        .data
        .iter()
        .map(|a| {
            (
                a.client.id.as_str(),
                a.grant.user_delegated_access,
                a.grant.client_access,
            )
        })
        .collect();
    assert_eq!(rows, [("rp", true, true), ("spa", true, false)]);
    assert_eq!(
        l.data[0].grant.client_permission_ids,
        std::slice::from_ref(&write)
    );
    assert_eq!(l.data[0].client.name, "App rp");
    assert!(l.data[1].client.is_public);
    let l: ApiClientAccessListResponse = c
        .get(&format!("{APIS}/{}/clients?search=SPA", api.id))
        .await
        .json();
    assert_eq!(l.data.len(), 1);
    let l: ApiClientListResponse = c
        .get(&format!("{APIS}/{}/assignable-clients", api.id))
        .await
        .json();
    let ids: Vec<&str> = l.data.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["idle"]);

    let apis: Vec<ClientApiGrantDto> = c.get("/api/api-access/rp/apis").await.json();
    let seen: Vec<(&str, bool, bool)> = apis
        .iter()
        .map(|g| {
            (
                g.api.name.as_str(),
                g.grant.user_delegated_access,
                g.grant.client_access,
            )
        })
        .collect();
    assert_eq!(seen, [("Billing", false, true), ("Orders", true, true)]);
    assert_eq!(apis[1].api.permissions.len(), 2);
    let l: ApiListResponse = c.get("/api/api-access/idle/assignable-apis").await.json();
    assert_eq!(l.data.len(), 2);
    let l: ApiListResponse = c.get("/api/api-access/rp/assignable-apis").await.json();
    assert!(l.data.is_empty());

    // Unknown permission ids, clients and APIs.
    let r = send(
        &mut c,
        Method::PUT,
        &grant_path("rp"),
        json!({"userDelegatedPermissionIds": [perm_id(&api, "read"), Uuid::new_v4().to_string()],
               "clientPermissionIds": ["nope"]}),
    )
    .await;
    assert_eq!(
        field_errors(&r),
        [
            (
                "userDelegatedPermissionIds[1]".to_owned(),
                "not_found".to_owned()
            ),
            (
                "clientPermissionIds[0]".to_owned(),
                "invalid_format".to_owned()
            )
        ]
    );
    for (method, path) in [
        (Method::PUT, grant_path("ghost")),
        (Method::DELETE, grant_path("ghost")),
        (Method::PUT, format!("{APIS}/{}/clients/rp", Uuid::new_v4())),
        (Method::GET, format!("{APIS}/{}/clients", Uuid::new_v4())),
        (
            Method::GET,
            format!("{APIS}/{}/assignable-clients", Uuid::new_v4()),
        ),
        (Method::GET, "/api/api-access/ghost/apis".to_owned()),
        (
            Method::GET,
            "/api/api-access/ghost/assignable-apis".to_owned(),
        ),
    ] {
        let r = send(&mut c, method.clone(), &path, json!({})).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.text()
        );
    }
    // The refused update kept the grant; revoking removes it, other APIs stay.
    let l: ApiClientAccessListResponse = c.get(&format!("{APIS}/{}/clients", api.id)).await.json();
    assert_eq!(l.data.len(), 2);
    let r = c.send(Method::DELETE, &grant_path("rp"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let apis: Vec<ClientApiGrantDto> = c.get("/api/api-access/rp/apis").await.json();
    assert_eq!(apis.len(), 1);
    assert_eq!(apis[0].api.name, "Billing");
    // Deleting the API removes its grants.
    c.send(Method::DELETE, &format!("{APIS}/{}", other.id), None)
        .await;
    let apis: Vec<ClientApiGrantDto> = c.get("/api/api-access/rp/apis").await.json();
    assert!(apis.is_empty());
});

db_test!(admin_only, |app: TestApp| async move {
    let mut a = admin(&app).await;
    OidcClient::confidential("rp").insert(&app).await;
    let api = create(&mut a, "Orders", "https://orders.example.com").await;
    let mut user = User::new("bob").signed_in(&app).await;
    let mut anonymous = app.client();
    let id = &api.id;
    let routes = [
        (Method::GET, APIS.to_owned()),
        (Method::POST, APIS.to_owned()),
        (Method::GET, format!("{APIS}/{id}")),
        (Method::PUT, format!("{APIS}/{id}")),
        (Method::DELETE, format!("{APIS}/{id}")),
        (Method::PUT, format!("{APIS}/{id}/permissions")),
        (Method::PUT, format!("{APIS}/{id}/cimd-access")),
        (Method::GET, format!("{APIS}/{id}/clients")),
        (Method::GET, format!("{APIS}/{id}/assignable-clients")),
        (Method::PUT, format!("{APIS}/{id}/clients/rp")),
        (Method::DELETE, format!("{APIS}/{id}/clients/rp")),
        (Method::GET, "/api/api-access/rp/apis".to_owned()),
        (Method::GET, "/api/api-access/rp/assignable-apis".to_owned()),
    ];
    let body =
        json!({"name": "Hijacked", "resource": "https://evil.example.com", "permissions": []});
    for (method, path) in routes {
        let r = send(&mut anonymous, method.clone(), &path, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(code(&r), ErrorCode::NotSignedIn);
        let r = send(&mut user, method.clone(), &path, body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(code(&r), ErrorCode::Forbidden);
    }
    let still: ApiDto = a.get(&format!("{APIS}/{id}")).await.json();
    assert_eq!(still.name, "Orders");

    // An admin's API key works.
    let expires = (test_now() + chrono::Duration::days(1)).to_rfc3339();
    let r = a
        .post(
            "/api/api-keys",
            &json!({"name": "deploy script", "expiresAt": expires}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let key: Value = r.json();
    let mut scripted = app.client();
    scripted
        .headers
        .push(("x-api-key".into(), key["token"].as_str().unwrap().into()));
    let r = scripted
        .post(
            APIS,
            &json!({"name": "Scripted", "resource": "urn:scripted"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
});
