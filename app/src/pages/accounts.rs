//! Accounts (customer companies): the searchable list, one account with its contacts, and the
//! create/edit form.
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::directory::{
    get_account, get_account_form, get_directory_options, list_accounts, CreateAccount,
    UpdateAccount,
};
use crate::api::dto::{AccountDetail, AccountRow, DirectoryOptions};
use crate::components::{
    form_feedback, use_lang, CheckboxField, ExportLink, FilterSelect, SelectField, TextField,
};
use crate::domain::{AccountInput, AccountQuery, Tier};
use crate::i18n::t;
use crate::pages::contacts::ContactTable;
use crate::pages::errors::{ErrorView, ForbiddenView};

fn tier_options() -> Vec<(String, String)> {
    Tier::ALL
        .iter()
        .map(|t| (t.as_str().to_string(), t.as_str().to_string()))
        .collect()
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = move || {
        let map = query_map.read();
        let get = |key: &str| map.get(key).unwrap_or_default();
        AccountQuery {
            q: get("q"),
            tier: get("tier"),
            target: get("target"),
            owner: get("owner"),
        }
    };
    let accounts = Resource::new(query, list_accounts);
    let options = Resource::new(|| (), |_| get_directory_options());

    view! {
        <Title text=tr!(lang, "accounts-title") />
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                let current = query();
                let (options, accounts) = match (options.await, accounts.await) {
                    (Ok(options), Ok(accounts)) => (options, accounts),
                    (Err(error), _) | (_, Err(error)) => {
                        return view! { <ErrorView error /> }.into_any();
                    }
                };
                let filtered = current != AccountQuery::default();
                let export = format!("/accounts/export.csv?{}", current.to_query_string());
                view! {
                    <div class="page-head">
                        <h1>{tr!(lang, "accounts-title")}</h1>
                        <div class="page-actions">
                            {options
                                .can_create
                                .then(|| {
                                    view! {
                                        <a class="button button-primary" href="/accounts/new">
                                            {tr!(lang, "accounts-new")}
                                        </a>
                                    }
                                })}
                        </div>
                    </div>
                    <AccountFilters current=current.clone() options=options.clone() />
                    <div class="table-tools">
                        <p class="muted small" role="status">
                            {if accounts.total > accounts.rows.len() as u64 {
                                format!(
                                    "{} {} {} {}",
                                    tr!(lang, "directory-showing-first"),
                                    accounts.rows.len(),
                                    tr!(lang, "directory-of"),
                                    accounts.total,
                                )
                            } else {
                                String::new()
                            }}
                        </p>
                        <ExportLink href=export />
                    </div>
                    {if accounts.rows.is_empty() {
                        view! { <AccountsEmpty filtered can_create=options.can_create /> }.into_any()
                    } else {
                        view! {
                            <AccountTable
                                rows=accounts.rows
                                caption=format!("{} {}", accounts.total, tr!(lang, "accounts-count"))
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
fn AccountFilters(current: AccountQuery, options: DirectoryOptions) -> impl IntoView {
    let lang = use_lang();
    let yes_no = vec![
        (
            "yes".to_string(),
            tr!(lang, "accounts-only-targets").to_string(),
        ),
        (
            "no".to_string(),
            tr!(lang, "accounts-only-non-targets").to_string(),
        ),
    ];
    let owners = options
        .owners
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    view! {
        <form class="card filters" method="get" action="/accounts" role="search">
            <div class="field filter-search">
                <label for="filter-q">{tr!(lang, "directory-search")}</label>
                <input
                    id="filter-q"
                    type="search"
                    name="q"
                    value=current.q.clone()
                    placeholder=tr!(lang, "accounts-search-hint")
                />
            </div>
            <FilterSelect label=tr!(lang, "accounts-tier") name="tier" options=tier_options() value=current.tier.clone() />
            <FilterSelect label=tr!(lang, "accounts-target") name="target" options=yes_no value=current.target.clone() />
            <FilterSelect label=tr!(lang, "col-owner") name="owner" options=owners value=current.owner.clone() />
            <div class="filter-actions">
                <button type="submit" class="button button-primary">
                    {tr!(lang, "directory-filter")}
                </button>
                <a class="button button-quiet" href="/accounts">
                    {tr!(lang, "directory-clear")}
                </a>
            </div>
        </form>
    }
}

#[component]
fn AccountsEmpty(filtered: bool, can_create: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="empty-state card">
            {if filtered {
                view! {
                    <p>{tr!(lang, "accounts-empty-filtered")}</p>
                    <a class="button" href="/accounts">
                        {tr!(lang, "directory-clear")}
                    </a>
                }
                    .into_any()
            } else if can_create {
                view! {
                    <p>{tr!(lang, "accounts-empty-create")}</p>
                    <a class="button button-primary" href="/accounts/new">
                        {tr!(lang, "accounts-new")}
                    </a>
                }
                    .into_any()
            } else {
                view! { <p>{tr!(lang, "accounts-empty")}</p> }.into_any()
            }}
        </div>
    }
}

#[component]
fn TargetChip() -> impl IntoView {
    let lang = use_lang();
    view! { <span class="chip chip-target">{tr!(lang, "accounts-target-chip")}</span> }
}

#[component]
fn AccountTable(rows: Vec<AccountRow>, caption: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap card">
            <table class="table">
                <caption class="table-count">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(lang, "accounts-name")}</th>
                        <th scope="col">{tr!(lang, "accounts-tier")}</th>
                        <th scope="col" class="hide-narrow">{tr!(lang, "accounts-industry")}</th>
                        <th scope="col" class="hide-narrow">{tr!(lang, "accounts-domain")}</th>
                        <th scope="col" class="num">{tr!(lang, "accounts-contacts")}</th>
                        <th scope="col" class="hide-narrow">{tr!(lang, "col-owner")}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|a| {
                            view! {
                                <tr>
                                    <td data-label=tr!(lang, "accounts-name")>
                                        <a class="row-link" href=format!("/accounts/{}", a.id)>
                                            {a.name.clone()}
                                        </a>
                                        {a.target_account.then(|| view! { " " <TargetChip /> })}
                                    </td>
                                    <td data-label=tr!(lang, "accounts-tier")>
                                        {a.tier.clone().unwrap_or_else(|| "—".into())}
                                    </td>
                                    <td class="hide-narrow" data-label=tr!(lang, "accounts-industry")>
                                        {a.industry.clone().unwrap_or_default()}
                                    </td>
                                    <td class="hide-narrow" data-label=tr!(lang, "accounts-domain")>
                                        {a.domain.clone().unwrap_or_default()}
                                    </td>
                                    <td class="num" data-label=tr!(lang, "accounts-contacts")>{a.contacts}</td>
                                    <td class="hide-narrow" data-label=tr!(lang, "col-owner")>
                                        {a.owner_name.clone().unwrap_or_else(|| "—".into())}
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
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let account = Resource::new(id, get_account);
    let options = Resource::new(|| (), |_| get_directory_options());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match (account.await, options.await) {
                    (Ok(detail), Ok(options)) => {
                        view! { <AccountView detail can_create=options.can_create /> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(detail: AccountDetail, can_create: bool) -> impl IntoView {
    let lang = use_lang();
    let dash = || "—".to_string();
    let count = detail.contacts.len();
    let export = format!("/contacts/export.csv?account={}", detail.id);
    view! {
        <Title text=detail.name.clone() />
        <p class="breadcrumb">
            <a href="/accounts">{tr!(lang, "accounts-title")}</a>
        </p>
        <div class="page-head">
            <div>
                <h1>{detail.name.clone()}</h1>
                <p class="chips">
                    {detail.target_account.then(|| view! { <TargetChip /> })}
                </p>
            </div>
            <div class="page-actions">
                {detail
                    .can_edit
                    .then(|| {
                        view! {
                            <a class="button" href=format!("/accounts/{}/edit", detail.id)>
                                {tr!(lang, "accounts-edit")}
                            </a>
                        }
                    })}
                {can_create
                    .then(|| {
                        view! {
                            <a class="button button-primary" href=format!("/contacts/new?account={}", detail.id)>
                                {tr!(lang, "contacts-new")}
                            </a>
                        }
                    })}
            </div>
        </div>
        {(!detail.can_edit).then(|| view! { <p class="muted small">{tr!(lang, "directory-read-only")}</p> })}
        <section class="card">
            <dl class="facts facts-wide">
                <dt>{tr!(lang, "accounts-domain")}</dt>
                <dd>{detail.domain.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr!(lang, "accounts-industry")}</dt>
                <dd>{detail.industry.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr!(lang, "accounts-tier")}</dt>
                <dd>{detail.tier.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr!(lang, "accounts-target")}</dt>
                <dd>{t(lang, if detail.target_account { k!("contacts-yes") } else { k!("contacts-no") })}</dd>
                <dt>{tr!(lang, "col-owner")}</dt>
                <dd>{detail.owner_name.clone().unwrap_or_else(dash)}</dd>
            </dl>
        </section>
        <div class="table-tools">
            <h2>{tr!(lang, "contacts-title")}</h2>
            {(count > 0).then(|| view! { <ExportLink href=export /> })}
        </div>
        {if detail.contacts.is_empty() {
            view! {
                <div class="empty-state card">
                    <p>{tr!(lang, "accounts-no-contacts")}</p>
                    {can_create
                        .then(|| {
                            view! {
                                <a class="button button-primary" href=format!("/contacts/new?account={}", detail.id)>
                                    {tr!(lang, "contacts-new")}
                                </a>
                            }
                        })}
                </div>
            }
                .into_any()
        } else {
            view! {
                <ContactTable
                    rows=detail.contacts.clone()
                    caption=format!("{count} {}", tr!(lang, "contacts-count"))
                    show_account=false
                />
            }
                .into_any()
        }}
    }
}

#[component]
pub fn NewAccountPage() -> impl IntoView {
    let lang = use_lang();
    let options = Resource::new(|| (), |_| get_directory_options());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(options) if options.can_create => {
                        view! { <AccountFormView id=None input=AccountInput::default() options /> }
                            .into_any()
                    }
                    Ok(_) => view! { <ForbiddenView /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditAccountPage() -> impl IntoView {
    let lang = use_lang();
    let id = id_param();
    let form = Resource::new(id, get_account_form);
    let options = Resource::new(|| (), |_| get_directory_options());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match (form.await, options.await) {
                    (Ok(form), Ok(options)) => {
                        view! { <AccountFormView id=Some(form.id) input=form.input options /> }
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
fn AccountFormView(
    id: Option<i32>,
    input: AccountInput,
    options: DirectoryOptions,
) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateAccount>::new();
    let update = ServerAction::<UpdateAccount>::new();
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
            use crate::domain::AccountDraft;
            use leptos::form::FromFormData;
            ev.prevent_default();
            if id.is_some() {
                if let Ok(args) = UpdateAccount::from_event(&ev) {
                    if feedback.check(AccountDraft::parse(&args.input)) {
                        update.dispatch(args);
                    }
                }
            } else if let Ok(args) = CreateAccount::from_event(&ev) {
                if feedback.check(AccountDraft::parse(&args.input)) {
                    create.dispatch(args);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let (title_key, action_url, submit_key) = match id {
        Some(_) => (
            k!("accounts-edit-title"),
            UpdateAccount::url(),
            k!("form-save"),
        ),
        None => (
            k!("accounts-new"),
            CreateAccount::url(),
            k!("accounts-create"),
        ),
    };
    let cancel_href = id
        .map(|id| format!("/accounts/{id}"))
        .unwrap_or_else(|| "/accounts".into());
    let mut tiers = vec![(String::new(), tr!(lang, "directory-none").to_string())];
    tiers.extend(tier_options());
    let mut owners = vec![(String::new(), tr!(lang, "directory-none").to_string())];
    owners.extend(
        options
            .owners
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone())),
    );

    view! {
        <Title text=t(lang, title_key) />
        <h1>{t(lang, title_key)}</h1>
        <form class="card form directory-form" method="post" action=action_url on:submit=on_submit novalidate>
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <TextField label=tr!(lang, "accounts-name") name="input[name]" field="name" errors value=feedback.value("input[name]", input.name.clone()) required=true autocomplete="off" />
            <div class="form-row">
                <TextField label=tr!(lang, "accounts-domain") name="input[domain]" field="domain" errors value=feedback.value("input[domain]", input.domain.clone()) placeholder="example.com" autocomplete="off" />
                <TextField label=tr!(lang, "accounts-industry") name="input[industry]" field="industry" errors value=feedback.value("input[industry]", input.industry.clone()) autocomplete="off" />
            </div>
            <div class="form-row">
                <SelectField label=tr!(lang, "accounts-tier") name="input[tier]" field="tier" errors options=tiers value=feedback.value("input[tier]", input.tier.clone()) />
                {options
                    .can_assign_owner
                    .then(|| {
                        view! {
                            <SelectField label=tr!(lang, "col-owner") name="input[owner_id]" field="owner_id" errors options=owners.clone() value=feedback.value("input[owner_id]", input.owner_id.clone()) />
                        }
                    })}
            </div>
            {(!options.can_assign_owner)
                .then(|| view! { <p class="muted small">{tr!(lang, "accounts-owned-by-you")}</p> })}
            <CheckboxField
                label=tr!(lang, "accounts-target-label")
                name="input[target_account]"
                field="target_account"
                errors
                checked=!feedback.value("input[target_account]", input.target_account.clone()).is_empty()
            />
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
