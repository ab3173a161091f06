//! The directory as its pages show it: contact and account lists, the contact and account pages,
//! their edit forms, the filters' options, and the import's preview and progress.
use chrono::{DateTime, Utc};

use crate::api::dto::{
    AccountDetail, AccountFormDto, AccountList, AccountRow, ChoiceDto, ContactActivityRow,
    ContactDetail, ContactEventRow, ContactFormDto, ContactList, ContactRow, DirectoryOptions,
    ImportJobStatus, ImportPreview, ImportRowError,
};
use crate::domain::{
    can_assign_owner, can_change_consent, can_create_directory, can_edit_directory, AccountInput,
    ContactAction, ContactInput, UnsubscribeSource,
};
use crate::i18n::{format_instant, format_local, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact};
use crate::ssr::services::directory::jobs::ImportJob;
use crate::ssr::services::directory::{
    AccountListing, AccountRecord, ContactListing, ContactRecord, DirectoryChoices, ImportReport,
};

/// The contacts of a listing as table rows, with account and owner names.
fn contact_rows(listing: &ContactListing, actor: &CurrentUser) -> Vec<ContactRow> {
    listing
        .contacts
        .iter()
        .map(|c| ContactRow {
            id: c.id,
            name: c.full_name(),
            email: c.email.clone(),
            title: c.title.clone(),
            account_id: c.account_id,
            account_name: c
                .account_id
                .and_then(|id| listing.accounts.get(&id))
                .map(|a| a.name.clone()),
            language: c.language.clone(),
            owner_name: c
                .owner_id
                .and_then(|id| listing.owners.get(&id))
                .map(|u| u.name.clone()),
            unsubscribed: c.unsubscribed_at.is_some(),
            can_edit: can_edit_directory(actor.role, actor.id, c.owner_id),
        })
        .collect()
}

pub fn contact_list(listing: &ContactListing, actor: &CurrentUser) -> ContactList {
    ContactList {
        total: listing.total,
        rows: contact_rows(listing, actor),
    }
}

/// The contact page: events newest first in each event's zone, consent and its log in UTC.
pub fn contact_detail(record: &ContactRecord, actor: &CurrentUser, lang: Lang) -> ContactDetail {
    let model = &record.contact;
    let name_of = |id: Option<i32>| {
        id.and_then(|id| record.people.get(&id))
            .map(|u| u.name.clone())
    };
    let mut rows: Vec<(DateTime<Utc>, ContactEventRow)> = record
        .nominations
        .iter()
        .filter_map(|g| {
            let e = record.events.get(&g.event_id)?;
            let tz = super::events::tz_of(e);
            Some((
                e.starts_at,
                ContactEventRow {
                    event_id: e.id,
                    title: e.title.clone(),
                    when: format_local(lang, &e.starts_local, tz),
                    state: g.state,
                    answer: g.answer,
                    checked_in: g.checked_in_at.map(|at| format_instant(lang, &at, tz)),
                    nominated_by: name_of(Some(g.nominated_by)).unwrap_or_default(),
                },
            ))
        })
        .collect();
    // newest event first
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    ContactDetail {
        id: model.id,
        first_name: model.first_name.clone(),
        last_name: model.last_name.clone(),
        email: model.email.clone(),
        title: model.title.clone(),
        phone: model.phone.clone(),
        language: model.language.clone(),
        account_id: model.account_id,
        account_name: record.account.as_ref().map(|a| a.name.clone()),
        owner_name: name_of(model.owner_id),
        unsubscribed_at: model
            .unsubscribed_at
            .map(|at| format_instant(lang, &at, chrono_tz::UTC)),
        unsubscribe_source: model
            .unsubscribe_source
            .as_deref()
            .and_then(UnsubscribeSource::parse),
        unsubscribed_by: name_of(model.unsubscribed_by),
        unsubscribe_note: model.unsubscribe_note.clone(),
        can_change_consent: can_change_consent(actor.role),
        can_edit: can_edit_directory(actor.role, actor.id, model.owner_id),
        events: rows.into_iter().map(|(_, row)| row).collect(),
        activities: record
            .activities
            .iter()
            .filter_map(|a| {
                Some(ContactActivityRow {
                    when: format_instant(lang, &a.created_at, chrono_tz::UTC),
                    action: ContactAction::parse(&a.action)?,
                    who: name_of(a.user_id),
                    note: a.note.clone(),
                })
            })
            .collect(),
    }
}

/// The contact as its edit form shows it.
pub fn contact_form(model: &contact::Model) -> ContactFormDto {
    let id_text = |id: Option<i32>| id.map(|i| i.to_string()).unwrap_or_default();
    ContactFormDto {
        id: model.id,
        input: ContactInput {
            first_name: model.first_name.clone(),
            last_name: model.last_name.clone(),
            email: model.email.clone(),
            title: model.title.clone().unwrap_or_default(),
            phone: model.phone.clone().unwrap_or_default(),
            language: model.language.clone(),
            account_id: id_text(model.account_id),
            owner_id: id_text(model.owner_id),
        },
    }
}

