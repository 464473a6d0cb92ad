//! Client logos: upload (size, type sniffing, metadata stripping, SVG screening), serving
//! (fallback, caching, SVG sandbox), deletion, and URL downloads through the SSRF-guarded
//! fetcher against a local HTTP server (loopback allowed only through the test switch).

use super::{CLIENTS, code, create, delete, error_fields, put, stored};
use crate::db_test;
use crate::fixtures::{User, admin};
use crate::helpers::{Client, TestApp, TestResponse, multipart};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use pocket_id::db::entities::{oidc_clients, storage};
use pocket_shared::ErrorCode;
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::OidcClientWithGroupsDto;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::io::Cursor;

/// Logos are stored in the database in these tests (no files left behind).
const IN_DATABASE: (&str, &str) = ("FILE_BACKEND", "database");

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn encode(format: ImageFormat) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(RgbImage::from_fn(16, 8, |x, _| {
        if x < 8 {
            Rgb([250, 0, 0])
        } else {
            Rgb([0, 0, 250])
        }
    }));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFF_u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG with a `tEXt` chunk (`Comment: SECRET-PNG-TEXT`) right after the header.
pub fn png_with_text() -> Vec<u8> {
    let png = encode(ImageFormat::Png);
    let mut chunk = b"tEXt".to_vec();
    chunk.extend_from_slice(b"Comment\0SECRET-PNG-TEXT");
    let mut out = png[..33].to_vec(); // signature + IHDR
    out.extend_from_slice(&((chunk.len() - 4) as u32).to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    out.extend_from_slice(&png[33..]);
    assert!(image::load_from_memory(&out).is_ok(), "still a valid PNG");
    out
}

/// A JPEG with an APP1 Exif segment carrying `SECRET-GPS-EXIF`.
fn jpeg_with_exif() -> Vec<u8> {
    let jpeg = encode(ImageFormat::Jpeg);
    let mut payload = b"Exif\0\0II*\0\x08\0\0\0\0\0".to_vec();
    payload.extend_from_slice(b"SECRET-GPS-EXIF");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    assert!(image::load_from_memory(&out).is_ok(), "still a valid JPEG");
    out
}

const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#f00"/></svg>"##;

/// POSTs `bytes` as the multipart field `name` to `path`, with the client's cookies.
async fn upload_field(
    c: &Client<'_>,
    path: &str,
    name: &str,
    filename: &str,
    bytes: &[u8],
) -> TestResponse {
    let form = multipart(name, filename, "application/octet-stream", bytes);
    c.send_multipart(Method::POST, path, form).await
}

async fn upload(c: &Client<'_>, path: &str, filename: &str, bytes: &[u8]) -> TestResponse {
    upload_field(c, path, "file", filename, bytes).await
}

async fn logo_rows(app: &TestApp) -> Vec<String> {
    storage::Entity::find()
        .filter(storage::Column::Path.starts_with("oidc-client-images/"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect()
}

db_test!(
    upload_serve_replace_and_delete,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"id": "wiki", "name": "Wiki"}))
            .await
            .client
            .id;
        let logo = format!("{CLIENTS}/{id}/logo");
        assert_eq!(app.get(&logo).await.status, StatusCode::NOT_FOUND);

        // A PNG with a text chunk: accepted, stored without it.
        let r = upload(&c, &logo, "logo.png", &png_with_text()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let served = app.get(&logo).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.header("content-type"), "image/png");
        assert_eq!(
            served.header("cache-control"),
            "public, max-age=900, stale-while-revalidate=43200"
        );
        assert!(
            !contains(&served.body, b"SECRET-PNG-TEXT"),
            "tEXt chunk stripped"
        );
        assert!(!contains(&served.body, b"tEXt"));
        assert!(image::load_from_memory(&served.body).is_ok());
        let meta: OidcClientMetaDto = app.get(&format!("{CLIENTS}/{id}/meta")).await.json();
        assert!(meta.has_logo && !meta.has_dark_logo);
        assert_eq!(logo_rows(&app).await, ["oidc-client-images/wiki.png"]);

        // No dark logo: the light one is served for dark requests.
        let dark = app.get(&format!("{logo}?light=false")).await;
        assert_eq!(dark.status, StatusCode::OK);
        assert_eq!(dark.body, served.body);

        // A dark SVG is served sandboxed.
        let r = upload(&c, &format!("{logo}?light=false"), "dark.svg", SVG).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let dark = app.get(&format!("{logo}?light=false")).await;
        assert_eq!(dark.header("content-type"), "image/svg+xml");
        assert_eq!(dark.header("content-security-policy"), "sandbox");
        assert_eq!(dark.header("x-content-type-options"), "nosniff");
        assert_eq!(&dark.body[..], SVG);
        assert_eq!(
            app.get(&format!("{logo}?light=true")).await.body,
            served.body
        );

        // Replacing the light PNG with a JPEG removes the PNG file; EXIF is gone.
        let r = upload(&c, &logo, "photo.jpeg", &jpeg_with_exif()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let served = app.get(&logo).await;
        assert_eq!(served.header("content-type"), "image/jpeg");
        assert!(!contains(&served.body, b"SECRET-GPS-EXIF"), "EXIF stripped");
        assert!(!contains(&served.body, b"Exif"));
        let mut rows = logo_rows(&app).await;
        rows.sort();
        assert_eq!(
            rows,
            [
                "oidc-client-images/wiki-dark.svg",
                "oidc-client-images/wiki.jpg"
            ]
        );
        let dto: OidcClientWithGroupsDto = c.get(&format!("{CLIENTS}/{id}")).await.json();
        assert!(dto.client.has_logo && dto.client.has_dark_logo);

        // Deleting the dark logo; again is 404.
        let r = delete(&mut c, &format!("{logo}?light=false")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = delete(&mut c, &format!("{logo}?light=false")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(code(&r), ErrorCode::NotFound);
        assert_eq!(logo_rows(&app).await, ["oidc-client-images/wiki.jpg"]);
        assert_eq!(
            app.get(&format!("{logo}?light=false"))
                .await
                .header("content-type"),
            "image/jpeg"
        );
        let r = delete(&mut c, &logo).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = app.get(&logo).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(code(&r), ErrorCode::NotFound, "a JSON error");
        assert!(logo_rows(&app).await.is_empty());
        let row = stored(&app, &id).await;
        assert_eq!((row.image_type, row.dark_image_type), (None, None));
    }
);

db_test!(
    uploads_are_checked,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "App"})).await.client.id;
        let logo = format!("{CLIENTS}/{id}/logo");

        let mut big = encode(ImageFormat::Png);
        big.resize(2 * 1024 * 1024 + 1, 0);
        let r = upload(&c, &logo, "big.png", &big).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::FileTooLarge);

        let r = upload(&c, &logo, "notes.txt", b"just some text").await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::FileTypeNotSupported);
        // The name does not decide: HTML named .png is refused, a PNG named .txt is a PNG.
        let r = upload(
            &c,
            &logo,
            "evil.png",
            b"<html><script>alert(1)</script></html>",
        )
        .await;
        assert_eq!(code(&r), ErrorCode::FileTypeNotSupported);
        let mut broken = encode(ImageFormat::Png);
        broken.truncate(40);
        let r = upload(&c, &logo, "broken.png", &broken).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
        assert_eq!(code(&r), ErrorCode::InvalidImage);

        for bad in [
        &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
        br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#,
        br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(1)"><rect/></a></svg>"#,
        br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>"#,
    ] {
        let r = upload(&c, &logo, "logo.svg", bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(bad));
        assert_eq!(code(&r), ErrorCode::InvalidImage);
    }
        let r = upload_field(&c, &logo, "image", "logo.png", &encode(ImageFormat::Png)).await;
        assert_eq!(error_fields(&r), ["file"]);
        assert_eq!(
            stored(&app, &id).await.image_type,
            None,
            "nothing was stored"
        );
        assert!(logo_rows(&app).await.is_empty());

        let r = upload(&c, &logo, "logo.txt", &encode(ImageFormat::Png)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(app.get(&logo).await.header("content-type"), "image/png");
        // WebP and GIF are accepted as well.
        for (format, mime) in [
            (ImageFormat::WebP, "image/webp"),
            (ImageFormat::Gif, "image/gif"),
        ] {
            let r = upload(&c, &format!("{logo}?light=false"), "x", &encode(format)).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
            assert_eq!(
                app.get(&format!("{logo}?light=false"))
                    .await
                    .header("content-type"),
                mime
            );
        }
    }
);

