//! CSV import: `plan` reads the file and works out what it would do without writing; `write`
//! stores a plan in one transaction, in chunks, reporting progress.
use crate::domain::Msg;
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use super::{is_unique_violation, CHUNK};
use crate::domain::{
    can_assign_owner, can_create_directory, can_edit_directory, detect_separator,
    restore_neutralised, AccountDraft, AccountInput, ContactDraft, ContactInput, EmailAddress,
    ImportColumn, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, user};

pub struct ImportService;

/// The preview lists this many row problems; the count covers all of them.
pub const MAX_SHOWN_ERRORS: usize = 200;

/// What an import would do (or did), worked out without writing anything;
/// `present::import_preview` hands it to the import page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub invalid: u64,
    pub new_accounts: u64,
    /// the first problems (at most `MAX_SHOWN_ERRORS`), in file order
    pub errors: Vec<RowProblem>,
    /// header cells that were not recognised and are ignored
    pub ignored_columns: Vec<String>,
}

/// One problem in one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// the line in the file, counting the header as line 1
    pub line: u64,
    /// the column as the file's header names it
    pub column: String,
    pub message: Msg,
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
    pub preview: ImportReport,
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
            msg!("import-too-large", mb = MAX_IMPORT_BYTES / (1024 * 1024)),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(AppError::field("file", msg!("import-empty")));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_separator(text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| AppError::field("file", msg!("import-header-unreadable")))?
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
            msg!("import-missing-columns", columns = missing.join(", ")),
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
                    msg!("import-line-unreadable", line = line),
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
                msg!("import-too-many-rows", max = MAX_IMPORT_ROWS),
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

        let mut preview = ImportReport {
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
            let mut problems: Vec<(ImportColumn, Msg)> = Vec::new();

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
                        problems.push((ImportColumn::OwnerEmail, msg!("import-owner-self")));
                        None
                    }
                    _ => {
                        problems.push((ImportColumn::OwnerEmail, msg!("import-owner-unknown")));
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
                        msg!("import-duplicate-email", line = *first_line),
                    ));
                } else {
                    seen_emails.insert(draft.email.as_str().to_string(), row.line);
                }
            }
            if let Some(existing) = existing {
                if !can_edit_directory(actor.role, actor.id, existing.owner_id) {
                    problems.push((ImportColumn::Email, msg!("import-foreign-contact")));
                }
            }

            if !problems.is_empty() {
                preview.invalid += 1;
                for (column, message) in problems {
                    if preview.errors.len() < MAX_SHOWN_ERRORS {
                        preview.errors.push(RowProblem {
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
    ) -> Result<ImportReport, AppError> {
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
                        AppError::Conflict(msg!("import-added-meanwhile"))
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
    ) -> Result<ImportReport, AppError> {
        let plan = Self::plan(db, actor, text).await?;
        Self::write(db, actor, plan, |_, _| {}).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_an_email_column_is_refused_with_a_message() {
        let err = read_file("Vorname;Nachname\nJana;Krüger").unwrap_err();
        let fields = err.field_errors();
        assert_eq!(fields[0].field, "file");
        assert!(fields[0].message.to_string().contains("email"));
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
}
