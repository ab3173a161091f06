//! Directory service tests: contacts, accounts, who may change them, CSV import and export.
//! Every test runs on SQLite (in memory) and on PostgreSQL (a fresh database per test, from
//! TEST_DATABASE_URL; skipped with a printed reason when that is unset).
#![cfg(feature = "ssr")]

use app::domain::{AccountInput, AccountQuery, ContactInput, ContactQuery, Role};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::entities::{account, contact, guest};
use app::ssr::services::{
    AccountService, ConsentService, ContactService, EventService, ImportService,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

#[macro_use]
mod common;
use common::*;
fn jana() -> ContactInput {
    ContactInput {
        first_name: "Jana".into(),
        last_name: "Krüger".into(),
        email: "Jana.Krueger@Nordwind.example".into(),
        title: "Head of Operations".into(),
        phone: "+49 30 123456".into(),
        language: "de".into(),
        ..Default::default()
    }
}

fn nordwind() -> AccountInput {
    AccountInput {
        name: "Nordwind Logistik GmbH".into(),
        domain: "nordwind.example".into(),
        industry: "Logistics".into(),
        tier: "A".into(),
        target_account: "on".into(),
        owner_id: String::new(),
    }
}

async fn contact_count(db: &DatabaseConnection) -> u64 {
    contact::Entity::find().count(db).await.unwrap()
}

async fn account_count(db: &DatabaseConnection) -> u64 {
    account::Entity::find().count(db).await.unwrap()
}

async fn by_email(db: &DatabaseConnection, email: &str) -> contact::Model {
    contact::Entity::find()
        .filter(contact::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} not found"))
}

fn fields(err: &AppError) -> Vec<String> {
    err.field_errors().into_iter().map(|e| e.field).collect()
}

on_both_databases!(
    a_contact_created_by_sales_is_owned_by_them_with_its_email_lower_cased,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = ContactService::create(&db, &team.sales, &jana())
            .await
            .unwrap();
        assert_eq!(created.owner_id, Some(team.sales.id));
        assert_eq!(created.email, "jana.krueger@nordwind.example");
        assert_eq!(created.language, "de");
        assert!(created.unsubscribed_at.is_none());
    }
);

on_both_databases!(
    a_duplicate_email_in_other_case_is_an_error_on_the_email_field_and_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        ContactService::create(&db, &team.sales, &jana())
            .await
            .unwrap();
        let mut again = jana();
        again.email = "JANA.KRUEGER@nordwind.EXAMPLE".into();
        again.first_name = "Other".into();
        let err = ContactService::create(&db, &team.marketing, &again)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["email"]);
        assert_eq!(contact_count(&db).await, 1);
    }
);

on_both_databases!(
    bad_input_names_every_field_and_stores_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let err = ContactService::create(
            &db,
            &team.sales,
            &ContactInput {
                email: "not-an-email".into(),
                language: "fr".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&err),
            ["first_name", "last_name", "email", "language"]
        );
        let mut unknown_account = jana();
        unknown_account.account_id = "999".into();
        let err = ContactService::create(&db, &team.sales, &unknown_account)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["account_id"]);
        assert_eq!(contact_count(&db).await, 0);
    }
);

on_both_databases!(
    sales_edit_only_their_own_contacts_and_managers_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "other.rep@example.com", Role::Sales).await;
        let created = ContactService::create(&db, &team.sales, &jana())
            .await
            .unwrap();
        let mut change = jana();
        change.title = "CEO".into();
        for actor in [&other_rep, &team.manager] {
            let err = ContactService::update(&db, actor, created.id, &change)
                .await
                .unwrap_err();
            assert_eq!(err, AppError::Forbidden);
            assert_eq!(
                shown::contact_form(&db, actor, created.id)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
        }
        assert_eq!(
            ContactService::create(&db, &team.manager, &jana())
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let unchanged = ContactService::find(&db, created.id).await.unwrap();
        assert_eq!(unchanged, created);

        // the owner and marketing may
        ContactService::update(&db, &team.sales, created.id, &change)
            .await
            .unwrap();
        change.title = "CFO".into();
        let updated = ContactService::update(&db, &team.marketing, created.id, &change)
            .await
            .unwrap();
        assert_eq!(updated.title.as_deref(), Some("CFO"));
        // marketing did not choose an owner: marketing may leave a contact without one
        assert_eq!(updated.owner_id, None);
    }
);

