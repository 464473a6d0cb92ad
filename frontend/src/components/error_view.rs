//! Shows a failed API call: what went wrong in plain words, the code and request id to report,
//! and a way to try again.

use crate::api::ClientError;
use crate::components::form::Button;
use leptos::prelude::*;

/// The error panel. `on_retry` runs when the user presses "Try again".
#[component]
pub fn ErrorView(error: ClientError, on_retry: Callback<()>) -> impl IntoView {
    let message = error.user_message();
    let code = error.code_label();
    let request_id = error.request_id().map(str::to_owned);
    let detail = error.technical_detail();
    view! {
        <section class="card error-view" data-testid="error-view" role="alert">
            <h1 class="error-view__title">"This page could not be loaded"</h1>
            <p class="error-view__message" data-testid="error-message">
                {message}
            </p>
            <dl class="facts facts--compact">
                <div>
                    <dt>"Error code"</dt>
                    <dd>
                        <code data-testid="error-code">{code}</code>
                    </dd>
                </div>
                {request_id
                    .map(|id| {
                        view! {
                            <div>
                                <dt>"Request ID"</dt>
                                <dd>
                                    <code data-testid="request-id">{id}</code>
                                </dd>
                            </div>
                        }
                    })}
            </dl>
            {detail
                .map(|detail| {
                    view! {
                        <details class="error-view__detail">
                            <summary>"Technical details"</summary>
                            <pre>{detail}</pre>
                        </details>
                    }
                })}
            <Button
                testid="retry"
                label="Try again"
                on_click=on_retry
                class="button button--primary"
            />
        </section>
    }
}
