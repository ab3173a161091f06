//! Form fields: label above, the problem in words below, `aria-invalid` on the input.
use leptos::prelude::*;

use crate::domain::{message_for, FieldError};
use crate::i18n::word;

fn field_id(name: &str) -> String {
    format!("f-{}", name.replace(['[', ']'], "-").trim_end_matches('-'))
}

/// A field's id and its message's id: from the form name and field, or from the id given.
fn ids(name: &str, field: &str, id: Option<String>) -> (String, String) {
    match id {
        Some(id) => {
            let message = format!("{id}-err");
            (id, message)
        }
        None => (field_id(name), format!("err-{field}")),
    }
}

#[component]
pub fn FieldMessage(
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    field: &'static str,
    /// the message's own id when `err-{field}` would not be unique on the page
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("err-{field}"));
    let lang = crate::components::use_lang();
    view! {
        <p class="field-error" id=id role="alert">
            {move || message_for(&errors.get(), field).map(|m| word(lang, &m))}
        </p>
    }
}

/// A text-like `<input>` (`type` text, email, password, number, datetime-local…).
#[component]
pub fn TextField(
    label: &'static str,
    /// the form name sent to the server, e.g. `input[title]`
    name: &'static str,
    /// the field the server names in its errors, e.g. `title`
    field: &'static str,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    #[prop(optional, into)] value: String,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] list: &'static str,
    /// the field's id when the form's name is not unique on the page (one form per row)
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let (id, message_id) = ids(name, field, id);
    let invalid = move || message_for(&errors.get(), field).is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                value=value
                required=required
                placeholder=(!placeholder.is_empty()).then_some(placeholder)
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                list=(!list.is_empty()).then_some(list)
                aria-invalid=move || invalid().to_string()
                aria-describedby=message_id.clone()
                data-field=field
            />
            <FieldMessage errors field id=message_id />
        </div>
    }
}

#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    #[prop(optional, into)] value: String,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] required: bool,
    /// the field's id when the form's name is not unique on the page (one form per row)
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let (id, message_id) = ids(name, field, id);
    let invalid = move || message_for(&errors.get(), field).is_some();
    let value = textarea_text(value);
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                required=required
                aria-invalid=move || invalid().to_string()
                aria-describedby=message_id.clone()
                data-field=field
            >
                {value}
            </textarea>
            <FieldMessage errors field id=message_id />
        </div>
    }
}

/// The text a `<textarea>` starts with. Leptos writes a textarea's children into the server's
/// HTML without escaping them (as for `<script>`), so typed or stored text with `</textarea>` in
/// it would end the element and become markup: the server escapes it here. The browser decodes
/// it into the same text the client-side view holds, so hydration agrees.
pub fn textarea_text(value: String) -> String {
    if cfg!(feature = "ssr") {
        value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        value
    }
}

/// A `<select>` whose options are `(value, label)` pairs.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    options: Vec<(String, String)>,
    #[prop(optional, into)] value: String,
    /// the field's id when the form's name is not unique on the page (one form per row)
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let (id, message_id) = ids(name, field, id);
    let invalid = move || message_for(&errors.get(), field).is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || invalid().to_string()
                aria-describedby=message_id.clone()
                data-field=field
            >
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let selected = option == value;
                        view! {
                            <option value=option selected=selected>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldMessage errors field id=message_id />
        </div>
    }
}

/// Moves the keyboard focus to the first field marked invalid (browser only).
pub fn focus_first_invalid() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        request_animation_frame(|| {
            if let Some(el) = document()
                .query_selector("[aria-invalid=true]")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_textareas_text_cannot_close_the_element() {
        assert_eq!(
            textarea_text("</textarea><b>bold</b> & more".into()),
            "&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt; &amp; more"
        );
    }
}
