//! User groups: create, validate, unique names, list (search, sort, pages, member counts),
//! detail (members, claims, allowed clients), members and allowed clients replaced, delete,
//! LDAP groups read-only, and who may call what.

use crate::db_test;
use crate::fixtures::OidcClient;
use crate::fixtures::{User, admin};
use crate::helpers::{Client, TestApp};
use crate::helpers::{code, error_fields};
use crate::users_admin::{conflict, delete, put, user_named};
use axum::http::{Method, StatusCode};
use pocket_id::db::entities::user_groups;
use pocket_shared::ErrorCode;
use pocket_shared::oidc_client::OidcClientWithGroupsDto;
use pocket_shared::user_group::{UserGroupListResponse, UserGroupWithUsersDto};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const GROUPS: &str = "/api/user-groups";

async fn create(c: &mut Client<'_>, friendly: &str, name: &str) -> UserGroupWithUsersDto {
    let r = c
        .post(GROUPS, &json!({"friendlyName": friendly, "name": name}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn list(c: &mut Client<'_>, query: &str) -> UserGroupListResponse {
    let r = c.get(&format!("{GROUPS}?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn names(l: &UserGroupListResponse) -> Vec<&str> {
    l.data.iter().map(|g| g.group.name.as_str()).collect()
}

db_test!(create_get_update_delete, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let g = create(&mut c, "  Developers ", " developers ").await;
    assert_eq!(
        (g.group.friendly_name.as_str(), g.group.name.as_str()),
        ("Developers", "developers")
    );
    assert!(g.users.is_empty() && g.allowed_oidc_clients.is_empty());
    assert!(g.group.created_at.ends_with('Z'));
    let path = format!("{GROUPS}/{}", g.group.id);
    let got: UserGroupWithUsersDto = c.get(&path).await.json();
    assert_eq!(got, g);

    let r = put(
        &mut c,
        &path,
        json!({"friendlyName": "Devs", "name": "devs"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let updated: UserGroupWithUsersDto = r.json();
    assert_eq!(
        (
            updated.group.friendly_name.as_str(),
            updated.group.name.as_str()
        ),
        ("Devs", "devs")
    );
    // Keeping the own name is no conflict.
    assert_eq!(
        put(
            &mut c,
            &path,
            json!({"friendlyName": "Devs!", "name": "devs"})
        )
        .await
        .status,
        StatusCode::OK
    );

    assert_eq!(delete(&mut c, &path).await.status, StatusCode::NO_CONTENT);
    let r = c.get(&path).await;
    assert_eq!(
        (r.status, code(&r)),
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    assert_eq!(delete(&mut c, &path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        put(
            &mut c,
            &path,
            json!({"friendlyName": "Devs", "name": "devs"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
});

db_test!(validation_and_conflicts, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let r = c
        .post(GROUPS, &json!({"friendlyName": "D", "name": ""}))
        .await;
    assert_eq!(error_fields(&r), ["friendlyName", "name"]);
    let r = c
        .post(
            GROUPS,
            &json!({"friendlyName": "x".repeat(51), "name": "y".repeat(256)}),
        )
        .await;
    assert_eq!(error_fields(&r), ["friendlyName", "name"]);
    let r = c.post(GROUPS, &json!({})).await;
    assert_eq!(error_fields(&r), ["friendlyName", "name"]);

    create(&mut c, "Admins", "admins").await;
    let r = c
        .post(GROUPS, &json!({"friendlyName": "Other", "name": "admins"}))
        .await;
    assert_eq!(conflict(&r), (ErrorCode::AlreadyInUse, "name".into()));
    let other = create(&mut c, "Other", "other").await;
    let r = put(
        &mut c,
        &format!("{GROUPS}/{}", other.group.id),
        json!({"friendlyName": "Other", "name": "admins"}),
    )
    .await;
    assert_eq!(conflict(&r), (ErrorCode::AlreadyInUse, "name".into()));
    assert_eq!(
        c.get(&format!("{GROUPS}/not-a-uuid")).await.status,
        StatusCode::NOT_FOUND
    );
});

db_test!(members_and_counts, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let g = create(&mut c, "Team", "team").await;
    let (zed, amy) = (
        user_named(&mut c, "zed").await,
        user_named(&mut c, "amy").await,
    );
    let path = format!("{GROUPS}/{}/users", g.group.id);
    app.clock.advance(chrono::Duration::minutes(5));
    let r = put(&mut c, &path, json!({"userIds": [zed.id, amy.id, zed.id]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dto: UserGroupWithUsersDto = r.json();
    let members: Vec<&str> = dto.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(members, ["amy", "zed"]);
    assert_eq!(
        dto.users[0].user_groups[0].name, "team",
        "members carry their groups"
    );

    let id: Uuid = g.group.id.parse().unwrap();
    let row = user_groups::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.updated_at,
        Some(crate::helpers::test_now() + chrono::Duration::minutes(5)),
        "membership touches updated_at"
    );

    let l = list(&mut c, "").await;
    assert_eq!(l.data[0].user_count, 2);
    let user: Value = c.get(&format!("/api/users/{}", amy.id)).await.json();
    assert_eq!(user["userGroups"][0]["name"], "team");

    let r = put(&mut c, &path, json!({"userIds": [amy.id, "nope"]})).await;
    assert_eq!(error_fields(&r), ["userIds[1]"]);
    let r = put(&mut c, &path, json!({"userIds": [Uuid::new_v4(), amy.id]})).await;
    assert_eq!(error_fields(&r), ["userIds[0]"]);
    let r = put(&mut c, &path, json!({"userIds": []})).await;
    assert!(r.json::<UserGroupWithUsersDto>().users.is_empty());
    assert_eq!(list(&mut c, "").await.data[0].user_count, 0);
    let r = put(
        &mut c,
        &format!("{GROUPS}/{}/users", Uuid::new_v4()),
        json!({"userIds": []}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(allowed_oidc_clients, |app: TestApp| async move {
    let mut c = admin(&app).await;
    OidcClient::confidential("wiki").insert(&app).await;
    OidcClient::confidential("chat").insert(&app).await;
    let g = create(&mut c, "Readers", "readers").await;
    let path = format!("{GROUPS}/{}/allowed-oidc-clients", g.group.id);
    let r = put(&mut c, &path, json!({"oidcClientIds": ["wiki", "chat"]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dto: UserGroupWithUsersDto = r.json();
    let ids: Vec<&str> = dto
        .allowed_oidc_clients
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    let detail: UserGroupWithUsersDto = c.get(&format!("{GROUPS}/{}", g.group.id)).await.json();
    assert_eq!(detail.allowed_oidc_clients.len(), 2);
    let client: OidcClientWithGroupsDto = c.get("/api/oidc/clients/wiki").await.json();
    assert_eq!(
        client.allowed_user_groups[0].name, "readers",
        "seen from the client too"
    );

    let r = put(&mut c, &path, json!({"oidcClientIds": ["wiki", "missing"]})).await;
    assert_eq!(error_fields(&r), ["oidcClientIds[1]"]);
    let r = put(&mut c, &path, json!({"oidcClientIds": []})).await;
    assert!(
        r.json::<UserGroupWithUsersDto>()
            .allowed_oidc_clients
            .is_empty()
    );
    let r = put(
        &mut c,
        &format!("{GROUPS}/{}/allowed-oidc-clients", Uuid::new_v4()),
        json!({"oidcClientIds": []}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

db_test!(list_searches_sorts_and_pages, |app: TestApp| async move {
    let mut c = admin(&app).await;
    let a = create(&mut c, "Beta Testers", "beta").await;
    create(&mut c, "alpha people", "zz-alpha").await;
    create(&mut c, "Gamma", "gamma_ops").await;
    let u = user_named(&mut c, "m").await;
    put(
        &mut c,
        &format!("{GROUPS}/{}/users", a.group.id),
        json!({"userIds": [u.id]}),
    )
    .await;

    assert_eq!(
        names(&list(&mut c, "").await),
        ["zz-alpha", "beta", "gamma_ops"],
        "friendly name"
    );
    assert_eq!(names(&list(&mut c, "search=ALPHA").await), ["zz-alpha"]);
    assert_eq!(
        names(&list(&mut c, "search=ops").await),
        ["gamma_ops"],
        "name matches too"
    );
    assert!(
        list(&mut c, "search=_x").await.data.is_empty(),
        "_ is literal"
    );
    assert_eq!(
        names(&list(&mut c, "sort[column]=name&sort[direction]=desc").await),
        ["zz-alpha", "gamma_ops", "beta"]
    );
    assert_eq!(
        names(&list(&mut c, "sort[column]=userCount&sort[direction]=desc").await)[0],
        "beta"
    );
    let p = list(&mut c, "pagination[limit]=2&pagination[page]=2").await;
    assert_eq!(names(&p), ["gamma_ops"]);
    assert_eq!((p.pagination.total_items, p.pagination.total_pages), (3, 2));
    let r = c.get(&format!("{GROUPS}?sort[column]=members")).await;
    assert_eq!(error_fields(&r), ["sort[column]"]);
});

db_test!(
    ldap_groups_are_read_only_while_ldap_is_on,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let g = create(&mut c, "Synced", "synced").await;
        let id: Uuid = g.group.id.parse().unwrap();
        let mut row: user_groups::ActiveModel = user_groups::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
        row.ldap_id = Set(Some("cn=synced".into()));
        row.update(&app.db).await.unwrap();
        let path = format!("{GROUPS}/{id}");
        // LDAP off: an ordinary group.
        assert_eq!(
            put(
                &mut c,
                &path,
                json!({"friendlyName": "Synced", "name": "synced2"})
            )
            .await
            .status,
            StatusCode::OK
        );
        app.set_app_config("ldapEnabled", "true").await;
        let r = put(
            &mut c,
            &path,
            json!({"friendlyName": "Synced", "name": "synced3"}),
        )
        .await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::FORBIDDEN, ErrorCode::LdapUserGroupUpdate)
        );
        let r = delete(&mut c, &path).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::FORBIDDEN, ErrorCode::LdapUserGroupUpdate)
        );
    }
);

db_test!(who_may_call, |app: TestApp| async move {
    let _c = admin(&app).await;
    let mut bob = User::new("bob").signed_in(&app).await;
    let g = format!("{GROUPS}/{}", Uuid::new_v4());
    let body = json!({"friendlyName": "Xx", "name": "xx"});
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, GROUPS.into(), None),
        (Method::POST, GROUPS.into(), Some(body.clone())),
        (Method::GET, g.clone(), None),
        (Method::PUT, g.clone(), Some(body)),
        (Method::DELETE, g.clone(), None),
        (
            Method::PUT,
            format!("{g}/users"),
            Some(json!({"userIds": []})),
        ),
        (
            Method::PUT,
            format!("{g}/allowed-oidc-clients"),
            Some(json!({"oidcClientIds": []})),
        ),
    ];
    let mut anon = app.client();
    for (m, path, body) in routes {
        let r = anon.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {path}");
        let r = bob.send(m.clone(), &path, body.as_ref()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {path}");
    }
});