db_test!(
    who_may_change_logos,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "App"})).await.client.id;
        let logo = format!("{CLIENTS}/{id}/logo");
        let png = encode(ImageFormat::Png);
        assert_eq!(
            upload(&c, &logo, "a.png", &png).await.status,
            StatusCode::NO_CONTENT
        );
        let mut user = User::new("bob").signed_in(&app).await;
        let anonymous = app.client();

        let r = upload(&anonymous, &logo, "a.png", &png).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::UNAUTHORIZED, ErrorCode::NotSignedIn)
        );
        let r = upload(&user, &logo, "a.png", &png).await;
        assert_eq!(
            (r.status, code(&r)),
            (StatusCode::FORBIDDEN, ErrorCode::Forbidden)
        );
        let r = delete(&mut user, &logo).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Reading is public.
        assert_eq!(anonymous.app.get(&logo).await.status, StatusCode::OK);

        let r = upload(&c, &format!("{CLIENTS}/nope/logo"), "a.png", &png).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("{CLIENTS}/nope/logo")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            delete(&mut c, &format!("{CLIENTS}/nope/logo")).await.status,
            StatusCode::NOT_FOUND
        );
        let r = app.get(&format!("{logo}?light=maybe")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
);

db_test!(
    deleting_a_client_deletes_its_logos,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let mut c = admin(&app).await;
        let id = create(&mut c, json!({"name": "Doomed"})).await.client.id;
        let keep = create(&mut c, json!({"name": "Kept"})).await.client.id;
        let png = encode(ImageFormat::Png);
        for (client, q) in [(&id, ""), (&id, "?light=false"), (&keep, "")] {
            let r = upload(&c, &format!("{CLIENTS}/{client}/logo{q}"), "a.png", &png).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT);
        }
        assert_eq!(logo_rows(&app).await.len(), 3);
        let r = delete(&mut c, &format!("{CLIENTS}/{id}")).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            logo_rows(&app).await,
            [format!("oidc-client-images/{keep}.png")]
        );
    }
);

