//! The shared customer directory: contacts and accounts as typed, their validated drafts, who may
//! change them, list filters, CSV import headers and the CSV formula guard.
use super::Msg;
use serde::{Deserialize, Serialize};

use super::event::Language;
use super::field::{optional_text, required_text, FieldError, FieldErrors};
use super::user::{EmailAddress, Role};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_PHONE_CHARS: usize = 50;
pub const MAX_ACCOUNT_NAME_CHARS: usize = 200;
pub const MAX_DOMAIN_CHARS: usize = 200;
pub const MAX_INDUSTRY_CHARS: usize = 100;
/// Largest file the import accepts (a 10,000-row file is about 1 MB).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 50_000;

/// Who may create contacts and accounts: everyone but managers, who only read.
pub fn can_create_directory(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Marketing | Role::Sales)
}

/// Marketing and admins edit every contact and account; sales only what they own.
pub fn can_edit_directory(role: Role, actor_id: i32, owner_id: Option<i32>) -> bool {
    match role {
        Role::Admin | Role::Marketing => true,
        Role::Sales => owner_id == Some(actor_id),
        Role::Manager => false,
    }
}

/// Whether the role chooses owners freely (marketing, admin); sales always own what they create.
pub fn can_assign_owner(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Marketing)
}

/// An account's tier: A (most important) to C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tier {
    A,
    B,
    C,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::A, Tier::B, Tier::C];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
        }
    }

    pub fn parse(value: &str) -> Option<Tier> {
        match value.trim().to_ascii_uppercase().as_str() {
            "A" => Some(Tier::A),
            "B" => Some(Tier::B),
            "C" => Some(Tier::C),
            _ => None,
        }
    }
}

/// "yes"/"no" as people type it into forms and spreadsheets, in English and German.
pub fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "0" | "no" | "n" | "false" | "nein" | "falsch" | "off" => Some(false),
        "1" | "yes" | "y" | "true" | "ja" | "j" | "wahr" | "on" | "x" => Some(true),
        _ => None,
    }
}

/// An optional id from a `<select>`: empty means none.
fn optional_id(
    errors: &mut FieldErrors,
    field: &str,
    label: &'static str,
    value: &str,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, msg!("field-choose-from-list").label("field", label));
            None
        }
    }
}

fn phone(errors: &mut FieldErrors, value: &str) -> Option<String> {
    let phone = optional_text(
        errors,
        "phone",
        k!("contacts-phone"),
        value,
        MAX_PHONE_CHARS,
    )?;
    let allowed = |c: char| c.is_ascii_digit() || " +-()/.".contains(c);
    if !phone.chars().all(allowed) || !phone.chars().any(|c| c.is_ascii_digit()) {
        errors.add("phone", msg!("phone-invalid"));
    }
    Some(phone)
}

/// A person's name as every page, list and mail shows it: "first last", without the space when
/// one part is empty (names from an import or an old row may lack one).
pub fn person_name(first: &str, last: &str) -> String {
    match (first.trim(), last.trim()) {
        ("", last) => last.to_string(),
        (first, "") => first.to_string(),
        (first, last) => format!("{first} {last}"),
    }
}

/// A contact form as the user typed it: every field is text, nothing is trusted yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: String,
    pub phone: String,
    pub language: String,
    /// the account's id from the select, empty for none
    pub account_id: String,
    /// the owner's user id; only marketing and admins may choose it
    pub owner_id: String,
    // No unsubscribed flag: consent belongs to the contact (see `consent`). A form that still
    // sends one has it ignored, since unknown fields are dropped when the input is read.
}

/// A contact that satisfies every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub first_name: String,
    pub last_name: String,
    pub email: EmailAddress,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub account_id: Option<i32>,
    pub owner_id: Option<i32>,
}

impl ContactDraft {
    pub fn parse(input: &ContactInput) -> Result<ContactDraft, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let first_name = required_text(
            &mut errors,
            "first_name",
            k!("contacts-first-name"),
            &input.first_name,
            MAX_NAME_CHARS,
        );
        let last_name = required_text(
            &mut errors,
            "last_name",
            k!("contacts-last-name"),
            &input.last_name,
            MAX_NAME_CHARS,
        );
        let email = EmailAddress::parse(&input.email);
        if let Err(message) = &email {
            errors.add("email", message.clone());
        }
        let title = optional_text(
            &mut errors,
            "title",
            k!("form-title"),
            &input.title,
            MAX_TITLE_CHARS,
        );
        let phone = phone(&mut errors, &input.phone);
        let language = if input.language.trim().is_empty() {
            Some(Language::En)
        } else {
            Language::parse(&input.language)
        };
        if language.is_none() {
            errors.add("language", msg!("language-code-unknown"));
        }
        let account_id = optional_id(
            &mut errors,
            "account_id",
            k!("contacts-account"),
            &input.account_id,
        );
        let owner_id = optional_id(&mut errors, "owner_id", k!("label-owner"), &input.owner_id);
        errors.into_result(|| ContactDraft {
            first_name,
            last_name,
            email: email.expect("checked"),
            title,
            phone,
            language: language.expect("checked"),
            account_id,
            owner_id,
        })
    }
}

