//! The shared customer directory: contacts and accounts (lists, pages, create, edit), CSV export
//! and CSV import (preview without writing, then one transaction written in chunks).
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use crate::api::dto::{
    AccountDetail, AccountFormDto, AccountList, AccountRow, ChoiceDto, ContactDetail,
    ContactEventRow, ContactFormDto, ContactList, ContactRow, DirectoryOptions, ImportPreview,
    ImportRowError,
};
use crate::domain::{
    can_assign_owner, can_create_directory, can_edit_directory, detect_separator,
    neutralise_formula, restore_neutralised, search_terms, AccountDraft, AccountInput,
    AccountQuery, ContactDraft, ContactInput, ContactQuery, EmailAddress, FieldError, ImportColumn,
    Language, Tier, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
use crate::error::AppError;
use crate::i18n::{format_local, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, event, guest, user};
use crate::ssr::services::UserService;

pub struct ContactService;
pub struct AccountService;
pub struct ImportService;

/// Lists show at most this many rows; the count says how many matched, export gives all.
pub const LIST_LIMIT: u64 = 200;
/// The preview lists this many row problems; the count covers all of them.
pub const MAX_SHOWN_ERRORS: usize = 200;
/// Rows per INSERT statement (SQLite allows 32,766 bound values; 500 × 11 columns stay well below).
const CHUNK: usize = 500;

fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// `lower(column) LIKE '%word%'` with the user's `%` and `_` taken literally.
fn contains_word(column: impl sea_orm::sea_query::IntoColumnRef, word: &str) -> Expr {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(column)))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

fn parse_id(value: &str) -> Option<i32> {
    value.trim().parse::<i32>().ok().filter(|id| *id > 0)
}

