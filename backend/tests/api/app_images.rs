//! `/api/application-images/*`: bundled defaults, uploads (type checks, size limit, metadata
//! stripping, SVG safety), replacement, deletion tombstones, the default profile picture and
//! who may call what — with files on disk and in the database.

use crate::db_test;
use crate::fixtures::{User, admin};
use crate::helpers::{Client, TestApp, TestResponse, code, multipart};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use pocket_id::db::entities::storage;
use pocket_shared::{ApiError, ErrorCode};
use sea_orm::EntityTrait;

const IMAGES: &str = "/api/application-images";
const BACKGROUND: &[u8] = include_bytes!("../../assets/app-images/background.webp");
const FAVICON: &[u8] = include_bytes!("../../assets/app-images/favicon.ico");
const LOGO_EMAIL: &[u8] = include_bytes!("../../assets/app-images/logoEmail.png");
const CACHE: &str = "public, max-age=900, stale-while-revalidate=86400";

/// PUTs `file` as the multipart field `file` with the client's cookies.
async fn upload(c: &Client<'_>, path: &str, file: &[u8]) -> TestResponse {
    let form = multipart("file", "upload.bin", "application/octet-stream", file);
    c.send_multipart(Method::PUT, &format!("{IMAGES}{path}"), form)
        .await
}

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 80, 160]));
    encode(img.into(), image::ImageFormat::Png)
}

fn jpeg() -> Vec<u8> {
    encode(
        image::RgbImage::from_pixel(40, 20, image::Rgb([30, 200, 90])).into(),
        image::ImageFormat::Jpeg,
    )
}

/// A JPEG with an APP1 Exif segment carrying a recognisable "location".
fn jpeg_with_exif() -> Vec<u8> {
    let plain = jpeg();
    let mut payload = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0GPS-51.5007N-0.1246W".to_vec();
    payload.extend_from_slice(&[0; 4]);
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#4338ca"/></svg>"##;

async fn stored(app: &TestApp, path: &str) -> Option<Vec<u8>> {
    pocket_id::storage::read(&app.state, path).await.unwrap()
}

db_test!(
    bundled_defaults_are_public_cached_and_seeded,
    |app: TestApp| async move {
        for (path, mime, bytes) in [
            ("/background", "image/webp", BACKGROUND),
            ("/favicon", "image/x-icon", FAVICON),
            ("/email", "image/png", LOGO_EMAIL),
        ] {
            let r = app.get(&format!("{IMAGES}{path}")).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            assert_eq!(r.header("content-type"), mime, "{path}");
            assert_eq!(r.header("cache-control"), CACHE, "{path}");
            assert!(r.header("content-security-policy").contains("sandbox"));
            assert_eq!(&r.body[..], bytes, "{path}");
        }
        // Copied into storage on the way.
        assert_eq!(
            stored(&app, "application-images/background.webp")
                .await
                .as_deref(),
            Some(BACKGROUND)
        );
        // No logo is bundled: the SPA shows its own.
        for q in ["", "?light=true", "?light=false"] {
            let r = app.get(&format!("{IMAGES}/logo{q}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}");
            assert_eq!(code(&r), ErrorCode::NotFound);
        }
    }
);

db_test!(
    logos_are_replaced_across_types_and_deleted,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let r = upload(&c, "/logo?light=true", &png(30, 20)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/logo")).await;
        assert_eq!(r.header("content-type"), "image/png");
        assert_eq!(image::load_from_memory(&r.body).unwrap().width(), 30);
        // The dark logo is its own image.
        let r = app.get(&format!("{IMAGES}/logo?light=false")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = upload(&c, "/logo?light=false", &jpeg()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/logo?light=false")).await;
        assert_eq!(r.header("content-type"), "image/jpeg");

        // Another type replaces the file: the PNG is gone.
        let r = upload(&c, "/logo", SVG.as_bytes()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/logo?light=true")).await;
        assert_eq!(r.header("content-type"), "image/svg+xml");
        assert_eq!(r.text(), SVG);
        assert!(
            r.header("content-security-policy")
                .contains("default-src 'none'")
        );
        assert!(
            stored(&app, "application-images/logoLight.png")
                .await
                .is_none()
        );
        assert!(
            stored(&app, "application-images/logoLight.svg")
                .await
                .is_some()
        );

        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/logo"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            app.get(&format!("{IMAGES}/logo")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            stored(&app, "application-images/.deleted/logoLight")
                .await
                .is_some()
        );
        // The dark logo stays; deleting the light one twice finds nothing.
        assert_eq!(
            app.get(&format!("{IMAGES}/logo?light=false")).await.status,
            StatusCode::OK
        );
        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/logo"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    a_deleted_background_is_not_seeded_again_until_one_is_uploaded,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        // Deleting before anyone looked at it: the bundled one counts.
        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/background"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(
            stored(&app, "application-images/.deleted/background")
                .await
                .as_deref(),
            Some(&b""[..])
        );
        pocket_id::features::app_images::seed_defaults(&app.state)
            .await
            .unwrap();
        assert_eq!(
            app.get(&format!("{IMAGES}/background")).await.status,
            StatusCode::NOT_FOUND
        );
        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/background"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let r = upload(&c, "/background", &jpeg()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/background")).await;
        assert_eq!(r.header("content-type"), "image/jpeg");
        assert!(
            stored(&app, "application-images/.deleted/background")
                .await
                .is_none()
        );
        // Startup seeding leaves an uploaded image alone.
        pocket_id::features::app_images::seed_defaults(&app.state)
            .await
            .unwrap();
        assert!(
            stored(&app, "application-images/background.webp")
                .await
                .is_none()
        );
    }
);

db_test!(
    email_logo_and_favicon_take_only_their_types,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let webp = encode(
            image::RgbImage::from_pixel(8, 8, image::Rgb([1, 2, 3])).into(),
            image::ImageFormat::WebP,
        );
        for (path, file) in [
            ("/email", webp.clone()),
            ("/email", SVG.as_bytes().to_vec()),
            ("/favicon", png(16, 16)),
            ("/favicon", SVG.as_bytes().to_vec()),
        ] {
            let r = upload(&c, path, &file).await;
            assert_eq!(
                r.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path}: {}",
                r.text()
            );
            assert_eq!(code(&r), ErrorCode::FileTypeNotSupported);
        }
        // Still the bundled ones.
        assert_eq!(
            &app.get(&format!("{IMAGES}/email")).await.body[..],
            LOGO_EMAIL
        );

        let r = upload(&c, "/email", &jpeg()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/email")).await;
        assert_eq!(r.header("content-type"), "image/jpeg");
        assert!(
            stored(&app, "application-images/logoEmail.png")
                .await
                .is_none()
        );

        let r = upload(&c, "/favicon", FAVICON).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.get(&format!("{IMAGES}/favicon")).await;
        assert_eq!(r.header("content-type"), "image/x-icon");
        assert_eq!(&r.body[..], FAVICON);
        // Neither has a DELETE route.
        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/favicon"), None)
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    }
);

