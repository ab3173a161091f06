//! User administration for admins: add users, change roles, deactivate and reactivate.
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{list_users, AddUser, SetUserActive, SetUserRole};
use crate::components::{
    action_field_errors, action_message, general_error, role_key, use_lang, use_user, RoleChip,
    SelectField, TextField, Typed,
};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::errors::{ErrorView, ForbiddenView};

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let add = ServerAction::<AddUser>::new();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let users = Resource::new(
        move || {
            (
                add.version().get(),
                set_role.version().get(),
                set_active.version().get(),
            )
        },
        |_| list_users(),
    );
    let me = use_user();
    let form = NodeRef::<Form>::new();
    let errors = action_field_errors(add.value());
    let add_error = action_message(lang, add.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let row_error = move || {
        [set_role.value().get(), set_active.value().get()]
            .into_iter()
            .find_map(|v| match v {
                Some(Err(err)) => general_error(lang, &err),
                _ => None,
            })
    };
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), t(lang, role_key(*r)).to_string()))
        .collect::<Vec<_>>();

    view! {
        <Title text=tr!(lang, "users-title") />
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || {
                let roles = roles.clone();
                Suspend::new(async move {
                    let my_id = match me.await {
                        Ok(Some(u)) => u.id,
                        _ => 0,
                    };
                    match users.await {
                        Err(AppError::Forbidden) => view! { <ForbiddenView /> }.into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                        Ok(list) => {
                            let count = list.len();
                            view! {
                                <h1>{tr!(lang, "users-title")}</h1>
                                <p class="form-error" role="alert">{row_error}</p>
                                <div class="table-wrap card">
                                    <table class="table">
                                        <caption class="table-count">{format!("{count} {}", tr!(lang, "users-count"))}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr!(lang, "users-name")}</th>
                                                <th scope="col">{tr!(lang, "users-email")}</th>
                                                <th scope="col">{tr!(lang, "users-role")}</th>
                                                <th scope="col">{tr!(lang, "users-state")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|user| {
                                                    let is_me = user.id == my_id;
                                                    let role_options = roles.clone();
                                                    view! {
                                                        <tr class:inactive=!user.active>
                                                            <td data-label=tr!(lang, "users-name")>
                                                                {user.name.clone()}
                                                                {is_me.then(|| view! { <span class="muted">" (" {tr!(lang, "users-you")} ")"</span> })}
                                                            </td>
                                                            <td data-label=tr!(lang, "users-email")>{user.email.clone()}</td>
                                                            <td data-label=tr!(lang, "users-role")>
                                                                {if is_me {
                                                                    view! { <RoleChip role=user.role /> }.into_any()
                                                                } else {
                                                                    view! {
                                                                        <ActionForm action=set_role attr:class="inline-form row-form">
                                                                            <input type="hidden" name="user_id" value=user.id />
                                                                            <label class="visually-hidden" for=format!("role-{}", user.id)>
                                                                                {tr!(lang, "users-role")}
                                                                            </label>
                                                                            <select name="role" id=format!("role-{}", user.id)>
                                                                                {role_options
                                                                                    .into_iter()
                                                                                    .map(|(value, text)| {
                                                                                        let selected = value == user.role.as_str();
                                                                                        view! { <option value=value selected=selected>{text}</option> }
                                                                                    })
                                                                                    .collect_view()}
                                                                            </select>
                                                                            <button type="submit" class="button button-small">
                                                                                {tr!(lang, "users-change-role")}
                                                                            </button>
                                                                        </ActionForm>
                                                                    }
                                                                        .into_any()
                                                                }}
                                                            </td>
                                                            <td data-label=tr!(lang, "users-state")>
                                                                <span class=if user.active { "chip chip-open" } else { "chip chip-cancelled" }>
                                                                    {t(lang, if user.active { k!("users-active") } else { k!("users-inactive") })}
                                                                </span>
                                                                {(!is_me).then(|| view! {
                                                                    <ActionForm action=set_active attr:class="inline-form">
                                                                        <input type="hidden" name="user_id" value=user.id />
                                                                        <input type="hidden" name="active" value=(!user.active).to_string() />
                                                                        <button type="submit" class="button button-small button-quiet">
                                                                            {t(lang, if user.active { k!("users-deactivate") } else { k!("users-activate") })}
                                                                        </button>
                                                                    </ActionForm>
                                                                })}
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <section class="card">
                                    <h2>{tr!(lang, "users-add")}</h2>
                                    // a refused plain post comes back with what was typed; the
                                    // server never sends the password back
                                    {
                                        let typed = Typed::of(add.value().get_untracked());
                                        view! {
                                    <ActionForm action=add node_ref=form attr:class="form">
                                        <div class="form-row">
                                            <TextField label=tr!(lang, "users-name") name="input[name]" field="name" errors required=true value=typed.value("input[name]", "") />
                                            <TextField label=tr!(lang, "users-email") name="input[email]" field="email" errors input_type="email" required=true value=typed.value("input[email]", "") />
                                        </div>
                                        <div class="form-row">
                                            <SelectField label=tr!(lang, "users-role") name="input[role]" field="role" errors options=roles.clone() value=typed.value("input[role]", "sales") />
                                            <TextField label=tr!(lang, "users-password") name="input[password]" field="password" errors input_type="password" autocomplete="new-password" required=true />
                                        </div>
                                        <p class="form-error" role="alert">{add_error}</p>
                                        <button type="submit" class="button button-primary" disabled=move || add.pending().get()>
                                            {tr!(lang, "users-add")}
                                        </button>
                                    </ActionForm>
                                        }
                                    }
                                </section>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
