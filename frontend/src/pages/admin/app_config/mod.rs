//! `/settings/admin/application-configuration`: every configuration key in sections as in
//! Pocket ID (General with the images, User creation, Passkeys, Email, LDAP, OIDC). Each section
//! saves on its own (the saved configuration plus that section's edits). The accent colour
//! applies to the page while it is edited; after a save the new name and colour apply
//! everywhere. Read-only, with a banner, when the environment is the source
//! (`UI_CONFIG_DISABLED`).

mod fields;
mod images;
mod signup;

use crate::api::{self, ClientError};
use crate::components::action::on_settled;
use crate::components::form::PendingButton;
use crate::components::{
    error_view::ErrorView,
    form::{Alert, FieldErrors, Tone, api_field_errors},
    loading::Loading,
};
use crate::state::{
    ACCENT_PRESETS, AppConfig, apply_accent_color, css_color_rgb, use_app_config, use_session,
};
use fields::{
    ConfigForm, ConfigInput, ConfigSelect, ConfigToggle, key_label, section_request, validate_keys,
};
use images::ImagesCard;
use leptos::prelude::*;
use pocket_shared::AppConfigVariable;
use signup::{CimdAllowList, DefaultClaimsEditor, DefaultGroupsPicker};
use std::collections::BTreeMap;

const GENERAL_KEYS: &[&str] = &[
    "appName",
    "sessionDuration",
    "homePageUrl",
    "accentColor",
    "disableAnimations",
    "allowOwnAccountEdit",
    "emailsVerified",
];
const SIGNUP_KEYS: &[&str] = &[
    "allowUserSignups",
    "signupDefaultUserGroupIDs",
    "signupDefaultCustomClaims",
    "requireUserEmail",
];
const PASSKEY_KEYS: &[&str] = &[
    "webauthnUserVerification",
    "webauthnAllowSyncedPasskeys",
    "webauthnAuthenticatorAttachment",
];
const EMAIL_KEYS: &[&str] = &[
    "smtpHost",
    "smtpPort",
    "smtpFrom",
    "smtpUser",
    "smtpPassword",
    "smtpTls",
    "smtpSkipCertVerify",
    "emailLoginNotificationEnabled",
    "emailOneTimeAccessAsUnauthenticatedEnabled",
    "emailOneTimeAccessAsAdminEnabled",
    "emailApiKeyExpirationEnabled",
    "emailVerificationEnabled",
];
const LDAP_KEYS: &[&str] = &[
    "ldapEnabled",
    "ldapUrl",
    "ldapBindDn",
    "ldapBindPassword",
    "ldapBase",
    "ldapUserSearchFilter",
    "ldapUserGroupSearchFilter",
    "ldapSkipCertVerify",
    "ldapAttributeUserUniqueIdentifier",
    "ldapAttributeUserUsername",
    "ldapAttributeUserEmail",
    "ldapAttributeUserFirstName",
    "ldapAttributeUserLastName",
    "ldapAttributeUserDisplayName",
    "ldapAttributeUserProfilePicture",
    "ldapAttributeGroupMember",
    "ldapAttributeGroupUniqueIdentifier",
    "ldapAttributeGroupName",
    "ldapAdminGroupName",
    "ldapSoftDeleteUsers",
];
const OIDC_KEYS: &[&str] = &["cimdUrlAllowlist"];

