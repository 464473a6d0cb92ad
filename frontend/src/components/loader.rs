//! Loading data for a page or a card: "Loading…", then the content, or the error view whose
//! "Try again" loads it again; and the record page built on it (back link, then the record).

use crate::api::ClientError;
use crate::components::{error_view::ErrorView, loading::Loading};
use crate::state::use_session;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `children` with the loaded value once `resource` is ready, or the error view (a "not signed
/// in" answer also signs the session out).
#[component]
pub fn Loaded<T, F, V>(
    /// What to wait for.
    resource: LocalResource<Result<T, ClientError>>,
    /// Renders the loaded value.
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    let retry = Callback::new(move |()| resource.refetch());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => {
                            session.check_error(&error);
                            view! { <ErrorView error on_retry=retry /> }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// One record's page (`/settings/admin/users/:id`, ...): the back link to its list, then
/// `children` with the record `load` fetched for the route's `:id` (a new id loads again).
#[component]
pub fn DetailPage<T, Fut, L, F, V>(
    /// `data-testid` of the page.
    testid: &'static str,
    /// Where the back link goes.
    back_href: &'static str,
    /// `data-testid` of the back link.
    back_testid: &'static str,
    /// The back link's text ("← All users").
    back_label: &'static str,
    /// The class of the back link's paragraph, if any (`breadcrumb`).
    #[prop(optional)]
    back_class: Option<&'static str>,
    /// Fetches the record with this id.
    load: L,
    /// Renders the loaded record.
    children: F,
) -> impl IntoView
where
    T: Clone + 'static,
    Fut: Future<Output = Result<T, ClientError>> + 'static,
    L: Fn(String) -> Fut + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let resource = LocalResource::new(move || load(id.get()));
    view! {
        <div class="stack" data-testid=testid>
            <p class=back_class>
                <a href=back_href data-testid=back_testid>
                    {back_label}
                </a>
            </p>
            <Loaded resource children />
        </div>
    }
}