db_test!(uploads_lose_their_metadata, |app: TestApp| async move {
    let c = admin(&app).await;
    let original = jpeg_with_exif();
    assert!(original.windows(10).any(|w| w == b"GPS-51.500"));
    let r = upload(&c, "/background", &original).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let served = app.get(&format!("{IMAGES}/background")).await;
    assert_eq!(served.header("content-type"), "image/jpeg");
    assert!(!served.body.windows(10).any(|w| w == b"GPS-51.500"));
    assert!(!served.body.windows(4).any(|w| w == b"Exif"));
    let img = image::load_from_memory(&served.body).unwrap();
    assert_eq!((img.width(), img.height()), (40, 20));
});

db_test!(
    unsafe_corrupt_oversized_or_missing_files_are_refused,
    |app: TestApp| async move {
        let c = admin(&app).await;
        for svg in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>"#,
        ] {
            let r = upload(&c, "/logo", svg.as_bytes()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{svg}: {}", r.text());
            assert_eq!(code(&r), ErrorCode::InvalidImage);
        }
        assert_eq!(
            app.get(&format!("{IMAGES}/logo")).await.status,
            StatusCode::NOT_FOUND
        );

        let r = upload(&c, "/background", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRjunk").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::InvalidImage);
        let r = upload(&c, "/background", b"just some text").await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // Just past the 10 MiB limit, and far past it (beyond the body limit).
        for size in [10 * 1024 * 1024 + 1, 12 * 1024 * 1024] {
            let mut big = png(4, 4);
            big.resize(size, 0);
            let r = upload(&c, "/background", &big).await;
            assert_eq!(
                r.status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "{size}: {}",
                r.text()
            );
            assert_eq!(code(&r), ErrorCode::FileTooLarge);
        }
        // The bundled background is untouched.
        assert_eq!(
            &app.get(&format!("{IMAGES}/background")).await.body[..],
            BACKGROUND
        );

        let cookie = c.cookie_header();
        let req = Request::put(format!("{IMAGES}/logo"))
            .header("content-type", "multipart/form-data; boundary=B")
            .header("cookie", cookie)
            .body(Body::from(
                "--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--B--\r\n",
            ))
            .unwrap();
        let r = app.request(req).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        let e: ApiError = r.json();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert_eq!(e.details.unwrap().fields[0].field, "file");
    }
);

db_test!(
    default_profile_picture_is_normalized_and_admin_only,
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let path = format!("{IMAGES}/default-profile-picture");
        assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
        assert!(
            pocket_id::features::app_images::default_profile_picture(&app.state)
                .await
                .unwrap()
                .is_none()
        );

        let r = upload(&c, "/default-profile-picture", &jpeg_with_exif()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = c.get(&path).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), "image/png");
        let img = image::load_from_memory(&r.body).unwrap();
        assert_eq!((img.width(), img.height()), (300, 300));
        assert!(!r.body.windows(10).any(|w| w == b"GPS-51.500"));
        assert_eq!(
            pocket_id::features::app_images::default_profile_picture(&app.state)
                .await
                .unwrap()
                .as_deref(),
            Some(&r.body[..])
        );
        // A user without a picture of their own now gets the default one, not initials.
        let me: serde_json::Value = c.get("/api/users/me").await.json();
        let avatar = format!(
            "/api/users/{}/profile-picture.png",
            me["id"].as_str().unwrap()
        );
        assert_eq!(
            c.get(&avatar).await.body,
            r.body,
            "the default picture is the fallback"
        );
        let default_png = r.body.clone();
        let r = upload(&c, "/default-profile-picture", SVG.as_bytes()).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let r = c.send(Method::DELETE, &path, None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_ne!(c.get(&avatar).await.body, default_png, "back to initials");
    }
);

