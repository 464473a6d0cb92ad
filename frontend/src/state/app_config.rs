//! The public application configuration, loaded once and shared through context.

use crate::api::{self, ClientError};
use leptos::prelude::*;
use pocket_shared::PublicAppConfig;

/// The result of loading the public configuration.
pub type ConfigResult = Result<PublicAppConfig, ClientError>;

/// Handle to the public configuration; `Copy`, so components capture it freely.
#[derive(Clone, Copy)]
pub struct AppConfig {
    resource: LocalResource<ConfigResult>,
}

impl AppConfig {
    /// Starts loading the configuration and provides the handle to every descendant.
    pub fn provide() -> Self {
        let config = Self {
            resource: LocalResource::new(api::app_config::load_public),
        };
        provide_context(config);
        config
    }

    /// The underlying resource, to read inside `Suspense` (`.await` or `.get()`).
    pub fn resource(&self) -> LocalResource<ConfigResult> {
        self.resource
    }

    /// Loads the configuration again (after an error, or once it changed).
    pub fn refetch(&self) {
        self.resource.refetch();
    }

    /// The instance name once loaded; `None` while loading or after an error. Reactive.
    pub fn app_name(&self) -> Option<String> {
        self.resource
            .map(|result| result.as_ref().ok().map(|config| config.app_name.clone()))
            .flatten()
    }
}

/// The configuration handle provided by `App`.
pub fn use_app_config() -> AppConfig {
    use_context::<AppConfig>().unwrap_or_else(|| {
        // Only reachable if a component is rendered outside `App`; loading a second copy keeps
        // the page working instead of panicking.
        leptos::logging::warn!("AppConfig context missing; loading the configuration again");
        AppConfig::provide()
    })
}
