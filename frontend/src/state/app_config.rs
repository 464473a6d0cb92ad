//! The public application configuration, loaded once and shared through context, and the
//! theme it sets: the accent colour (CSS variables `--primary`, `--primary-foreground`,
//! `--ring`) and the animation switch, applied to the document root whenever the configuration
//! changes.

use crate::api::{self, ClientError};
use leptos::prelude::*;
use pocket_shared::{AppConfigVariable, PublicAppConfig};
use wasm_bindgen::JsCast;

/// The result of loading the public configuration.
pub type ConfigResult = Result<PublicAppConfig, ClientError>;

/// Handle to the public configuration; `Copy`, so components capture it freely.
#[derive(Clone, Copy)]
pub struct AppConfig {
    resource: LocalResource<ConfigResult>,
    /// The configuration an administrator just saved; wins over the resource until it has
    /// been loaded again, so the new name and colour show at once.
    saved: RwSignal<Option<PublicAppConfig>>,
    /// `uiConfigDisabled` and `tracingEnabled` of the last load.
    flags: RwSignal<(bool, bool)>,
}

impl AppConfig {
    /// Starts loading the configuration and provides the handle to every descendant.
    pub fn provide() -> Self {
        let config = Self {
            resource: LocalResource::new(api::app_config::load_public),
            saved: RwSignal::new(None),
            flags: RwSignal::new((false, false)),
        };
        provide_context(config);
        // The theme follows the configuration everywhere (also after an administrator saves).
        Effect::new(move || {
            if let Some(public) = config.current() {
                apply_accent_color(&public.accent_color);
                apply_animations(!public.disable_animations);
            }
        });
        // Once the reloaded configuration matches what was saved, it takes over again.
        Effect::new(move || {
            let loaded = config
                .resource
                .map(|result| result.as_ref().ok().cloned())
                .flatten();
            if let Some(loaded) = loaded {
                config
                    .flags
                    .set((loaded.ui_config_disabled, loaded.tracing_enabled));
                if config.saved.with_untracked(|s| s.as_ref() == Some(&loaded)) {
                    config.saved.set(None);
                }
            }
        });
        config
    }

    /// Records a configuration an administrator saved (every variable, as the update answered)
    /// and loads the public view again.
    ///
    /// Reads no resource: pages call this from inside their `Suspense`, and a resource read
    /// there (even untracked) would suspend the page again when the configuration reloads.
    pub fn saved(&self, variables: &[AppConfigVariable]) {
        let mut public = PublicAppConfig::from_variables(variables);
        // Not configuration keys: the environment's answer does not change on save.
        let (ui_config_disabled, tracing_enabled) = self.flags.get_untracked();
        public.ui_config_disabled = ui_config_disabled;
        public.tracing_enabled = tracing_enabled;
        self.saved.set(Some(public));
        self.resource.refetch();
    }

    /// The configuration as now known: the one just saved, else the loaded one. Reactive.
    pub fn current(&self) -> Option<PublicAppConfig> {
        if let Some(saved) = self.saved.get() {
            return Some(saved);
        }
        self.resource
            .map(|result| result.as_ref().ok().cloned())
            .flatten()
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
        self.current().map(|config| config.app_name)
    }
}

/// The accent colour presets of the configuration page: (label, CSS colour). `default` keeps
/// the built-in palette (which also adapts to dark mode).
pub const ACCENT_PRESETS: [(&str, &str); 8] = [
    ("Default", "default"),
    ("Rose", "oklch(0.586 0.253 17.585)"),
    ("Orange", "oklch(0.646 0.222 41.116)"),
    ("Amber", "oklch(0.666 0.179 58.318)"),
    ("Green", "oklch(0.627 0.194 149.214)"),
    ("Teal", "oklch(0.6 0.118 184.704)"),
    ("Blue", "oklch(0.546 0.245 262.881)"),
    ("Purple", "oklch(0.558 0.288 302.321)"),
];

/// Black or white text on a background of this sRGB colour, whichever contrasts more
/// (WCAG relative luminance).
pub fn foreground_for(rgb: [u8; 3]) -> &'static str {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb.map(channel);
    let luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05).
    if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// The sRGB value the browser gives a CSS colour, or `None` when it is not a colour the
/// browser understands (a 2D canvas parses it, so every CSS colour syntax works).
pub fn css_color_rgb(color: &str) -> Option<[u8; 3]> {
    let color = color.trim();
    if color.is_empty() {
        return None;
    }
    let canvas: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(1);
    canvas.set_height(1);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    // An unparsable colour leaves the fill style unchanged: try two different sentinels so a
    // colour equal to one of them is still recognised.
    for sentinel in ["#010203", "#040506"] {
        context.set_fill_style_str(sentinel);
        context.set_fill_style_str(color);
        let style = context.fill_style().as_string().unwrap_or_default();
        if style != sentinel {
            context.fill_rect(0.0, 0.0, 1.0, 1.0);
            let data = context.get_image_data(0.0, 0.0, 1.0, 1.0).ok()?.data();
            return Some([data[0], data[1], data[2]]);
        }
    }
    None
}

/// Applies an accent colour to the page: `default` (or anything unreadable) restores the
/// built-in palette; any other CSS colour sets `--primary`, `--primary-foreground` (black or
/// white by luminance) and `--ring`, which the stylesheet maps onto its accent variables.
pub fn apply_accent_color(color: &str) {
    let Some(root) = document()
        .document_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let style = root.style();
    let color = color.trim();
    let rgb = (color != "default").then(|| css_color_rgb(color)).flatten();
    match rgb {
        Some(rgb) => {
            let _ = style.set_property("--primary", color);
            let _ = style.set_property("--primary-foreground", foreground_for(rgb));
            let _ = style.set_property("--ring", color);
            let _ = root.set_attribute("data-accent", "custom");
        }
        None => {
            for property in ["--primary", "--primary-foreground", "--ring"] {
                let _ = style.remove_property(property);
            }
            let _ = root.remove_attribute("data-accent");
        }
    }
}

/// Turns the page's animations and transitions on or off (`disableAnimations`).
pub fn apply_animations(enabled: bool) {
    if let Some(root) = document().document_element() {
        let _ = if enabled {
            root.remove_attribute("data-animations")
        } else {
            root.set_attribute("data-animations", "off")
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreground_contrasts_with_the_accent() {
        assert_eq!(foreground_for([255, 255, 255]), "#000000");
        assert_eq!(foreground_for([0, 0, 0]), "#ffffff");
        // Amber is light: black text; blue is dark: white text.
        assert_eq!(foreground_for([217, 119, 6]), "#000000");
        assert_eq!(foreground_for([37, 99, 235]), "#ffffff");
    }

    #[test]
    fn presets_start_with_default_and_are_distinct() {
        assert_eq!(ACCENT_PRESETS[0], ("Default", "default"));
        let mut colors: Vec<_> = ACCENT_PRESETS.iter().map(|(_, c)| *c).collect();
        colors.dedup();
        assert_eq!(colors.len(), ACCENT_PRESETS.len());
    }
}
