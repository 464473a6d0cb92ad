//! `filters[...]` of the client list, alone and with search, sort and pages; and federated
//! identities edited through `PUT`.

use super::{CLIENTS, create, error_fields, list, names, put, stored};
use crate::db_test;
use crate::fixtures::admin;
use crate::helpers::TestApp;
use axum::http::StatusCode;
use pocket_id::db::entities::oidc_clients;
use pocket_id::features::oidc::clients::credentials::Credentials;
use pocket_shared::oidc_client::OidcClientWithGroupsDto;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::json;

db_test!(flag_and_type_filters, |app: TestApp| async move {
    let mut c = admin(&app).await;
    for body in [
        json!({"id": "plain", "name": "Plain"}),
        json!({"id": "pkce", "name": "Pkce", "pkceEnabled": true}),
        json!({"id": "public", "name": "Public", "isPublic": true}),
        json!({"id": "reauth", "name": "Reauth", "requiresReauthentication": true}),
        json!({"id": "par", "name": "Par", "requiresPushedAuthorizationRequests": true}),
        json!({"id": "skip", "name": "Skip", "skipConsent": true}),
        json!({"id": "groups", "name": "Groups", "isGroupRestricted": true}),
    ] {
        create(&mut c, body).await;
    }
    // Set by the token endpoint, and by metadata-document discovery.
    let mut row: oidc_clients::ActiveModel = stored(&app, "plain").await.into();
    row.pkce_supported = Set(true);
    row.update(&app.db).await.unwrap();
    let mut row: oidc_clients::ActiveModel = stored(&app, "skip").await.into();
    row.client_type = Set("cimd".into());
    row.update(&app.db).await.unwrap();

    for (query, want) in [
        ("filters[pkceEnabled]=true", &["Pkce", "Public"][..]),
        ("filters[requiresReauthentication]=true", &["Reauth"]),
        (
            "filters[requiresPushedAuthorizationRequests]=true",
            &["Par"],
        ),
        ("filters[skipConsent]=true", &["Skip"]),
        ("filters[isGroupRestricted]=true", &["Groups"]),
        ("filters[pkceSupported]=true", &["Plain"]),
        ("filters[clientType]=cimd", &["Skip"]),
        (
            "filters[clientType]=standard&filters[skipConsent]=false&filters[pkceEnabled]=false&search=r",
            &["Groups", "Par", "Reauth"],
        ),
        (
            "filters[clientType]=standard&filters[clientType]=cimd&filters[isPublic]=true",
            &["Public"],
        ),
        (
            "filters[pkceEnabled]=false&sort[column]=name&sort[direction]=desc&pagination[limit]=2",
            &["Skip", "Reauth"],
        ),
        // An empty value is no filter.
        (
            "filters[skipConsent]=",
            &["Groups", "Par", "Pkce", "Plain", "Public", "Reauth", "Skip"],
        ),
    ] {
        let l = list(&mut c, query).await;
        assert_eq!(names(&l), want, "{query}");
    }
    let l = list(
        &mut c,
        "filters[pkceEnabled]=false&pagination[limit]=2&pagination[page]=2",
    )
    .await;
    assert_eq!(names(&l), ["Plain", "Reauth"]);
    assert_eq!((l.pagination.total_items, l.pagination.total_pages), (5, 3));

    let r = c
        .get(&format!("{CLIENTS}?filters[skipConsent]=maybe"))
        .await;
    assert_eq!(error_fields(&r), ["filters[skipConsent]"]);
    let r = c
        .get(&format!("{CLIENTS}?filters[clientType]=dynamic"))
        .await;
    assert_eq!(error_fields(&r), ["filters[clientType]"]);
});

db_test!(
    federated_identities_are_edited_with_put,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "Ci"})).await.client.id;
        let path = format!("{CLIENTS}/{id}");
        let r = put(
            &mut c,
            &path,
            json!({"name": "Ci", "credentials": {"federatedIdentities": [
                {"issuer": "https://token.actions.example", "subject": "repo:org/app:ref:refs/heads/main",
                 "audience": "pocket-id", "replayProtection": true},
                {"issuer": "kubernetes", "jwks": "https://k8s.example/openid/v1/jwks"}
            ]}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let got: OidcClientWithGroupsDto = c.get(&path).await.json();
        let fi = &got.client.credentials.federated_identities;
        assert_eq!(fi.len(), 2);
        assert_eq!(fi[0].audience.as_deref(), Some("pocket-id"));
        assert!(fi[0].replay_protection && !fi[1].replay_protection);
        assert_eq!(
            fi[1].jwks.as_deref(),
            Some("https://k8s.example/openid/v1/jwks")
        );
        let creds = Credentials::of(&stored(&app, &id).await);
        assert_eq!(
            creds.federated_identities[0].subject.as_deref(),
            Some("repo:org/app:ref:refs/heads/main")
        );

        // Edited in place: change one, drop the other.
        let r = put(
            &mut c,
            &path,
            json!({"name": "Ci", "credentials": {"federatedIdentities": [
                {"issuer": "https://token.actions.example", "subject": "repo:org/app:environment:prod"}
            ]}}),
        )
        .await;
        let fi = r
            .json::<OidcClientWithGroupsDto>()
            .client
            .credentials
            .federated_identities;
        assert_eq!(fi.len(), 1);
        assert_eq!(
            fi[0].subject.as_deref(),
            Some("repo:org/app:environment:prod")
        );
        assert!(!fi[0].replay_protection, "a full replace");

        let r = put(
            &mut c,
            &path,
            json!({"name": "Ci", "credentials": {"federatedIdentities": [
                {"issuer": "https://a.example"}, {"issuer": "https://a.example"},
                {"issuer": "no-url"}, {"issuer": "https://b.example", "jwks": "ftp://b.example/keys"},
                {"issuer": " "}
            ]}}),
        )
        .await;
        assert_eq!(
            error_fields(&r),
            [
                "credentials.federatedIdentities[1].issuer",
                "credentials.federatedIdentities[2].issuer",
                "credentials.federatedIdentities[3].jwks",
                "credentials.federatedIdentities[4].issuer",
            ]
        );
        let r = put(&mut c, &path, json!({"name": "Ci"})).await;
        assert!(
            r.json::<OidcClientWithGroupsDto>()
                .client
                .credentials
                .federated_identities
                .is_empty()
        );
        assert!(
            Credentials::of(&stored(&app, &id).await)
                .federated_identities
                .is_empty()
        );
    }
);