fn flag_filter(value: &str) -> Option<bool> {
    match value.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// Checks that an owner chosen in a form is an active team member.
async fn check_owner(db: &DatabaseConnection, owner_id: Option<i32>) -> Result<(), AppError> {
    if let Some(id) = owner_id {
        let found = user::Entity::find_by_id(id).one(db).await?;
        if !found.is_some_and(|u| u.active) {
            return Err(AppError::field(
                "owner_id",
                "Owner must be an active team member.",
            ));
        }
    }
    Ok(())
}

/// Who owns what is saved: sales always themselves, marketing and admins whom they chose.
fn owner_for(
    actor: &CurrentUser,
    chosen: Option<i32>,
    current: Option<i32>,
) -> Result<Option<i32>, AppError> {
    if can_assign_owner(actor.role) {
        return Ok(chosen);
    }
    match chosen {
        Some(id) if id != actor.id => Err(AppError::Forbidden),
        _ => Ok(current.or(Some(actor.id))),
    }
}

async fn account_names(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, account::Model>, AppError> {
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for model in account::Entity::find()
            .filter(account::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            found.insert(model.id, model);
        }
    }
    Ok(found)
}

fn full_name(model: &contact::Model) -> String {
    format!("{} {}", model.first_name, model.last_name)
}

/// Contacts with their account and owner names, ready for a table.
async fn contact_rows(
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
        let people = UserService::names(
            db,
            guests.iter().map(|g| g.nominated_by).chain(model.owner_id),
        )
        .await?;
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
                        state: g.state.as_str().to_string(),
                        answer: g.answer.as_str().to_string(),
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
            owner_name: model
                .owner_id
                .and_then(|id| people.get(&id))
                .map(|u| u.name.clone()),
            unsubscribed_at: model
                .unsubscribed_at
                .map(|at| crate::i18n::format_instant(lang, &at, chrono_tz::UTC)),
            can_edit: can_edit_directory(actor.role, actor.id, model.owner_id),
            events: rows.into_iter().map(|(_, row)| row).collect(),
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
                unsubscribed: if model.unsubscribed_at.is_some() {
                    "on".into()
                } else {
                    String::new()
                },
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
            errors.push(FieldError::new(
                "email",
                "A contact with this email already exists.",
            ));
        }
        if let Some(account_id) = draft.account_id {
            if account::Entity::find_by_id(account_id)
                .one(db)
                .await?
                .is_none()
            {
                errors.push(FieldError::new(
                    "account_id",
                    "Account must be chosen from the list.",
                ));
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
            unsubscribed_at: Set(draft.unsubscribed.then_some(now)),
            created_at: Set(now),
            ..Default::default()
        };
        Self::apply(&mut active, &draft);
        let model = active.insert(db).await.map_err(|err| {
            if is_unique_violation(&err) {
                AppError::field("email", "A contact with this email already exists.")
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
        let unsubscribed_at = match (draft.unsubscribed, existing.unsubscribed_at) {
            (true, Some(at)) => Some(at),
            (true, None) => Some(Utc::now()),
            (false, _) => None,
        };
        let mut active = existing.into_active_model();
        Self::apply(&mut active, &draft);
        active.owner_id = Set(draft.owner_id);
        active.unsubscribed_at = Set(unsubscribed_at);
        active.update(db).await.map_err(|err| {
            if is_unique_violation(&err) {
                AppError::field("email", "A contact with this email already exists.")
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

/// Writes RFC 4180 CSV (CRLF, quotes where needed) with a UTF-8 BOM; every cell that could start a
/// spreadsheet formula is neutralised.
pub fn write_csv(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<String, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let internal = |err: csv::Error| {
        tracing::error!(error = %err, "writing CSV failed");
        AppError::Internal
    };
    writer.write_record(header).map_err(internal)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise_formula(cell).into_owned()))
            .map_err(internal)?;
    }
    let bytes = writer.into_inner().map_err(|_| AppError::Internal)?;
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8(bytes).map_err(|_| AppError::Internal)?);
    Ok(out)
}

impl AccountService {
    pub async fn find(db: &DatabaseConnection, id: i32) -> Result<account::Model, AppError> {
        account::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    fn select(query: &AccountQuery) -> Select<account::Entity> {
        let mut select = account::Entity::find();
        for word in search_terms(&query.q) {
            select = select.filter(
                Condition::any()
                    .add(contains_word(
                        (account::Entity, account::Column::Name),
                        &word,
                    ))
                    .add(contains_word(
                        (account::Entity, account::Column::Domain),
                        &word,
                    ))
                    .add(contains_word(
                        (account::Entity, account::Column::Industry),
                        &word,
                    )),
            );
        }
        if let Some(tier) = Tier::parse(&query.tier) {
            select = select.filter(account::Column::Tier.eq(tier.as_str()));
        }
        if let Some(target) = flag_filter(&query.target) {
            select = select.filter(account::Column::TargetAccount.eq(target));
        }
        if let Some(owner) = parse_id(&query.owner) {
            select = select.filter(account::Column::OwnerId.eq(owner));
        }
        select
            .order_by_asc(account::Column::Name)
            .order_by_asc(account::Column::Id)
    }

    async fn contact_counts(
        db: &DatabaseConnection,
        ids: &[i32],
    ) -> Result<HashMap<i32, u64>, AppError> {
        let mut counts = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let found: Vec<(Option<i32>, i64)> = contact::Entity::find()
                .select_only()
                .column(contact::Column::AccountId)
                .column_as(contact::Column::Id.count(), "n")
                .filter(contact::Column::AccountId.is_in(chunk.to_vec()))
                .group_by(contact::Column::AccountId)
                .into_tuple()
                .all(db)
                .await?;
            for (id, n) in found {
                if let Some(id) = id {
                    counts.insert(id, std::cmp::max(n, 0) as u64);
                }
            }
        }
        Ok(counts)
    }

    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        query: &AccountQuery,
    ) -> Result<AccountList, AppError> {
        let select = Self::select(query);
        let total = select.clone().count(db).await?;
        let accounts = select.limit(LIST_LIMIT).all(db).await?;
        let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
        let counts = Self::contact_counts(db, &ids).await?;
        let owners = UserService::names(db, accounts.iter().filter_map(|a| a.owner_id)).await?;
        Ok(AccountList {
            total,
            rows: accounts
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
                        .and_then(|id| owners.get(&id))
                        .map(|u| u.name.clone()),
                    contacts: counts.get(&a.id).copied().unwrap_or(0),
                    can_edit: can_edit_directory(actor.role, actor.id, a.owner_id),
                })
                .collect(),
        })
    }

    pub async fn detail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<AccountDetail, AppError> {
        let model = Self::find(db, id).await?;
        let contacts = contact::Entity::find()
            .filter(contact::Column::AccountId.eq(id))
            .order_by_asc(contact::Column::LastName)
            .order_by_asc(contact::Column::FirstName)
            .all(db)
            .await?;
        let owners = UserService::names(db, model.owner_id).await?;
        Ok(AccountDetail {
            id: model.id,
            name: model.name.clone(),
            domain: model.domain.clone(),
            industry: model.industry.clone(),
            tier: model.tier.clone(),
            target_account: model.target_account,
            owner_name: model
                .owner_id
                .and_then(|id| owners.get(&id))
                .map(|u| u.name.clone()),
            can_edit: can_edit_directory(actor.role, actor.id, model.owner_id),
            contacts: contact_rows(db, actor, &contacts).await?,
        })
    }

    pub async fn form(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<AccountFormDto, AppError> {
        let model = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, model.owner_id) {
            return Err(AppError::Forbidden);
        }
        Ok(AccountFormDto {
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
        })
    }

    /// Account names are unique regardless of case: the import matches accounts by name.
    async fn check_references(
        db: &DatabaseConnection,
        draft: &AccountDraft,
        exclude: Option<i32>,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let wanted = draft.name.to_lowercase();
        let mut same = account::Entity::find().filter(
            Expr::expr(Func::lower(Expr::col((
                account::Entity,
                account::Column::Name,
            ))))
            .eq(wanted.clone()),
        );
        if let Some(id) = exclude {
            same = same.filter(account::Column::Id.ne(id));
        }
        // SQLite lower() folds ASCII only: compare the candidates once more in Rust
        let candidates = same.all(db).await?;
        if candidates.iter().any(|a| a.name.to_lowercase() == wanted) {
            errors.push(FieldError::new(
                "name",
                "An account with this name already exists.",
            ));
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

    fn apply(active: &mut account::ActiveModel, draft: &AccountDraft) {
        active.name = Set(draft.name.clone());
        active.domain = Set(draft.domain.clone());
        active.industry = Set(draft.industry.clone());
        active.tier = Set(draft.tier.map(|t| t.as_str().to_string()));
        active.target_account = Set(draft.target_account);
        active.owner_id = Set(draft.owner_id);
    }

    pub async fn create(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        input: &AccountInput,
    ) -> Result<account::Model, AppError> {
        if !can_create_directory(actor.role) {
            return Err(AppError::Forbidden);
        }
        let mut draft = AccountDraft::parse(input).map_err(AppError::Validation)?;
        draft.owner_id = owner_for(actor, draft.owner_id, None)?;
        Self::check_references(db, &draft, None).await?;
        let mut active = account::ActiveModel {
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        Self::apply(&mut active, &draft);
        let model = active.insert(db).await?;
        tracing::info!(account_id = model.id, user_id = actor.id, "account created");
        Ok(model)
    }

    pub async fn update(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        input: &AccountInput,
    ) -> Result<account::Model, AppError> {
        let existing = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, existing.owner_id) {
            return Err(AppError::Forbidden);
        }
        let mut draft = AccountDraft::parse(input).map_err(AppError::Validation)?;
        draft.owner_id = owner_for(actor, draft.owner_id, existing.owner_id)?;
        Self::check_references(db, &draft, Some(id)).await?;
        let mut active = existing.into_active_model();
        Self::apply(&mut active, &draft);
        Ok(active.update(db).await?)
    }

    pub async fn export_csv(
        db: &DatabaseConnection,
        _actor: &CurrentUser,
        query: &AccountQuery,
    ) -> Result<String, AppError> {
        let accounts = Self::select(query).all(db).await?;
        let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
        let counts = Self::contact_counts(db, &ids).await?;
        let owners = UserService::names(db, accounts.iter().filter_map(|a| a.owner_id)).await?;
        let header = [
            "name",
            "domain",
            "industry",
            "tier",
            "target_account",
            "owner_email",
            "contacts",
        ];
        let rows = accounts.iter().map(|a| {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            vec![
                a.name.clone(),
                text(&a.domain),
                text(&a.industry),
                text(&a.tier),
                if a.target_account { "yes" } else { "no" }.to_string(),
                a.owner_id
                    .and_then(|id| owners.get(&id))
                    .map(|u| u.email.clone())
                    .unwrap_or_default(),
                counts.get(&a.id).copied().unwrap_or(0).to_string(),
            ]
        });
        write_csv(&header, rows)
    }

    /// What the directory's filters and forms offer.
    pub async fn options(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<DirectoryOptions, AppError> {
        let owners = user::Entity::find()
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|u| ChoiceDto {
                id: u.id,
                name: u.name,
            })
            .collect();
        let accounts = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Name)
            .order_by_asc(account::Column::Name)
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, name)| ChoiceDto { id, name })
            .collect();
        Ok(DirectoryOptions {
            owners,
            accounts,
            can_create: can_create_directory(actor.role),
            can_assign_owner: can_assign_owner(actor.role),
            can_import: can_create_directory(actor.role),
        })
    }
}