on_both_databases!(
    sales_cannot_give_a_contact_to_someone_else_but_marketing_can,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "other.rep@example.com", Role::Sales).await;
        let mut input = jana();
        input.owner_id = other_rep.id.to_string();
        assert_eq!(
            ContactService::create(&db, &team.sales, &input)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(contact_count(&db).await, 0);
        let created = ContactService::create(&db, &team.marketing, &input)
            .await
            .unwrap();
        assert_eq!(created.owner_id, Some(other_rep.id));
        input.owner_id = "4242".into();
        let err = ContactService::update(&db, &team.admin, created.id, &input)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["owner_id"]);
    }
);

on_both_databases!(
    the_contacts_list_searches_names_emails_and_accounts_and_filters,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let account = AccountService::create(&db, &team.marketing, &nordwind())
            .await
            .unwrap();
        let mut jana = jana();
        jana.account_id = account.id.to_string();
        ContactService::create(&db, &team.sales, &jana)
            .await
            .unwrap();
        let priya = ContactService::create(
            &db,
            &team.marketing,
            &ContactInput {
                first_name: "Priya".into(),
                last_name: "Shah".into(),
                email: "priya@brightpath.example".into(),
                language: "en".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ConsentService::unsubscribe_by_contact(&db, priya.id, Utc::now())
            .await
            .unwrap();
        let search = |q: &str| ContactQuery {
            q: q.into(),
            ..Default::default()
        };
        let names = |list: app::api::dto::ContactList| {
            list.rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
        };
        let all = shown::contact_list(&db, &team.manager, &ContactQuery::default())
            .await
            .unwrap();
        assert_eq!(all.total, 2);
        assert_eq!(names(all), ["Jana Krüger", "Priya Shah"]);
        for q in ["jana", "KRUEGER@", "nordwind logistik", "Jana Krüger"] {
            let found = shown::contact_list(&db, &team.manager, &search(q))
                .await
                .unwrap();
            assert_eq!(names(found), ["Jana Krüger"], "{q}");
        }
        let found = shown::contact_list(&db, &team.manager, &search("100%_"))
            .await
            .unwrap();
        assert_eq!(found.total, 0);
        let filter = ContactQuery {
            unsubscribed: "yes".into(),
            ..Default::default()
        };
        let found = shown::contact_list(&db, &team.sales, &filter)
            .await
            .unwrap();
        assert_eq!(names(found.clone()), ["Priya Shah"]);
        assert!(
            !found.rows[0].can_edit,
            "sales may not edit marketing's contact"
        );
        let filter = ContactQuery {
            owner: team.sales.id.to_string(),
            language: "de".into(),
            account: account.id.to_string(),
            ..Default::default()
        };
        let found = shown::contact_list(&db, &team.sales, &filter)
            .await
            .unwrap();
        assert_eq!(
            found.rows[0].account_name.as_deref(),
            Some("Nordwind Logistik GmbH")
        );
        assert!(found.rows[0].can_edit);
    }
);

on_both_databases!(
    a_contact_page_lists_every_event_it_was_nominated_to,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = ContactService::create(&db, &team.sales, &jana())
            .await
            .unwrap();
        let detail = shown::contact_detail(&db, &team.manager, created.id, Lang::En)
            .await
            .unwrap();
        assert!(detail.events.is_empty());
        assert!(!detail.can_edit);

        let event = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let now = Utc::now();
        guest::ActiveModel {
            event_id: Set(event.id),
            contact_id: Set(created.id),
            nominated_by: Set(team.sales.id),
            reason: Set("Key account".into()),
            priority: Set(app::domain::Priority::A),
            personal_note: Set(String::new()),
            state: Set(app::domain::NominationState::Approved),
            invitation: Set(app::domain::InvitationState::Sent),
            answer: Set(app::domain::Answer::Accepted),
            checked_in_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        let detail = shown::contact_detail(&db, &team.sales, created.id, Lang::En)
            .await
            .unwrap();
        assert!(detail.can_edit);
        assert_eq!(detail.events.len(), 1);
        let row = &detail.events[0];
        assert_eq!(row.event_id, event.id);
        assert_eq!(row.title, "Customer evening");
        assert_eq!(row.when, "Sun 10 Mar 2030, 18:00 CET");
        assert_eq!(row.state, app::domain::NominationState::Approved);
        assert_eq!(row.answer, app::domain::Answer::Accepted);
        assert!(row.checked_in.is_some());
        assert_eq!(row.nominated_by, team.sales.name);
    }
);

on_both_databases!(
    accounts_are_unique_by_name_and_edited_by_owner_or_marketing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "other.rep@example.com", Role::Sales).await;
        let account = AccountService::create(&db, &team.sales, &nordwind())
            .await
            .unwrap();
        assert_eq!(account.owner_id, Some(team.sales.id));
        assert_eq!(account.tier.as_deref(), Some("A"));
        assert!(account.target_account);
        let mut same = nordwind();
        same.name = "NORDWIND logistik gmbh".into();
        let err = AccountService::create(&db, &team.marketing, &same)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["name"]);
        let mut change = nordwind();
        change.tier = "B".into();
        for actor in [&other_rep, &team.manager] {
            assert_eq!(
                AccountService::update(&db, actor, account.id, &change)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
        }
        assert_eq!(
            AccountService::find(&db, account.id).await.unwrap(),
            account
        );
        let updated = AccountService::update(&db, &team.sales, account.id, &change)
            .await
            .unwrap();
        assert_eq!(updated.tier.as_deref(), Some("B"));
        assert_eq!(updated.owner_id, Some(team.sales.id));

        let list = shown::account_list(
            &db,
            &team.manager,
            &AccountQuery {
                tier: "B".into(),
                target: "yes".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(list.total, 1);
        assert!(!list.rows[0].can_edit);
        let none = shown::account_list(
            &db,
            &team.manager,
            &AccountQuery {
                q: "energy".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(none.total, 0);
    }
);

const GOOD_AND_BAD: &str = "first_name,last_name,email,account,tier\r\n\
Jana,Krüger,jana@nordwind.example,Nordwind,A\r\n\
Tobias,Lang,tobias(at)nordwind,Nordwind,A\r\n\
Priya,Shah,priya@brightpath.example,Brightpath,Z\r\n\
Owen,Price,owen@brightpath.example,Brightpath Energy,B\r\n";

on_both_databases!(
    an_import_preview_counts_rows_names_bad_ones_and_writes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let plan = ImportService::plan(&db, &team.sales, GOOD_AND_BAD)
            .await
            .unwrap();
        let preview = plan.preview;
        assert_eq!(
            (
                preview.rows,
                preview.new,
                preview.updated,
                preview.unchanged,
                preview.invalid
            ),
            (4, 2, 0, 0, 2)
        );
        assert_eq!(preview.new_accounts, 2);
        let problems: Vec<_> = preview
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(problems, [(3, "email"), (4, "tier")]);
        assert!(preview.errors[1].message.to_string().contains("Tier"));
        assert_eq!(contact_count(&db).await, 0);
        assert_eq!(account_count(&db).await, 0);
    }
);

on_both_databases!(
    an_import_writes_only_good_rows_and_a_second_import_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let result = ImportService::import(&db, &team.sales, GOOD_AND_BAD)
            .await
            .unwrap();
        assert_eq!((result.new, result.invalid), (2, 2));
        assert_eq!(contact_count(&db).await, 2);
        assert_eq!(account_count(&db).await, 2);
        let jana = by_email(&db, "jana@nordwind.example").await;
        assert_eq!(jana.owner_id, Some(team.sales.id));
        let account = AccountService::find(&db, jana.account_id.unwrap())
            .await
            .unwrap();
        assert_eq!(account.name, "Nordwind");
        assert_eq!(account.owner_id, Some(team.sales.id));

        let again = ImportService::plan(&db, &team.sales, GOOD_AND_BAD)
            .await
            .unwrap()
            .preview;
        assert_eq!(
            (again.new, again.updated, again.unchanged, again.invalid),
            (0, 0, 2, 2)
        );
        assert_eq!(again.new_accounts, 0);
        ImportService::import(&db, &team.sales, GOOD_AND_BAD)
            .await
            .unwrap();
        assert_eq!(contact_count(&db).await, 2);
        assert_eq!(by_email(&db, "jana@nordwind.example").await, jana);
    }
);

on_both_databases!(
    a_german_excel_file_updates_by_email_matches_accounts_by_name_and_keeps_unsubscribed,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let account = AccountService::create(&db, &team.marketing, &nordwind())
            .await
            .unwrap();
        let mut input = jana();
        input.email = "jana@nordwind.example".into();
        let created = ContactService::create(&db, &team.marketing, &input)
            .await
            .unwrap();
        let existing = ConsentService::unsubscribe_by_contact(&db, created.id, Utc::now())
            .await
            .unwrap();
        let file =
            "\u{feff}Vorname;Nachname;E-Mail;Position;Telefon;Sprache;Unternehmen;Betreuer\r\n\
Jana;Krüger;JANA@nordwind.example;COO;;de;nordwind logistik gmbh;sales@example.com\r\n\
Lea;Vogel;lea@kestrel.example;CIO;'+49 40 1;en;Kestrel Health;\r\n";
        let result = ImportService::import(&db, &team.marketing, file)
            .await
            .unwrap();
        assert_eq!(
            (result.new, result.updated, result.invalid),
            (1, 1, 0),
            "{:?}",
            result.errors
        );
        let jana = by_email(&db, "jana@nordwind.example").await;
        assert_eq!(jana.id, existing.id);
        assert_eq!(jana.title.as_deref(), Some("COO"));
        assert_eq!(
            jana.phone.as_deref(),
            Some("+49 30 123456"),
            "an empty cell keeps the phone"
        );
        assert_eq!(jana.account_id, Some(account.id));
        assert_eq!(jana.owner_id, Some(team.sales.id));
        assert_eq!(jana.unsubscribed_at, existing.unsubscribed_at);
        let lea = by_email(&db, "lea@kestrel.example").await;
        assert_eq!(lea.phone.as_deref(), Some("+49 40 1"));
        assert_eq!(lea.language, "en");
        assert_eq!(lea.owner_id, None);
    }
);

