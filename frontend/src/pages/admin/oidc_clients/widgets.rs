//! Small view pieces of the administration pages (also used by the configuration, audit log
//! and My Apps pages): copy-to-clipboard fields, checkboxes, a file picker button, a
//! confirmation dialog and date formatting.

use crate::components::dialog::Dialog;
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

/// Writes `text` to the clipboard; `false` when the browser refused.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// A "Copy" button for `value`; says "Copied" for a moment, or asks to copy by hand when the
/// browser refuses.
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    value: Signal<String>,
    /// `data-testid`.
    testid: String,
    /// The accessible name ("Copy Token URL").
    #[prop(into)]
    label: String,
) -> impl IntoView {
    // None: idle; Some(true): copied; Some(false): refused.
    let state = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let text = value.get_untracked();
        spawn_local(async move {
            let ok = copy_to_clipboard(&text).await;
            state.try_set(Some(ok));
            set_timeout(
                move || {
                    state.try_set(None);
                },
                std::time::Duration::from_millis(2000),
            );
        });
    };
    view! {
        <button
            type="button"
            class="button button--small copy-button"
            data-testid=testid
            aria-label=label
            on:click=copy
        >
            {move || match state.get() {
                None => "Copy",
                Some(true) => "Copied",
                Some(false) => "Press Ctrl+C",
            }}
        </button>
    }
}

/// A labelled, read-only value with a copy button (the endpoint URLs block, new secrets).
#[component]
pub fn CopyField(
    /// Element id and `data-testid` of the input; the button is `{id}-copy`.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// The value.
    #[prop(into)]
    value: Signal<String>,
) -> impl IntoView {
    let select_all = move |ev: leptos::ev::FocusEvent| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <div class="copy-field">
            <label class="field__label" for=id>
                {label}
            </label>
            <div class="copy-field__row">
                <input
                    class="field__input copy-field__input"
                    id=id
                    data-testid=id
                    type="text"
                    readonly=true
                    prop:value=move || value.get()
                    on:focus=select_all
                />
                <CopyButton value testid=format!("{id}-copy") label=format!("Copy {label}") />
            </div>
        </div>
    }
}

/// A checkbox with its label and an optional explanation below.
#[component]
pub fn CheckboxField(
    /// Element id and `data-testid`.
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// What it does, in a sentence (optional).
    #[prop(optional)]
    description: &'static str,
    /// The bound value.
    checked: RwSignal<bool>,
    /// Greyed out and not changeable.
    #[prop(into, default = Signal::from(false))]
    disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="check-field">
            <input
                class="check-field__input"
                type="checkbox"
                id=id
                data-testid=id
                disabled=move || disabled.get()
                bind:checked=checked
            />
            <label class="check-field__label" for=id>
                <span class="check-field__title">{label}</span>
                {(!description.is_empty())
                    .then(|| view! { <span class="check-field__text">{description}</span> })}
            </label>
        </div>
    }
}

/// A button that opens the file picker; `on_file` gets the chosen file.
#[component]
pub fn FileButton(
    /// The button text.
    label: &'static str,
    /// `accept` of the picker.
    accept: &'static str,
    /// `data-testid` of the `<input type=file>`.
    testid: String,
    /// Not usable (e.g. while uploading).
    #[prop(into, default = Signal::from(false))]
    disabled: Signal<bool>,
    /// Runs with the chosen file.
    on_file: impl Fn(web_sys::File) + 'static,
) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let file = input.files().and_then(|files| files.get(0));
        // Cleared so choosing the same file again still fires `change`.
        input.set_value("");
        if let Some(file) = file {
            on_file(file);
        }
    };
    view! {
        <label class="button button--small" class:button--disabled=move || disabled.get()>
            {label}
            <input
                class="visually-hidden"
                type="file"
                accept=accept
                data-testid=testid
                disabled=move || disabled.get()
                on:change=on_change
            />
        </label>
    }
}