/// A contact as one valid import row wants it stored.
#[derive(Debug, Clone)]
struct PlannedContact {
    first_name: String,
    last_name: String,
    email: String,
    title: Option<String>,
    phone: Option<String>,
    language: String,
    /// lower-cased account name; the account may be created by this import
    account_key: Option<String>,
    owner_id: Option<i32>,
}

/// An account this import creates.
#[derive(Debug, Clone)]
struct PlannedAccount {
    draft: AccountDraft,
}

/// Everything an import would write, worked out from the file and the database.
pub struct ImportPlan {
    pub preview: ImportPreview,
    new_accounts: Vec<PlannedAccount>,
    /// lower-cased name → id of accounts that exist already
    existing_accounts: HashMap<String, i32>,
    creates: Vec<PlannedContact>,
    updates: Vec<(contact::Model, PlannedContact)>,
}

impl ImportPlan {
    /// Rows that will be written (new and updated contacts).
    pub fn writes(&self) -> u64 {
        (self.creates.len() + self.updates.len()) as u64
    }
}

/// A file as read: its data rows, the header each recognised column had, the ignored headers.
#[derive(Debug)]
struct ParsedFile {
    rows: Vec<FileRow>,
    names: HashMap<ImportColumn, String>,
    ignored: Vec<String>,
}

