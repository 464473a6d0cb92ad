//! Application images in storage (`application-images/<name>.<ext>`): finding one whatever its
//! extension, replacing it, deleting it behind a tombstone, and the bundled defaults.
//!
//! Nothing is remembered in memory (Pocket ID keeps a map of extensions): every call looks at
//! storage, so instances sharing a database (`FILE_BACKEND=database`) or an upload volume
//! always agree.

use crate::error::AppError;
use crate::features::users::picture;
use crate::images::{self, ImageKind, Sanitized};
use crate::state::AppState;

/// One of the instance's images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppImage {
    LogoLight,
    LogoDark,
    /// The logo in emails (PNG or JPEG: mail clients show little else).
    LogoEmail,
    Background,
    Favicon,
    /// The avatar of users without a picture of their own (stored as a 300×300 PNG).
    DefaultProfilePicture,
}

/// Bundled defaults, copied into storage unless deleted (tombstoned) by an administrator.
const BUNDLED_BACKGROUND: &[u8] = include_bytes!("../../../assets/app-images/background.webp");
const BUNDLED_FAVICON: &[u8] = include_bytes!("../../../assets/app-images/favicon.ico");
const BUNDLED_LOGO_EMAIL: &[u8] = include_bytes!("../../../assets/app-images/logoEmail.png");

impl AppImage {
    /// Every image.
    pub const ALL: &'static [AppImage] = &[
        Self::LogoLight,
        Self::LogoDark,
        Self::LogoEmail,
        Self::Background,
        Self::Favicon,
        Self::DefaultProfilePicture,
    ];

    /// The logo for a light (`true`) or dark background.
    pub fn logo(light: bool) -> Self {
        if light {
            Self::LogoLight
        } else {
            Self::LogoDark
        }
    }

    /// The file name without extension (Pocket ID's names).
    pub fn name(self) -> &'static str {
        match self {
            Self::LogoLight => "logoLight",
            Self::LogoDark => "logoDark",
            Self::LogoEmail => "logoEmail",
            Self::Background => "background",
            Self::Favicon => "favicon",
            Self::DefaultProfilePicture => "default-profile-picture",
        }
    }

    /// The formats an upload may have.
    pub fn allowed(self) -> &'static [ImageKind] {
        match self {
            Self::LogoEmail => &[ImageKind::Png, ImageKind::Jpeg],
            // Pocket ID takes only .ico favicons.
            Self::Favicon => &[ImageKind::Ico],
            Self::DefaultProfilePicture => &[
                ImageKind::Jpeg,
                ImageKind::Png,
                ImageKind::Gif,
                ImageKind::Webp,
            ],
            Self::LogoLight | Self::LogoDark | Self::Background => ImageKind::ALL,
        }
    }

    /// The bundled default, if the image has one.
    pub fn bundled(self) -> Option<(ImageKind, &'static [u8])> {
        match self {
            Self::Background => Some((ImageKind::Webp, BUNDLED_BACKGROUND)),
            Self::Favicon => Some((ImageKind::Ico, BUNDLED_FAVICON)),
            Self::LogoEmail => Some((ImageKind::Png, BUNDLED_LOGO_EMAIL)),
            _ => None,
        }
    }

    fn path(self, ext: &str) -> String {
        format!("application-images/{}.{ext}", self.name())
    }

    fn tombstone(self) -> String {
        format!("application-images/.deleted/{}", self.name())
    }
}

/// The stored image and its format, if there is one.
pub async fn find(state: &AppState, image: AppImage) -> Result<Option<Sanitized>, AppError> {
    for ext in ImageKind::STORED_EXTENSIONS {
        if let Some(bytes) = crate::storage::read(state, &image.path(ext)).await? {
            let kind = ImageKind::from_extension(ext).unwrap_or(ImageKind::Png);
            return Ok(Some(Sanitized { kind, bytes }));
        }
    }
    Ok(None)
}

async fn tombstoned(state: &AppState, image: AppImage) -> Result<bool, AppError> {
    Ok(crate::storage::read(state, &image.tombstone())
        .await?
        .is_some())
}