db_test!(only_admins_change_images, |app: TestApp| async move {
    let _admin_client = admin(&app).await;
    let user = User::new("bob").signed_in(&app).await;
    let anonymous = app.client();
    for path in [
        "/logo?light=true",
        "/logo?light=false",
        "/email",
        "/background",
        "/favicon",
        "/default-profile-picture",
    ] {
        let r = upload(&anonymous, path, &png(8, 8)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(code(&r), ErrorCode::NotSignedIn);
        let r = upload(&user, path, &png(8, 8)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(code(&r), ErrorCode::Forbidden);
    }
    let mut user = user;
    let mut anonymous = anonymous;
    for path in ["/logo", "/background", "/default-profile-picture"] {
        let p = format!("{IMAGES}{path}");
        assert_eq!(
            anonymous.send(Method::DELETE, &p, None).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            user.send(Method::DELETE, &p, None).await.status,
            StatusCode::FORBIDDEN
        );
    }
    let p = format!("{IMAGES}/default-profile-picture");
    assert_eq!(anonymous.get(&p).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(user.get(&p).await.status, StatusCode::FORBIDDEN);
    // Nothing changed; the public images stay public.
    assert_eq!(
        &user.get(&format!("{IMAGES}/background")).await.body[..],
        BACKGROUND
    );
    assert_eq!(
        anonymous.get(&format!("{IMAGES}/logo")).await.status,
        StatusCode::NOT_FOUND
    );
});

db_test!(
    images_can_live_in_the_database,
    env = [("FILE_BACKEND", "database")],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let r = upload(&c, "/logo", SVG.as_bytes()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let row = storage::Entity::find_by_id("application-images/logoLight.svg")
            .one(&app.db)
            .await
            .unwrap()
            .expect("stored in the storage table");
        assert_eq!(row.data, SVG.as_bytes());
        assert_eq!(row.size, SVG.len() as i64);
        let r = upload(&c, "/logo", &png(5, 5)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert!(
            storage::Entity::find_by_id("application-images/logoLight.svg")
                .one(&app.db)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            app.get(&format!("{IMAGES}/logo"))
                .await
                .header("content-type"),
            "image/png"
        );
        let r = c
            .send(Method::DELETE, &format!("{IMAGES}/logo"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(
            storage::Entity::find_by_id("application-images/.deleted/logoLight")
                .one(&app.db)
                .await
                .unwrap()
                .is_some()
        );
        // The bundled defaults are seeded into the table too.
        assert_eq!(
            &app.get(&format!("{IMAGES}/favicon")).await.body[..],
            FAVICON
        );
        assert!(
            storage::Entity::find_by_id("application-images/favicon.ico")
                .one(&app.db)
                .await
                .unwrap()
                .is_some()
        );
    }
);
