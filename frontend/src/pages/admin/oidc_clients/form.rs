//! The client settings form, shared by "Add OIDC client" and the client page: every editable
//! field (custom id on create), the callback URL lists, flags, launch URL, token lifetimes and
//! the federated identities editor. It checks with `pocket_shared::oidc_client::rules` before
//! sending and shows the API's field errors under the fields they name.

use crate::components::form::CheckboxField;
use crate::components::form::{Alert, FieldErrors, TextField, Tone, field_message};
use leptos::prelude::*;
use pocket_shared::FieldError;
use pocket_shared::oidc_client::{
    OidcClientCreateRequest, OidcClientCredentialsDto, OidcClientDto,
    OidcClientFederatedIdentityDto, OidcClientUpdateRequest, rules,
};

/// One federated identity row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FederatedRow {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
    pub jwks: String,
    pub replay_protection: bool,
}

/// The form's values, plain (what [`build_update`] reads).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormValues {
    pub id: String,
    pub name: String,
    pub description: String,
    pub launch_url: String,
    pub callback_urls: Vec<String>,
    pub logout_callback_urls: Vec<String>,
    pub is_public: bool,
    pub pkce_enabled: bool,
    pub requires_reauthentication: bool,
    pub requires_par: bool,
    pub skip_consent: bool,
    pub access_minutes: String,
    pub refresh_minutes: String,
    pub federated: Vec<FederatedRow>,
    pub logo_url: String,
    pub dark_logo_url: String,
}

/// The label of a request field, for messages (`callbackURLs[1]` → "Callback URL 2").
pub fn field_label(field: &str) -> String {
    let indexed = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
    };
    if let Some(i) = indexed("callbackURLs") {
        return format!("Callback URL {}", i + 1);
    }
    if let Some(i) = indexed("logoutCallbackURLs") {
        return format!("Logout callback URL {}", i + 1);
    }
    if let Some(rest) = field.strip_prefix("credentials.federatedIdentities[") {
        let part = rest.split_once("].").map_or("", |(_, p)| p);
        return match part {
            "issuer" => "Issuer",
            "subject" => "Subject",
            "audience" => "Audience",
            "jwks" => "JWKS URL",
            _ => "Federated identity",
        }
        .to_owned();
    }
    match field {
        "id" => "Client ID",
        "name" => "Name",
        "description" => "Description",
        "launchURL" => "Launch URL",
        "logoUrl" => "Logo URL",
        "darkLogoUrl" => "Dark logo URL",
        "accessTokenDurationMinutes" => "Access token lifetime",
        "refreshTokenDurationMinutes" => "Refresh token lifetime",
        "callbackURLs" => "Callback URLs",
        "logoutCallbackURLs" => "Logout callback URLs",
        other => other,
    }
    .to_owned()
}

/// Field errors from rule failures, worded with [`field_label`].
pub fn labelled(fields: Vec<FieldError>) -> FieldErrors {
    fields
        .into_iter()
        .map(|f| {
            let message = field_message(&field_label(&f.field), &f.message);
            (f.field, message)
        })
        .collect()
}

/// A lifetime field: empty is the default (`None`); otherwise whole minutes.
fn minutes(field: &str, value: &str, errors: &mut FieldErrors) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(m) => Some(m),
        Err(_) => {
            errors.insert(
                field.to_owned(),
                field_message(&field_label(field), "must be a whole number of minutes"),
            );
            None
        }
    }
}

