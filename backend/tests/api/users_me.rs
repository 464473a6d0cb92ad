//! The signed-in user's own account: profile updates and profile pictures.

use crate::db_test;
use crate::fixtures::{User, admin, setup_admin};
use crate::helpers::{TestApp, multipart};
use axum::http::{Method, StatusCode};
use pocket_shared::{ApiError, ErrorCode, UserDto};
use serde_json::json;

db_test!(
    own_profile_updates_follow_the_rules,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let body = json!({"username": "ada", "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "locale": "en"});
        let r = c.send(Method::PUT, "/api/users/me", Some(&body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let me: UserDto = r.json();
        assert_eq!(
            (me.username.as_str(), me.display_name.as_str()),
            ("ada", "Ada Lovelace")
        );
        assert!(
            !me.email_verified,
            "a changed email is unverified (emailsVerified=false)"
        );

        let r = c
            .send(
                Method::PUT,
                "/api/users/me",
                Some(&json!({"username": "ada", "email": "not-an-email", "firstName": "Ada"})),
            )
            .await;
        let e: ApiError = r.json();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert_eq!(e.details.unwrap().fields[0].field, "email");

        // Another user holds "Bob" (any case).
        User::new("Bob").insert(&app).await;
        let r = c
            .send(
                Method::PUT,
                "/api/users/me",
                Some(&json!({"username": "bob", "email": "ada@example.com", "firstName": "Ada"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let e: ApiError = r.json();
        assert_eq!(e.code, ErrorCode::AlreadyInUse);
        assert_eq!(e.details.unwrap().values["property"], "username");
    }
);

db_test!(
    without_own_account_edit_only_the_locale_changes,
    |app: TestApp| async move {
        app.set_app_config("allowOwnAccountEdit", "false").await;
        let mut c = admin(&app).await;
        let body = json!({"username": "mallory", "email": "m@example.com", "firstName": "M", "locale": "de"});
        let me: UserDto = c
            .send(Method::PUT, "/api/users/me", Some(&body))
            .await
            .json();
        assert_eq!(me.username, "admin");
        assert_eq!(me.locale.as_deref(), Some("de"));
    }
);

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 80, 160]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

db_test!(
    profile_pictures_default_to_initials_and_can_be_replaced,
    |app: TestApp| async move {
        let mut c = app.client();
        let me = setup_admin(&mut c).await;
        let path = format!("/api/users/{}/profile-picture.png", me.id);
        let initials = c.get(&path).await;
        assert_eq!(initials.status, StatusCode::OK);
        assert_eq!(initials.header("content-type"), "image/png");
        assert!(initials.header("cache-control").starts_with("public"));
        let decoded = image::load_from_memory(&initials.body).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (300, 300));

        let picture = "/api/users/me/profile-picture";
        let form = multipart("file", "me.png", "image/png", &png(640, 480));
        let r = c.send_multipart(Method::PUT, picture, form).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let uploaded = c.get(&path).await;
        assert_ne!(uploaded.body, initials.body);
        assert_eq!(
            image::load_from_memory(&uploaded.body).unwrap().width(),
            300
        );

        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'/>";
        let form = multipart("file", "me.png", "image/png", svg);
        let r = c.send_multipart(Method::PUT, picture, form).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(r.json::<ApiError>().code, ErrorCode::FileTypeNotSupported);

        assert_eq!(
            c.send(Method::DELETE, "/api/users/me/profile-picture", None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(c.get(&path).await.body, initials.body);
        assert_eq!(
            c.get("/api/users/not-a-uuid/profile-picture.png")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let unknown = format!("/api/users/{}/profile-picture.png", uuid::Uuid::new_v4());
        assert_eq!(c.get(&unknown).await.status, StatusCode::NOT_FOUND);
    }
);
