//! Pieces the directory pages share: filter selects, checkboxes, the export link, guest chips.
use leptos::prelude::*;

use super::{use_lang, FieldMessage};
use crate::domain::{message_for, FieldError};

/// A `<select>` in a filter bar; the first option (empty value) means "any".
#[component]
pub fn FilterSelect(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] value: String,
) -> impl IntoView {
    let lang = use_lang();
    let id = format!("filter-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="" selected=value.is_empty()>
                    {tr!(lang, "directory-any")}
                </option>
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
        </div>
    }
}

/// A checkbox that sends `on` when ticked, with its label beside it and its problem below.
#[component]
pub fn CheckboxField(
    label: &'static str,
    name: &'static str,
    field: &'static str,
    #[prop(into)] errors: Signal<Vec<FieldError>>,
    checked: bool,
) -> impl IntoView {
    let id = format!("f-{field}");
    let label_for = id.clone();
    let invalid = move || message_for(&errors.get(), field).is_some();
    view! {
        <div class="field field-check" class:invalid=invalid>
            <label for=label_for>
                <input
                    id=id
                    type="checkbox"
                    name=name
                    value="on"
                    checked=checked
                    aria-invalid=move || invalid().to_string()
                    aria-describedby=format!("err-{field}")
                    data-field=field
                />
                " "
                {label}
            </label>
            <FieldMessage errors field />
        </div>
    }
}

/// "Export CSV" for the list as filtered; `download` keeps the router from handling the link.
#[component]
pub fn ExportLink(href: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <a class="button button-small" href=href download="" rel="external">
            {tr!(lang, "directory-export")}
        </a>
    }
}

pub fn answer_key(answer: crate::domain::Answer) -> &'static str {
    use crate::domain::Answer;
    match answer {
        Answer::Accepted => k!("contacts-answer-accepted"),
        Answer::Declined => k!("contacts-answer-declined"),
        Answer::None => k!("contacts-answer-none"),
        Answer::Waitlisted => k!("contacts-answer-waitlisted"),
    }
}

/// Marks an unsubscribed contact, in words.
#[component]
pub fn UnsubscribedChip() -> impl IntoView {
    let lang = use_lang();
    view! { <span class="chip chip-unsubscribed">{tr!(lang, "contacts-unsubscribed")}</span> }
}
