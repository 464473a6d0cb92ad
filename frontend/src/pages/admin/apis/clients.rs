//! Client grants on an API: which clients may get tokens for it, for users (authorization
//! code and device flows) and for themselves (client credentials), with which permissions.

use crate::api::{
    self, ClientError,
    list::{ListQuery, Sort},
};
use crate::components::action::{on_settled, show_in};
use crate::components::dialog::ConfirmDialog;
use crate::components::form::Button;
use crate::components::form::FormError;
use crate::components::{
    dialog::Dialog,
    error_view::ErrorView,
    form::api_field_errors,
    loading::Loading,
    table::{Column, DataTable, TableReload},
};
use crate::pages::admin::oidc_clients::client_href;
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::api_resource::{
    ApiClientAccessDto, ApiClientDto, ApiClientGrantDto, ApiDto, ApiPermissionDto,
};
use std::collections::BTreeSet;

/// "Users: Read orders, Place orders" style summary of one side of a grant.
pub fn summary(access: bool, ids: &[String], permissions: &[ApiPermissionDto]) -> String {
    if !access && ids.is_empty() {
        return "No access".to_owned();
    }
    let names: Vec<&str> = permissions
        .iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| p.name.as_str())
        .collect();
    if names.is_empty() {
        "Access, no permission".to_owned()
    } else {
        names.join(", ")
    }
}

/// The grant the dialog's controls describe (a permission implies access, as on the server).
pub fn grant_of(
    user_access: bool,
    user_ids: &BTreeSet<String>,
    client_access: bool,
    client_ids: &BTreeSet<String>,
    is_public: bool,
) -> ApiClientGrantDto {
    let client_ids: Vec<String> = if is_public {
        Vec::new()
    } else {
        client_ids.iter().cloned().collect()
    };
    ApiClientGrantDto {
        user_delegated_access: user_access || !user_ids.is_empty(),
        client_access: !is_public && (client_access || !client_ids.is_empty()),
        user_delegated_permission_ids: user_ids.iter().cloned().collect(),
        client_permission_ids: client_ids,
    }
}

/// What the grant dialog edits: the client and its current grant.
#[derive(Debug, Clone)]
struct Editing {
    /// `None`: choose a client first ("Grant access").
    client: Option<ApiClientDto>,
    grant: ApiClientGrantDto,
}