/// An account form as the user typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountInput {
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub tier: String,
    /// a checkbox: "on" (or "true") when ticked, absent otherwise
    pub target_account: String,
    pub owner_id: String,
}

/// An account that satisfies every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDraft {
    pub name: String,
    /// lower-cased host name such as `nordwind.example`
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub tier: Option<Tier>,
    pub target_account: bool,
    pub owner_id: Option<i32>,
}

/// A web domain as people paste it: `https://www.Example.com/about` → `www.example.com`.
pub fn parse_domain(value: &str) -> Result<Option<String>, Msg> {
    let mut domain = value.trim().to_lowercase();
    if domain.is_empty() {
        return Ok(None);
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = domain.strip_prefix(scheme) {
            domain = rest.to_string();
        }
    }
    let domain = domain.split('/').next().unwrap_or_default().to_string();
    if domain.chars().count() > MAX_DOMAIN_CHARS {
        return Err(msg!("domain-too-long", max = MAX_DOMAIN_CHARS));
    }
    let valid = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if valid {
        Ok(Some(domain))
    } else {
        Err(msg!("domain-invalid"))
    }
}

impl AccountDraft {
    pub fn parse(input: &AccountInput) -> Result<AccountDraft, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let name = required_text(
            &mut errors,
            "name",
            k!("accounts-name"),
            &input.name,
            MAX_ACCOUNT_NAME_CHARS,
        );
        let domain = match parse_domain(&input.domain) {
            Ok(domain) => domain,
            Err(message) => {
                errors.add("domain", message);
                None
            }
        };
        let industry = optional_text(
            &mut errors,
            "industry",
            k!("accounts-industry"),
            &input.industry,
            MAX_INDUSTRY_CHARS,
        );
        let tier = if input.tier.trim().is_empty() {
            None
        } else {
            let tier = Tier::parse(&input.tier);
            if tier.is_none() {
                errors.add("tier", msg!("tier-unknown"));
            }
            tier
        };
        let target_account = parse_flag(&input.target_account);
        if target_account.is_none() {
            errors.add("target_account", msg!("target-account-unknown"));
        }
        let owner_id = optional_id(&mut errors, "owner_id", k!("label-owner"), &input.owner_id);
        errors.into_result(|| AccountDraft {
            name,
            domain,
            industry,
            tier,
            target_account: target_account.expect("checked"),
            owner_id,
        })
    }
}

/// The contacts list's search and filters, as they appear in the URL query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactQuery {
    /// words to find in name, email or account name
    pub q: String,
    /// owner's user id
    pub owner: String,
    /// account id
    pub account: String,
    /// `en` or `de`
    pub language: String,
    /// `yes` (only unsubscribed), `no` (only subscribed), empty for both
    pub unsubscribed: String,
}

impl ContactQuery {
    /// The query string (without `?`) that reproduces this filter, e.g. for the export link.
    pub fn to_query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("owner", &self.owner),
            ("account", &self.account),
            ("language", &self.language),
            ("unsubscribed", &self.unsubscribed),
        ])
    }
}

/// The accounts list's search and filters, as they appear in the URL query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountQuery {
    /// words to find in name, domain or industry
    pub q: String,
    /// `A`, `B` or `C`
    pub tier: String,
    /// `yes` or `no`, empty for both
    pub target: String,
    /// owner's user id
    pub owner: String,
}

impl AccountQuery {
    pub fn to_query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("tier", &self.tier),
            ("target", &self.target),
            ("owner", &self.owner),
        ])
    }
}