/// The update request the values stand for (normalized as the API stores it), or the fields
/// that are wrong. Blank URL rows are dropped.
pub fn build_update(
    values: &FormValues,
    is_group_restricted: bool,
) -> Result<OidcClientUpdateRequest, FieldErrors> {
    let mut errors = FieldErrors::new();
    let urls = |list: &[String]| -> Vec<String> {
        list.iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect()
    };
    let access = minutes(
        "accessTokenDurationMinutes",
        &values.access_minutes,
        &mut errors,
    );
    let refresh = minutes(
        "refreshTokenDurationMinutes",
        &values.refresh_minutes,
        &mut errors,
    );
    let request = OidcClientUpdateRequest {
        name: values.name.clone(),
        description: values.description.clone(),
        callback_urls: urls(&values.callback_urls),
        logout_callback_urls: urls(&values.logout_callback_urls),
        is_public: values.is_public,
        // Public clients must use PKCE.
        pkce_enabled: values.pkce_enabled || values.is_public,
        requires_reauthentication: values.requires_reauthentication,
        requires_pushed_authorization_requests: values.requires_par,
        skip_consent: values.skip_consent,
        launch_url: Some(values.launch_url.clone()),
        is_group_restricted,
        credentials: OidcClientCredentialsDto {
            federated_identities: values
                .federated
                .iter()
                .map(|row| OidcClientFederatedIdentityDto {
                    issuer: row.issuer.clone(),
                    subject: Some(row.subject.clone()),
                    audience: Some(row.audience.clone()),
                    jwks: Some(row.jwks.clone()),
                    replay_protection: row.replay_protection,
                })
                .collect(),
            secrets: Vec::new(),
        },
        access_token_duration_minutes: access,
        refresh_token_duration_minutes: refresh,
        logo_url: Some(values.logo_url.clone()),
        dark_logo_url: Some(values.dark_logo_url.clone()),
    }
    .normalized();
    errors.extend(labelled(rules::client_errors(&request)));
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// The create request (with the custom id when one was typed), or the fields that are wrong.
pub fn build_create(values: &FormValues) -> Result<OidcClientCreateRequest, FieldErrors> {
    let id = values.id.trim();
    let id = (!id.is_empty()).then(|| id.to_owned());
    let mut errors = FieldErrors::new();
    if let Some(id) = &id
        && let Err(v) = rules::client_id(id)
    {
        errors.insert("id".into(), field_message("Client ID", &v.message));
    }
    match build_update(values, false) {
        Ok(client) if errors.is_empty() => Ok(OidcClientCreateRequest { id, client }),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// The update request that keeps a saved client as it is (for changes made outside the
/// settings form: group restriction, logo URLs).
pub fn unchanged_request(client: &OidcClientDto) -> OidcClientUpdateRequest {
    OidcClientUpdateRequest {
        name: client.name.clone(),
        description: client.description.clone(),
        callback_urls: client.callback_urls.clone(),
        logout_callback_urls: client.logout_callback_urls.clone(),
        is_public: client.is_public,
        pkce_enabled: client.pkce_enabled,
        requires_reauthentication: client.requires_reauthentication,
        requires_pushed_authorization_requests: client.requires_pushed_authorization_requests,
        skip_consent: client.skip_consent,
        launch_url: client.launch_url.clone(),
        is_group_restricted: client.is_group_restricted,
        credentials: OidcClientCredentialsDto {
            federated_identities: client.credentials.federated_identities.clone(),
            secrets: Vec::new(),
        },
        access_token_duration_minutes: Some(client.access_token_duration_minutes),
        refresh_token_duration_minutes: Some(client.refresh_token_duration_minutes),
        logo_url: None,
        dark_logo_url: None,
    }
}

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
    fn key(&self) -> u32 {
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

/// The values of a saved client.
pub fn values_of(client: &OidcClientDto) -> FormValues {
    FormValues {
        id: client.id.clone(),
        name: client.name.clone(),
        description: client.description.clone(),
        launch_url: client.launch_url.clone().unwrap_or_default(),
        callback_urls: client.callback_urls.clone(),
        logout_callback_urls: client.logout_callback_urls.clone(),
        is_public: client.is_public,
        pkce_enabled: client.pkce_enabled,
        requires_reauthentication: client.requires_reauthentication,
        requires_par: client.requires_pushed_authorization_requests,
        skip_consent: client.skip_consent,
        access_minutes: client.access_token_duration_minutes.to_string(),
        refresh_minutes: client.refresh_token_duration_minutes.to_string(),
        federated: client
            .credentials
            .federated_identities
            .iter()
            .map(|fi| FederatedRow {
                issuer: fi.issuer.clone(),
                subject: fi.subject.clone().unwrap_or_default(),
                audience: fi.audience.clone().unwrap_or_default(),
                jwks: fi.jwks.clone().unwrap_or_default(),
                replay_protection: fi.replay_protection,
            })
            .collect(),
        logo_url: String::new(),
        dark_logo_url: String::new(),
    }
}

/// The settings form. `create` adds the custom id and logo URL fields; `on_submit` runs after
/// the parent's checks pass (the parent reads [`ClientFormState::values`]).
#[component]
pub fn ClientForm(
    state: ClientFormState,
    /// "Add OIDC client" instead of editing.
    create: bool,
    /// The submit button's text.
    submit_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    /// A failure that names no field.
    #[prop(into)]
    form_error: Signal<Option<String>>,
    /// Shows "Saved." under the form.
    #[prop(into, default = Signal::from(false))]
    saved: Signal<bool>,
    on_submit: Callback<()>,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_submit.run(());
    };
    let error = move |field: &str| state.error(field.to_owned());
    let is_public = state.is_public;
    view! {
        <form class="form form--grid" novalidate on:submit=submit data-testid="client-form">
            {create
                .then(|| {
                    view! {
                        <TextField
                            id="client-id"
                            label="Client ID"
                            value=state.id
                            error=error("id")
                            optional=true
                        />
                    }
                })}
            <TextField id="client-name" label="Name" value=state.name error=error("name") />
            <TextField
                id="client-description"
                label="Description"
                value=state.description
                error=error("description")
                optional=true
            />
            <TextField
                id="client-launch-url"
                label="Launch URL"
                value=state.launch_url
                error=error("launchURL")
                input_type="url"
                optional=true
            />
            <UrlListEditor
                id="client-callback-url"
                label="Callback URLs"
                field="callbackURLs"
                hint="Where the client may receive sign-in answers. * matches one segment, ** in paths any number."
                rows=state.callback_urls
                state
            />
            <UrlListEditor
                id="client-logout-callback-url"
                label="Logout callback URLs"
                field="logoutCallbackURLs"
                hint="Where the client may send users after signing out."
                rows=state.logout_callback_urls
                state
            />
            <fieldset class="form__full fieldset">
                <legend class="field__label">"Options"</legend>
                <div class="check-grid">
                    <CheckboxField
                        id="client-is-public"
                        label="Public client"
                        description="No client secret (browser and mobile apps); PKCE is then required."
                        checked=state.is_public
                    />
                    <CheckboxField
                        id="client-pkce"
                        label="PKCE"
                        description="Require a code challenge with every authorization request."
                        checked=state.pkce_enabled
                        disabled=Signal::derive(move || is_public.get())
                    />
                    <CheckboxField
                        id="client-reauth"
                        label="Requires reauthentication"
                        description="Users confirm with a passkey on every sign-in."
                        checked=state.requires_reauthentication
                    />
                    <CheckboxField
                        id="client-par"
                        label="Requires pushed authorization requests"
                        description="Authorization requests must be pushed to the server first (PAR)."
                        checked=state.requires_par
                    />
                    <CheckboxField
                        id="client-skip-consent"
                        label="Skip consent"
                        description="Do not ask users to allow access."
                        checked=state.skip_consent
                    />
                </div>
            </fieldset>
            <TextField
                id="client-access-token-minutes"
                label="Access token lifetime (minutes)"
                value=state.access_minutes
                error=error("accessTokenDurationMinutes")
                input_type="number"
                optional=true
            />
            <TextField
                id="client-refresh-token-minutes"
                label="Refresh token lifetime (minutes)"
                value=state.refresh_minutes
                error=error("refreshTokenDurationMinutes")
                input_type="number"
                optional=true
            />
            {create
                .then(|| {
                    view! {
                        <TextField
                            id="client-logo-url"
                            label="Logo URL"
                            value=state.logo_url
                            error=error("logoUrl")
                            input_type="url"
                            optional=true
                        />
                        <TextField
                            id="client-dark-logo-url"
                            label="Dark logo URL"
                            value=state.dark_logo_url
                            error=error("darkLogoUrl")
                            input_type="url"
                            optional=true
                        />
                    }
                })}
            <FederatedEditor state />
            {move || {
                form_error
                    .get()
                    .map(|message| {
                        view! {
                            <Alert tone=Tone::Error testid="client-form-error">
                                {message}
                            </Alert>
                        }
                    })
            }}
            <Show when=move || saved.get()>
                <Alert tone=Tone::Success testid="client-saved">
                    "The client was saved."
                </Alert>
            </Show>
            <div class="actions form__full">
                <button
                    type="submit"
                    class="button button--primary"
                    data-testid="client-submit"
                    disabled=move || pending.get()
                >
                    {move || if pending.get() { "Saving…" } else { submit_label }}
                </button>
            </div>
        </form>
    }
}

/// A list of URL patterns with add and remove buttons; the inputs are `{id}-{n}` (1-based).
#[component]
fn UrlListEditor(
    id: &'static str,
    label: &'static str,
    /// The request field (`callbackURLs`), for the errors `field[i]`.
    field: &'static str,
    hint: &'static str,
    rows: RwSignal<Vec<(u32, String)>>,
    state: ClientFormState,
) -> impl IntoView {
    let add = move |_| {
        let key = state.key();
        rows.update(|r| r.push((key, String::new())));
    };
    view! {
        <fieldset class="form__full fieldset" data-testid=format!("{id}s")>
            <legend class="field__label">{label}</legend>
            <p class="hint">{hint}</p>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, initial)| {
                    let index = Memo::new(move |_| {
                        rows.with(|r| r.iter().position(|(k, _)| *k == key).unwrap_or(0))
                    });
                    let error = Signal::derive(move || {
                        let name = format!("{field}[{}]", index.get());
                        state.errors.with(|e| e.get(&name).cloned())
                    });
                    view! {
                        <div class="list-row" class:field--invalid=move || error.with(Option::is_some)>
                            <div class="list-row__inputs">
                                <input
                                    class="field__input"
                                    type="text"
                                    aria-label=move || format!("{label} {}", index.get() + 1)
                                    data-testid=move || format!("{id}-{}", index.get() + 1)
                                    prop:value=initial
                                    on:input=move |ev| {
                                        let value = event_target_value(&ev);
                                        rows.update(|r| {
                                            if let Some(row) = r.iter_mut().find(|(k, _)| *k == key) {
                                                row.1 = value;
                                            }
                                        });
                                    }
                                />
                                <button
                                    type="button"
                                    class="button button--small button--danger"
                                    aria-label=move || format!("Remove {label} {}", index.get() + 1)
                                    data-testid=move || format!("{id}-{}-remove", index.get() + 1)
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))
                                >
                                    "Remove"
                                </button>
                            </div>
                            {move || {
                                error.get().map(|m| view! { <p class="field__error">{m}</p> })
                            }}
                        </div>
                    }
                }
            />
            {move || {
                state
                    .errors
                    .with(|e| e.get(field).cloned())
                    .map(|m| view! { <p class="field__error">{m}</p> })
            }}
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid=format!("{id}-add")
                    on:click=add
                >
                    "Add URL"
                </button>
            </div>
        </fieldset>
    }
}