/// A local image server: what a logo URL may point to, and what it must not.
async fn image_server() -> String {
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let me = base.clone();
    let big = vec![0u8; 2 * 1024 * 1024 + 10];
    let app = axum::Router::new()
        .route(
            "/logo.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], png_with_text()) }),
        )
        .route(
            "/logo.svg",
            get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], SVG) }),
        )
        .route(
            "/generic",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/octet-stream")],
                    jpeg_with_exif(),
                )
            }),
        )
        .route(
            "/script.svg",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/svg+xml")],
                    &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#
                        [..],
                )
            }),
        )
        .route(
            "/page.html",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<html>login</html>") }),
        )
        .route("/big.png", {
            let big = big.clone();
            get(move || async move { ([(header::CONTENT_TYPE, "image/png")], big) })
        })
        .route("/big-stream.png", {
            get(move || {
                let big = big.clone();
                async move {
                    // No Content-Length: the limit must hold while streaming.
                    let chunks = big
                        .chunks(64 * 1024)
                        .map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(c)))
                        .collect::<Vec<_>>();
                    let body = Body::from_stream(futures_util::stream::iter(chunks));
                    ([(header::CONTENT_TYPE, "image/png")], body).into_response()
                }
            })
        })
        .route("/missing.png", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/to-private",
            get(|| async { Redirect::temporary("http://10.0.0.7/logo.png") }),
        )
        .route(
            "/to-metadata",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        )
        .route(
            "/to-logo",
            get(|| async { Redirect::temporary("/logo.png") }),
        )
        .route("/hop/{n}", {
            get(move |axum::extract::Path(n): axum::extract::Path<u32>| {
                let me = me.clone();
                async move {
                    if n == 0 {
                        Redirect::temporary(&format!("{me}/logo.png"))
                    } else {
                        Redirect::temporary(&format!("{me}/hop/{}", n - 1))
                    }
                }
            })
        });
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    base
}