/// `key=value&…` for the non-empty values, percent-encoded.
fn query_string(pairs: &[(&str, &String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Search text split into lower-cased words; every word must match somewhere.
pub fn search_terms(q: &str) -> Vec<String> {
    q.split_whitespace()
        .take(5)
        .map(|w| w.to_lowercase())
        .collect()
}

/// A column of the contacts CSV, recognised by its English or German header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportColumn {
    FirstName,
    LastName,
    Email,
    Title,
    Phone,
    Language,
    Account,
    Domain,
    Industry,
    Tier,
    TargetAccount,
    OwnerEmail,
}

impl ImportColumn {
    pub const ALL: [ImportColumn; 12] = [
        ImportColumn::FirstName,
        ImportColumn::LastName,
        ImportColumn::Email,
        ImportColumn::Title,
        ImportColumn::Phone,
        ImportColumn::Language,
        ImportColumn::Account,
        ImportColumn::Domain,
        ImportColumn::Industry,
        ImportColumn::Tier,
        ImportColumn::TargetAccount,
        ImportColumn::OwnerEmail,
    ];

    /// The name Tandem writes in its own CSV files (and reports in row errors).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportColumn::FirstName => "first_name",
            ImportColumn::LastName => "last_name",
            ImportColumn::Email => "email",
            ImportColumn::Title => "title",
            ImportColumn::Phone => "phone",
            ImportColumn::Language => "language",
            ImportColumn::Account => "account",
            ImportColumn::Domain => "domain",
            ImportColumn::Industry => "industry",
            ImportColumn::Tier => "tier",
            ImportColumn::TargetAccount => "target_account",
            ImportColumn::OwnerEmail => "owner_email",
        }
    }

    /// Recognises a header cell: case, spaces, `-` and `_` do not matter; English or German.
    pub fn from_header(header: &str) -> Option<ImportColumn> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
            .collect();
        let column = match key.as_str() {
            "firstname" | "givenname" | "vorname" => ImportColumn::FirstName,
            "lastname" | "surname" | "familyname" | "nachname" | "familienname" => {
                ImportColumn::LastName
            }
            "email" | "emailaddress" | "mail" | "emailadresse" => ImportColumn::Email,
            "title" | "jobtitle" | "position" | "funktion" | "titel" => ImportColumn::Title,
            "phone" | "telephone" | "phonenumber" | "telefon" | "telefonnummer" => {
                ImportColumn::Phone
            }
            "language" | "sprache" => ImportColumn::Language,
            "account" | "company" | "accountname" | "firma" | "unternehmen" => {
                ImportColumn::Account
            }
            "domain" | "website" | "webseite" | "domäne" => ImportColumn::Domain,
            "industry" | "branche" => ImportColumn::Industry,
            "tier" | "stufe" | "kategorie" => ImportColumn::Tier,
            "targetaccount" | "target" | "zielkunde" => ImportColumn::TargetAccount,
            "owneremail" | "owner" | "betreuer" | "betreueremail" => ImportColumn::OwnerEmail,
            _ => return None,
        };
        Some(column)
    }

    pub fn required() -> [ImportColumn; 3] {
        [
            ImportColumn::FirstName,
            ImportColumn::LastName,
            ImportColumn::Email,
        ]
    }
}

/// Guesses the separator from the header line: German Excel writes `;`, most tools `,`.
pub fn detect_separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.chars().filter(|x| *x == c).count();
    if count(';') > count(',') {
        b';'
    } else if count('\t') > count(',') {
        b'\t'
    } else {
        b','
    }
}