/// One data row of the file, cells by column.
#[derive(Debug)]
struct FileRow {
    line: u64,
    cells: HashMap<ImportColumn, String>,
}

/// Reads the file: the header decides which column is which; rows keep their line numbers.
fn read_file(text: &str) -> Result<ParsedFile, AppError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(AppError::field(
            "file",
            format!(
                "The file is larger than {} MB. Split it into smaller files.",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(AppError::field("file", "The file is empty."));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_separator(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| AppError::field("file", "The first line (the column names) cannot be read."))?
        .clone();
    let mut columns: HashMap<usize, ImportColumn> = HashMap::new();
    let mut names: HashMap<ImportColumn, String> = HashMap::new();
    let mut ignored = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        match ImportColumn::from_header(header) {
            Some(column) if !names.contains_key(&column) => {
                columns.insert(index, column);
                names.insert(column, header.trim().to_string());
            }
            _ if header.trim().is_empty() => {}
            _ => ignored.push(header.trim().to_string()),
        }
    }
    let missing: Vec<&str> = ImportColumn::required()
        .into_iter()
        .filter(|c| !names.contains_key(c))
        .map(|c| c.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "file",
            format!(
                "The file has no column {}. The first line must name the columns, e.g. first_name, last_name, email (or Vorname, Nachname, E-Mail).",
                missing.join(", ")
            ),
        ));
    }
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or(0);
                return Err(AppError::field(
                    "file",
                    format!("Line {line} cannot be read as CSV."),
                ));
            }
        };
        let line = lines.line_at(record.position().map(|p| p.byte()).unwrap_or(0));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() >= MAX_IMPORT_ROWS {
            return Err(AppError::field(
                "file",
                format!(
                    "The file has more than {MAX_IMPORT_ROWS} rows. Split it into smaller files."
                ),
            ));
        }
        let cells = columns
            .iter()
            .filter_map(|(index, column)| {
                record
                    .get(*index)
                    .map(|cell| (*column, restore_neutralised(cell.trim()).trim().to_string()))
            })
            .collect();
        rows.push(FileRow { line, cells });
    }
    Ok(ParsedFile {
        rows,
        names,
        ignored,
    })
}

/// Line numbers from byte offsets. The csv crate counts a CRLF file's lines one short (a record
/// "starts" at the `\n` of the previous CRLF), and Excel writes CRLF: so count here, forward only.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record starting at `byte` (offsets must not go backwards).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).min(self.text.len());
        // skip what is left of the previous record's terminator
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            self.line += self.text[self.offset..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = start;
        }
        self.line
    }
}

