//! Contacts: the searchable list (filters live in the URL, so they work without JavaScript), one
//! contact with every event it was nominated to and its consent (with the admin's form and the
//! log), and the create/edit form (which has no unsubscribed field: consent is the contact's).
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::directory::{
    get_contact, get_contact_form, get_directory_options, list_contacts, ChangeConsent,
    CreateContact, UpdateContact,
};
use crate::api::dto::{ContactActivityRow, ContactDetail, ContactRow, DirectoryOptions};
use crate::components::{
    answer_key, form_feedback, use_lang, ExportLink, FilterSelect, SelectField, TextArea,
    TextField, UnsubscribedChip,
};
use crate::domain::{ContactAction, ContactInput, ContactQuery, UnsubscribeSource};
use crate::i18n::{t, Lang};
use crate::pages::errors::{ErrorView, ForbiddenView};
use crate::pages::event_guests::NominationChip;

fn language_options(lang: Lang) -> Vec<(String, String)> {
    vec![
        ("en".to_string(), tr!(lang, "lang-en").to_string()),
        ("de".to_string(), tr!(lang, "lang-de").to_string()),
    ]
}

fn choices(list: &[crate::api::dto::ChoiceDto]) -> Vec<(String, String)> {
    list.iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect()
}

fn language_name(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        if code == "de" {
            k!("lang-de")
        } else {
            k!("lang-en")
        },
    )
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = move || {
        let map = query_map.read();
        let get = |key: &str| map.get(key).unwrap_or_default();
        ContactQuery {
            q: get("q"),
            owner: get("owner"),
            account: get("account"),
            language: get("language"),
            unsubscribed: get("unsubscribed"),
        }
    };
    let contacts = Resource::new(query, list_contacts);
    let options = Resource::new(|| (), |_| get_directory_options());

    view! {
        <Title text=tr!(lang, "contacts-title") />
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                let current = query();
                let (options, contacts) = match (options.await, contacts.await) {
                    (Ok(options), Ok(contacts)) => (options, contacts),
                    (Err(error), _) | (_, Err(error)) => {
                        return view! { <ErrorView error /> }.into_any();
                    }
                };
                let filtered = current != ContactQuery::default();
                let export = format!("/contacts/export.csv?{}", current.to_query_string());
                view! {
                    <div class="page-head">
                        <h1>{tr!(lang, "contacts-title")}</h1>
                        <div class="page-actions">
                            {options
                                .can_import
                                .then(|| {
                                    view! {
                                        <a class="button" href="/contacts/import">
                                            {tr!(lang, "import-title")}
                                        </a>
                                    }
                                })}
                            {options
                                .can_create
                                .then(|| {
                                    view! {
                                        <a class="button button-primary" href="/contacts/new">
                                            {tr!(lang, "contacts-new")}
                                        </a>
                                    }
                                })}
                        </div>
                    </div>
                    <ContactFilters current=current.clone() options=options.clone() />
                    <div class="table-tools">
                        <p class="muted small" role="status">
                            {if contacts.total > contacts.rows.len() as u64 {
                                format!(
                                    "{} {} {} {}",
                                    tr!(lang, "directory-showing-first"),
                                    contacts.rows.len(),
                                    tr!(lang, "directory-of"),
                                    contacts.total,
                                )
                            } else {
                                String::new()
                            }}
                        </p>
                        <ExportLink href=export />
                    </div>
                    {if contacts.rows.is_empty() {
                        view! { <ContactsEmpty filtered can_create=options.can_create /> }
                            .into_any()
                    } else {
                        view! {
                            <ContactTable
                                rows=contacts.rows
                                caption=format!("{} {}", contacts.total, tr!(lang, "contacts-count"))
                                show_account=true
                            />
                        }
                            .into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn ContactFilters(current: ContactQuery, options: DirectoryOptions) -> impl IntoView {
    let lang = use_lang();
    let yes_no = vec![
        (
            "yes".to_string(),
            tr!(lang, "contacts-only-unsubscribed").to_string(),
        ),
        (
            "no".to_string(),
            tr!(lang, "contacts-only-subscribed").to_string(),
        ),
    ];
    view! {
        <form class="card filters" method="get" action="/contacts" role="search">
            <div class="field filter-search">
                <label for="filter-q">{tr!(lang, "directory-search")}</label>
                <input
                    id="filter-q"
                    type="search"
                    name="q"
                    value=current.q.clone()
                    placeholder=tr!(lang, "contacts-search-hint")
                />
            </div>
            <FilterSelect
                label=tr!(lang, "col-owner")
                name="owner"
                options=choices(&options.owners)
                value=current.owner.clone()
            />
            <FilterSelect
                label=tr!(lang, "contacts-account")
                name="account"
                options=choices(&options.accounts)
                value=current.account.clone()
            />
            <FilterSelect
                label=tr!(lang, "contacts-language")
                name="language"
                options=language_options(lang)
                value=current.language.clone()
            />
            <FilterSelect
                label=tr!(lang, "contacts-unsubscribed")
                name="unsubscribed"
                options=yes_no
                value=current.unsubscribed.clone()
            />
            <div class="filter-actions">
                <button type="submit" class="button button-primary">
                    {tr!(lang, "directory-filter")}
                </button>
                <a class="button button-quiet" href="/contacts">
                    {tr!(lang, "directory-clear")}
                </a>
            </div>
        </form>
    }
}

#[component]
fn ContactsEmpty(filtered: bool, can_create: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="empty-state card">
            {if filtered {
                view! {
                    <p>{tr!(lang, "contacts-empty-filtered")}</p>
                    <a class="button" href="/contacts">
                        {tr!(lang, "directory-clear")}
                    </a>
                }
                    .into_any()
            } else if can_create {
                view! {
                    <p>{tr!(lang, "contacts-empty-create")}</p>
                    <div class="empty-actions">
                        <a class="button button-primary" href="/contacts/new">
                            {tr!(lang, "contacts-new")}
                        </a>
                        <a class="button" href="/contacts/import">
                            {tr!(lang, "import-title")}
                        </a>
                    </div>
                }
                    .into_any()
            } else {
                view! { <p>{tr!(lang, "contacts-empty")}</p> }.into_any()
            }}
        </div>
    }
}

/// The contacts table, used by the list and by an account's page.
#[component]
pub fn ContactTable(rows: Vec<ContactRow>, caption: String, show_account: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap card">
            <table class="table">
                <caption class="table-count">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(lang, "contacts-name")}</th>
                        <th scope="col">{tr!(lang, "contacts-email")}</th>
                        {show_account.then(|| view! { <th scope="col">{tr!(lang, "contacts-account")}</th> })}
                        <th scope="col" class="hide-narrow">{tr!(lang, "contacts-job-title")}</th>
                        <th scope="col" class="hide-narrow">{tr!(lang, "contacts-language")}</th>
                        <th scope="col" class="hide-narrow">{tr!(lang, "col-owner")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr class:inactive=c.unsubscribed>
                                    <td data-label=tr!(lang, "contacts-name")>
                                        <a class="row-link" href=format!("/contacts/{}", c.id)>
                                            {c.name.clone()}
                                        </a>
                                        {c.unsubscribed.then(|| view! { " " <UnsubscribedChip /> })}
                                    </td>
                                    <td data-label=tr!(lang, "contacts-email")>
                                        <span class="break">{c.email.clone()}</span>
                                    </td>
                                    {show_account
                                        .then(|| {
                                            view! {
                                                <td data-label=tr!(lang, "contacts-account")>
                                                    {match (c.account_id, c.account_name.clone()) {
                                                        (Some(id), Some(name)) => {
                                                            view! { <a href=format!("/accounts/{id}")>{name}</a> }
                                                                .into_any()
                                                        }
                                                        _ => view! { <span class="muted">"—"</span> }.into_any(),
                                                    }}
                                                </td>
                                            }
                                        })}
                                    <td class="hide-narrow" data-label=tr!(lang, "contacts-job-title")>
                                        {c.title.clone().unwrap_or_default()}
                                    </td>
                                    <td class="hide-narrow" data-label=tr!(lang, "contacts-language")>
                                        {language_name(lang, &c.language)}
                                    </td>
                                    <td class="hide-narrow" data-label=tr!(lang, "col-owner")>
                                        {c.owner_name.clone().unwrap_or_else(|| "—".into())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn id_param() -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    let id = crate::components::use_id_param();
    move || id.get()
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let change = ServerAction::<ChangeConsent>::new();
    let contact = Resource::new(
        move || (id(), change.version().get()),
        |(id, _)| get_contact(id),
    );
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match contact.await {
                    Ok(detail) => view! { <ContactView detail change /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How the contact unsubscribed, in words: "via the unsubscribe link in an email" or
/// "by Ada Admin: asked us by phone".
fn unsubscribed_how(lang: Lang, detail: &ContactDetail) -> Option<String> {
    match detail.unsubscribe_source? {
        UnsubscribeSource::Link => Some(tr!(lang, "consent-via-link").to_string()),
        UnsubscribeSource::Admin => Some(format!(
            "{} {}: {}",
            tr!(lang, "consent-by"),
            detail.unsubscribed_by.clone().unwrap_or_else(|| "—".into()),
            detail.unsubscribe_note.clone().unwrap_or_default()
        )),
    }
}

fn consent_log_line(lang: Lang, row: &ContactActivityRow) -> String {
    let who = row.who.clone().unwrap_or_else(|| "—".into());
    let what = match row.action {
        ContactAction::UnsubscribedViaLink => tr!(lang, "consent-log-via-link").to_string(),
        ContactAction::ResubscribedViaLink => tr!(lang, "consent-log-undone-via-link").to_string(),
        ContactAction::UnsubscribedByAdmin => {
            format!("{} {who}", tr!(lang, "consent-log-unsubscribed-by"))
        }
        ContactAction::ResubscribedByAdmin => {
            format!("{} {who}", tr!(lang, "consent-log-resubscribed-by"))
        }
    };
    match &row.note {
        Some(note) => format!("{what}: {note}"),
        None => what,
    }
}

/// Whether the contact may be invited, how they unsubscribed, the admin's form to change it and
/// the log of every change.
#[component]
fn ConsentSection(
    detail: StoredValue<ContactDetail>,
    change: ServerAction<ChangeConsent>,
) -> impl IntoView {
    let lang = use_lang();
    let d = detail.get_value();
    let feedback = form_feedback(lang, Signal::derive(move || change.value().get()));
    let errors = feedback.errors;
    let general = feedback.general;
    let reason = feedback.value("input[reason]", String::new());
    let unsubscribed = d.unsubscribed_at.is_some();
    let (next, submit_key) = if unsubscribed {
        ("resubscribe", k!("consent-resubscribe"))
    } else {
        ("unsubscribe", k!("consent-unsubscribe"))
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use crate::domain::ConsentDecision;
            use leptos::form::FromFormData;
            ev.prevent_default();
            if let Ok(args) = ChangeConsent::from_event(&ev) {
                if feedback.check(ConsentDecision::parse(&args.input)) {
                    change.dispatch(args);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <section class="card" id="consent">
            <h2>{tr!(lang, "consent-title")}</h2>
            {match d.unsubscribed_at.clone() {
                Some(at) => view! {
                    <p>
                        <UnsubscribedChip /> " " {at}
                        {unsubscribed_how(lang, &d).map(|how| view! { " — " {how} })}
                    </p>
                }.into_any(),
                None => view! { <p>{tr!(lang, "consent-subscribed")}</p> }.into_any(),
            }}
            {if d.can_change_consent {
                view! {
                    <form class="form" method="post" action=ChangeConsent::url() on:submit=on_submit novalidate>
                        <input type="hidden" name="id" value=d.id />
                        <input type="hidden" name="input[change]" value=next />
                        <TextArea label=tr!(lang, "consent-reason") name="input[reason]" field="reason" errors rows=2 required=true value=reason.clone() />
                        <p class="form-error" role="alert">{general}</p>
                        <button type="submit" class="button" disabled=move || change.pending().get()>
                            {t(lang, submit_key)}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! { <p class="muted small">{tr!(lang, "consent-admin-only")}</p> }.into_any()
            }}
            <h3>{tr!(lang, "consent-log")}</h3>
            {if d.activities.is_empty() {
                view! { <p class="muted small">{tr!(lang, "consent-no-activity")}</p> }.into_any()
            } else {
                view! {
                    <ul class="activity">
                        {d.activities
                            .iter()
                            .map(|row| view! {
                                <li>
                                    {consent_log_line(lang, row)}
                                    <div class="muted small">{row.when.clone()}</div>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ContactView(detail: ContactDetail, change: ServerAction<ChangeConsent>) -> impl IntoView {
    let lang = use_lang();
    let name = crate::domain::person_name(&detail.first_name, &detail.last_name);
    let dash = || "—".to_string();
    view! {
        <Title text=name.clone() />
        <p class="breadcrumb">
            <a href="/contacts">{tr!(lang, "contacts-title")}</a>
        </p>
        <div class="page-head">
            <div>
                <h1>{name.clone()}</h1>
                <p class="muted subtitle">
                    {detail.title.clone().unwrap_or_default()}
                    {detail
                        .account_name
                        .clone()
                        .map(|account| view! { {if detail.title.is_some() { " · " } else { "" }} {account} })}
                </p>
            </div>
            <div class="page-actions">
                {detail
                    .can_edit
                    .then(|| {
                        view! {
                            <a class="button" href=format!("/contacts/{}/edit", detail.id)>
                                {tr!(lang, "contacts-edit")}
                            </a>
                        }
                    })}
            </div>
        </div>
        {detail
            .unsubscribed_at
            .clone()
            .map(|at| {
                let how = unsubscribed_how(lang, &detail);
                view! {
                    <p class="notice">
                        {tr!(lang, "contacts-unsubscribed-note")} " " {at}
                        {how.map(|how| view! { " — " {how} })}
                    </p>
                }
            })}
        {(!detail.can_edit).then(|| view! { <p class="muted small">{tr!(lang, "directory-read-only")}</p> })}
        <div class="directory-grid">
            <section class="card">
                <h2>{tr!(lang, "contacts-details")}</h2>
                <dl class="facts">
                    <dt>{tr!(lang, "contacts-email")}</dt>
                    <dd>
                        <a href=format!("mailto:{}", detail.email)>{detail.email.clone()}</a>
                    </dd>
                    <dt>{tr!(lang, "contacts-phone")}</dt>
                    <dd>{detail.phone.clone().unwrap_or_else(dash)}</dd>
                    <dt>{tr!(lang, "contacts-language")}</dt>
                    <dd>{language_name(lang, &detail.language)}</dd>
                    <dt>{tr!(lang, "contacts-account")}</dt>
                    <dd>
                        {match (detail.account_id, detail.account_name.clone()) {
                            (Some(id), Some(name)) => {
                                view! { <a href=format!("/accounts/{id}")>{name}</a> }.into_any()
                            }
                            _ => view! { "—" }.into_any(),
                        }}
                    </dd>
                    <dt>{tr!(lang, "col-owner")}</dt>
                    <dd>{detail.owner_name.clone().unwrap_or_else(dash)}</dd>
                </dl>
            </section>
            <ConsentSection detail=StoredValue::new(detail.clone()) change />
            <section class="card card-flush">
                <h2 class="card-title">
                    {tr!(lang, "contacts-events")} " " <span class="count">{detail.events.len()}</span>
                </h2>
                {if detail.events.is_empty() {
                    view! { <p class="muted empty-inline">{tr!(lang, "contacts-no-events")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">{tr!(lang, "col-title")}</th>
                                        <th scope="col">{tr!(lang, "col-when")}</th>
                                        <th scope="col">{tr!(lang, "contacts-nomination")}</th>
                                        <th scope="col">{tr!(lang, "contacts-answer")}</th>
                                        <th scope="col">{tr!(lang, "contacts-checked-in")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {detail
                                        .events
                                        .iter()
                                        .map(|e| {
                                            view! {
                                                <tr>
                                                    <td data-label=tr!(lang, "col-title")>
                                                        <a class="row-link" href=format!("/events/{}", e.event_id)>
                                                            {e.title.clone()}
                                                        </a>
                                                        <div class="muted small">
                                                            {tr!(lang, "contacts-nominated-by")} " " {e.nominated_by.clone()}
                                                        </div>
                                                    </td>
                                                    <td data-label=tr!(lang, "col-when")>{e.when.clone()}</td>
                                                    <td data-label=tr!(lang, "contacts-nomination")>
                                                        <NominationChip state=e.state />
                                                    </td>
                                                    <td data-label=tr!(lang, "contacts-answer")>
                                                        {t(lang, answer_key(e.answer))}
                                                    </td>
                                                    <td data-label=tr!(lang, "contacts-checked-in")>
                                                        {match e.checked_in.clone() {
                                                            Some(at) => view! {
                                                                <span class="chip chip-open">{tr!(lang, "contacts-yes")}</span>
                                                                <div class="muted small">{at}</div>
                                                            }.into_any(),
                                                            None => view! { <span class="muted">{tr!(lang, "contacts-no")}</span> }.into_any(),
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }}
            </section>
        </div>
    }
}

#[component]
pub fn NewContactPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let options = Resource::new(|| (), |_| get_directory_options());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) if options.can_create => {
                        // "New contact" on an account's page pre-selects that account
                        let input = ContactInput {
                            language: "en".into(),
                            account_id: query_map.read_untracked().get("account").unwrap_or_default(),
                            ..Default::default()
                        };
                        view! { <ContactFormView id=None input options /> }.into_any()
                    }
                    Ok(_) => view! { <ForbiddenView /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditContactPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let form = Resource::new(id, get_contact_form);
    let options = Resource::new(|| (), |_| get_directory_options());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match (form.await, options.await) {
                    (Ok(form), Ok(options)) => {
                        view! { <ContactFormView id=Some(form.id) input=form.input options /> }
                            .into_any()
                    }
                    (Err(crate::error::AppError::Forbidden), _) => {
                        view! { <ForbiddenView /> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContactFormView(
    id: Option<i32>,
    input: ContactInput,
    options: DirectoryOptions,
) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateContact>::new();
    let update = ServerAction::<UpdateContact>::new();
    let server = Signal::derive(move || {
        if id.is_some() {
            update.value().get()
        } else {
            create.value().get()
        }
    });
    let feedback = form_feedback(lang, server);
    let (errors, general) = (feedback.errors, feedback.general);
    let pending = move || create.pending().get() || update.pending().get();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use crate::domain::ContactDraft;
            use leptos::form::FromFormData;
            ev.prevent_default();
            if id.is_some() {
                if let Ok(args) = UpdateContact::from_event(&ev) {
                    if feedback.check(ContactDraft::parse(&args.input)) {
                        update.dispatch(args);
                    }
                }
            } else if let Ok(args) = CreateContact::from_event(&ev) {
                if feedback.check(ContactDraft::parse(&args.input)) {
                    create.dispatch(args);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let (title_key, action_url, submit_key) = match id {
        Some(_) => (
            k!("contacts-edit-title"),
            UpdateContact::url(),
            k!("form-save"),
        ),
        None => (
            k!("contacts-new"),
            CreateContact::url(),
            k!("contacts-create"),
        ),
    };
    let cancel_href = id
        .map(|id| format!("/contacts/{id}"))
        .unwrap_or_else(|| "/contacts".into());
    let mut accounts = vec![(String::new(), tr!(lang, "directory-none").to_string())];
    accounts.extend(choices(&options.accounts));
    let mut owners = vec![(String::new(), tr!(lang, "directory-none").to_string())];
    owners.extend(choices(&options.owners));

    view! {
        <Title text=t(lang, title_key) />
        <h1>{t(lang, title_key)}</h1>
        <form class="card form directory-form" method="post" action=action_url on:submit=on_submit novalidate>
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <div class="form-row">
                <TextField label=tr!(lang, "contacts-first-name") name="input[first_name]" field="first_name" errors value=feedback.value("input[first_name]", input.first_name.clone()) required=true autocomplete="off" />
                <TextField label=tr!(lang, "contacts-last-name") name="input[last_name]" field="last_name" errors value=feedback.value("input[last_name]", input.last_name.clone()) required=true autocomplete="off" />
            </div>
            <div class="form-row">
                <TextField label=tr!(lang, "contacts-email") name="input[email]" field="email" errors value=feedback.value("input[email]", input.email.clone()) input_type="email" required=true autocomplete="off" />
                <TextField label=tr!(lang, "contacts-phone") name="input[phone]" field="phone" errors value=feedback.value("input[phone]", input.phone.clone()) input_type="tel" autocomplete="off" />
            </div>
            <div class="form-row">
                <TextField label=tr!(lang, "contacts-job-title") name="input[title]" field="title" errors value=feedback.value("input[title]", input.title.clone()) autocomplete="off" />
                <SelectField label=tr!(lang, "contacts-language") name="input[language]" field="language" errors options=language_options(lang) value=feedback.value("input[language]", input.language.clone()) />
            </div>
            <div class="form-row">
                <SelectField label=tr!(lang, "contacts-account") name="input[account_id]" field="account_id" errors options=accounts value=feedback.value("input[account_id]", input.account_id.clone()) />
                {options
                    .can_assign_owner
                    .then(|| {
                        view! {
                            <SelectField label=tr!(lang, "col-owner") name="input[owner_id]" field="owner_id" errors options=owners.clone() value=feedback.value("input[owner_id]", input.owner_id.clone()) />
                        }
                    })}
            </div>
            {(!options.can_assign_owner)
                .then(|| view! { <p class="muted small">{tr!(lang, "contacts-owned-by-you")}</p> })}
            <p class="muted small">{tr!(lang, "consent-not-in-form")}</p>
            <p class="form-error" role="alert">{general}</p>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=pending>
                    {move || if pending() { tr!(lang, "form-saving") } else { t(lang, submit_key) }}
                </button>
                <a class="button button-quiet" href=cancel_href>{tr!(lang, "form-cancel")}</a>
            </div>
        </form>
    }
}