/// "Are you sure?" with a destructive confirm button; `on_confirm` does the work and the
/// parent closes the dialog when it is done.
#[component]
pub fn ConfirmDialog(
    /// The heading.
    #[prop(into)]
    title: String,
    /// What will happen.
    #[prop(into)]
    message: String,
    /// The confirm button's text ("Delete").
    confirm_label: &'static str,
    /// `data-testid` of the dialog; the buttons are `{testid}-confirm` and `{testid}-cancel`.
    testid: &'static str,
    /// True while the work runs.
    #[prop(into)]
    pending: Signal<bool>,
    /// Why the work failed, if it did.
    #[prop(into, default = Signal::from(None))]
    error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog title testid on_close=on_cancel>
            <p>{message}</p>
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <div class="alert alert--error" role="alert" data-testid=format!("{testid}-error")>
                                {message}
                            </div>
                        }
                    })
            }}
            <div class="actions actions--end">
                <button
                    type="button"
                    class="button"
                    data-testid=format!("{testid}-cancel")
                    on:click=move |_| on_cancel.run(())
                >
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="button button--danger-solid"
                    data-testid=format!("{testid}-confirm")
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {move || if pending.get() { "Working…" } else { confirm_label }}
                </button>
            </div>
        </Dialog>
    }
}

/// "5 Jan 2025, 14:03 UTC" from an RFC 3339 timestamp (as written, converted to UTC when it
/// carries an offset); the input as is when it is not one.
pub fn format_datetime(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some((y, mo, d, h, mi)) => format!("{d} {} {y}, {h:02}:{mi:02} UTC", MONTHS[mo - 1]),
        None => rfc3339.to_owned(),
    }
}

/// "5 Jan 2025" from an RFC 3339 timestamp.
pub fn format_date(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some((y, mo, d, _, _)) => format!("{d} {} {y}", MONTHS[mo - 1]),
        None => rfc3339.to_owned(),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month, day, hour, minute) in UTC.
fn parse_rfc3339(v: &str) -> Option<(i64, usize, i64, i64, i64)> {
    let num = |range: std::ops::Range<usize>| v.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    if v.get(4..5) != Some("-") || !matches!(v.get(10..11), Some("T" | "t" | " ")) {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // The offset: `Z`, or `±hh:mm` after the seconds and fraction.
    let rest = v.get(16..)?;
    let offset_minutes = match rest.find(['+', '-', 'Z', 'z']) {
        Some(i) if rest[i..].eq_ignore_ascii_case("z") => 0,
        Some(i) => {
            let sign = if rest[i..].starts_with('-') { -1 } else { 1 };
            let h = rest.get(i + 1..i + 3)?.parse::<i64>().ok()?;
            let m = rest.get(i + 4..i + 6)?.parse::<i64>().ok()?;
            sign * (h * 60 + m)
        }
        None => 0,
    };
    // To UTC through days since the epoch (civil-from-days, Howard Hinnant's algorithm).
    let days = days_from_civil(year, month, day);
    let total = (days * 24 * 60 + hour * 60 + minute) - offset_minutes;
    let (days, minutes) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    Some((y, m as usize, d, minutes / 60, minutes % 60))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_shown_in_utc() {
        assert_eq!(
            format_datetime("2025-01-05T14:03:59Z"),
            "5 Jan 2025, 14:03 UTC"
        );
        assert_eq!(
            format_datetime("2025-01-05T14:03:59.123456+02:00"),
            "5 Jan 2025, 12:03 UTC"
        );
        assert_eq!(
            format_datetime("2024-12-31T23:30:00-01:00"),
            "1 Jan 2025, 00:30 UTC"
        );
        assert_eq!(format_date("2024-02-29T10:00:00+00:00"), "29 Feb 2024");
        assert_eq!(format_datetime("yesterday"), "yesterday");
        assert_eq!(
            format_datetime("2025-13-01T00:00:00Z"),
            "2025-13-01T00:00:00Z"
        );
    }
}
