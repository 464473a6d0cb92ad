//! Client logos (light and dark): uploads and URL downloads checked and cleaned by
//! [`crate::images`], stored with [`crate::storage`] at
//! `oidc-client-images/<clientId>[-dark].<ext>`, the type kept in `image_type` /
//! `dark_image_type` so `hasLogo`/`hasDarkLogo` always match what is stored.

use super::repo;
use super::service::CLIENT_TYPE_CIMD;
use crate::db::entities::oidc_clients::{ActiveModel, Model};
use crate::error::AppError;
use crate::images::{self, ImageKind, Sanitized};
use crate::outbound::{FetchError, Limits};
use crate::state::AppState;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use pocket_shared::ErrorCode;
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
use sha2::{Digest, Sha256};

/// Largest logo, uploaded or downloaded: 2 MiB (Pocket ID's limit).
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
/// `Cache-Control` of served logos: 15 minutes, then 12 hours stale while revalidating.
pub const CACHE_CONTROL: &str = "public, max-age=900, stale-while-revalidate=43200";
/// Limits of a logo download.
pub const DOWNLOAD_LIMITS: Limits = Limits {
    max_bytes: MAX_LOGO_BYTES,
    timeout: crate::outbound::DEFAULT_TIMEOUT,
    accept: "image/*",
    // Servers often label icons and SVGs generically; the bytes decide the format anyway.
    content_types: &["image/", "application/octet-stream"],
};

/// Which of the two logos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Light,
    Dark,
}

impl Variant {
    /// From the `light` query parameter (absent means light).
    pub fn from_light(light: Option<bool>) -> Self {
        if light.unwrap_or(true) {
            Self::Light
        } else {
            Self::Dark
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Self::Light => "",
            Self::Dark => "-dark",
        }
    }

    /// The request field a URL download of this logo comes from.
    pub fn url_field(self) -> &'static str {
        match self {
            Self::Light => "logoUrl",
            Self::Dark => "darkLogoUrl",
        }
    }

    fn stored_type(self, c: &Model) -> Option<&str> {
        match self {
            Self::Light => c.image_type.as_deref(),
            Self::Dark => c.dark_image_type.as_deref(),
        }
        .filter(|t| !t.is_empty())
    }
}

fn not_found() -> AppError {
    AppError::NotFound("Logo")
}

/// The file name stem of a client's logos: its id when that is a plain file name, else (for
/// metadata-document clients, whose ids are URLs) `cimd-<sha256 of the id>`, as Pocket ID.
fn stem(c: &Model) -> String {
    let plain = c.id.len() <= 128
        && !c.id.starts_with('.')
        && c.id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'));
    if c.client_type == CLIENT_TYPE_CIMD || !plain {
        format!("cimd-{}", hex::encode(Sha256::digest(c.id.as_bytes())))
    } else {
        c.id.clone()
    }
}

/// The storage path of a logo with extension `ext`.
pub fn path(c: &Model, variant: Variant, ext: &str) -> String {
    format!("oidc-client-images/{}{}.{ext}", stem(c), variant.suffix())
}

/// The logo to serve: the dark one when asked and present, else the light one.
pub async fn serve(state: &AppState, c: &Model, variant: Variant) -> Result<Response, AppError> {
    let (variant, ext) = match (
        variant,
        Variant::Dark.stored_type(c),
        Variant::Light.stored_type(c),
    ) {
        (Variant::Dark, Some(dark), _) => (Variant::Dark, dark),
        (_, _, Some(light)) => (Variant::Light, light),
        _ => return Err(not_found()),
    };
    let kind = ImageKind::from_extension(ext).ok_or_else(not_found)?;
    let bytes = crate::storage::read(state, &path(c, variant, ext))
        .await?
        .ok_or_else(not_found)?;
    let mut res = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind.mime())),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response();
    if kind == ImageKind::Svg {
        // Opened directly, an SVG is a document: no scripts, no same-origin access.
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
    }
    Ok(res)
}

/// Checks and cleans an uploaded logo (format sniffed, metadata stripped, SVG screened).
pub async fn sanitize(bytes: Vec<u8>) -> Result<Sanitized, AppError> {
    images::sanitize_blocking(bytes, ImageKind::ALL, MAX_LOGO_BYTES).await
}

/// Downloads the logo at `url` through the SSRF-guarded fetcher and cleans it. Every failure
/// is a validation error on `field` (`logoUrl` or `darkLogoUrl`).
pub async fn download(state: &AppState, url: &str, field: &str) -> Result<Sanitized, AppError> {
    let fetched = state
        .outbound
        .fetch(url, &DOWNLOAD_LIMITS)
        .await
        .map_err(|e| {
            let code = match e {
                FetchError::InvalidUrl | FetchError::Scheme => "invalid_format",
                FetchError::ForbiddenAddress { .. } => "forbidden_address",
                FetchError::TooLarge { .. } => "too_large",
                FetchError::ContentType(_) => "unsupported_type",
                _ => "fetch_failed",
            };
            tracing::info!(field, error = %e, "logo download refused");
            AppError::field(field, code, &e.to_string())
        })?;
    sanitize(fetched.bytes).await.map_err(|e| match e {
        AppError::Coded { code, message, .. } => {
            let code = match code {
                ErrorCode::FileTooLarge => "too_large",
                ErrorCode::FileTypeNotSupported => "unsupported_type",
                _ => "invalid_image",
            };
            AppError::field(
                field,
                code,
                &format!("does not point to a usable image ({message})"),
            )
        }
        other => other,
    })
}