/// The client grants card.
#[component]
pub fn ClientsCard(api: RwSignal<ApiDto>) -> impl IntoView {
    let session = use_session();
    let reload = TableReload::new();
    let editing = RwSignal::new(None::<Editing>);
    let revoking = RwSignal::new(None::<ApiClientDto>);
    let revoke_error = RwSignal::new(None::<String>);
    let id = api.with_untracked(|a| a.id.clone());
    let revoke_id = id.clone();
    let revoke = Action::new_local(move |client_id: &String| {
        let (id, client_id) = (revoke_id.clone(), client_id.clone());
        async move { api::apis::remove_grant(&id, &client_id).await }
    });
    on_settled(
        revoke,
        move |()| {
            revoking.set(None);
            reload.reload();
        },
        show_in(revoke_error),
    );
    let columns: Vec<Column<ApiClientAccessDto>> = vec![
        Column::new("Client", |a: &ApiClientAccessDto| {
            view! {
                <a href=client_href(&a.client.id) data-testid="api-client-link">
                    {a.client.name.clone()}
                </a>
                <div class="table__sub">
                    <code>{a.client.id.clone()}</code>
                </div>
            }
            .into_any()
        })
        .sortable("name"),
        Column::new("For users", move |a: &ApiClientAccessDto| {
            let text = api.with_untracked(|api| {
                summary(
                    a.grant.user_delegated_access,
                    &a.grant.user_delegated_permission_ids,
                    &api.permissions,
                )
            });
            view! { <span data-testid="api-client-user-grant">{text}</span> }.into_any()
        }),
        Column::new("For the client itself", move |a: &ApiClientAccessDto| {
            let text = if a.client.is_public {
                "Not possible (public client)".to_owned()
            } else {
                api.with_untracked(|api| {
                    summary(
                        a.grant.client_access,
                        &a.grant.client_permission_ids,
                        &api.permissions,
                    )
                })
            };
            view! { <span data-testid="api-client-client-grant">{text}</span> }.into_any()
        }),
        Column::new("Actions", move |a: &ApiClientAccessDto| {
            let for_edit = a.clone();
            let for_revoke = a.client.clone();
            view! {
                <div class="actions actions--end">
                    <button
                        type="button"
                        class="button button--small"
                        data-testid="api-client-edit"
                        aria-label=format!("Edit the access of {}", a.client.name)
                        on:click=move |_| {
                            editing
                                .set(
                                    Some(Editing {
                                        client: Some(for_edit.client.clone()),
                                        grant: for_edit.grant.clone(),
                                    }),
                                )
                        }
                    >
                        "Edit"
                    </button>
                    <button
                        type="button"
                        class="button button--small button--danger"
                        data-testid="api-client-revoke"
                        aria-label=format!("Revoke the access of {}", a.client.name)
                        on:click=move |_| {
                            revoke_error.set(None);
                            revoking.set(Some(for_revoke.clone()));
                        }
                    >
                        "Revoke"
                    </button>
                </div>
            }
            .into_any()
        })
        .actions(),
    ];
    let on_error = Callback::new(move |e: ClientError| session.check_error(&e));
    let fetch_id = id.clone();
    let fetch = move |q: ListQuery| {
        let id = fetch_id.clone();
        async move { api::apis::list_clients(&id, &q).await }
    };
    let saved = Callback::new(move |()| {
        editing.set(None);
        reload.reload();
    });
    let revoke_pending = revoke.pending();
    view! {
        <section class="card" aria-labelledby="api-clients-title" data-testid="api-clients">
            <div class="card__header">
                <h2 id="api-clients-title" class="card__title">
                    "Client access"
                </h2>
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="api-client-add"
                    on:click=move |_| {
                        editing
                            .set(
                                Some(Editing {
                                    client: None,
                                    grant: ApiClientGrantDto::default(),
                                }),
                            )
                    }
                >
                    "Grant access"
                </button>
            </div>
            <p class="hint">
                "Access for users applies to sign-ins (authorization code and device flows): users approve the permissions on the consent screen. Access for the client itself applies to the client credentials grant (confidential clients only)."
            </p>
            <DataTable
                testid="api-clients-table"
                label="Clients with access"
                columns
                fetch
                row_key=|a: &ApiClientAccessDto| a.client.id.clone()
                default_sort=Sort::asc("name")
                empty_text="No client may use this API yet."
                reload
                on_error
            />
            {move || {
                editing
                    .get()
                    .map(|e| {
                        view! {
                            <GrantDialog
                                api
                                editing=e
                                on_saved=saved
                                on_cancel=Callback::new(move |()| editing.set(None))
                            />
                        }
                    })
            }}
            {move || {
                revoking
                    .get()
                    .map(|client| {
                        let client_id = client.id.clone();
                        view! {
                            <ConfirmDialog
                                title="Revoke access"
                                message=format!(
                                    "“{}” can no longer get tokens for this API. Tokens already issued stay valid until they expire; refreshing them fails.",
                                    client.name,
                                )
                                confirm_label="Revoke"
                                testid="api-client-revoke-dialog"
                                pending=revoke_pending
                                error=revoke_error
                                on_confirm=Callback::new(move |()| {
                                    revoke.dispatch(client_id.clone());
                                })
                                on_cancel=Callback::new(move |()| revoking.set(None))
                            />
                        }
                    })
            }}
        </section>
    }
}

