//! `/settings/admin/oidc-clients` (the client list with search, filters, sorting and pages, and
//! "Add OIDC client") and `/settings/admin/oidc-clients/:id` (one client: endpoints, settings,
//! secrets, logos, allowed groups, claims preview).

mod create;
mod detail;
mod endpoints;
pub mod form;
mod groups;
mod logos;
mod preview;
mod secrets;

pub use detail::OidcClientPage;

use crate::api::{
    self,
    list::{ListQuery, Sort},
    oidc_clients::path_id,
};
use crate::components::datetime::format_date;
use crate::components::{
    client::ClientLogo,
    list::ListPage,
    table::{Column, FilterSelect},
};
use create::CreateClientCard;
use leptos::prelude::*;
use pocket_shared::oidc::OidcClientMetaDto;
use pocket_shared::oidc_client::{OidcClientDto, OidcClientListItemDto};

/// The link to a client's page.
pub fn client_href(id: &str) -> String {
    format!(
        "/settings/admin/oidc-clients/{}",
        crate::routes::guard::encode_uri_component(&path_id(id))
    )
}

/// What the logo component needs of a client.
pub fn meta_of(client: &OidcClientDto) -> OidcClientMetaDto {
    OidcClientMetaDto {
        id: client.id.clone(),
        name: client.name.clone(),
        description: client.description.clone(),
        has_logo: client.has_logo,
        has_dark_logo: client.has_dark_logo,
        launch_url: client.launch_url.clone(),
        requires_reauthentication: client.requires_reauthentication,
        client_type: client.client_type.clone(),
    }
}

/// The client list page.
#[component]
pub fn OidcClientsPage() -> impl IntoView {
    let creating = RwSignal::new(false);
    let columns: Vec<Column<OidcClientListItemDto>> = vec![
        Column::new("Logo", |item: &OidcClientListItemDto| {
            view! {
                <span class="table__logo">
                    <ClientLogo client=meta_of(&item.client) />
                </span>
            }
            .into_any()
        }),
        Column::new("Name", |item: &OidcClientListItemDto| {
            let client = &item.client;
            view! {
                <a href=client_href(&client.id) data-testid="oidc-client-link">
                    {client.name.clone()}
                </a>
                <div class="table__sub">
                    <code>{client.id.clone()}</code>
                </div>
            }
            .into_any()
        })
        .sortable("name"),
        Column::new("Type", |item: &OidcClientListItemDto| {
            view! { <span class="badge">{client_kind(&item.client)}</span> }.into_any()
        })
        .sortable("clientType"),
        Column::new("Groups", |item: &OidcClientListItemDto| {
            let groups = if item.client.is_group_restricted {
                item.allowed_user_groups_count.to_string()
            } else {
                "Everyone".to_owned()
            };
            view! { <span data-testid="oidc-client-groups">{groups}</span> }.into_any()
        })
        .sortable("allowedUserGroupsCount"),
        Column::new("Created", |item: &OidcClientListItemDto| {
            format_date(&item.client.created_at).into_any()
        })
        .sortable("createdAt"),
    ];
    let filters = vec![
        FilterSelect {
            key: "clientType",
            label: "Type",
            options: vec![("standard", "Standard"), ("cimd", "Metadata document")],
        },
        FilterSelect::boolean(
            "isGroupRestricted",
            "Group restricted",
            "Restricted",
            "Everyone",
        ),
        FilterSelect::boolean("pkceEnabled", "PKCE", "PKCE", "No PKCE"),
        FilterSelect::boolean(
            "requiresReauthentication",
            "Reauthentication",
            "Required",
            "Not required",
        ),
        FilterSelect::boolean(
            "requiresPushedAuthorizationRequests",
            "PAR",
            "Required",
            "Not required",
        ),
        FilterSelect::boolean("skipConsent", "Consent", "Skipped", "Asked"),
    ];
    view! {
        <ListPage
            testid="oidc-clients"
            title="OIDC Clients"
            add_testid="oidc-client-add"
            add_label="Add OIDC client"
            creating
            toggles=true
            form=|| view! { <CreateClientCard /> }
            list_title="Clients"
            table_testid="oidc-clients-table"
            label="OIDC clients"
            columns
            fetch=|q: ListQuery| async move { api::oidc_clients::list(&q).await }
            row_key=|item: &OidcClientListItemDto| item.client.id.clone()
            default_sort=Sort::asc("name")
            filters
            empty_text="No OIDC client yet. Add one to let an application sign users in."
        />
    }
}

/// "Public", "Confidential" or "Metadata document".
fn client_kind(client: &OidcClientDto) -> &'static str {
    if client.client_type == "cimd" {
        "Metadata document"
    } else if client.is_public {
        "Public"
    } else {
        "Confidential"
    }
}