/// The field names of `ContactDraft`/`AccountDraft` errors as import columns.
fn column_of(field: &str, account: bool) -> ImportColumn {
    match (field, account) {
        ("name", true) => ImportColumn::Account,
        ("domain", _) => ImportColumn::Domain,
        ("industry", _) => ImportColumn::Industry,
        ("tier", _) => ImportColumn::Tier,
        ("target_account", _) => ImportColumn::TargetAccount,
        ("first_name", _) => ImportColumn::FirstName,
        ("last_name", _) => ImportColumn::LastName,
        ("title", _) => ImportColumn::Title,
        ("phone", _) => ImportColumn::Phone,
        ("language", _) => ImportColumn::Language,
        ("owner_id", _) => ImportColumn::OwnerEmail,
        _ => ImportColumn::Email,
    }
}

impl ImportService {
    /// Works out what importing `text` would do, without writing anything.
    pub async fn plan(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        text: &str,
    ) -> Result<ImportPlan, AppError> {
        if !can_create_directory(actor.role) {
            return Err(AppError::Forbidden);
        }
        let ParsedFile {
            rows,
            names,
            ignored,
        } = read_file(text)?;
        let header_of = |column: ImportColumn| {
            names
                .get(&column)
                .cloned()
                .unwrap_or_else(|| column.as_str().to_string())
        };

        // everything needed to classify rows, loaded once
        let users: HashMap<String, (i32, bool)> = user::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.email.to_lowercase(), (u.id, u.active)))
            .collect();
        let existing_accounts: HashMap<String, i32> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Name)
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect();
        let account_key_by_id: HashMap<i32, String> = existing_accounts
            .iter()
            .map(|(key, id)| (*id, key.clone()))
            .collect();
        let emails: Vec<String> = rows
            .iter()
            .filter_map(|r| r.cells.get(&ImportColumn::Email))
            .filter_map(|e| EmailAddress::parse(e).ok())
            .map(|e| e.as_str().to_string())
            .collect();
        let mut existing_contacts: HashMap<String, contact::Model> = HashMap::new();
        for chunk in emails.chunks(CHUNK) {
            for model in contact::Entity::find()
                .filter(contact::Column::Email.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                existing_contacts.insert(model.email.clone(), model);
            }
        }

        let mut preview = ImportPreview {
            ignored_columns: ignored,
            ..Default::default()
        };
        let mut new_accounts: Vec<PlannedAccount> = Vec::new();
        let mut new_account_keys: HashSet<String> = HashSet::new();
        let mut seen_emails: HashMap<String, u64> = HashMap::new();
        let mut creates = Vec::new();
        let mut updates = Vec::new();

        for row in &rows {
            preview.rows += 1;
            let cell = |column: ImportColumn| row.cells.get(&column).cloned().unwrap_or_default();
            let mut problems: Vec<(ImportColumn, String)> = Vec::new();

            let draft = ContactDraft::parse(&ContactInput {
                first_name: cell(ImportColumn::FirstName),
                last_name: cell(ImportColumn::LastName),
                email: cell(ImportColumn::Email),
                title: cell(ImportColumn::Title),
                phone: cell(ImportColumn::Phone),
                language: cell(ImportColumn::Language),
                ..Default::default()
            });
            let draft = match draft {
                Ok(draft) => Some(draft),
                Err(errors) => {
                    problems.extend(
                        errors
                            .into_iter()
                            .map(|e| (column_of(&e.field, false), e.message)),
                    );
                    None
                }
            };

            // owner: sales import for themselves; marketing and admins may name one
            let owner_email = cell(ImportColumn::OwnerEmail).to_lowercase();
            let named_owner = if owner_email.is_empty() {
                None
            } else {
                match users.get(&owner_email) {
                    Some((id, true)) if can_assign_owner(actor.role) || *id == actor.id => {
                        Some(*id)
                    }
                    Some((_, true)) => {
                        problems.push((
                            ImportColumn::OwnerEmail,
                            "Sales reps import contacts for themselves: leave the owner empty."
                                .into(),
                        ));
                        None
                    }
                    _ => {
                        problems.push((
                            ImportColumn::OwnerEmail,
                            "No active team member has this email.".into(),
                        ));
                        None
                    }
                }
            };

            // account: matched by name regardless of case, created when new
            let account_name = cell(ImportColumn::Account);
            let account_key = (!account_name.is_empty()).then(|| account_name.to_lowercase());
            let mut new_account = None;
            if let Some(key) = &account_key {
                if !existing_accounts.contains_key(key) && !new_account_keys.contains(key) {
                    match AccountDraft::parse(&AccountInput {
                        name: account_name.clone(),
                        domain: cell(ImportColumn::Domain),
                        industry: cell(ImportColumn::Industry),
                        tier: cell(ImportColumn::Tier),
                        target_account: cell(ImportColumn::TargetAccount),
                        owner_id: String::new(),
                    }) {
                        Ok(mut account) => {
                            account.owner_id = if can_assign_owner(actor.role) {
                                named_owner
                            } else {
                                Some(actor.id)
                            };
                            new_account = Some(PlannedAccount { draft: account });
                        }
                        Err(errors) => problems.extend(
                            errors
                                .into_iter()
                                .map(|e| (column_of(&e.field, true), e.message)),
                        ),
                    }
                }
            }

            let existing = draft
                .as_ref()
                .and_then(|d| existing_contacts.get(d.email.as_str()));
            if let Some(draft) = &draft {
                if let Some(first_line) = seen_emails.get(draft.email.as_str()) {
                    problems.push((
                        ImportColumn::Email,
                        format!("This email already appears on line {first_line}."),
                    ));
                } else {
                    seen_emails.insert(draft.email.as_str().to_string(), row.line);
                }
            }
            if let Some(existing) = existing {
                if !can_edit_directory(actor.role, actor.id, existing.owner_id) {
                    problems.push((
                        ImportColumn::Email,
                        "This contact belongs to another rep; only they or marketing can change it."
                            .into(),
                    ));
                }
            }

            if !problems.is_empty() {
                preview.invalid += 1;
                for (column, message) in problems {
                    if preview.errors.len() < MAX_SHOWN_ERRORS {
                        preview.errors.push(ImportRowError {
                            line: row.line,
                            column: header_of(column),
                            message,
                        });
                    }
                }
                continue;
            }
            let draft = draft.expect("a row without problems has a draft");
            if let (Some(key), Some(account)) = (&account_key, new_account) {
                new_account_keys.insert(key.clone());
                new_accounts.push(account);
            }
            let has_language = !cell(ImportColumn::Language).is_empty();
            match existing {
                None => {
                    creates.push(PlannedContact {
                        first_name: draft.first_name,
                        last_name: draft.last_name,
                        email: draft.email.as_str().to_string(),
                        title: draft.title,
                        phone: draft.phone,
                        language: draft.language.as_str().to_string(),
                        account_key,
                        owner_id: if can_assign_owner(actor.role) {
                            named_owner
                        } else {
                            Some(actor.id)
                        },
                    });
                    preview.new += 1;
                }
                Some(existing) => {
                    // an empty cell never erases what is stored
                    let current_key = existing
                        .account_id
                        .and_then(|id| account_key_by_id.get(&id).cloned());
                    let planned = PlannedContact {
                        first_name: draft.first_name,
                        last_name: draft.last_name,
                        email: existing.email.clone(),
                        title: draft.title.or_else(|| existing.title.clone()),
                        phone: draft.phone.or_else(|| existing.phone.clone()),
                        language: if has_language {
                            draft.language.as_str().to_string()
                        } else {
                            existing.language.clone()
                        },
                        account_key: account_key.or(current_key.clone()),
                        owner_id: named_owner.or(existing.owner_id),
                    };
                    let account_changed = match (&planned.account_key, existing.account_id) {
                        (Some(key), Some(id)) => existing_accounts.get(key) != Some(&id),
                        (Some(_), None) => true,
                        (None, _) => false,
                    };
                    let changed = account_changed
                        || planned.first_name != existing.first_name
                        || planned.last_name != existing.last_name
                        || planned.title != existing.title
                        || planned.phone != existing.phone
                        || planned.language != existing.language
                        || planned.owner_id != existing.owner_id;
                    if changed {
                        preview.updated += 1;
                        updates.push((existing.clone(), planned));
                    } else {
                        preview.unchanged += 1;
                    }
                }
            }
        }
        preview.new_accounts = new_accounts.len() as u64;
        Ok(ImportPlan {
            preview,
            new_accounts,
            existing_accounts,
            creates,
            updates,
        })
    }

    /// Writes a plan in one transaction: new accounts, then new contacts in batched inserts, then
    /// updates; `progress(done, total)` is called after every chunk. All or nothing.
    pub async fn write(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        plan: ImportPlan,
        progress: impl Fn(u64, u64),
    ) -> Result<ImportPreview, AppError> {
        if !can_create_directory(actor.role) {
            return Err(AppError::Forbidden);
        }
        let total = plan.writes();
        progress(0, total);
        let now = Utc::now();
        let txn = crate::ssr::db::begin_write(db).await?;
        let mut account_ids = plan.existing_accounts;
        for chunk in plan.new_accounts.chunks(CHUNK) {
            let models = chunk.iter().map(|a| account::ActiveModel {
                name: Set(a.draft.name.clone()),
                domain: Set(a.draft.domain.clone()),
                industry: Set(a.draft.industry.clone()),
                tier: Set(a.draft.tier.map(|t| t.as_str().to_string())),
                target_account: Set(a.draft.target_account),
                owner_id: Set(a.draft.owner_id),
                created_at: Set(now),
                ..Default::default()
            });
            for model in account::Entity::insert_many(models)
                .exec_with_returning(&txn)
                .await?
            {
                account_ids.insert(model.name.to_lowercase(), model.id);
            }
        }
        let account_of = |c: &PlannedContact| {
            c.account_key
                .as_ref()
                .and_then(|k| account_ids.get(k))
                .copied()
        };
        let mut done = 0u64;
        for chunk in plan.creates.chunks(CHUNK) {
            let models = chunk.iter().map(|c| contact::ActiveModel {
                first_name: Set(c.first_name.clone()),
                last_name: Set(c.last_name.clone()),
                email: Set(c.email.clone()),
                title: Set(c.title.clone()),
                phone: Set(c.phone.clone()),
                language: Set(c.language.clone()),
                account_id: Set(account_of(c)),
                owner_id: Set(c.owner_id),
                unsubscribed_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            });
            contact::Entity::insert_many(models)
                .exec_without_returning(&txn)
                .await
                .map_err(|err| {
                    if is_unique_violation(&err) {
                        AppError::Conflict(
                            "Someone added one of these contacts meanwhile. Please preview the file again."
                                .into(),
                        )
                    } else {
                        err.into()
                    }
                })?;
            done += chunk.len() as u64;
            progress(done, total);
        }
        for (index, (existing, planned)) in plan.updates.iter().enumerate() {
            let account_id = account_of(planned);
            let mut active = existing.clone().into_active_model();
            active.first_name = Set(planned.first_name.clone());
            active.last_name = Set(planned.last_name.clone());
            active.title = Set(planned.title.clone());
            active.phone = Set(planned.phone.clone());
            active.language = Set(planned.language.clone());
            active.account_id = Set(account_id.or(existing.account_id));
            active.owner_id = Set(planned.owner_id);
            // the unsubscribed flag is never touched by an import
            active.update(&txn).await?;
            done += 1;
            if (index + 1) % CHUNK == 0 {
                progress(done, total);
            }
        }
        txn.commit().await?;
        progress(total, total);
        tracing::info!(
            user_id = actor.id,
            new = plan.preview.new,
            updated = plan.preview.updated,
            "contacts imported"
        );
        Ok(plan.preview)
    }

    /// Preview then write, for callers that need no progress (tests, scripts).
    pub async fn import(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        text: &str,
    ) -> Result<ImportPreview, AppError> {
        let plan = Self::plan(db, actor, text).await?;
        Self::write(db, actor, plan, |_, _| {}).await
    }
}