on_both_databases!(
    a_sales_import_cannot_change_another_reps_contacts_or_name_an_owner,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "other.rep@example.com", Role::Sales).await;
        let mut input = jana();
        input.email = "jana@nordwind.example".into();
        let theirs = ContactService::create(&db, &other_rep, &input)
            .await
            .unwrap();
        let file = "first_name,last_name,email,owner_email\n\
Jana,Changed,jana@nordwind.example,\n\
Max,Muster,max@muster.example,other.rep@example.com\n\
Max,Muster,max@muster.example,\n\
Eva,Extra,eva@extra.example,\n";
        let preview = ImportService::plan(&db, &team.sales, file)
            .await
            .unwrap()
            .preview;
        assert_eq!((preview.new, preview.invalid), (1, 3));
        let problems: Vec<_> = preview
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect();
        assert_eq!(problems, [(2, "email"), (3, "owner_email"), (4, "email")]);
        assert!(preview.errors[2].message.to_string().contains("line 3"));
        assert_eq!(
            ImportService::plan(&db, &team.manager, file).await.err(),
            Some(AppError::Forbidden)
        );
        ImportService::import(&db, &team.sales, file).await.unwrap();
        assert_eq!(by_email(&db, "jana@nordwind.example").await, theirs);
        assert_eq!(contact_count(&db).await, 2);
    }
);