/// The image to serve: the stored one, else the bundled default (copied into storage on the
/// way) unless an administrator deleted it.
pub async fn get(state: &AppState, image: AppImage) -> Result<Option<Sanitized>, AppError> {
    if let Some(found) = find(state, image).await? {
        return Ok(Some(found));
    }
    seed(state, image).await
}

/// Copies `image`'s bundled default into storage when it has one, none is stored and it was
/// not deleted; returns what is now stored.
async fn seed(state: &AppState, image: AppImage) -> Result<Option<Sanitized>, AppError> {
    let Some((kind, bytes)) = image.bundled() else {
        return Ok(None);
    };
    if tombstoned(state, image).await? {
        return Ok(None);
    }
    // Best effort: another instance may be seeding the same file right now, and the bundled
    // bytes can be served either way.
    if let Err(e) =
        crate::storage::write(state, &image.path(kind.extension()), bytes.to_vec()).await
    {
        tracing::warn!(image = image.name(), error = %e, "could not store a bundled image");
    }
    Ok(Some(Sanitized {
        kind,
        bytes: bytes.to_vec(),
    }))
}

/// Copies every bundled default into storage unless it is there or was deleted. Safe to run on
/// every start and from several instances at once.
pub async fn seed_defaults(state: &AppState) -> Result<(), AppError> {
    for &image in AppImage::ALL {
        if image.bundled().is_some() && find(state, image).await?.is_none() {
            seed(state, image).await?;
        }
    }
    Ok(())
}

/// Checks an upload for `image` and stores it, replacing the previous file (whatever its
/// extension) and lifting a deletion tombstone.
pub async fn replace(state: &AppState, image: AppImage, upload: Vec<u8>) -> Result<(), AppError> {
    let stored = if image == AppImage::DefaultProfilePicture {
        // Served where user pictures are (always PNG): normalized the same way.
        let png = tokio::task::spawn_blocking(move || picture::normalize_upload(&upload))
            .await
            .map_err(AppError::internal)?
            .map_err(picture_error)?;
        Sanitized {
            kind: ImageKind::Png,
            bytes: png,
        }
    } else {
        images::sanitize_blocking(upload, image.allowed(), images::MAX_UPLOAD_BYTES).await?
    };
    let ext = stored.kind.extension();
    crate::storage::write(state, &image.path(ext), stored.bytes).await?;
    for other in ImageKind::STORED_EXTENSIONS {
        if *other != ext {
            crate::storage::delete(state, &image.path(other)).await?;
        }
    }
    crate::storage::delete(state, &image.tombstone()).await
}

/// Deletes `image` and writes its tombstone, so a bundled default is not copied back.
///
/// # Errors
/// Not found when nothing is stored and no bundled default stands in.
pub async fn delete(state: &AppState, image: AppImage) -> Result<(), AppError> {
    let stored = find(state, image).await?.is_some();
    let bundled = image.bundled().is_some() && !tombstoned(state, image).await?;
    if !stored && !bundled {
        return Err(AppError::NotFound("Image"));
    }
    crate::storage::write(state, &image.tombstone(), Vec::new()).await?;
    for ext in ImageKind::STORED_EXTENSIONS {
        crate::storage::delete(state, &image.path(ext)).await?;
    }
    Ok(())
}

/// The global default profile picture (PNG) if an administrator set one. Users without a
/// picture of their own get this instead of the generated initials avatar.
pub async fn default_profile_picture(state: &AppState) -> Result<Option<Vec<u8>>, AppError> {
    Ok(find(state, AppImage::DefaultProfilePicture)
        .await?
        .map(|s| s.bytes))
}

fn picture_error(e: picture::PictureError) -> AppError {
    let limit = picture::MAX_UPLOAD_BYTES;
    AppError::from(match e {
        picture::PictureError::TooLarge { .. } => images::ImageError::TooLarge { max_bytes: limit },
        picture::PictureError::UnsupportedType => images::ImageError::UnsupportedType {
            allowed: "jpg, png, gif, webp".to_owned(),
        },
        picture::PictureError::Invalid(why) => images::ImageError::Invalid(why),
    })
}
