//! Accounts: the list, the account page, create and edit, CSV export, the directory's options.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};

use super::contacts::{listing, ContactListing};
use super::{
    check_owner, contains_word, flag_filter, owner_for, parse_id, write_csv, CHUNK, LIST_LIMIT,
};
use crate::domain::{
    can_create_directory, can_edit_directory, search_terms, AccountDraft, AccountInput,
    AccountQuery, FieldError, Tier,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, user};
use crate::ssr::services::UserService;

pub struct AccountService;

/// Accounts with their contact counts and owners; `present::account_list` words them.
#[derive(Debug, Clone)]
pub struct AccountListing {
    /// how many matched; `accounts` holds at most `LIST_LIMIT` of them
    pub total: u64,
    pub accounts: Vec<account::Model>,
    /// contacts per account id (accounts without contacts are missing)
    pub contact_counts: HashMap<i32, u64>,
    /// owners by id
    pub owners: HashMap<i32, user::Model>,
}

/// An account with its owner and its contacts (by name); `present::account_detail` words it.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub account: account::Model,
    pub owner: Option<user::Model>,
    pub contacts: ContactListing,
}

/// What the directory's filters and forms offer to choose from.
#[derive(Debug, Clone)]
pub struct DirectoryChoices {
    /// active team members, by name
    pub owners: Vec<user::Model>,
    /// every account's id and name, by name
    pub accounts: Vec<(i32, String)>,
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

    /// Every signed-in role reads the whole directory.
    pub async fn list(
        db: &DatabaseConnection,
        query: &AccountQuery,
    ) -> Result<AccountListing, AppError> {
        let select = Self::select(query);
        let total = select.clone().count(db).await?;
        let accounts = select.limit(LIST_LIMIT).all(db).await?;
        let ids: Vec<i32> = accounts.iter().map(|a| a.id).collect();
        let contact_counts = Self::contact_counts(db, &ids).await?;
        let owners = UserService::names(db, accounts.iter().filter_map(|a| a.owner_id)).await?;
        Ok(AccountListing {
            total,
            accounts,
            contact_counts,
            owners,
        })
    }

    /// An account with its contacts (every signed-in role reads it).
    pub async fn record(db: &DatabaseConnection, id: i32) -> Result<AccountRecord, AppError> {
        let model = Self::find(db, id).await?;
        let contacts = contact::Entity::find()
            .filter(contact::Column::AccountId.eq(id))
            .order_by_asc(contact::Column::LastName)
            .order_by_asc(contact::Column::FirstName)
            .all(db)
            .await?;
        let owner = match model.owner_id {
            Some(owner_id) => user::Entity::find_by_id(owner_id).one(db).await?,
            None => None,
        };
        let total = contacts.len() as u64;
        Ok(AccountRecord {
            account: model,
            owner,
            contacts: listing(db, total, contacts).await?,
        })
    }

    /// The account to show in its edit form; only for those who may edit it.
    pub async fn editable(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<account::Model, AppError> {
        let model = Self::find(db, id).await?;
        if !can_edit_directory(actor.role, actor.id, model.owner_id) {
            return Err(AppError::Forbidden);
        }
        Ok(model)
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
            errors.push(FieldError::new("name", msg!("account-name-taken")));
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
        let model = active.insert(db).await.map_err(name_taken)?;
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
        active.update(db).await.map_err(name_taken)
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

    /// What the directory's filters and forms offer: active owners and all accounts, by name.
    pub async fn choices(db: &DatabaseConnection) -> Result<DirectoryChoices, AppError> {
        let owners = user::Entity::find()
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?;
        let accounts = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::Name)
            .order_by_asc(account::Column::Name)
            .into_tuple::<(i32, String)>()
            .all(db)
            .await?;
        Ok(DirectoryChoices { owners, accounts })
    }
}

/// The unique index on `lower(name)` refused a write the check before it let through (someone
/// saved the same name in between): the user reads the same message as from the check.
fn name_taken(err: sea_orm::DbErr) -> AppError {
    if crate::ssr::db::is_unique_violation(&err) {
        AppError::field("name", msg!("account-name-taken"))
    } else {
        err.into()
    }
}