/// Stores `logo` as the client's light or dark logo, replacing the previous one (whose file is
/// removed when its extension differs).
pub async fn save(
    state: &AppState,
    client_id: &str,
    variant: Variant,
    logo: Sanitized,
) -> Result<Model, AppError> {
    let client = repo::find(&state.db, client_id)
        .await?
        .ok_or(AppError::NotFound("OIDC client"))?;
    let ext = logo.kind.extension();
    let new_path = path(&client, variant, ext);
    // The file first, then the column: the column never names a file that is not there.
    crate::storage::write(state, &new_path, logo.bytes).await?;
    let txn = state.db.begin().await?;
    let Some(client) = repo::find_for_update(&txn, client_id).await? else {
        drop(txn);
        // Deleted meanwhile: do not leave the file behind.
        crate::storage::delete(state, &new_path).await?;
        return Err(AppError::NotFound("OIDC client"));
    };
    let previous = variant.stored_type(&client).map(str::to_owned);
    let mut active: ActiveModel = client.clone().into();
    match variant {
        Variant::Light => active.image_type = Set(Some(ext.to_owned())),
        Variant::Dark => active.dark_image_type = Set(Some(ext.to_owned())),
    }
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    if let Some(old) = previous.filter(|old| old != ext) {
        crate::storage::delete(state, &path(&client, variant, &old)).await?;
    }
    Ok(updated)
}

/// Removes the light or dark logo (404 when the client has none).
pub async fn remove(state: &AppState, client_id: &str, variant: Variant) -> Result<(), AppError> {
    let txn = state.db.begin().await?;
    let client = repo::find_for_update(&txn, client_id)
        .await?
        .ok_or(AppError::NotFound("OIDC client"))?;
    let Some(ext) = variant.stored_type(&client).map(str::to_owned) else {
        return Err(not_found());
    };
    let mut active: ActiveModel = client.clone().into();
    match variant {
        Variant::Light => active.image_type = Set(None),
        Variant::Dark => active.dark_image_type = Set(None),
    }
    active.update(&txn).await?;
    txn.commit().await?;
    crate::storage::delete(state, &path(&client, variant, &ext)).await
}

/// Downloads the logos a create or update request names (`logoUrl`, `darkLogoUrl`), before
/// anything is written: a failed download changes nothing.
pub async fn download_requested(
    state: &AppState,
    req: &pocket_shared::oidc_client::OidcClientUpdateRequest,
) -> Result<Vec<(Variant, Sanitized)>, AppError> {
    let mut out = Vec::new();
    for (variant, url) in [
        (Variant::Light, &req.logo_url),
        (Variant::Dark, &req.dark_logo_url),
    ] {
        if let Some(url) = url {
            out.push((variant, download(state, url, variant.url_field()).await?));
        }
    }
    Ok(out)
}

/// Stores downloaded logos on the client; the client as it now is.
pub async fn save_all(
    state: &AppState,
    mut client: Model,
    logos: Vec<(Variant, Sanitized)>,
) -> Result<Model, AppError> {
    for (variant, logo) in logos {
        client = save(state, &client.id, variant, logo).await?;
    }
    Ok(client)
}

/// Removes the logo files of a deleted client (failures are logged: the client is gone).
pub async fn remove_files(state: &AppState, c: &Model) {
    for variant in [Variant::Light, Variant::Dark] {
        if let Some(ext) = variant.stored_type(c) {
            let p = path(c, variant, ext);
            if let Err(e) = crate::storage::delete(state, &p).await {
                tracing::warn!(path = %p, error = %e, "logo of a deleted client not removed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, client_type: &str) -> Model {
        Model {
            image_type: Some("png".into()),
            client_type: client_type.into(),
            ..Model::example(id)
        }
    }

    #[test]
    fn paths_follow_pocket_id_layout() {
        let c = client("my-app", "standard");
        assert_eq!(
            path(&c, Variant::Light, "png"),
            "oidc-client-images/my-app.png"
        );
        assert_eq!(
            path(&c, Variant::Dark, "svg"),
            "oidc-client-images/my-app-dark.svg"
        );
        let url_id = client("https://app.example/client.json", CLIENT_TYPE_CIMD);
        let p = path(&url_id, Variant::Dark, "webp");
        assert!(
            p.starts_with("oidc-client-images/cimd-") && p.ends_with("-dark.webp"),
            "{p}"
        );
        assert!(!p.contains("app.example"));
        // Ids that are not plain file names never reach the path as they are.
        for odd in ["../../etc/x", "a/b", ".hidden"] {
            let p = path(&client(odd, "standard"), Variant::Light, "png");
            assert!(p.starts_with("oidc-client-images/cimd-"), "{odd}: {p}");
        }
    }

    #[test]
    fn dark_falls_back_to_light() {
        let c = client("x", "standard");
        assert_eq!(Variant::from_light(None), Variant::Light);
        assert_eq!(Variant::from_light(Some(false)), Variant::Dark);
        assert_eq!(Variant::Dark.stored_type(&c), None);
        assert_eq!(Variant::Light.stored_type(&c), Some("png"));
    }
}