on_both_databases!(
    a_file_without_the_required_columns_is_refused,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let err = ImportService::plan(&db, &team.sales, "Name,Firma\nJana,Nordwind\n")
            .await
            .err()
            .unwrap();
        assert_eq!(fields(&err), ["file"]);
        let err = ImportService::plan(&db, &team.sales, "")
            .await
            .err()
            .unwrap();
        assert_eq!(fields(&err), ["file"]);
    }
);

on_both_databases!(
    an_export_imports_back_unchanged_and_neutralises_formulas,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let account = AccountService::create(&db, &team.marketing, &nordwind())
            .await
            .unwrap();
        let mut input = jana();
        input.account_id = account.id.to_string();
        input.title = "=HYPERLINK(\"http://evil.example\")".into();
        ContactService::create(&db, &team.sales, &input)
            .await
            .unwrap();
        let csv = ContactService::export_csv(&db, &team.manager, &ContactQuery::default())
            .await
            .unwrap();
        assert!(
            csv.starts_with("\u{feff}first_name,last_name,email,"),
            "{csv}"
        );
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
            "{csv}"
        );
        assert!(csv.contains(",'+49 30 123456,"), "{csv}");
        let again = ImportService::plan(&db, &team.sales, &csv)
            .await
            .unwrap()
            .preview;
        assert_eq!(
            (again.unchanged, again.invalid, again.new),
            (1, 0, 0),
            "{:?}",
            again.errors
        );
        let accounts = AccountService::export_csv(&db, &team.manager, &AccountQuery::default())
            .await
            .unwrap();
        assert_eq!(
            accounts,
            "\u{feff}name,domain,industry,tier,target_account,owner_email,contacts\r\n\
Nordwind Logistik GmbH,nordwind.example,Logistics,A,yes,,1\r\n"
        );
    }
);

