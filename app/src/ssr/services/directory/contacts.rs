//! Contacts: the list, the contact page, create and edit, CSV export.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::{
    account_names, check_owner, contains_word, flag_filter, is_unique_violation, owner_for,
    parse_id, write_csv, LIST_LIMIT,
};
use crate::api::dto::{
    ContactActivityRow, ContactDetail, ContactEventRow, ContactFormDto, ContactList, ContactRow,
};
use crate::domain::{
    can_change_consent, can_create_directory, can_edit_directory, search_terms, ContactAction,
    ContactDraft, ContactInput, ContactQuery, FieldError, ImportColumn, Language,
    UnsubscribeSource,
};
use crate::error::AppError;
use crate::i18n::{format_local, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, event, guest};
use crate::ssr::services::UserService;

pub struct ContactService;

fn full_name(model: &contact::Model) -> String {
    format!("{} {}", model.first_name, model.last_name)
}

/// Contacts with their account and owner names, ready for a table.
pub(super) async fn contact_rows(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    contacts: &[contact::Model],
) -> Result<Vec<ContactRow>, AppError> {
    let accounts = account_names(db, contacts.iter().filter_map(|c| c.account_id)).await?;
    let owners = UserService::names(db, contacts.iter().filter_map(|c| c.owner_id)).await?;
    Ok(contacts
        .iter()
        .map(|c| ContactRow {
            id: c.id,
            name: full_name(c),
            email: c.email.clone(),
            title: c.title.clone(),
            account_id: c.account_id,
            account_name: c
                .account_id
                .and_then(|id| accounts.get(&id))
                .map(|a| a.name.clone()),
            language: c.language.clone(),
            owner_name: c
                .owner_id
                .and_then(|id| owners.get(&id))
                .map(|u| u.name.clone()),
            unsubscribed: c.unsubscribed_at.is_some(),
            can_edit: can_edit_directory(actor.role, actor.id, c.owner_id),
        })
        .collect())
}

impl ContactService {
    pub async fn find(db: &DatabaseConnection, id: i32) -> Result<contact::Model, AppError> {
        contact::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The contacts a filter selects, in name order.
    async fn select(
        db: &DatabaseConnection,
        query: &ContactQuery,
    ) -> Result<Select<contact::Entity>, AppError> {
        let mut select = contact::Entity::find();
        for word in search_terms(&query.q) {
            let account_ids: Vec<i32> = account::Entity::find()
                .select_only()
                .column(account::Column::Id)
                .filter(contains_word(
                    (account::Entity, account::Column::Name),
                    &word,
                ))
                .limit(1000)
                .into_tuple()
                .all(db)
                .await?;
            select = select.filter(
                Condition::any()
                    .add(contains_word(
                        (contact::Entity, contact::Column::FirstName),
                        &word,
                    ))
                    .add(contains_word(
                        (contact::Entity, contact::Column::LastName),
                        &word,
                    ))
                    .add(contains_word(
                        (contact::Entity, contact::Column::Email),
                        &word,
                    ))
                    .add(contact::Column::AccountId.is_in(account_ids)),
            );
        }
        if let Some(owner) = parse_id(&query.owner) {
            select = select.filter(contact::Column::OwnerId.eq(owner));
        }
        if let Some(account) = parse_id(&query.account) {
            select = select.filter(contact::Column::AccountId.eq(account));
        }
        if let Some(language) = Language::parse(&query.language) {
            select = select.filter(contact::Column::Language.eq(language.as_str()));
        }
        match flag_filter(&query.unsubscribed) {
            Some(true) => select = select.filter(contact::Column::UnsubscribedAt.is_not_null()),
            Some(false) => select = select.filter(contact::Column::UnsubscribedAt.is_null()),
            None => {}
        }
        Ok(select
            .order_by_asc(contact::Column::LastName)
            .order_by_asc(contact::Column::FirstName)
            .order_by_asc(contact::Column::Id))
    }

    /// Every signed-in role reads the whole directory.
    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        query: &ContactQuery,
    ) -> Result<ContactList, AppError> {
        let select = Self::select(db, query).await?;
        let total = select.clone().count(db).await?;
        let contacts = select.limit(LIST_LIMIT).all(db).await?;
        Ok(ContactList {
            total,
            rows: contact_rows(db, actor, &contacts).await?,
        })
    }