/// Sets one client's grant: access toggles and permission checkboxes for each side. Without a
/// client yet, a picker of the clients that have no grant comes first.
#[component]
fn GrantDialog(
    api: RwSignal<ApiDto>,
    editing: Editing,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let api_id = api.with_untracked(|a| a.id.clone());
    let choosing = editing.client.is_none();
    let client = RwSignal::new(editing.client.clone());
    let user_access = RwSignal::new(editing.grant.user_delegated_access);
    let client_access = RwSignal::new(editing.grant.client_access);
    let user_ids = RwSignal::new(
        editing
            .grant
            .user_delegated_permission_ids
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>(),
    );
    let client_ids = RwSignal::new(
        editing
            .grant
            .client_permission_ids
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>(),
    );
    let error = RwSignal::new(None::<String>);
    let candidates_id = api_id.clone();
    let candidates = LocalResource::new(move || {
        let id = candidates_id.clone();
        async move {
            if choosing {
                api::apis::assignable_clients(&id).await
            } else {
                Ok(Vec::new())
            }
        }
    });
    let save = Action::new_local(move |(client_id, grant): &(String, ApiClientGrantDto)| {
        let (id, client_id, grant) = (api_id.clone(), client_id.clone(), grant.clone());
        async move { api::apis::set_grant(&id, &client_id, &grant).await }
    });
    on_settled(
        save,
        move |_| on_saved.run(()),
        move |e| {
            let fields = api_field_errors(&e, |f| f.to_owned());
            error.set(Some(
                fields
                    .into_values()
                    .next()
                    .unwrap_or_else(|| e.user_message()),
            ));
        },
    );
    let is_public = move || client.with(|c| c.as_ref().is_some_and(|c| c.is_public));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(c) = client.get_untracked() else {
            error.set(Some("Choose a client first.".into()));
            return;
        };
        let grant = grant_of(
            user_access.get_untracked(),
            &user_ids.get_untracked(),
            client_access.get_untracked(),
            &client_ids.get_untracked(),
            c.is_public,
        );
        save.dispatch((c.id, grant));
    };
    let retry = Callback::new(move |()| candidates.refetch());
    let title = match &editing.client {
        Some(c) => format!("Access of {}", c.name),
        None => "Grant access".to_owned(),
    };
    let pending = save.pending();
    view! {
        <Dialog title testid="api-grant-dialog" on_close=on_cancel>
            <form class="form" novalidate on:submit=submit>
                {choosing
                    .then(|| {
                        view! {
                            <Suspense fallback=|| view! { <Loading /> }>
                                {move || Suspend::new(async move {
                                    match candidates.await {
                                        Ok(list) => view! { <ClientPicker list client /> }.into_any(),
                                        Err(error) => {
                                            session.check_error(&error);
                                            view! { <ErrorView error on_retry=retry /> }.into_any()
                                        }
                                    }
                                })}
                            </Suspense>
                        }
                    })}
                <fieldset class="fieldset" data-testid="api-grant-user">
                    <legend>"For users"</legend>
                    <Toggle
                        id="api-grant-user-access"
                        label="Users may sign in to this client with this API as audience"
                        checked=user_access
                    />
                    <PermissionChecks api selected=user_ids testid="api-grant-user-permission" />
                </fieldset>
                <fieldset
                    class="fieldset"
                    data-testid="api-grant-client"
                    disabled=is_public
                >
                    <legend>"For the client itself"</legend>
                    <Show when=is_public>
                        <p class="hint" data-testid="api-grant-public">
                            "Public clients cannot use the client credentials grant."
                        </p>
                    </Show>
                    <Toggle
                        id="api-grant-client-access"
                        label="The client may get tokens for this API as itself"
                        checked=client_access
                    />
                    <PermissionChecks api selected=client_ids testid="api-grant-client-permission" />
                </fieldset>
                <FormError error testid="api-grant-error" />
                <div class="actions actions--end">
                    <Button testid="api-grant-cancel" label="Cancel" on_click=on_cancel />
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="api-grant-save"
                        disabled=move || pending.get() || client.with(Option::is_none)
                    >
                        {move || if pending.get() { "Saving…" } else { "Save access" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// The select of clients without a grant.
#[component]
fn ClientPicker(list: Vec<ApiClientDto>, client: RwSignal<Option<ApiClientDto>>) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <p class="hint" data-testid="api-grant-no-clients">
                "Every client already has access to this API."
            </p>
        }
        .into_any();
    }
    let list = StoredValue::new(list);
    let options = list.with_value(|l| {
        l.iter()
            .map(|c| {
                view! { <option value=c.id.clone()>{format!("{} ({})", c.name, c.id)}</option> }
            })
            .collect_view()
    });
    view! {
        <div class="field">
            <label class="field__label" for="api-grant-client-select">
                "Client"
            </label>
            <select
                class="field__input"
                id="api-grant-client-select"
                data-testid="api-grant-client-select"
                on:change=move |ev| {
                    let id = event_target_value(&ev);
                    client.set(list.with_value(|l| l.iter().find(|c| c.id == id).cloned()));
                }
            >
                <option value="" selected=true>
                    "Choose a client…"
                </option>
                {options}
            </select>
        </div>
    }
    .into_any()
}