/// 10,000 rows on SQLite: prints the time and the file size (timing is never asserted).
#[tokio::test]
async fn importing_ten_thousand_rows_on_sqlite_prints_its_time() {
    let db = sqlite().await;
    let team = team(&db).await;
    let mut file = String::from("first_name;last_name;email;title;phone;language;account;domain;industry;tier;target_account\n");
    for i in 0..10_000 {
        file.push_str(&format!(
            "Vorname{i};Nachname{i};person{i}@firma{}.example;Einkauf;+49 30 {i:06};{};Firma {} GmbH;firma{}.example;Logistik;{};{}\n",
            i % 500,
            if i % 3 == 0 { "en" } else { "de" },
            i % 500,
            i % 500,
            ["A", "B", "C"][i % 3],
            if i % 7 == 0 { "ja" } else { "nein" },
        ));
    }
    let started = std::time::Instant::now();
    let plan = ImportService::plan(&db, &team.marketing, &file)
        .await
        .unwrap();
    let planned = started.elapsed();
    assert_eq!(plan.preview.new, 10_000);
    let steps = std::sync::atomic::AtomicU64::new(0);
    let result = ImportService::write(&db, &team.marketing, plan, |_, _| {
        steps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .await
    .unwrap();
    let total = started.elapsed();
    assert_eq!(result.new, 10_000);
    assert_eq!(result.new_accounts, 500);
    assert_eq!(contact_count(&db).await, 10_000);
    assert!(steps.into_inner() > 10, "progress is reported per chunk");
    println!(
        "imported 10,000 rows ({:.2} MB) on SQLite in {:.2?} (preview {:.2?})",
        file.len() as f64 / 1_048_576.0,
        total,
        planned
    );
    let started = std::time::Instant::now();
    let again = ImportService::plan(&db, &team.marketing, &file)
        .await
        .unwrap()
        .preview;
    assert_eq!(again.unchanged, 10_000);
    println!("re-checking the same file took {:.2?}", started.elapsed());
}
