//! Consent belongs to the contact: only the contact (the unsubscribe link) or an admin with a
//! reason changes whether a contact is unsubscribed; contact forms and imports cannot. Every test
//! runs on SQLite (in memory) and on PostgreSQL (skipped with a printed reason without
//! TEST_DATABASE_URL).
#![cfg(feature = "ssr")]

use app::domain::{
    ConsentInput, ContactAction, ContactInput, ContactQuery, UnsubscribeSource,
    CONSENT_REASON_REQUIRED,
};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::CurrentUser;
use app::ssr::entities::{contact, contact_activity};
use app::ssr::services::{ConsentService, ContactService, ImportService};
use chrono::{Duration, DurationRound, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

#[macro_use]
mod common;
use common::*;

fn jana() -> ContactInput {
    ContactInput {
        first_name: "Jana".into(),
        last_name: "Krüger".into(),
        email: "jana@nordwind.example".into(),
        language: "de".into(),
        ..Default::default()
    }
}

fn unsubscribe(reason: &str) -> ConsentInput {
    ConsentInput {
        change: "unsubscribe".into(),
        reason: reason.into(),
    }
}

fn resubscribe(reason: &str) -> ConsentInput {
    ConsentInput {
        change: "resubscribe".into(),
        reason: reason.into(),
    }
}

/// A time the database stores exactly (PostgreSQL keeps microseconds).
fn now() -> chrono::DateTime<Utc> {
    Utc::now().duration_trunc(Duration::seconds(1)).unwrap()
}

async fn reload(db: &DatabaseConnection, id: i32) -> contact::Model {
    contact::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .expect("contact")
}

async fn log_of(db: &DatabaseConnection, id: i32) -> Vec<contact_activity::Model> {
    ConsentService::activities(db, id).await.unwrap()
}

async fn new_contact(db: &DatabaseConnection, by: &CurrentUser) -> contact::Model {
    ContactService::create(db, by, &jana()).await.unwrap()
}

on_both_databases!(
    sales_marketing_and_managers_are_refused_and_nothing_changes,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let subscribed = new_contact(&db, &team.sales).await;
        let mut other = jana();
        other.email = "lea@kestrel.example".into();
        let gone = ContactService::create(&db, &team.sales, &other)
            .await
            .unwrap();
        let gone = ConsentService::unsubscribe_by_contact(&db, gone.id, now())
            .await
            .unwrap();
        for actor in [&team.sales, &team.marketing, &team.manager] {
            let refused = ConsentService::change_by_admin(
                &db,
                actor,
                subscribed.id,
                &unsubscribe("they asked"),
                now(),
            )
            .await
            .unwrap_err();
            assert_eq!(refused, AppError::Forbidden, "{:?}", actor.role);
            let refused =
                ConsentService::change_by_admin(&db, actor, gone.id, &resubscribe("oops"), now())
                    .await
                    .unwrap_err();
            assert_eq!(refused, AppError::Forbidden, "{:?}", actor.role);
            assert_eq!(refused.status().as_u16(), 403);
        }
        assert_eq!(reload(&db, subscribed.id).await, subscribed);
        assert_eq!(reload(&db, gone.id).await, gone);
        assert_eq!(log_of(&db, subscribed.id).await.len(), 0);
        assert_eq!(log_of(&db, gone.id).await.len(), 1, "only the link's row");
    }
);

on_both_databases!(
    an_admin_without_a_reason_gets_an_error_on_the_reason_field_and_nothing_changes,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let contact = new_contact(&db, &team.sales).await;
        for reason in ["", "   "] {
            let err = ConsentService::change_by_admin(
                &db,
                &team.admin,
                contact.id,
                &unsubscribe(reason),
                now(),
            )
            .await
            .unwrap_err();
            let fields = err.field_errors();
            assert_eq!(fields.len(), 1);
            assert_eq!(fields[0].field, "reason");
            assert!(fields[0].message.is(CONSENT_REASON_REQUIRED));
        }
        assert_eq!(reload(&db, contact.id).await, contact);
        assert!(log_of(&db, contact.id).await.is_empty());
    }
);

