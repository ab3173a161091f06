//! The shared customer directory, split by job: `contacts` and `accounts` (lists, pages, create,
//! edit, CSV export), `consent` (the contact's unsubscribe link and admins, nobody else),
//! `import` (CSV preview without writing, then one transaction written in chunks) and `jobs`
//! (imports running in this process). What they share lives here.
use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::{can_assign_owner, neutralise_formula};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, user};

mod accounts;
mod consent;
mod contacts;
mod import;
pub mod jobs;

pub use accounts::{AccountListing, AccountRecord, AccountService, DirectoryChoices};
pub use consent::ConsentService;
pub use contacts::{ContactListing, ContactRecord, ContactService};
pub use import::{ImportPlan, ImportReport, ImportService, RowProblem, MAX_SHOWN_ERRORS};

/// Lists show at most this many rows; the count says how many matched, export gives all.
pub const LIST_LIMIT: u64 = 200;
/// Rows per INSERT statement (SQLite allows 32,766 bound values; 500 × 11 columns stay well below).
pub(crate) const CHUNK: usize = 500;

use crate::ssr::db::is_unique_violation;

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
            return Err(AppError::field("owner_id", msg!("owner-inactive")));
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

pub(crate) async fn account_names(
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