pub fn account_list(listing: &AccountListing, actor: &CurrentUser) -> AccountList {
    AccountList {
        total: listing.total,
        rows: listing
            .accounts
            .iter()
            .map(|a| AccountRow {
                id: a.id,
                name: a.name.clone(),
                domain: a.domain.clone(),
                industry: a.industry.clone(),
                tier: a.tier.clone(),
                target_account: a.target_account,
                owner_name: a
                    .owner_id
                    .and_then(|id| listing.owners.get(&id))
                    .map(|u| u.name.clone()),
                contacts: listing.contact_counts.get(&a.id).copied().unwrap_or(0),
                can_edit: can_edit_directory(actor.role, actor.id, a.owner_id),
            })
            .collect(),
    }
}

pub fn account_detail(record: &AccountRecord, actor: &CurrentUser) -> AccountDetail {
    let model = &record.account;
    AccountDetail {
        id: model.id,
        name: model.name.clone(),
        domain: model.domain.clone(),
        industry: model.industry.clone(),
        tier: model.tier.clone(),
        target_account: model.target_account,
        owner_name: record.owner.as_ref().map(|u| u.name.clone()),
        can_edit: can_edit_directory(actor.role, actor.id, model.owner_id),
        contacts: contact_rows(&record.contacts, actor),
    }
}

/// The account as its edit form shows it.
pub fn account_form(model: &account::Model) -> AccountFormDto {
    AccountFormDto {
        id: model.id,
        input: AccountInput {
            name: model.name.clone(),
            domain: model.domain.clone().unwrap_or_default(),
            industry: model.industry.clone().unwrap_or_default(),
            tier: model.tier.clone().unwrap_or_default(),
            target_account: if model.target_account {
                "on".into()
            } else {
                String::new()
            },
            owner_id: model.owner_id.map(|i| i.to_string()).unwrap_or_default(),
        },
    }
}

/// What the directory's filters and forms offer, and what the reader may do there.
pub fn directory_options(choices: &DirectoryChoices, actor: &CurrentUser) -> DirectoryOptions {
    DirectoryOptions {
        owners: choices
            .owners
            .iter()
            .map(|u| ChoiceDto {
                id: u.id,
                name: u.name.clone(),
            })
            .collect(),
        accounts: choices
            .accounts
            .iter()
            .map(|(id, name)| ChoiceDto {
                id: *id,
                name: name.clone(),
            })
            .collect(),
        can_create: can_create_directory(actor.role),
        can_assign_owner: can_assign_owner(actor.role),
        can_import: can_create_directory(actor.role),
    }
}

/// What an import would do (or did), as the import page shows it.
pub fn import_preview(report: &ImportReport) -> ImportPreview {
    ImportPreview {
        rows: report.rows,
        new: report.new,
        updated: report.updated,
        unchanged: report.unchanged,
        invalid: report.invalid,
        new_accounts: report.new_accounts,
        errors: report
            .errors
            .iter()
            .map(|e| ImportRowError {
                line: e.line,
                column: e.column.clone(),
                message: e.message.clone(),
            })
            .collect(),
        ignored_columns: report.ignored_columns.clone(),
    }
}

/// A running or finished import, as the page that polls it shows it.
pub fn import_status(job: &ImportJob) -> ImportJobStatus {
    ImportJobStatus {
        job_id: job.job_id,
        total: job.total,
        done: job.done,
        finished: job.outcome.is_some(),
        failed: matches!(job.outcome, Some(Err(_))),
        error: job.outcome.as_ref().and_then(|o| o.as_ref().err().cloned()),
        result: job
            .outcome
            .as_ref()
            .and_then(|o| o.as_ref().ok().map(import_preview)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn an_import_job_reads_as_running_written_or_failed() {
        let running = ImportJob {
            job_id: 7,
            total: 3,
            done: 1,
            outcome: None,
        };
        let status = import_status(&running);
        assert!(!status.finished && !status.failed);
        assert_eq!((status.done, status.total), (1, 3));

        let report = ImportReport {
            rows: 3,
            new: 3,
            ..Default::default()
        };
        let written = import_status(&ImportJob {
            outcome: Some(Ok(report.clone())),
            ..running.clone()
        });
        assert!(written.finished && !written.failed);
        assert_eq!(written.result, Some(import_preview(&report)));
        assert_eq!(written.error, None);

        let failed = import_status(&ImportJob {
            outcome: Some(Err(AppError::Internal)),
            ..running
        });
        assert!(failed.finished && failed.failed);
        assert_eq!(failed.error, Some(AppError::Internal));
        assert_eq!(failed.result, None);
    }
}