on_both_databases!(
    an_admin_can_unsubscribe_a_contact_with_a_reason_and_it_is_logged,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let contact = new_contact(&db, &team.sales).await;
        let at = now();
        ConsentService::change_by_admin(
            &db,
            &team.admin,
            contact.id,
            &unsubscribe("  Asked us by phone on Monday "),
            at,
        )
        .await
        .unwrap();
        let stored = reload(&db, contact.id).await;
        assert_eq!(stored.unsubscribed_at, Some(at));
        assert_eq!(stored.unsubscribe_source.as_deref(), Some("admin"));
        assert_eq!(
            stored.unsubscribe_note.as_deref(),
            Some("Asked us by phone on Monday")
        );
        assert_eq!(stored.unsubscribed_by, Some(team.admin.id));
        let log = log_of(&db, contact.id).await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].action, ContactAction::UnsubscribedByAdmin.as_str());
        assert_eq!(log[0].user_id, Some(team.admin.id));
        assert_eq!(log[0].note.as_deref(), Some("Asked us by phone on Monday"));
        assert_eq!(log[0].created_at, at);

        // the contact page says when and how, and shows the log
        let detail = shown::contact_detail(&db, &team.sales, contact.id, Lang::En)
            .await
            .unwrap();
        assert!(detail.unsubscribed_at.is_some());
        assert_eq!(detail.unsubscribe_source, Some(UnsubscribeSource::Admin));
        assert_eq!(detail.unsubscribed_by.as_deref(), Some("admin"));
        assert_eq!(
            detail.unsubscribe_note.as_deref(),
            Some("Asked us by phone on Monday")
        );
        assert!(
            !detail.can_change_consent,
            "sales see it but cannot change it"
        );
        assert_eq!(detail.activities.len(), 1);
        assert_eq!(detail.activities[0].who.as_deref(), Some("admin"));

        // unsubscribing twice is refused and logs nothing more
        let again =
            ConsentService::change_by_admin(&db, &team.admin, contact.id, &unsubscribe("x"), now())
                .await
                .unwrap_err();
        assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
        assert_eq!(log_of(&db, contact.id).await.len(), 1);
    }
);

on_both_databases!(
    an_admin_can_resubscribe_a_contact_with_a_reason_and_it_is_logged,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let contact = new_contact(&db, &team.sales).await;
        ConsentService::unsubscribe_by_contact(&db, contact.id, now())
            .await
            .unwrap();
        let without_reason =
            ConsentService::change_by_admin(&db, &team.admin, contact.id, &resubscribe(""), now())
                .await
                .unwrap_err();
        assert_eq!(without_reason.field_errors()[0].field, "reason");
        assert!(reload(&db, contact.id).await.unsubscribed_at.is_some());

        ConsentService::change_by_admin(
            &db,
            &team.admin,
            contact.id,
            &resubscribe("Signed up again at the trade fair, form on file"),
            now(),
        )
        .await
        .unwrap();
        let stored = reload(&db, contact.id).await;
        assert_eq!(stored.unsubscribed_at, None);
        assert_eq!(stored.unsubscribe_source, None);
        assert_eq!(stored.unsubscribe_note, None);
        assert_eq!(stored.unsubscribed_by, None);
        let log = log_of(&db, contact.id).await;
        let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                ContactAction::ResubscribedByAdmin.as_str(),
                ContactAction::UnsubscribedViaLink.as_str()
            ],
            "newest first"
        );
        assert_eq!(log[0].user_id, Some(team.admin.id));
        assert_eq!(
            log[0].note.as_deref(),
            Some("Signed up again at the trade fair, form on file")
        );
    }
);

on_both_databases!(
    the_contact_unsubscribes_by_link_once_and_a_second_click_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let contact = new_contact(&db, &team.sales).await;
        let first = now() - Duration::hours(1);
        let model = ConsentService::unsubscribe_by_contact(&db, contact.id, first)
            .await
            .unwrap();
        assert_eq!(model.unsubscribed_at, Some(first));
        assert_eq!(model.unsubscribe_source.as_deref(), Some("link"));
        assert_eq!(model.unsubscribed_by, None);
        let again = ConsentService::unsubscribe_by_contact(&db, contact.id, now())
            .await
            .unwrap();
        assert_eq!(again.unsubscribed_at, Some(first), "the first time stays");
        assert_eq!(reload(&db, contact.id).await, model);
        let log = log_of(&db, contact.id).await;
        assert_eq!(log.len(), 1, "one row, however often the link is followed");
        assert_eq!(log[0].action, ContactAction::UnsubscribedViaLink.as_str());
        assert_eq!(log[0].user_id, None);

        let detail = shown::contact_detail(&db, &team.admin, contact.id, Lang::De)
            .await
            .unwrap();
        assert_eq!(detail.unsubscribe_source, Some(UnsubscribeSource::Link));
        assert_eq!(detail.unsubscribed_by, None);
        assert!(detail.can_change_consent);
        assert_eq!(
            detail.activities[0].action,
            ContactAction::UnsubscribedViaLink
        );
        assert_eq!(detail.activities[0].who, None);

        let missing = ConsentService::unsubscribe_by_contact(&db, contact.id + 100, now())
            .await
            .unwrap_err();
        assert_eq!(missing, AppError::NotFound);
    }
);