/// Makes a cell safe for spreadsheets: one that starts like a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return) gets a leading `'`, so Excel and LibreOffice show it as text.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Undoes `neutralise_formula` on import, so an exported file imports back unchanged.
pub fn restore_neutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_first_then_last_without_stray_spaces() {
        assert_eq!(person_name("Jana", "Novak"), "Jana Novak");
        assert_eq!(person_name(" Jana ", ""), "Jana");
        assert_eq!(person_name("", "Novak"), "Novak");
        assert_eq!(person_name("", ""), "");
    }

    fn contact() -> ContactInput {
        ContactInput {
            first_name: "Jana".into(),
            last_name: "Krüger".into(),
            email: " Jana.Krueger@Nordwind.Example ".into(),
            title: "Head of Operations".into(),
            phone: "+49 30 1234-56".into(),
            language: "de".into(),
            account_id: "3".into(),
            owner_id: "".into(),
        }
    }

    #[test]
    fn a_good_contact_is_parsed_with_its_email_lower_cased() {
        let draft = ContactDraft::parse(&contact()).unwrap();
        assert_eq!(draft.email.as_str(), "jana.krueger@nordwind.example");
        assert_eq!(draft.language, Language::De);
        assert_eq!(draft.account_id, Some(3));
        assert_eq!(draft.owner_id, None);
    }

    #[test]
    fn a_contact_names_every_bad_field() {
        let errors = ContactDraft::parse(&ContactInput {
            first_name: " ".into(),
            last_name: "x".repeat(101),
            email: "jana(at)nordwind".into(),
            title: "t".repeat(201),
            phone: "call me".into(),
            language: "fr".into(),
            account_id: "abc".into(),
            owner_id: "-1".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "email",
                "title",
                "phone",
                "language",
                "account_id",
                "owner_id"
            ]
        );
        assert!(errors.iter().all(|e| !e.message.to_string().is_empty()));
    }

    #[test]
    fn an_empty_language_is_english() {
        let mut input = contact();
        input.language = String::new();
        let draft = ContactDraft::parse(&input).unwrap();
        assert_eq!(draft.language, Language::En);
    }

    #[test]
    fn an_account_is_parsed_with_a_clean_domain_and_tier() {
        let draft = AccountDraft::parse(&AccountInput {
            name: " Nordwind Logistik GmbH ".into(),
            domain: "https://WWW.Nordwind.example/about".into(),
            industry: "Logistics".into(),
            tier: "a".into(),
            target_account: "on".into(),
            owner_id: "2".into(),
        })
        .unwrap();
        assert_eq!(draft.name, "Nordwind Logistik GmbH");
        assert_eq!(draft.domain.as_deref(), Some("www.nordwind.example"));
        assert_eq!(draft.tier, Some(Tier::A));
        assert!(draft.target_account);
        assert_eq!(draft.owner_id, Some(2));
    }

    #[test]
    fn an_account_names_every_bad_field() {
        let errors = AccountDraft::parse(&AccountInput {
            name: "".into(),
            domain: "not a domain".into(),
            industry: "i".repeat(101),
            tier: "Z".into(),
            target_account: "perhaps".into(),
            owner_id: "x".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "domain",
                "industry",
                "tier",
                "target_account",
                "owner_id"
            ]
        );
    }

    #[test]
    fn only_owners_sales_edit_and_managers_never() {
        assert!(can_edit_directory(Role::Sales, 7, Some(7)));
        assert!(!can_edit_directory(Role::Sales, 7, Some(8)));
        assert!(!can_edit_directory(Role::Sales, 7, None));
        assert!(can_edit_directory(Role::Marketing, 7, Some(8)));
        assert!(can_edit_directory(Role::Admin, 7, None));
        assert!(!can_edit_directory(Role::Manager, 7, Some(7)));
        assert!(!can_create_directory(Role::Manager));
        assert!(can_create_directory(Role::Sales));
        assert!(!can_assign_owner(Role::Sales));
    }

    #[test]
    fn headers_are_recognised_in_english_and_german() {
        let cases = [
            ("first_name", ImportColumn::FirstName),
            ("Vorname", ImportColumn::FirstName),
            ("Last Name", ImportColumn::LastName),
            ("Nachname", ImportColumn::LastName),
            ("\u{feff}E-Mail", ImportColumn::Email),
            ("email", ImportColumn::Email),
            ("Position", ImportColumn::Title),
            ("Telefon", ImportColumn::Phone),
            ("Sprache", ImportColumn::Language),
            ("Firma", ImportColumn::Account),
            ("Unternehmen", ImportColumn::Account),
            ("Branche", ImportColumn::Industry),
            ("Zielkunde", ImportColumn::TargetAccount),
            ("Betreuer", ImportColumn::OwnerEmail),
            ("owner_email", ImportColumn::OwnerEmail),
        ];
        for (header, column) in cases {
            assert_eq!(ImportColumn::from_header(header), Some(column), "{header}");
        }
        assert_eq!(ImportColumn::from_header("Lieblingsfarbe"), None);
        for column in ImportColumn::ALL {
            assert_eq!(ImportColumn::from_header(column.as_str()), Some(column));
        }
    }

    #[test]
    fn the_separator_is_taken_from_the_header_line() {
        assert_eq!(
            detect_separator("Vorname;Nachname;E-Mail\nA;B;c@d.de"),
            b';'
        );
        assert_eq!(detect_separator("first_name,last_name,email"), b',');
    }

    #[test]
    fn cells_that_look_like_formulas_are_neutralised_and_restored() {
        for cell in ["=1+1", "+49 30", "-2", "@SUM(A1)", "\tx", "\rx"] {
            let safe = neutralise_formula(cell);
            assert!(safe.starts_with('\''), "{cell:?}");
            assert_eq!(restore_neutralised(&safe), cell);
        }
        assert_eq!(neutralise_formula("Jana"), "Jana");
        assert_eq!(restore_neutralised("'quoted"), "'quoted");
    }

    #[test]
    fn filters_become_a_query_string_with_only_what_is_set() {
        let query = ContactQuery {
            q: "Krüger & Co".into(),
            language: "de".into(),
            ..Default::default()
        };
        assert_eq!(
            query.to_query_string(),
            "q=Kr%C3%BCger%20%26%20Co&language=de"
        );
        assert_eq!(AccountQuery::default().to_query_string(), "");
    }

    #[test]
    fn flags_are_read_in_english_and_german() {
        assert_eq!(parse_flag("Ja"), Some(true));
        assert_eq!(parse_flag("yes"), Some(true));
        assert_eq!(parse_flag("nein"), Some(false));
        assert_eq!(parse_flag(""), Some(false));
        assert_eq!(parse_flag("vielleicht"), None);
    }
}