/// The federated identities: external issuers whose signed JWTs authenticate the client.
#[component]
fn FederatedEditor(state: ClientFormState) -> impl IntoView {
    let rows = state.federated;
    let add = move |_| {
        let key = state.key();
        rows.update(|r| r.push((key, FederatedRow::default())));
    };
    let update = move |key: u32, change: Box<dyn FnOnce(&mut FederatedRow)>| {
        rows.update(|r| {
            if let Some((_, row)) = r.iter_mut().find(|(k, _)| *k == key) {
                change(row);
            }
        });
    };
    view! {
        <fieldset class="form__full fieldset" data-testid="client-federated">
            <legend class="field__label">"Federated identities"</legend>
            <p class="hint">
                "Let the client authenticate with JWTs signed by another issuer (for example a CI system or a Kubernetes cluster) instead of a secret."
            </p>
            <For
                each=move || rows.get()
                key=|(key, _)| *key
                children=move |(key, initial)| {
                    let index = Memo::new(move |_| {
                        rows.with(|r| r.iter().position(|(k, _)| *k == key).unwrap_or(0))
                    });
                    let error = move |part: &'static str| {
                        Signal::derive(move || {
                            let name = format!(
                                "credentials.federatedIdentities[{}].{part}",
                                index.get(),
                            );
                            state.errors.with(|e| e.get(&name).cloned())
                        })
                    };
                    let input = move |
                        part: &'static str,
                        label: &'static str,
                        placeholder: &'static str,
                        initial: String,
                        set: fn(&mut FederatedRow, String),
                    | {
                        let err = error(part);
                        view! {
                            <div class="field" class:field--invalid=move || err.with(Option::is_some)>
                                <label class="field__label">
                                    {label}
                                    <input
                                        class="field__input"
                                        type="text"
                                        placeholder=placeholder
                                        data-testid=move || {
                                            format!("client-federated-{}-{part}", index.get() + 1)
                                        }
                                        prop:value=initial
                                        on:input=move |ev| {
                                            let value = event_target_value(&ev);
                                            update(key, Box::new(move |row| set(row, value)));
                                        }
                                    />
                                </label>
                                {move || err.get().map(|m| view! { <p class="field__error">{m}</p> })}
                            </div>
                        }
                    };
                    view! {
                        <div class="federated-row">
                            {input("issuer", "Issuer", "https://issuer.example", initial.issuer, |r, v| r.issuer = v)}
                            {input("subject", "Subject", "defaults to the client ID", initial.subject, |r, v| r.subject = v)}
                            {input("audience", "Audience", "defaults to this server's URL", initial.audience, |r, v| r.audience = v)}
                            {input("jwks", "JWKS URL", "defaults to <issuer>/.well-known/jwks.json", initial.jwks, |r, v| r.jwks = v)}
                            <label class="check-field">
                                <input
                                    type="checkbox"
                                    class="check-field__input"
                                    prop:checked=initial.replay_protection
                                    on:change=move |ev| {
                                        let checked = event_target_checked(&ev);
                                        update(key, Box::new(move |row| row.replay_protection = checked));
                                    }
                                />
                                <span class="check-field__title">"Replay protection (unique jti)"</span>
                            </label>
                            <div>
                                <button
                                    type="button"
                                    class="button button--small button--danger"
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))
                                >
                                    "Remove identity"
                                </button>
                            </div>
                        </div>
                    }
                }
            />
            <div>
                <button
                    type="button"
                    class="button button--small"
                    data-testid="client-federated-add"
                    on:click=add
                >
                    "Add federated identity"
                </button>
            </div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> FormValues {
        FormValues {
            name: " Notes ".into(),
            callback_urls: vec!["https://notes.example/cb".into(), "  ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn requests_are_normalized_and_blank_rows_dropped() {
        let r = build_update(&values(), true).unwrap();
        assert_eq!(r.name, "Notes");
        assert_eq!(r.callback_urls, ["https://notes.example/cb"]);
        assert_eq!(r.launch_url, None);
        assert_eq!(r.logo_url, None);
        assert!(r.is_group_restricted);
        assert_eq!(r.access_token_duration_minutes, None);
    }

    #[test]
    fn public_clients_always_use_pkce() {
        let mut v = values();
        v.is_public = true;
        assert!(build_update(&v, false).unwrap().pkce_enabled);
    }

    #[test]
    fn rule_failures_are_keyed_like_the_api() {
        let mut v = values();
        v.name = String::new();
        v.callback_urls = vec!["https://ok.example/cb".into(), "javascript:alert(1)".into()];
        v.access_minutes = "ten".into();
        v.refresh_minutes = "525601".into();
        v.federated = vec![FederatedRow {
            jwks: "ftp://x".into(),
            ..Default::default()
        }];
        let errors = build_update(&v, false).unwrap_err();
        assert_eq!(errors["name"], "Name is required");
        assert!(errors["callbackURLs[1]"].starts_with("Callback URL 2 "));
        assert_eq!(
            errors["accessTokenDurationMinutes"],
            "Access token lifetime must be a whole number of minutes"
        );
        assert!(errors.contains_key("refreshTokenDurationMinutes"));
        assert_eq!(
            errors["credentials.federatedIdentities[0].issuer"],
            "Issuer is required"
        );
        assert!(errors.contains_key("credentials.federatedIdentities[0].jwks"));
    }

    #[test]
    fn custom_ids_are_checked_on_create() {
        let mut v = values();
        v.id = "bad id".into();
        let errors = build_create(&v).unwrap_err();
        assert!(errors["id"].starts_with("Client ID may only contain"));
        v.id = " notes-app ".into();
        assert_eq!(build_create(&v).unwrap().id.as_deref(), Some("notes-app"));
        v.id = String::new();
        assert_eq!(build_create(&v).unwrap().id, None);
    }

    #[test]
    fn labels_name_list_rows_and_identity_parts() {
        assert_eq!(
            field_label("logoutCallbackURLs[0]"),
            "Logout callback URL 1"
        );
        assert_eq!(
            field_label("credentials.federatedIdentities[3].jwks"),
            "JWKS URL"
        );
        assert_eq!(field_label("launchURL"), "Launch URL");
    }
}
