//! Allowed user groups: whether only members of chosen groups may sign in to the client, and
//! which groups (a searchable multi-select over `/api/user-groups`).

use super::form::unchanged_request;
use crate::api::{
    self, ClientError,
    list::{Sort, fetch_all},
};
use crate::components::action::{on_settled, show_in};
use crate::components::card::Card;
use crate::components::form::{FormError, SavedAlert};
use crate::components::{
    checklist::{CheckItem, CheckList},
    error_view::ErrorView,
    loading::Loading,
};
use crate::state::use_session;
use leptos::prelude::*;
use pocket_shared::oidc_client::OidcClientWithGroupsDto;
use pocket_shared::user_group::UserGroupWithUserCountDto;
use std::collections::BTreeSet;

/// Saves the restriction and the groups in the order the server needs: lifting the restriction
/// forgets the groups, so the flag goes first when turning it on.
async fn save(
    client: &OidcClientWithGroupsDto,
    restricted: bool,
    group_ids: Vec<String>,
) -> Result<OidcClientWithGroupsDto, ClientError> {
    let id = &client.client.id;
    let mut current = client.clone();
    if client.client.is_group_restricted != restricted {
        let mut request = unchanged_request(&client.client);
        request.is_group_restricted = restricted;
        current = api::oidc_clients::update(id, &request).await?;
    }
    if restricted {
        current = api::oidc_clients::set_allowed_groups(id, group_ids).await?;
    }
    Ok(current)
}

/// The allowed groups card.
#[component]
pub fn GroupsCard(client: RwSignal<OidcClientWithGroupsDto>) -> impl IntoView {
    let session = use_session();
    let restricted = RwSignal::new(client.with_untracked(|c| c.client.is_group_restricted));
    let selected = RwSignal::new(client.with_untracked(|c| {
        c.allowed_user_groups
            .iter()
            .map(|g| g.id.clone())
            .collect::<BTreeSet<_>>()
    }));
    let groups = LocalResource::new(|| {
        fetch_all::<UserGroupWithUserCountDto>(
            "/api/user-groups",
            Some(Sort::asc("friendlyName")),
            10,
        )
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let action = Action::new_local(move |(restricted, ids): &(bool, Vec<String>)| {
        let (restricted, ids) = (*restricted, ids.clone());
        let current = client.get_untracked();
        async move { save(&current, restricted, ids).await }
    });
    on_settled(
        action,
        move |updated| {
            selected.set(
                updated
                    .allowed_user_groups
                    .iter()
                    .map(|g| g.id.clone())
                    .collect(),
            );
            restricted.set(updated.client.is_group_restricted);
            client.set(updated);
            saved.set(true);
        },
        show_in(error),
    );
    let retry = Callback::new(move |()| groups.refetch());
    let pending = action.pending();
    let summary = move || {
        client.with(|c| {
            if !c.client.is_group_restricted {
                "Everyone may sign in to this client.".to_owned()
            } else if c.allowed_user_groups.is_empty() {
                "Restricted, but no group is allowed yet: nobody may sign in.".to_owned()
            } else {
                let names: Vec<&str> = c
                    .allowed_user_groups
                    .iter()
                    .map(|g| g.friendly_name.as_str())
                    .collect();
                format!("Only members of {} may sign in.", names.join(", "))
            }
        })
    };
    view! {
        <Card title="Allowed user groups" testid="client-groups">
            <p class="hint" data-testid="client-groups-summary">
                {summary}
            </p>
            <div class="check-field">
                <input
                    class="check-field__input"
                    type="checkbox"
                    id="client-group-restricted"
                    data-testid="client-group-restricted"
                    bind:checked=restricted
                />
                <label class="check-field__label" for="client-group-restricted">
                    <span class="check-field__title">"Restrict to user groups"</span>
                    <span class="check-field__text">
                        "Only members of the groups selected below may sign in."
                    </span>
                </label>
            </div>
            <Show when=move || restricted.get()>
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match groups.await {
                            Ok(list) => {
                                let items = list
                                    .into_iter()
                                    .map(|row| CheckItem {
                                        id: row.group.id,
                                        title: row.group.friendly_name,
                                        detail: format!("{} · {} members", row.group.name, row.user_count),
                                    })
                                    .collect();
                                view! {
                                    <CheckList
                                        items
                                        selected
                                        testid="client-group"
                                        label="Allowed user groups"
                                        empty_text="No user groups yet. Create groups under User Groups first."
                                    />
                                }
                                    .into_any()
                            }
                            Err(error) => {
                                session.check_error(&error);
                                view! { <ErrorView error on_retry=retry /> }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </Show>
            <FormError error testid="client-groups-error" />
            <SavedAlert when=saved testid="client-groups-saved" text="Allowed groups saved." />
            <div class="actions">
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="client-groups-save"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        error.set(None);
                        saved.set(false);
                        let ids = selected.get_untracked().into_iter().collect();
                        action.dispatch((restricted.get_untracked(), ids));
                    }
                >
                    {move || if pending.get() { "Saving…" } else { "Save groups" }}
                </button>
            </div>
        </Card>
    }
}
