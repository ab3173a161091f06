//! The customer directory: contacts, accounts and the CSV import (the services check role and
//! object; export is a plain GET route in the server crate).
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::api::dto::{
    AccountDetail, AccountFormDto, AccountList, ContactDetail, ContactFormDto, ContactList,
    DirectoryOptions, ImportJobStatus, ImportPreview,
};
use crate::domain::{AccountInput, AccountQuery, ConsentInput, ContactInput, ContactQuery};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "get_directory_options")]
pub async fn get_directory_options() -> Result<DirectoryOptions, AppError> {
    use crate::ssr::{auth::*, present, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let choices = AccountService::choices(&state()?.db).await?;
            Ok(present::directory_options(&choices, &user))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "list_contacts")]
pub async fn list_contacts(query: ContactQuery) -> Result<ContactList, AppError> {
    use crate::ssr::{auth::*, present, services::ContactService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let listing = ContactService::list(&state()?.db, &query).await?;
            Ok(present::contact_list(&listing, &user))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_contact")]
pub async fn get_contact(id: i32) -> Result<ContactDetail, AppError> {
    use crate::ssr::{auth::*, present, services::ContactService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let record = ContactService::record(&state()?.db, id).await?;
            Ok(present::contact_detail(&record, &user, request_language()))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_contact_form")]
pub async fn get_contact_form(id: i32) -> Result<ContactFormDto, AppError> {
    use crate::ssr::{auth::*, present, services::ContactService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let contact = ContactService::editable(&state()?.db, &user, id).await?;
            Ok(present::contact_form(&contact))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_contact")]
pub async fn create_contact(input: ContactInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::ContactService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let contact = ContactService::create(&state()?.db, &user, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/contacts/{}", contact.id));
            Ok(contact.id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_contact")]
pub async fn update_contact(id: i32, input: ContactInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::ContactService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            ContactService::update(&state()?.db, &user, id, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/contacts/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// An admin unsubscribes or resubscribes a contact, with a reason (everyone else gets 403).
#[server(prefix = "/api", endpoint = "change_consent")]
pub async fn change_consent(id: i32, input: ConsentInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::ConsentService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            ConsentService::change_by_admin(&state()?.db, &user, id, &input, chrono::Utc::now())
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/contacts/{id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "list_accounts")]
pub async fn list_accounts(query: AccountQuery) -> Result<AccountList, AppError> {
    use crate::ssr::{auth::*, present, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let listing = AccountService::list(&state()?.db, &query).await?;
            Ok(present::account_list(&listing, &user))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_account")]
pub async fn get_account(id: i32) -> Result<AccountDetail, AppError> {
    use crate::ssr::{auth::*, present, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let record = AccountService::record(&state()?.db, id).await?;
            Ok(present::account_detail(&record, &user))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_account_form")]
pub async fn get_account_form(id: i32) -> Result<AccountFormDto, AppError> {
    use crate::ssr::{auth::*, present, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let account = AccountService::editable(&state()?.db, &user, id).await?;
            Ok(present::account_form(&account))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_account")]
pub async fn create_account(input: AccountInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let account = AccountService::create(&state()?.db, &user, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/accounts/{}", account.id));
            Ok(account.id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_account")]
pub async fn update_account(id: i32, input: AccountInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::AccountService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            AccountService::update(&state()?.db, &user, id, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/accounts/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// Works out what importing the file would do; writes nothing. JSON, so a 2 MB file fits.
#[server(prefix = "/api", endpoint = "preview_import", input = Json)]
pub async fn preview_import(csv: String) -> Result<ImportPreview, AppError> {
    use crate::ssr::{auth::*, present, services::ImportService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let plan = ImportService::plan(&state()?.db, &user, &csv).await?;
            Ok(present::import_preview(&plan.preview))
        }
        .await,
    )
}

/// Checks the file again and starts writing its valid rows; returns the job to poll.
#[server(prefix = "/api", endpoint = "start_import", input = Json)]
pub async fn start_import(csv: String) -> Result<u64, AppError> {
    use crate::ssr::{auth::*, services::directory::jobs, services::ImportService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let db = state()?.db;
            let plan = ImportService::plan(&db, &user, &csv).await?;
            Ok(jobs::start(db, user, plan))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "import_progress")]
pub async fn import_progress(job_id: u64) -> Result<ImportJobStatus, AppError> {
    use crate::ssr::{auth::*, present, services::directory::jobs};
    crate::api::finish(
        async {
            let user = require_user().await?;
            Ok(present::import_status(&jobs::progress(&user, job_id)?))
        }
        .await,
    )
}