/// Imports running in this process, so the import page can poll their progress.
pub mod jobs {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    use std::time::{Duration, Instant};

    use sea_orm::DatabaseConnection;

    use super::{ImportPlan, ImportService};
    use crate::api::dto::ImportJobStatus;
    use crate::error::AppError;
    use crate::ssr::auth::CurrentUser;

    struct Job {
        user_id: i32,
        started: Instant,
        progress: ImportJobStatus,
    }

    static JOBS: LazyLock<Mutex<HashMap<u64, Job>>> = LazyLock::new(Default::default);
    const KEEP: Duration = Duration::from_secs(3600);

    fn update(job_id: u64, change: impl FnOnce(&mut ImportJobStatus)) {
        if let Ok(mut jobs) = JOBS.lock() {
            if let Some(job) = jobs.get_mut(&job_id) {
                change(&mut job.progress);
            }
        }
    }

    /// Starts writing `plan` in the background and returns the job's id at once.
    pub fn start(db: DatabaseConnection, actor: CurrentUser, plan: ImportPlan) -> u64 {
        let job_id = rand::random::<u64>() >> 11; // fits a JavaScript number
        let total = plan.writes();
        if let Ok(mut jobs) = JOBS.lock() {
            jobs.retain(|_, job| job.started.elapsed() < KEEP);
            jobs.insert(
                job_id,
                Job {
                    user_id: actor.id,
                    started: Instant::now(),
                    progress: ImportJobStatus {
                        job_id,
                        total,
                        done: 0,
                        finished: false,
                        failed: false,
                        result: None,
                    },
                },
            );
        }
        tokio::spawn(async move {
            let result = ImportService::write(&db, &actor, plan, |done, total| {
                update(job_id, |p| {
                    p.done = done;
                    p.total = total;
                })
            })
            .await;
            update(job_id, |p| {
                p.finished = true;
                match result {
                    Ok(preview) => p.result = Some(preview),
                    Err(err) => {
                        tracing::warn!(error = %err, "import failed");
                        p.failed = true;
                    }
                }
            });
        });
        job_id
    }