/// A checkbox with a label.
#[component]
fn Toggle(id: &'static str, label: &'static str, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="check-field">
            <input
                class="check-field__input"
                type="checkbox"
                id=id
                data-testid=id
                bind:checked=checked
            />
            <label class="check-field__label" for=id>
                <span class="check-field__title">{label}</span>
            </label>
        </div>
    }
}

/// One checkbox per permission of the API.
#[component]
fn PermissionChecks(
    api: RwSignal<ApiDto>,
    selected: RwSignal<BTreeSet<String>>,
    testid: &'static str,
) -> impl IntoView {
    move || {
        let permissions = api.with(|a| a.permissions.clone());
        if permissions.is_empty() {
            return view! {
                <p class="hint" data-testid=format!("{testid}-empty")>
                    "This API has no permissions yet: access alone gives tokens without any API scope."
                </p>
            }
            .into_any();
        }
        permissions
            .into_iter()
            .map(|p| {
                let input_id = format!("{testid}-{}", p.id);
                let id = p.id.clone();
                let toggle_id = p.id.clone();
                view! {
                    <div class="check-field">
                        <input
                            class="check-field__input"
                            type="checkbox"
                            id=input_id.clone()
                            data-testid=testid
                            data-key=p.key.clone()
                            prop:checked=move || selected.with(|s| s.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = toggle_id.clone();
                                selected
                                    .update(|s| {
                                        if on {
                                            s.insert(id);
                                        } else {
                                            s.remove(&id);
                                        }
                                    });
                            }
                        />
                        <label class="check-field__label" for=input_id>
                            <span class="check-field__title">{p.name.clone()}</span>
                            <span class="check-field__text">
                                <code>{p.key.clone()}</code>
                                {p.description.clone().map(|d| format!(" — {d}"))}
                            </span>
                        </label>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(id: &str, name: &str) -> ApiPermissionDto {
        ApiPermissionDto {
            id: id.into(),
            key: id.into(),
            name: name.into(),
            description: None,
            allowed_for_cimd_clients: false,
        }
    }

    #[test]
    fn summaries_name_the_permissions() {
        let perms = [perm("r", "Read"), perm("w", "Write")];
        assert_eq!(summary(false, &[], &perms), "No access");
        assert_eq!(summary(true, &[], &perms), "Access, no permission");
        assert_eq!(
            summary(true, &["w".into(), "r".into()], &perms),
            "Read, Write"
        );
    }

    #[test]
    fn permissions_imply_access_and_public_clients_get_no_client_side() {
        let ids: BTreeSet<String> = ["r".to_owned()].into();
        let g = grant_of(false, &ids, true, &ids, true);
        assert!(g.user_delegated_access && !g.client_access);
        assert!(g.client_permission_ids.is_empty());
        let g = grant_of(false, &BTreeSet::new(), false, &ids, false);
        assert!(!g.user_delegated_access && g.client_access);
    }
}
