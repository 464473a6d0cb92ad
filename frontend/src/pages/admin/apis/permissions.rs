//! The permissions editor: the API's permission set as editable rows (key, name, description),
//! saved as a whole. Kept keys keep their client grants; removed keys lose them.

use crate::api;
use crate::components::card::Card;
use crate::components::form::{FieldErrors, FormErrors, rule_errors};
use crate::components::form::{FormError, PendingButton, SavedAlert};
use leptos::prelude::*;
use pocket_shared::api_resource::{ApiDto, ApiPermissionInput, ApiPermissionsUpdateRequest, rules};

/// One editable row.
#[derive(Debug, Clone, Copy)]
struct Row {
    /// Stable across edits, for keyed rendering.
    uid: u64,
    key: RwSignal<String>,
    name: RwSignal<String>,
    description: RwSignal<String>,
}

impl Row {
    fn new(uid: u64, key: &str, name: &str, description: &str) -> Self {
        Self {
            uid,
            key: RwSignal::new(key.to_owned()),
            name: RwSignal::new(name.to_owned()),
            description: RwSignal::new(description.to_owned()),
        }
    }

    fn input(&self) -> ApiPermissionInput {
        let description = self.description.get_untracked().trim().to_owned();
        ApiPermissionInput {
            key: self.key.get_untracked().trim().to_owned(),
            name: self.name.get_untracked().trim().to_owned(),
            description: (!description.is_empty()).then_some(description),
        }
    }
}

/// "Key", "Name", "Description" for `permissions[i].key` and the like.
fn label(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    match last {
        "key" => "Key",
        "name" => "Name",
        "description" => "Description",
        other => other,
    }
    .to_owned()
}

/// The request of the rows, and what the API's rules say about it (keyed by the API's field
/// names, `permissions[i].key`).
pub fn build(inputs: Vec<ApiPermissionInput>) -> (Vec<ApiPermissionInput>, FieldErrors) {
    let request = ApiPermissionsUpdateRequest {
        permissions: inputs,
    };
    let errors = rule_errors(rules::permissions_errors(&request), label);
    (request.permissions, errors)
}

fn rows_of(api: &ApiDto) -> Vec<Row> {
    api.permissions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Row::new(
                i as u64,
                &p.key,
                &p.name,
                p.description.as_deref().unwrap_or(""),
            )
        })
        .collect()
}

/// The permissions card.
#[component]
pub fn PermissionsCard(api: RwSignal<ApiDto>) -> impl IntoView {
    let rows = RwSignal::new(api.with_untracked(rows_of));
    let next_uid = StoredValue::new(rows.with_untracked(Vec::len) as u64);
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let id = api.with_untracked(|a| a.id.clone());
    let save = Action::new_local(move |inputs: &Vec<ApiPermissionInput>| {
        let (id, inputs) = (id.clone(), inputs.clone());
        async move { api::apis::set_permissions(&id, inputs).await }
    });
    errors.settle(save, label, move |updated| {
        rows.set(rows_of(&updated));
        next_uid.set_value(updated.permissions.len() as u64);
        api.set(updated);
        saved.set(true);
    });
    let add = move |_| {
        let uid = next_uid.get_value();
        next_uid.set_value(uid + 1);
        rows.update(|r| r.push(Row::new(uid, "", "", "")));
        saved.set(false);
    };
    let submit = errors.submit(save, move || {
        saved.set(false);
        let inputs = rows.with_untracked(|r| r.iter().map(Row::input).collect());
        build(inputs)
    });
    let pending = save.pending();
    view! {
        <Card title="Permissions" testid="api-permissions" hint="Each permission is a scope clients may be granted for this API. The key is what clients request (e.g. read:orders); the name is what users see on the consent screen.">
            <form class="form" novalidate on:submit=submit>
                <Show
                    when=move || rows.with(|r| !r.is_empty())
                    fallback=|| {
                        view! {
                            <p class="hint" data-testid="api-permissions-empty">
                                "No permissions yet."
                            </p>
                        }
                    }
                >
                    <div class="stack" data-testid="api-permission-rows">
                        <For
                            each=move || rows.get().into_iter().enumerate()
                            key=|(i, row)| (*i, row.uid)
                            children=move |(i, row)| {
                                view! { <PermissionRow index=i row errors=errors.fields rows /> }
                            }
                        />
                    </div>
                </Show>
                <FormError error=errors.form testid="api-permissions-error" />
                <SavedAlert when=saved testid="api-permissions-saved" text="Permissions saved." />
                <div class="actions">
                    <button
                        type="button"
                        class="button"
                        data-testid="api-permission-add"
                        on:click=add
                    >
                        "Add permission"
                    </button>
                    <PendingButton
                        testid="api-permissions-save"
                        label="Save permissions"
                        busy="Saving…"
                        pending
                    />
                </div>
            </form>
        </Card>
    }
}

/// One row: three inputs with their error lines and a remove button.
#[component]
fn PermissionRow(
    index: usize,
    row: Row,
    errors: RwSignal<FieldErrors>,
    rows: RwSignal<Vec<Row>>,
) -> impl IntoView {
    let field = move |name: &'static str, label: &'static str, value: RwSignal<String>| {
        let key = format!("permissions[{index}].{name}");
        let id = format!("api-permission-{index}-{name}");
        let error_key = key.clone();
        let error = move || errors.with(|e| e.get(&error_key).cloned());
        let invalid = {
            let key = key.clone();
            move || errors.with(|e| e.contains_key(&key))
        };
        view! {
            <div class="field" class:field--invalid=invalid>
                <label class="field__label" for=id.clone()>
                    {label}
                </label>
                <input
                    class="field__input"
                    id=id.clone()
                    data-testid=format!("api-permission-{name}")
                    type="text"
                    autocomplete="off"
                    bind:value=value
                />
                {move || {
                    error()
                        .map(|m| {
                            view! {
                                <p class="field__error" data-testid=format!("api-permission-{name}-error")>
                                    {m}
                                </p>
                            }
                        })
                }}
            </div>
        }
    };
    let uid = row.uid;
    view! {
        <div class="federated-row" data-testid="api-permission-row">
            {field("key", "Key", row.key)}
            {field("name", "Name", row.name)}
            {field("description", "Description", row.description)}
            <div class="actions actions--end">
                <button
                    type="button"
                    class="button button--small button--danger"
                    data-testid="api-permission-remove"
                    aria-label=move || format!("Remove permission {}", row.key.get())
                    on:click=move |_| {
                        rows.update(|r| r.retain(|x| x.uid != uid));
                        errors.set(FieldErrors::new());
                    }
                >
                    "Remove"
                </button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_are_keyed_like_the_api() {
        let p = |key: &str, name: &str| ApiPermissionInput {
            key: key.into(),
            name: name.into(),
            description: None,
        };
        let (_, errors) = build(vec![p("read", "Read"), p("read", "")]);
        assert_eq!(errors["permissions[1].key"], "Key is listed more than once");
        assert_eq!(errors["permissions[1].name"], "Name is required");
        let (inputs, errors) = build(vec![p("write:orders", "Place orders")]);
        assert!(errors.is_empty());
        assert_eq!(inputs.len(), 1);
    }
}