db_test!(
    logo_urls_are_downloaded_and_cleaned,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let mut app = app;
        app.allow_loopback();
        let base = image_server().await;
        let mut c = admin(&app).await;
        let dto = create(
            &mut c,
            json!({"id": "fetched", "name": "Fetched", "logoUrl": format!("{base}/logo.png"),
               "darkLogoUrl": format!("{base}/logo.svg")}),
        )
        .await;
        assert!(dto.client.has_logo && dto.client.has_dark_logo);
        let served = app.get(&format!("{CLIENTS}/fetched/logo")).await;
        assert_eq!(served.header("content-type"), "image/png");
        assert!(
            !contains(&served.body, b"SECRET-PNG-TEXT"),
            "metadata stripped"
        );
        let dark = app
            .get(&format!("{CLIENTS}/fetched/logo?light=false"))
            .await;
        assert_eq!(&dark.body[..], SVG);

        // Update: a redirect within limits is followed; a generic content type is sniffed.
        let r = put(
            &mut c,
            &format!("{CLIENTS}/fetched"),
            json!({"name": "Fetched", "logoUrl": format!("{base}/hop/2"),
               "darkLogoUrl": format!("{base}/generic")}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let dark = app
            .get(&format!("{CLIENTS}/fetched/logo?light=false"))
            .await;
        assert_eq!(dark.header("content-type"), "image/jpeg");
        assert!(!contains(&dark.body, b"SECRET-GPS-EXIF"));
        // Without logo URLs an update keeps the logos.
        let r = put(
            &mut c,
            &format!("{CLIENTS}/fetched"),
            json!({"name": "Renamed"}),
        )
        .await;
        let dto: OidcClientWithGroupsDto = r.json();
        assert!(dto.client.has_logo && dto.client.has_dark_logo);
    }
);

db_test!(
    logo_urls_refused,
    env = [IN_DATABASE],
    |app: TestApp| async move {
        let base = image_server().await;
        let port = base.rsplit(':').next().unwrap().to_owned();
        let mut c = admin(&app).await;
        let refused = |r: &TestResponse, field: &str, want: &str| {
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
            let e: pocket_shared::ApiError = r.json();
            let f = &e.details.as_ref().unwrap().fields[0];
            assert_eq!(
                (f.field.as_str(), f.code.as_str()),
                (field, want),
                "{}",
                r.text()
            );
        };
        // Without the test switch loopback is refused like every internal address.
        for url in [
            format!("{base}/logo.png"),
            format!("http://localhost:{port}/logo.png"),
            format!("http://[::1]:{port}/logo.png"),
            "http://10.0.0.1/logo.png".to_owned(),
            "http://192.168.1.10/logo.png".to_owned(),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "http://100.64.0.1/logo.png".to_owned(),
            "http://[fd00::1]/logo.png".to_owned(),
            "http://0.0.0.0/logo.png".to_owned(),
        ] {
            let r = c.post(CLIENTS, &json!({"name": "X", "logoUrl": url})).await;
            refused(&r, "logoUrl", "forbidden_address");
        }
        let r = c
            .post(
                CLIENTS,
                &json!({"name": "X", "darkLogoUrl": "http://127.0.0.1/x.png"}),
            )
            .await;
        refused(&r, "darkLogoUrl", "forbidden_address");
        let r = c
            .post(
                CLIENTS,
                &json!({"name": "X", "logoUrl": "ftp://example.com/x.png"}),
            )
            .await;
        refused(&r, "logoUrl", "invalid_format");
        assert_eq!(
            oidc_clients::Entity::find().count(&app.db).await.unwrap(),
            0,
            "a refused logo creates nothing"
        );

        // With loopback allowed, redirects to internal addresses are still refused, and so are
        // oversized, mistyped and unsafe images.
        let cookies = c.cookies.clone();
        drop(c);
        let mut app = app;
        app.allow_loopback();
        let mut c = app.client();
        c.cookies = cookies;
        for (path, want) in [
            ("/to-private", "forbidden_address"),
            ("/to-metadata", "forbidden_address"),
            ("/hop/5", "fetch_failed"),
            ("/big.png", "too_large"),
            ("/big-stream.png", "too_large"),
            ("/page.html", "unsupported_type"),
            ("/missing.png", "fetch_failed"),
            ("/script.svg", "invalid_image"),
        ] {
            let r = c
                .post(
                    CLIENTS,
                    &json!({"name": "X", "logoUrl": format!("{base}{path}")}),
                )
                .await;
            refused(&r, "logoUrl", want);
        }
        assert_eq!(
            oidc_clients::Entity::find().count(&app.db).await.unwrap(),
            0
        );
        let r = c
            .post(
                CLIENTS,
                &json!({"name": "Ok", "logoUrl": format!("{base}/to-logo")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        // An update with a refused URL changes nothing.
        let id = r.json::<OidcClientWithGroupsDto>().client.id;
        let r = put(
            &mut c,
            &format!("{CLIENTS}/{id}"),
            json!({"name": "Changed", "logoUrl": format!("{base}/to-private")}),
        )
        .await;
        refused(&r, "logoUrl", "forbidden_address");
        assert_eq!(stored(&app, &id).await.name.as_deref(), Some("Ok"));
    }
);