/// The configuration page. It loads its own copy of the public configuration (for
/// `uiConfigDisabled`): the app-wide one reloads after every save, which must not rebuild the
/// form under the user.
#[component]
pub fn AppConfigPage() -> impl IntoView {
    let session = use_session();
    let loaded = LocalResource::new(|| async {
        let all = api::app_config_admin::load_all().await?;
        let public = api::app_config::load_public().await?;
        Ok::<_, ClientError>((all, public.ui_config_disabled))
    });
    let retry = Callback::new(move |()| loaded.refetch());
    view! {
        <div class="stack" data-testid="app-config-page">
            <h1 data-testid="app-config-title">"Application configuration"</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok((vars, readonly)) => {
                            let values: BTreeMap<String, String> = vars
                                .into_iter()
                                .map(|v| (v.key, v.value))
                                .collect();
                            let form = ConfigForm::new(values, readonly);
                            view! { <Sections form /> }.into_any()
                        }
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Every section of a loaded configuration.
#[component]
fn Sections(form: ConfigForm) -> impl IntoView {
    view! {
        {form
            .readonly
            .then(|| {
                view! {
                    <Alert tone=Tone::Warning testid="app-config-readonly">
                        "The configuration is set through environment variables (UI_CONFIG_DISABLED=true), so it cannot be changed here. Secrets are hidden."
                    </Alert>
                }
            })}
        <GeneralSection form />
        <ImagesCard readonly=form.readonly />
        <Section form title="User creation" testid="config-signup" keys=SIGNUP_KEYS>
            <ConfigSelect
                form
                key="allowUserSignups"
                label="Signups"
                options=&[
                    ("disabled", "Disabled: only administrators create users"),
                    ("withToken", "With a signup link (token)"),
                    ("open", "Open: anyone may sign up"),
                ]
            />
            <signup::SignupTokensButton />
            <DefaultGroupsPicker form />
            <DefaultClaimsEditor form />
            <ConfigToggle
                form
                key="requireUserEmail"
                label="Require an email address"
                description="Users must have an email address (signup and profile)."
            />
        </Section>
        <Section form title="Passkeys" testid="config-passkeys" keys=PASSKEY_KEYS>
            <ConfigSelect
                form
                key="webauthnUserVerification"
                label="User verification"
                options=&[("required", "Required (PIN or biometrics)"), ("preferred", "Preferred")]
            />
            <ConfigToggle
                form
                key="webauthnAllowSyncedPasskeys"
                label="Allow synced passkeys"
                description="Accept passkeys that sync between devices (iCloud Keychain, Google Password Manager, ...)."
            />
            <ConfigSelect
                form
                key="webauthnAuthenticatorAttachment"
                label="Authenticator attachment"
                options=&[
                    ("any", "Any"),
                    ("platform", "This device only (platform)"),
                    ("cross-platform", "Security keys only (cross-platform)"),
                ]
            />
        </Section>
        <Section form title="Email" testid="config-email" keys=EMAIL_KEYS>
            <ConfigInput form key="smtpHost" label="SMTP host" />
            <ConfigInput form key="smtpPort" label="SMTP port" input_type="number" />
            <ConfigInput form key="smtpFrom" label="From address" input_type="email" />
            <ConfigInput form key="smtpUser" label="SMTP user" />
            <ConfigInput form key="smtpPassword" label="SMTP password" input_type="password" />
            <ConfigSelect
                form
                key="smtpTls"
                label="TLS"
                options=&[("none", "None"), ("starttls", "STARTTLS"), ("tls", "TLS")]
            />
            <ConfigToggle form key="smtpSkipCertVerify" label="Skip certificate verification" />
            <ConfigToggle
                form
                key="emailLoginNotificationEnabled"
                label="Email new-device sign-ins"
                description="Tell users when their account signs in from a new device."
            />
            <ConfigToggle
                form
                key="emailOneTimeAccessAsUnauthenticatedEnabled"
                label="Email login codes on request"
                description="Users may ask for a login code by email on the sign-in page."
            />
            <ConfigToggle
                form
                key="emailOneTimeAccessAsAdminEnabled"
                label="Administrators may email login codes"
            />
            <ConfigToggle
                form
                key="emailApiKeyExpirationEnabled"
                label="Warn about expiring API keys"
            />
            <ConfigToggle
                form
                key="emailVerificationEnabled"
                label="Email verification"
                description="Ask users to verify their email address."
            />
        </Section>
        <Section form title="LDAP" testid="config-ldap" keys=LDAP_KEYS>
            <ConfigToggle form key="ldapEnabled" label="Synchronise users and groups from LDAP" />
            <ConfigInput form key="ldapUrl" label="LDAP URL" placeholder="ldaps://ldap.example.com:636" />
            <ConfigInput form key="ldapBindDn" label="Bind DN" />
            <ConfigInput form key="ldapBindPassword" label="Bind password" input_type="password" />
            <ConfigInput form key="ldapBase" label="Base DN" />
            <ConfigInput form key="ldapUserSearchFilter" label="User search filter" />
            <ConfigInput form key="ldapUserGroupSearchFilter" label="Group search filter" />
            <ConfigToggle form key="ldapSkipCertVerify" label="Skip certificate verification" />
            <ConfigToggle
                form
                key="ldapSoftDeleteUsers"
                label="Disable instead of delete"
                description="Users removed from LDAP are disabled, not deleted."
            />
            <ConfigInput form key="ldapAttributeUserUniqueIdentifier" label="User unique identifier attribute" />
            <ConfigInput form key="ldapAttributeUserUsername" label="Username attribute" />
            <ConfigInput form key="ldapAttributeUserEmail" label="Email attribute" />
            <ConfigInput form key="ldapAttributeUserFirstName" label="First name attribute" />
            <ConfigInput form key="ldapAttributeUserLastName" label="Last name attribute" />
            <ConfigInput form key="ldapAttributeUserDisplayName" label="Display name attribute" />
            <ConfigInput form key="ldapAttributeUserProfilePicture" label="Profile picture attribute" />
            <ConfigInput form key="ldapAttributeGroupMember" label="Group member attribute" />
            <ConfigInput form key="ldapAttributeGroupUniqueIdentifier" label="Group unique identifier attribute" />
            <ConfigInput form key="ldapAttributeGroupName" label="Group name attribute" />
            <ConfigInput form key="ldapAdminGroupName" label="Administrators group name" />
        </Section>
        <Section form title="OIDC" testid="config-oidc" keys=OIDC_KEYS>
            <CimdAllowList form />
        </Section>
    }
}

/// General: name, session, home page, accent colour (applied live), switches.
#[component]
fn GeneralSection(form: ConfigForm) -> impl IntoView {
    // Live preview while editing; leaving the page puts the saved colour back (the page's own
    // copy: reading the app-wide resource here would tie it to this page's Suspense).
    Effect::new(move || apply_accent_color(&form.get("accentColor")));
    on_cleanup(move || {
        if let Some(saved) = form
            .saved
            .try_with_untracked(|s| s.get("accentColor").cloned())
        {
            apply_accent_color(saved.as_deref().unwrap_or("default"));
        }
    });
    view! {
        <Section form title="General" testid="config-general" keys=GENERAL_KEYS>
            <ConfigInput form key="appName" label="Application name" />
            <ConfigInput
                form
                key="sessionDuration"
                label="Session duration (minutes)"
                input_type="number"
                hint="How long a sign-in lasts in the browser."
            />
            <ConfigInput
                form
                key="homePageUrl"
                label="Home page URL"
                hint="Where /settings leads, e.g. /settings/apps."
            />
            <AccentColorPicker form />
            <ConfigToggle form key="disableAnimations" label="Disable animations" />
            <ConfigToggle
                form
                key="allowOwnAccountEdit"
                label="Users may edit their account"
                description="Name, username and email on My Account."
            />
            <ConfigToggle
                form
                key="emailsVerified"
                label="Emails are verified"
                description="Treat new and changed email addresses as verified."
            />
        </Section>
    }
}

/// True when `value` is one of the presets.
pub fn is_preset(value: &str) -> bool {
    ACCENT_PRESETS.iter().any(|(_, color)| *color == value)
}

/// The accent colour: preset swatches and a custom CSS colour.
#[component]
fn AccentColorPicker(form: ConfigForm) -> impl IntoView {
    let custom = RwSignal::new({
        let current = form
            .draft
            .with_untracked(|d| d.get("accentColor").cloned().unwrap_or_default());
        if is_preset(&current) {
            String::new()
        } else {
            current
        }
    });
    let invalid = Memo::new(move |_| {
        let value = custom.get();
        !value.trim().is_empty() && css_color_rgb(&value).is_none()
    });
    let error = form.error("accentColor");
    view! {
        <fieldset class="form__full fieldset" data-testid="config-accentColor">
            <legend class="field__label">"Accent colour"</legend>
            <div class="swatches" role="radiogroup" aria-label="Accent colour presets">
                {ACCENT_PRESETS
                    .iter()
                    .map(|(label, color)| {
                        let color = *color;
                        let slug = label.to_ascii_lowercase();
                        let style = if color == "default" {
                            String::new()
                        } else {
                            format!("--swatch: {color}")
                        };
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="swatch"
                                class:swatch--default=color == "default"
                                style=style
                                aria-checked=move || (form.get("accentColor") == color).to_string()
                                data-testid=format!("accent-{slug}")
                                disabled=form.readonly
                                on:click=move |_| {
                                    custom.set(String::new());
                                    form.set("accentColor", color.to_owned());
                                }
                            >
                                <span class="swatch__dot" aria-hidden="true"></span>
                                {*label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="field">
                <label class="field__label" for="config-accentColor-custom">
                    "Custom colour"
                    <span class="field__optional">" (any CSS colour, e.g. #0f766e)"</span>
                </label>
                <input
                    class="field__input"
                    id="config-accentColor-custom"
                    data-testid="config-accentColor-custom"
                    type="text"
                    readonly=form.readonly
                    prop:value=move || custom.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        custom.set(value.clone());
                        if css_color_rgb(&value).is_some() {
                            form.set("accentColor", value.trim().to_owned());
                        }
                    }
                />
                <Show when=move || invalid.get()>
                    <p class="field__error" data-testid="config-accentColor-custom-error">
                        "This is not a colour the browser understands."
                    </p>
                </Show>
                {move || error.get().map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
        </fieldset>
    }
}

/// A section card with its fields and its own Save button.
#[component]
fn Section(
    form: ConfigForm,
    title: &'static str,
    testid: &'static str,
    keys: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let config = use_app_config();
    let notice = RwSignal::new(None::<Result<(), String>>);
    let save = Action::new_local(move |request: &BTreeMap<String, String>| {
        let request = request.clone();
        async move { api::app_config_admin::save(&request).await }
    });
    on_settled(
        save,
        move |vars| {
            saved(form, config, keys, &vars);
            notice.set(Some(Ok(())));
        },
        move |e| show_error(form, notice, &e),
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        let draft = form.draft.get_untracked();
        let errors = validate_keys(&draft, keys);
        form.errors.update(|all| {
            all.retain(|k, _| !keys.contains(&k.as_str()));
            all.extend(errors.clone());
        });
        if errors.is_empty() {
            save.dispatch(section_request(&form.saved.get_untracked(), &draft, keys));
        } else {
            notice.set(Some(Err("Some values need fixing.".to_owned())));
        }
    };
    let pending = save.pending();
    let title_id = format!("{testid}-title");
    view! {
        <section class="card" aria-labelledby=title_id.clone() data-testid=testid>
            <h2 id=title_id.clone() class="card__title">
                {title}
            </h2>
            <form class="form form--grid" novalidate on:submit=submit>
                {children()}
                {move || match notice.get() {
                    Some(Ok(())) => {
                        view! {
                            <Alert tone=Tone::Success testid="config-saved">
                                "Saved."
                            </Alert>
                        }
                            .into_any()
                    }
                    Some(Err(message)) => {
                        view! {
                            <Alert tone=Tone::Error testid="config-error">
                                {message}
                            </Alert>
                        }
                            .into_any()
                    }
                    None => ().into_any(),
                }}
                {(!form.readonly)
                    .then(|| {
                        view! {
                            <div class="actions form__full">
                                <PendingButton testid=format!("{testid}-save") label="Save" busy="Saving…" pending />
                            </div>
                        }
                    })}
            </form>
        </section>
    }
}

/// After a save: the stored values become the saved state (and this section's shown values),
/// and the app-wide configuration takes them (name and colour everywhere).
fn saved(form: ConfigForm, config: AppConfig, keys: &[&str], vars: &[AppConfigVariable]) {
    let stored: BTreeMap<String, String> = vars
        .iter()
        .map(|v| (v.key.clone(), v.value.clone()))
        .collect();
    form.draft.update(|draft| {
        for key in keys {
            if let Some(value) = stored.get(*key) {
                draft.insert((*key).to_owned(), value.clone());
            }
        }
    });
    form.saved.set(stored);
    config.saved(vars);
}

/// The API's field errors under their fields, anything else above the button.
fn show_error(form: ConfigForm, notice: RwSignal<Option<Result<(), String>>>, e: &ClientError) {
    let fields: FieldErrors = api_field_errors(e, key_label);
    if fields.is_empty() {
        notice.set(Some(Err(e.user_message())));
    } else {
        form.errors.update(|all| all.extend(fields));
        notice.set(Some(Err("Some values need fixing.".to_owned())));
    }
}