    /// A contact with every event it was nominated to.
    pub async fn detail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        lang: Lang,
    ) -> Result<ContactDetail, AppError> {
        let model = Self::find(db, id).await?;
        let guests = guest::Entity::find()
            .filter(guest::Column::ContactId.eq(id))
            .all(db)
            .await?;
        let events: HashMap<i32, event::Model> = event::Entity::find()
            .filter(event::Column::Id.is_in(guests.iter().map(|g| g.event_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let activities = super::ConsentService::activities(db, id).await?;
        let people = UserService::names(
            db,
            guests
                .iter()
                .map(|g| g.nominated_by)
                .chain(model.owner_id)
                .chain(model.unsubscribed_by)
                .chain(activities.iter().filter_map(|a| a.user_id)),
        )
        .await?;
        let name_of = |id: Option<i32>| id.and_then(|id| people.get(&id)).map(|u| u.name.clone());
        let account = match model.account_id {
            Some(account_id) => account::Entity::find_by_id(account_id).one(db).await?,
            None => None,
        };
        let mut rows: Vec<(chrono::DateTime<Utc>, ContactEventRow)> = guests
            .iter()
            .filter_map(|g| {
                let e = events.get(&g.event_id)?;
                let tz: chrono_tz::Tz = e.time_zone.parse().unwrap_or(chrono_tz::UTC);
                Some((
                    e.starts_at,
                    ContactEventRow {
                        event_id: e.id,
                        title: e.title.clone(),
                        when: format_local(lang, &e.starts_local, tz),
                        state: g.state,
                        answer: g.answer,
                        checked_in: g
                            .checked_in_at
                            .map(|at| crate::i18n::format_instant(lang, &at, tz)),
                        nominated_by: people
                            .get(&g.nominated_by)
                            .map(|u| u.name.clone())
                            .unwrap_or_default(),
                    },
                ))
            })
            .collect();
        // newest event first
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
        Ok(ContactDetail {
            id: model.id,
            first_name: model.first_name.clone(),
            last_name: model.last_name.clone(),
            email: model.email.clone(),
            title: model.title.clone(),
            phone: model.phone.clone(),
            language: model.language.clone(),
            account_id: model.account_id,
            account_name: account.map(|a| a.name),
            owner_name: name_of(model.owner_id),
            unsubscribed_at: model
                .unsubscribed_at
                .map(|at| crate::i18n::format_instant(lang, &at, chrono_tz::UTC)),
            unsubscribe_source: model
                .unsubscribe_source
                .as_deref()
                .and_then(UnsubscribeSource::parse),
            unsubscribed_by: name_of(model.unsubscribed_by),
            unsubscribe_note: model.unsubscribe_note.clone(),
            can_change_consent: can_change_consent(actor.role),
            can_edit: can_edit_directory(actor.role, actor.id, model.owner_id),
            events: rows.into_iter().map(|(_, row)| row).collect(),
            activities: activities
                .iter()
                .filter_map(|a| {
                    Some(ContactActivityRow {
                        when: crate::i18n::format_instant(lang, &a.created_at, chrono_tz::UTC),
                        action: ContactAction::parse(&a.action)?,
                        who: name_of(a.user_id),
                        note: a.note.clone(),
                    })
                })
                .collect(),
        })
    }

    /// The contact as its edit form shows it; only for those who may edit it.
    pub async fn form(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<ContactFormDto, AppError> {
        let model = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, model.owner_id) {
            return Err(AppError::Forbidden);
        }
        let id_text = |id: Option<i32>| id.map(|i| i.to_string()).unwrap_or_default();
        Ok(ContactFormDto {
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
        })
    }

    async fn check_references(
        db: &DatabaseConnection,
        draft: &ContactDraft,
        exclude: Option<i32>,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let mut duplicate =
            contact::Entity::find().filter(contact::Column::Email.eq(draft.email.as_str()));
        if let Some(id) = exclude {
            duplicate = duplicate.filter(contact::Column::Id.ne(id));
        }
        if duplicate.one(db).await?.is_some() {
            errors.push(FieldError::new("email", msg!("contact-email-taken")));
        }
        if let Some(account_id) = draft.account_id {
            if account::Entity::find_by_id(account_id)
                .one(db)
                .await?
                .is_none()
            {
                errors.push(FieldError::new("account_id", msg!("account-choose")));
            }
        }
        if let Err(err) = check_owner(db, draft.owner_id).await {
            errors.extend(err.field_errors());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    fn apply(active: &mut contact::ActiveModel, draft: &ContactDraft) {
        active.first_name = Set(draft.first_name.clone());
        active.last_name = Set(draft.last_name.clone());
        active.email = Set(draft.email.as_str().to_string());
        active.title = Set(draft.title.clone());
        active.phone = Set(draft.phone.clone());
        active.language = Set(draft.language.as_str().to_string());
        active.account_id = Set(draft.account_id);
    }

    /// Sales, marketing and admins add contacts; a contact added by sales is theirs.
    pub async fn create(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        input: &ContactInput,
    ) -> Result<contact::Model, AppError> {
        if !can_create_directory(actor.role) {
            return Err(AppError::Forbidden);
        }
        let mut draft = ContactDraft::parse(input).map_err(AppError::Validation)?;
        draft.owner_id = owner_for(actor, draft.owner_id, None)?;
        Self::check_references(db, &draft, None).await?;
        let now = Utc::now();
        let mut active = contact::ActiveModel {
            owner_id: Set(draft.owner_id),
            // consent is the contact's: a new contact is subscribed until they or an admin say not
            unsubscribed_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        };
        Self::apply(&mut active, &draft);
        let model = active.insert(db).await.map_err(|err| {
            if is_unique_violation(&err) {
                AppError::field("email", msg!("contact-email-taken"))
            } else {
                err.into()
            }
        })?;
        tracing::info!(contact_id = model.id, user_id = actor.id, "contact created");
        Ok(model)
    }

    /// Changes a contact: sales only their own, marketing and admins any.
    pub async fn update(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        input: &ContactInput,
    ) -> Result<contact::Model, AppError> {
        let existing = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, existing.owner_id) {
            return Err(AppError::Forbidden);
        }
        let mut draft = ContactDraft::parse(input).map_err(AppError::Validation)?;
        draft.owner_id = owner_for(actor, draft.owner_id, existing.owner_id)?;
        Self::check_references(db, &draft, Some(id)).await?;
        let mut active = existing.into_active_model();
        Self::apply(&mut active, &draft);
        active.owner_id = Set(draft.owner_id);
        // consent is not touched here: only the contact or an admin changes it (`ConsentService`)
        active.update(db).await.map_err(|err| {
            if is_unique_violation(&err) {
                AppError::field("email", msg!("contact-email-taken"))
            } else {
                err.into()
            }
        })
    }

    /// The filtered list as CSV (RFC 4180, UTF-8 with BOM so Excel reads umlauts), in the
    /// import's own columns so an export imports back unchanged.
    pub async fn export_csv(
        db: &DatabaseConnection,
        _actor: &CurrentUser,
        query: &ContactQuery,
    ) -> Result<String, AppError> {
        let contacts = Self::select(db, query).await?.all(db).await?;
        let accounts = account_names(db, contacts.iter().filter_map(|c| c.account_id)).await?;
        let owners = UserService::names(db, contacts.iter().filter_map(|c| c.owner_id)).await?;
        let mut header: Vec<&str> = ImportColumn::ALL.iter().map(|c| c.as_str()).collect();
        header.push("unsubscribed_at");
        let rows = contacts.iter().map(|c| {
            let account = c.account_id.and_then(|id| accounts.get(&id));
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            vec![
                c.first_name.clone(),
                c.last_name.clone(),
                c.email.clone(),
                text(&c.title),
                text(&c.phone),
                c.language.clone(),
                account.map(|a| a.name.clone()).unwrap_or_default(),
                account.map(|a| text(&a.domain)).unwrap_or_default(),
                account.map(|a| text(&a.industry)).unwrap_or_default(),
                account.map(|a| text(&a.tier)).unwrap_or_default(),
                account
                    .map(|a| if a.target_account { "yes" } else { "no" }.to_string())
                    .unwrap_or_default(),
                c.owner_id
                    .and_then(|id| owners.get(&id))
                    .map(|u| u.email.clone())
                    .unwrap_or_default(),
                c.unsubscribed_at
                    .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
            ]
        });
        write_csv(&header, rows)
    }
}
