//! Keeping the GeoLite2-City file fresh: with `MAXMIND_LICENSE_KEY` (or a custom
//! `GEOLITE_DB_URL`) the archive is downloaded when the file is missing or 14 days old, unpacked
//! beside the target, checked to open, and renamed over it; [`super::geo::Geo`] notices the new
//! file by itself. Without either variable nothing is downloaded and a hand-placed file is used.

use crate::config::{Config, MAXMIND_GEOLITE_CITY_URL};
use chrono::{DateTime, Duration, Utc};
use std::io::{Read, Write};
use std::path::Path;

/// Largest database accepted (compressed download and unpacked file alike).
pub const MAX_SIZE: u64 = 300 * 1024 * 1024;
/// A file this old is downloaded again.
pub const MAX_AGE: Duration = Duration::days(14);
/// How often staleness is checked (so a failed download is retried hourly).
pub const CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);
const DOWNLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);
const FILE_NAME: &str = "GeoLite2-City.mmdb";

/// Why a download did not produce a usable file. Never carries the URL (it holds the key).
#[derive(Debug, thiserror::Error)]
pub enum GeoliteError {
    #[error("download failed: {0}")]
    Http(String),
    #[error("download answered HTTP {0}")]
    Status(u16),
    #[error("the database is larger than 300 MB")]
    TooLarge,
    #[error("{FILE_NAME} not found in the archive")]
    NotInArchive,
    #[error("not a usable MaxMind database: {0}")]
    Invalid(String),
    #[error("cannot write the database file: {0}")]
    Io(#[from] std::io::Error),
}

/// The download URL when downloads are configured: a license key, or a URL other than
/// MaxMind's (which then needs no key).
pub fn download_url(config: &Config) -> Option<String> {
    let key = config.maxmind_license_key.as_ref().map(|k| k.expose());
    if key.is_none() && config.geolite_db_url == MAXMIND_GEOLITE_CITY_URL {
        return None;
    }
    Some(config.geolite_db_url.replace("%s", key.unwrap_or("")))
}

/// True when the file at `path` is missing or at least [`MAX_AGE`] old at `now`.
pub fn is_stale(path: &Path, now: DateTime<Utc>) -> bool {
    let Ok(modified) = std::fs::metadata(path).and_then(|m| m.modified()) else {
        return true;
    };
    now - DateTime::<Utc>::from(modified) >= MAX_AGE
}

/// Downloads the archive at `url` and installs the database at `dest`.
pub async fn download(http: &reqwest::Client, url: &str, dest: &Path) -> Result<(), GeoliteError> {
    let http_error = |e: reqwest::Error| GeoliteError::Http(e.without_url().to_string());
    let mut res = http
        .get(url)
        .timeout(DOWNLOAD_TIMEOUT)
        .send()
        .await
        .map_err(http_error)?;
    if !res.status().is_success() {
        return Err(GeoliteError::Status(res.status().as_u16()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(http_error)? {
        if (body.len() + chunk.len()) as u64 > MAX_SIZE {
            return Err(GeoliteError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let dest = dest.to_owned();
    tokio::task::spawn_blocking(move || install(&body, &dest))
        .await
        .map_err(|e| GeoliteError::Io(std::io::Error::other(e.to_string())))?
}

/// Installs `download` (a `.tar.gz` holding `GeoLite2-City.mmdb`, or a bare `.mmdb`) at `dest`:
/// written to a temporary file beside it, opened once as a check, then renamed over `dest`, so
/// readers (and other instances sharing the file) never see half a file.
pub fn install(download: &[u8], dest: &Path) -> Result<(), GeoliteError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{FILE_NAME}.{}.tmp",
        uuid::Uuid::new_v4().simple()
    ));
    let result = write_database(download, &tmp).and_then(|()| {
        maxminddb::Reader::open_readfile(&tmp).map_err(|e| GeoliteError::Invalid(e.to_string()))?;
        std::fs::rename(&tmp, dest)?;
        Ok(())
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes the database inside `download` to `tmp`.
fn write_database(download: &[u8], tmp: &Path) -> Result<(), GeoliteError> {
    let mut file = std::fs::File::create(tmp)?;
    let is_gzip = download.starts_with(&[0x1f, 0x8b]);
    if !is_gzip {
        if download.len() as u64 > MAX_SIZE {
            return Err(GeoliteError::TooLarge);
        }
        file.write_all(download)?;
        return Ok(());
    }
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(download));
    for entry in archive.entries()? {
        let entry = entry?;
        let is_database = entry.header().entry_type().is_file()
            && entry
                .path()
                .ok()
                .and_then(|p| p.file_name().map(|n| n == FILE_NAME))
                .unwrap_or(false);
        if !is_database {
            continue;
        }
        if entry.header().size()? > MAX_SIZE {
            return Err(GeoliteError::TooLarge);
        }
        // The header's size could lie; never copy more than the limit.
        let copied = std::io::copy(&mut entry.take(MAX_SIZE + 1), &mut file)?;
        if copied > MAX_SIZE {
            return Err(GeoliteError::TooLarge);
        }
        file.sync_all()?;
        return Ok(());
    }
    Err(GeoliteError::NotInArchive)
}

/// Downloads the database when downloads are configured and the file is stale.
pub async fn refresh(
    http: &reqwest::Client,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<bool, GeoliteError> {
    let Some(url) = download_url(config) else {
        return Ok(false);
    };
    if !is_stale(&config.geolite_db_path, now) {
        return Ok(false);
    }
    download(http, &url, &config.geolite_db_path).await?;
    Ok(true)
}