on_both_databases!(
    creating_and_editing_a_contact_never_changes_its_consent,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let contact = new_contact(&db, &team.marketing).await;
        assert_eq!(contact.unsubscribed_at, None, "a new contact is subscribed");
        let gone = ConsentService::unsubscribe_by_contact(&db, contact.id, now())
            .await
            .unwrap();
        let mut edit = jana();
        edit.title = "COO".into();
        for actor in [&team.marketing, &team.admin] {
            let saved = ContactService::update(&db, actor, contact.id, &edit)
                .await
                .unwrap();
            assert_eq!(saved.title.as_deref(), Some("COO"));
            assert_eq!(saved.unsubscribed_at, gone.unsubscribed_at);
            assert_eq!(saved.unsubscribe_source, gone.unsubscribe_source);
        }
        let form = shown::contact_form(&db, &team.marketing, contact.id)
            .await
            .unwrap();
        assert_eq!(form.input.title, "COO");
        assert_eq!(log_of(&db, contact.id).await.len(), 1);
    }
);

on_both_databases!(
    an_import_with_an_unsubscribed_column_changes_no_ones_consent,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let stays_subscribed = new_contact(&db, &team.marketing).await;
        let mut lea = jana();
        lea.email = "lea@kestrel.example".into();
        let lea = ContactService::create(&db, &team.marketing, &lea)
            .await
            .unwrap();
        let stays_unsubscribed = ConsentService::unsubscribe_by_contact(&db, lea.id, now())
            .await
            .unwrap();
        let file = "first_name,last_name,email,title,unsubscribed\n\
Jana,Krüger,jana@nordwind.example,COO,yes\n\
Lea,Vogel,lea@kestrel.example,CIO,no\n\
Tom,Neu,tom@new.example,,yes\n";
        let preview = ImportService::plan(&db, &team.admin, file)
            .await
            .unwrap()
            .preview;
        assert_eq!(preview.ignored_columns, ["unsubscribed"]);
        let result = ImportService::import(&db, &team.admin, file).await.unwrap();
        assert_eq!((result.new, result.updated, result.invalid), (1, 2, 0));

        let jana = reload(&db, stays_subscribed.id).await;
        assert_eq!(jana.title.as_deref(), Some("COO"), "the row was imported");
        assert_eq!(jana.unsubscribed_at, None);
        let lea = reload(&db, lea.id).await;
        assert_eq!(lea.title.as_deref(), Some("CIO"));
        assert_eq!(lea.unsubscribed_at, stays_unsubscribed.unsubscribed_at);
        assert_eq!(lea.unsubscribe_source.as_deref(), Some("link"));
        let tom = contact::Entity::find()
            .filter(contact::Column::Email.eq("tom@new.example"))
            .one(&db)
            .await
            .unwrap()
            .expect("tom imported");
        assert_eq!(tom.unsubscribed_at, None);

        // the export's own unsubscribed_at column round-trips without changing anything
        let export = ContactService::export_csv(&db, &team.admin, &ContactQuery::default())
            .await
            .unwrap();
        assert!(export.lines().next().unwrap().ends_with(",unsubscribed_at"));
        ContactService::update(&db, &team.admin, lea.id, &{
            let mut input = shown::contact_form(&db, &team.admin, lea.id)
                .await
                .unwrap()
                .input;
            input.title = "CTO".into();
            input
        })
        .await
        .unwrap();
        let result = ImportService::import(&db, &team.admin, &export)
            .await
            .unwrap();
        assert_eq!(result.invalid, 0, "{:?}", result.errors);
        let lea_after = reload(&db, lea.id).await;
        assert_eq!(
            lea_after.unsubscribed_at,
            stays_unsubscribed.unsubscribed_at
        );
        assert_eq!(reload(&db, stays_subscribed.id).await.unsubscribed_at, None);
        assert_eq!(
            contact_activity::Entity::find().count(&db).await.unwrap(),
            1,
            "only the link's row"
        );
    }
);
