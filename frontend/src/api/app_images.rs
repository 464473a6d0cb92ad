//! Application images (`/api/application-images/*`): light and dark logo, email logo, login
//! background, favicon and the default profile picture. Reading is public (the default profile
//! picture: admin); replacing and removing is for administrators.

use super::{ClientError, send_form, send_without_answer};
use gloo_net::http::Request;

/// One of the application's images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppImage {
    LogoLight,
    LogoDark,
    Email,
    Background,
    Favicon,
    DefaultProfilePicture,
}

impl AppImage {
    /// Every image, in the order the configuration page shows them.
    pub const ALL: [AppImage; 6] = [
        AppImage::LogoLight,
        AppImage::LogoDark,
        AppImage::Email,
        AppImage::Background,
        AppImage::Favicon,
        AppImage::DefaultProfilePicture,
    ];

    /// The endpoint (with `?light=` for the logos).
    pub fn path(self) -> &'static str {
        match self {
            Self::LogoLight => "/api/application-images/logo?light=true",
            Self::LogoDark => "/api/application-images/logo?light=false",
            Self::Email => "/api/application-images/email",
            Self::Background => "/api/application-images/background",
            Self::Favicon => "/api/application-images/favicon",
            Self::DefaultProfilePicture => "/api/application-images/default-profile-picture",
        }
    }

    /// The label on the configuration page.
    pub fn label(self) -> &'static str {
        match self {
            Self::LogoLight => "Logo (light mode)",
            Self::LogoDark => "Logo (dark mode)",
            Self::Email => "Email logo",
            Self::Background => "Sign-in background",
            Self::Favicon => "Favicon",
            Self::DefaultProfilePicture => "Default profile picture",
        }
    }

    /// A stable name for test ids (`app-image-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::LogoLight => "logo-light",
            Self::LogoDark => "logo-dark",
            Self::Email => "email",
            Self::Background => "background",
            Self::Favicon => "favicon",
            Self::DefaultProfilePicture => "default-profile-picture",
        }
    }

    /// Whether the server lets an administrator remove it (the email logo and the favicon
    /// can only be replaced).
    pub fn removable(self) -> bool {
        !matches!(self, Self::Email | Self::Favicon)
    }

    /// The file types the picker offers.
    pub fn accept(self) -> &'static str {
        match self {
            Self::Favicon => "image/x-icon,image/vnd.microsoft.icon,image/png,image/svg+xml",
            Self::Email => "image/png,image/jpeg",
            _ => "image/png,image/jpeg,image/svg+xml,image/webp,image/gif,image/avif",
        }
    }

    /// The image's URL; `version` > 0 busts the browser cache after a change.
    pub fn url(self, version: u32) -> String {
        let path = self.path();
        if version == 0 {
            path.to_owned()
        } else {
            let join = if path.contains('?') { '&' } else { '?' };
            format!("{path}{join}v={version}")
        }
    }
}

/// A multipart form with `file` (the field every upload endpoint reads).
pub fn file_form(file: &web_sys::File) -> Result<web_sys::FormData, ClientError> {
    let form = web_sys::FormData::new()
        .map_err(|e| ClientError::Network(format!("FormData unavailable: {e:?}")))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|e| ClientError::Network(format!("could not attach the file: {e:?}")))?;
    Ok(form)
}

/// Replaces an image.
pub async fn upload(image: AppImage, file: &web_sys::File) -> Result<(), ClientError> {
    send_form(Request::put(image.path()), file_form(file)?).await
}

/// Removes an image (only [`AppImage::removable`] ones).
pub async fn remove(image: AppImage) -> Result<(), ClientError> {
    send_without_answer(Request::delete(image.path())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_light_parameter_and_add_the_version() {
        assert_eq!(
            AppImage::LogoDark.url(3),
            "/api/application-images/logo?light=false&v=3"
        );
        assert_eq!(
            AppImage::Background.url(1),
            "/api/application-images/background?v=1"
        );
        assert_eq!(AppImage::Favicon.url(0), "/api/application-images/favicon");
        assert!(!AppImage::Email.removable());
        assert!(AppImage::LogoLight.removable());
    }
}
