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
use crate::domain::{
    can_create_directory, can_edit_directory, search_terms, ContactDraft, ContactInput,
    ContactQuery, FieldError, ImportColumn, Language,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, contact_activity, event, guest, user};
use crate::ssr::services::UserService;

pub struct ContactService;

/// Contacts with the accounts they belong to and the people who own them;
/// `present::contact_list` words them.
#[derive(Debug, Clone)]
pub struct ContactListing {
    /// how many matched; `contacts` holds at most `LIST_LIMIT` of them
    pub total: u64,
    pub contacts: Vec<contact::Model>,
    pub accounts: HashMap<i32, account::Model>,
    /// owners by id
    pub owners: HashMap<i32, user::Model>,
}

/// A contact with its account, the events it was nominated to, its activity log and the people
/// all of these name; `present::contact_detail` words it.
#[derive(Debug, Clone)]
pub struct ContactRecord {
    pub contact: contact::Model,
    pub account: Option<account::Model>,
    pub nominations: Vec<guest::Model>,
    /// the nominations' events by id
    pub events: HashMap<i32, event::Model>,
    /// consent changes, newest first
    pub activities: Vec<contact_activity::Model>,
    /// owner, nominators, the admin who unsubscribed the contact, who acted in the log
    pub people: HashMap<i32, user::Model>,
}

/// Loads what a list of contacts names: their accounts and owners.
pub(super) async fn listing(
    db: &DatabaseConnection,
    total: u64,
    contacts: Vec<contact::Model>,
) -> Result<ContactListing, AppError> {
    let accounts = account_names(db, contacts.iter().filter_map(|c| c.account_id)).await?;
    let owners = UserService::names(db, contacts.iter().filter_map(|c| c.owner_id)).await?;
    Ok(ContactListing {
        total,
        contacts,
        accounts,
        owners,
    })
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

    /// Every signed-in role reads the whole directory: the first `LIST_LIMIT` contacts a filter
    /// selects, and how many it selects.
    pub async fn list(
        db: &DatabaseConnection,
        query: &ContactQuery,
    ) -> Result<ContactListing, AppError> {
        let select = Self::select(db, query).await?;
        let total = select.clone().count(db).await?;
        let contacts = select.limit(LIST_LIMIT).all(db).await?;
        listing(db, total, contacts).await
    }

    /// A contact with every event it was nominated to (every signed-in role reads it).
    pub async fn record(db: &DatabaseConnection, id: i32) -> Result<ContactRecord, AppError> {
        let model = Self::find(db, id).await?;
        let nominations = guest::Entity::find()
            .filter(guest::Column::ContactId.eq(id))
            .all(db)
            .await?;
        let events: HashMap<i32, event::Model> = event::Entity::find()
            .filter(
                event::Column::Id.is_in(nominations.iter().map(|g| g.event_id).collect::<Vec<_>>()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let activities = super::ConsentService::activities(db, id).await?;
        let people = UserService::names(
            db,
            nominations
                .iter()
                .map(|g| g.nominated_by)
                .chain(model.owner_id)
                .chain(model.unsubscribed_by)
                .chain(activities.iter().filter_map(|a| a.user_id)),
        )
        .await?;
        let account = match model.account_id {
            Some(account_id) => account::Entity::find_by_id(account_id).one(db).await?,
            None => None,
        };
        Ok(ContactRecord {
            contact: model,
            account,
            nominations,
            events,
            activities,
            people,
        })
    }

    /// The contact to show in its edit form; only for those who may edit it.
    pub async fn editable(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<contact::Model, AppError> {
        let model = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, model.owner_id) {
            return Err(AppError::Forbidden);
        }
        Ok(model)
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
