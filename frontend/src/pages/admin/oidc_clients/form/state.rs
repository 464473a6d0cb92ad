//! The settings form's reactive state: one signal per field, keyed rows for the lists, and
//! the field errors.

use super::values::{FederatedRow, FormValues};
use crate::components::form::FieldErrors;
use leptos::prelude::*;

/// The form's reactive state.
#[derive(Clone, Copy)]
pub struct ClientFormState {
    pub id: RwSignal<String>,
    pub name: RwSignal<String>,
    pub description: RwSignal<String>,
    pub launch_url: RwSignal<String>,
    pub callback_urls: RwSignal<Vec<(u32, String)>>,
    pub logout_callback_urls: RwSignal<Vec<(u32, String)>>,
    pub is_public: RwSignal<bool>,
    pub pkce_enabled: RwSignal<bool>,
    pub requires_reauthentication: RwSignal<bool>,
    pub requires_par: RwSignal<bool>,
    pub skip_consent: RwSignal<bool>,
    pub device_code_enabled: RwSignal<bool>,
    pub access_minutes: RwSignal<String>,
    pub refresh_minutes: RwSignal<String>,
    pub federated: RwSignal<Vec<(u32, FederatedRow)>>,
    pub logo_url: RwSignal<String>,
    pub dark_logo_url: RwSignal<String>,
    /// Errors by request field name.
    pub errors: RwSignal<FieldErrors>,
    next_key: StoredValue<u32>,
}

impl ClientFormState {
    /// The state holding `values`.
    pub fn new(values: FormValues) -> Self {
        let next_key = StoredValue::new(0u32);
        let keyed = |list: Vec<String>| -> Vec<(u32, String)> {
            list.into_iter()
                .map(|v| {
                    let mut key = 0;
                    next_key.update_value(|k| {
                        *k += 1;
                        key = *k;
                    });
                    (key, v)
                })
                .collect()
        };
        let callback_urls = keyed(values.callback_urls);
        let logout_callback_urls = keyed(values.logout_callback_urls);
        let federated = values
            .federated
            .into_iter()
            .map(|row| {
                let mut key = 0;
                next_key.update_value(|k| {
                    *k += 1;
                    key = *k;
                });
                (key, row)
            })
            .collect();
        Self {
            id: RwSignal::new(values.id),
            name: RwSignal::new(values.name),
            description: RwSignal::new(values.description),
            launch_url: RwSignal::new(values.launch_url),
            callback_urls: RwSignal::new(callback_urls),
            logout_callback_urls: RwSignal::new(logout_callback_urls),
            is_public: RwSignal::new(values.is_public),
            pkce_enabled: RwSignal::new(values.pkce_enabled),
            requires_reauthentication: RwSignal::new(values.requires_reauthentication),
            requires_par: RwSignal::new(values.requires_par),
            skip_consent: RwSignal::new(values.skip_consent),
            device_code_enabled: RwSignal::new(values.device_code_enabled),
            access_minutes: RwSignal::new(values.access_minutes),
            refresh_minutes: RwSignal::new(values.refresh_minutes),
            federated: RwSignal::new(federated),
            logo_url: RwSignal::new(values.logo_url),
            dark_logo_url: RwSignal::new(values.dark_logo_url),
            errors: RwSignal::new(FieldErrors::new()),
            next_key,
        }
    }

    /// Shows `values` (after a save: what the server stored, blank rows gone); list rows get
    /// new keys, so their inputs are rebuilt with the new text.
    pub fn reset(&self, values: FormValues) {
        let keyed = |list: Vec<String>| -> Vec<(u32, String)> {
            list.into_iter().map(|v| (self.key(), v)).collect()
        };
        self.id.set(values.id);
        self.name.set(values.name);
        self.description.set(values.description);
        self.launch_url.set(values.launch_url);
        self.callback_urls.set(keyed(values.callback_urls));
        self.logout_callback_urls
            .set(keyed(values.logout_callback_urls));
        self.is_public.set(values.is_public);
        self.pkce_enabled.set(values.pkce_enabled);
        self.requires_reauthentication
            .set(values.requires_reauthentication);
        self.requires_par.set(values.requires_par);
        self.skip_consent.set(values.skip_consent);
        self.device_code_enabled.set(values.device_code_enabled);
        self.access_minutes.set(values.access_minutes);
        self.refresh_minutes.set(values.refresh_minutes);
        self.federated.set(
            values
                .federated
                .into_iter()
                .map(|row| (self.key(), row))
                .collect(),
        );
        self.logo_url.set(values.logo_url);
        self.dark_logo_url.set(values.dark_logo_url);
        self.errors.set(FieldErrors::new());
    }

    /// A fresh key for a new row.
    pub(super) fn key(&self) -> u32 {
        let mut key = 0;
        self.next_key.update_value(|k| {
            *k += 1;
            key = *k;
        });
        key
    }

    /// The current values (untracked).
    pub fn values(&self) -> FormValues {
        let list = |rows: RwSignal<Vec<(u32, String)>>| {
            rows.with_untracked(|r| r.iter().map(|(_, v)| v.clone()).collect())
        };
        FormValues {
            id: self.id.get_untracked(),
            name: self.name.get_untracked(),
            description: self.description.get_untracked(),
            launch_url: self.launch_url.get_untracked(),
            callback_urls: list(self.callback_urls),
            logout_callback_urls: list(self.logout_callback_urls),
            is_public: self.is_public.get_untracked(),
            pkce_enabled: self.pkce_enabled.get_untracked(),
            requires_reauthentication: self.requires_reauthentication.get_untracked(),
            requires_par: self.requires_par.get_untracked(),
            skip_consent: self.skip_consent.get_untracked(),
            device_code_enabled: self.device_code_enabled.get_untracked(),
            access_minutes: self.access_minutes.get_untracked(),
            refresh_minutes: self.refresh_minutes.get_untracked(),
            federated: self
                .federated
                .with_untracked(|r| r.iter().map(|(_, row)| row.clone()).collect()),
            logo_url: self.logo_url.get_untracked(),
            dark_logo_url: self.dark_logo_url.get_untracked(),
        }
    }

    /// The error of one field. Reactive.
    pub fn error(&self, field: String) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || errors.with(|e| e.get(&field).cloned()))
    }
}