    /// The progress of one of the user's own imports.
    pub fn progress(actor: &CurrentUser, job_id: u64) -> Result<ImportJobStatus, AppError> {
        let jobs = JOBS.lock().map_err(|_| AppError::Internal)?;
        match jobs.get(&job_id) {
            Some(job) if job.user_id == actor.id => Ok(job.progress.clone()),
            _ => Err(AppError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn csv_export_is_rfc_4180_with_formulas_neutralised() {
        let out = write_csv(
            &["a", "b"],
            vec![vec![
                "=cmd|' /C calc'!A0".to_string(),
                "say \"hi\", friend".to_string(),
            ]]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(
            out,
            "\u{feff}a,b\r\n'=cmd|' /C calc'!A0,\"say \"\"hi\"\", friend\"\r\n"
        );
    }

    #[test]
    fn a_file_without_an_email_column_is_refused_with_a_message() {
        let err = read_file("Vorname;Nachname\nJana;Krüger").unwrap_err();
        let fields = err.field_errors();
        assert_eq!(fields[0].field, "file");
        assert!(fields[0].message.contains("email"));
    }

    #[test]
    fn a_german_excel_file_with_bom_is_read_with_line_numbers() {
        let ParsedFile {
            rows,
            names,
            ignored,
        } = read_file(
            "\u{feff}Vorname;Nachname;E-Mail;Firma;Lieblingsfarbe\r\nJana;Krüger;jana@n.example;Nordwind;blau\r\n\r\nTobias;Lang;'+tobias@n.example;Nordwind;grün\r\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].cells[&ImportColumn::Email], "+tobias@n.example");
        assert_eq!(names[&ImportColumn::Email], "E-Mail");
        assert_eq!(ignored, ["Lieblingsfarbe"]);
    }

    #[test]
    fn line_numbers_are_right_for_lf_crlf_and_quoted_line_breaks() {
        for newline in ["\n", "\r\n"] {
            let text = [
                "first_name,last_name,email",
                "A,B,a@x.example",
                "\"C",
                "C\",D,c@x.example",
                "",
                "E,F,e@x.example",
            ]
            .join(newline);
            let rows = read_file(&text).unwrap().rows;
            let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, [2, 3, 6], "{newline:?}");
        }
    }

    #[test]
    fn owners_are_forced_for_sales_and_chosen_by_marketing() {
        let sales = CurrentUser {
            id: 3,
            name: "s".into(),
            email: "s@x.example".into(),
            role: Role::Sales,
        };
        let marketing = CurrentUser {
            role: Role::Marketing,
            ..sales.clone()
        };
        assert_eq!(owner_for(&sales, None, None).unwrap(), Some(3));
        assert_eq!(owner_for(&sales, Some(3), None).unwrap(), Some(3));
        assert_eq!(owner_for(&sales, Some(4), None), Err(AppError::Forbidden));
        assert_eq!(owner_for(&marketing, Some(4), Some(3)).unwrap(), Some(4));
        assert_eq!(owner_for(&marketing, None, Some(3)).unwrap(), None);
    }
}
