//! The guest list's writes that cannot race, whom a rep may nominate, its history, and the unique
//! indexes behind the checks. Races run on a file-backed SQLite database (a pool of connections,
//! as the server has) and on PostgreSQL.
use app::domain::{
    Decision, EventStatus, NominationBlock, NominationInput, NominationState, Priority, Role,
};
use app::domain::{InvitationState, Nomination};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::CurrentUser;
use app::ssr::entities::{account, activity, contact, guest};
use app::ssr::services::{EventService, GuestListService};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

#[macro_use]
mod common;
use common::*;

async fn add_contact(db: &DatabaseConnection, email: &str, owner: Option<&CurrentUser>) -> i32 {
    contact::ActiveModel {
        first_name: Set(email.split('@').next().unwrap().to_string()),
        last_name: Set("Customer".into()),
        email: Set(email.to_string()),
        language: Set("en".into()),
        owner_id: Set(owner.map(|o| o.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

fn because(reason: &str) -> Nomination {
    Nomination::parse(&NominationInput {
        reason: reason.into(),
        priority: "A".into(),
    })
    .unwrap()
}

async fn open_event(db: &DatabaseConnection, team: &Team) -> i32 {
    let created = EventService::create(db, &team.marketing, &plan())
        .await
        .unwrap();
    EventService::change_status(db, &team.marketing, created.id, EventStatus::Open)
        .await
        .unwrap();
    created.id
}

async fn seats_in_use(db: &DatabaseConnection, event_id: i32, rep: &CurrentUser) -> usize {
    guest::Entity::find()
        .filter(guest::Column::EventId.eq(event_id))
        .filter(guest::Column::NominatedBy.eq(rep.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.state.uses_seat())
        .count()
}

async fn activities(db: &DatabaseConnection, event_id: i32, action: &str) -> usize {
    activity::Entity::find()
        .filter(activity::Column::EventId.eq(event_id))
        .filter(activity::Column::Action.eq(action))
        .count(db)
        .await
        .unwrap() as usize
}

async fn nominate(
    db: &DatabaseConnection,
    rep: &CurrentUser,
    event_id: i32,
    contact_id: i32,
) -> Result<guest::Model, AppError> {
    GuestListService::nominate(
        db,
        rep,
        event_id,
        contact_id,
        &because("Key buyer"),
        Utc::now(),
    )
    .await
}

race_on_both_databases!(
    twenty_nominations_at_once_by_two_reps_take_exactly_their_last_seats,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "rep2@example.com", Role::Sales).await;
        let event_id = open_event(&db, &team).await;
        // each rep has 5 seats and already uses 3: two seats left each
        for rep in [&team.sales, &other_rep] {
            GuestListService::set_quota(&db, &team.marketing, event_id, rep.id, 5)
                .await
                .unwrap();
            for n in 0..3 {
                let contact_id = add_contact(
                    &db,
                    &format!("early{n}-{}@customer.example", rep.id),
                    Some(rep),
                )
                .await;
                nominate(&db, rep, event_id, contact_id).await.unwrap();
            }
        }
        let mut requests = Vec::new();
        for n in 0..10 {
            for rep in [&team.sales, &other_rep] {
                let contact_id = add_contact(
                    &db,
                    &format!("late{n}-{}@customer.example", rep.id),
                    Some(rep),
                )
                .await;
                let (db, rep) = (db.clone(), rep.clone());
                requests.push(tokio::spawn(async move {
                    let result = nominate(&db, &rep, event_id, contact_id).await;
                    (rep.id, result)
                }));
            }
        }
        let mut taken = std::collections::HashMap::<i32, usize>::new();
        let mut refused = 0;
        for request in requests {
            let (rep_id, result) = request.await.unwrap();
            match result {
                Ok(_) => *taken.entry(rep_id).or_default() += 1,
                Err(err) => {
                    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
                    assert_eq!(
                        err.to_string(),
                        "Your quota is full: you have used 5 of 5 seats."
                    );
                    refused += 1;
                }
            }
        }
        assert_eq!(taken.get(&team.sales.id), Some(&2));
        assert_eq!(taken.get(&other_rep.id), Some(&2));
        assert_eq!(refused, 16);
        assert_eq!(seats_in_use(&db, event_id, &team.sales).await, 5);
        assert_eq!(seats_in_use(&db, event_id, &other_rep).await, 5);
        assert_eq!(activities(&db, event_id, "nominated").await, 10);
    }
);

race_on_both_databases!(
    a_withdrawal_racing_a_rejection_has_one_winner_and_the_loser_is_told,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 20)
            .await
            .unwrap();
        for round in 0..8 {
            let contact_id = add_contact(
                &db,
                &format!("race{round}@customer.example"),
                Some(&team.sales),
            )
            .await;
            let guest_id = nominate(&db, &team.sales, event_id, contact_id)
                .await
                .unwrap()
                .id;
            let withdrawal = {
                let (db, rep) = (db.clone(), team.sales.clone());
                tokio::spawn(async move { GuestListService::withdraw(&db, &rep, guest_id).await })
            };
            let decision = {
                let (db, marketing) = (db.clone(), team.marketing.clone());
                tokio::spawn(async move {
                    GuestListService::decide(
                        &db,
                        &marketing,
                        event_id,
                        &[guest_id],
                        Decision::Reject,
                        Some("Not this time".into()),
                    )
                    .await
                })
            };
            let (withdrawal, decision) = (withdrawal.await.unwrap(), decision.await.unwrap());
            let stored = guest::Entity::find_by_id(guest_id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            match (&withdrawal, &decision) {
                (Ok(_), Err(AppError::Conflict(message))) => {
                    assert_eq!(stored.state, NominationState::Withdrawn);
                    assert!(
                        message.to_string().to_lowercase().contains("withdrawn"),
                        "{message}"
                    );
                }
                (Err(AppError::Conflict(message)), Ok(1)) => {
                    assert_eq!(stored.state, NominationState::Rejected);
                    assert!(
                        message.to_string().to_lowercase().contains("rejected"),
                        "{message}"
                    );
                }
                other => panic!("exactly one must win, each loser told why: {other:?}"),
            }
        }
        // one history line per winner, none for a loser
        assert_eq!(
            activities(&db, event_id, "withdrawn").await
                + activities(&db, event_id, "decided").await,
            8
        );
    }
);

race_on_both_databases!(
    two_saves_of_the_same_event_from_the_same_form_version_refuse_one,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let mut saves = Vec::new();
        for (actor, title) in [
            (team.marketing.clone(), "Evening by marketing"),
            (team.admin.clone(), "Evening by admin"),
        ] {
            let db = db.clone();
            let mut changed = plan();
            changed.title = title.into();
            saves.push(tokio::spawn(async move {
                let result =
                    EventService::update(&db, &actor, created.id, created.version, &changed).await;
                (actor.name.clone(), result)
            }));
        }
        let mut winners = Vec::new();
        let mut refusals = Vec::new();
        for save in saves {
            match save.await.unwrap() {
                (name, Ok(saved)) => winners.push((name, saved)),
                (_, Err(AppError::Conflict(message))) => refusals.push(message),
                (_, Err(other)) => panic!("a refused save says why, got {other:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one save wins");
        assert_eq!(refusals.len(), 1, "the other is refused");
        let (winner, saved) = &winners[0];
        let refusal = refusals[0].to_string();
        assert!(refusal.starts_with(winner.as_str()), "{refusal}");
        assert!(refusal.contains("Reload"), "{refusal}");
        let stored = EventService::find(&db, created.id).await.unwrap();
        assert_eq!(stored.version, created.version + 1);
        assert_eq!(stored.title, saved.title);
    }
);

on_both_databases!(
    a_save_from_an_old_form_is_refused_naming_who_saved_in_between,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let mut first = plan();
        first.title = "Admin's title".into();
        EventService::update(&db, &team.admin, created.id, created.version, &first)
            .await
            .unwrap();
        let mut stale = plan();
        stale.capacity = "99".into();
        let refused =
            EventService::update(&db, &team.marketing, created.id, created.version, &stale)
                .await
                .unwrap_err();
        assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
        assert_eq!(
            refused.to_string(),
            "admin saved this event after you opened the form. Reload the page to see their \
             changes, then make yours again."
        );
        let stored = EventService::find(&db, created.id).await.unwrap();
        assert_eq!(stored.title, "Admin's title");
        assert_eq!(stored.capacity, 40);
    }
);

on_both_databases!(
    a_rejected_nomination_approved_again_must_fit_the_reps_seats,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 1)
            .await
            .unwrap();
        let first = add_contact(&db, "first@customer.example", Some(&team.sales)).await;
        let first = nominate(&db, &team.sales, event_id, first)
            .await
            .unwrap()
            .id;
        GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &[first],
            Decision::Reject,
            Some("Wrong fit".into()),
        )
        .await
        .unwrap();
        // the freed seat goes to another customer
        let second = add_contact(&db, "second@customer.example", Some(&team.sales)).await;
        nominate(&db, &team.sales, event_id, second).await.unwrap();
        let refused = GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &[first],
            Decision::Approve,
            None,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&refused, AppError::Conflict(m) if m.to_string().contains("no longer fits sales's seats (1 of 1 taken)")),
            "{refused:?}"
        );
        assert_eq!(seats_in_use(&db, event_id, &team.sales).await, 1);
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 2)
            .await
            .unwrap();
        GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &[first],
            Decision::Approve,
            None,
        )
        .await
        .unwrap();
        assert_eq!(seats_in_use(&db, event_id, &team.sales).await, 2);
    }
);

on_both_databases!(
    a_rep_cannot_nominate_another_reps_contact_and_is_told_whose_it_is,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other_rep = add_user(&db, "anna@example.com", Role::Sales).await;
        let event_id = open_event(&db, &team).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 5)
            .await
            .unwrap();
        let annas = add_contact(&db, "annas@customer.example", Some(&other_rep)).await;
        let refused = nominate(&db, &team.sales, event_id, annas)
            .await
            .unwrap_err();
        let errors = refused.field_errors();
        assert_eq!(errors[0].field, "contact_id");
        assert!(
            errors[0].message.to_string().contains("belongs to anna"),
            "{}",
            errors[0].message
        );
        assert_eq!(seats_in_use(&db, event_id, &team.sales).await, 0);
        // and the guest list says so before the rep tries
        let list = shown::guest_list(&db, &team.sales, event_id, Utc::now())
            .await
            .unwrap();
        let option = list.my_contacts.iter().find(|c| c.id == annas).unwrap();
        assert_eq!(
            option.blocked,
            Some(NominationBlock::OwnedBy("anna".into()))
        );
    }
);

on_both_databases!(
    a_contact_nobody_owns_becomes_the_nominating_reps,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 5)
            .await
            .unwrap();
        let nobodys = add_contact(&db, "free@customer.example", None).await;
        let list = shown::guest_list(&db, &team.sales, event_id, Utc::now())
            .await
            .unwrap();
        let option = list.my_contacts.iter().find(|c| c.id == nobodys).unwrap();
        assert_eq!(option.blocked, None);
        nominate(&db, &team.sales, event_id, nobodys).await.unwrap();
        let stored = contact::Entity::find_by_id(nobodys)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.owner_id, Some(team.sales.id));
    }
);

on_both_databases!(
    seats_nominations_edits_withdrawals_and_decisions_are_in_the_events_history,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 3)
            .await
            .unwrap();
        let kept = add_contact(&db, "kept@customer.example", Some(&team.sales)).await;
        let kept = nominate(&db, &team.sales, event_id, kept).await.unwrap().id;
        let dropped = add_contact(&db, "dropped@customer.example", Some(&team.sales)).await;
        let dropped = nominate(&db, &team.sales, event_id, dropped)
            .await
            .unwrap()
            .id;
        let mut edit = because("Signed last year");
        edit.priority = Priority::B;
        GuestListService::update_nomination(&db, &team.sales, kept, &edit)
            .await
            .unwrap();
        GuestListService::withdraw(&db, &team.sales, dropped)
            .await
            .unwrap();
        GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &[kept],
            Decision::Approve,
            None,
        )
        .await
        .unwrap();
        let detail = shown::event_detail(&db, &team.manager, event_id, Lang::En, Utc::now())
            .await
            .unwrap();
        let lines: Vec<_> = detail
            .activity
            .iter()
            .map(|a| {
                (
                    a.user_name.as_str(),
                    a.action.as_str(),
                    a.field.clone().unwrap_or_default(),
                    a.old_value.clone().unwrap_or_default(),
                    a.new_value.clone().unwrap_or_default(),
                )
            })
            .collect();
        // newest first
        assert_eq!(
            &lines[..6],
            &[
                (
                    "marketing",
                    "decided",
                    "kept Customer".into(),
                    "nominated".into(),
                    "approved".into()
                ),
                (
                    "sales",
                    "withdrawn",
                    "dropped Customer".into(),
                    "nominated".into(),
                    "withdrawn".into()
                ),
                (
                    "sales",
                    "nomination_edited",
                    "kept Customer".into(),
                    "A: Key buyer".into(),
                    "B: Signed last year".into()
                ),
                (
                    "sales",
                    "nominated",
                    "dropped Customer".into(),
                    "".into(),
                    "A: Key buyer".into()
                ),
                (
                    "sales",
                    "nominated",
                    "kept Customer".into(),
                    "".into(),
                    "A: Key buyer".into()
                ),
                ("marketing", "quota", "sales".into(), "0".into(), "3".into()),
            ]
        );
    }
);

on_both_databases!(
    the_unique_index_itself_keeps_a_contact_once_per_event,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let contact_id = add_contact(&db, "once@customer.example", Some(&team.sales)).await;
        // straight into the table, past every check in the service
        let row = || guest::ActiveModel {
            event_id: Set(event_id),
            contact_id: Set(contact_id),
            nominated_by: Set(team.sales.id),
            reason: Set(String::new()),
            priority: Set(Priority::A),
            personal_note: Set(String::new()),
            state: Set(NominationState::Nominated),
            invitation: Set(InvitationState::NotSent),
            answer: Set(app::domain::Answer::None),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        row().insert(&db).await.unwrap();
        assert!(row().insert(&db).await.is_err());
        assert_eq!(guest::Entity::find().count(&db).await.unwrap(), 1);
    }
);

on_both_databases!(
    the_unique_index_itself_keeps_account_names_unique_regardless_of_case,
    |db: DatabaseConnection| async move {
        let account = |name: &str| account::ActiveModel {
            name: Set(name.to_string()),
            target_account: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        account("Acme GmbH").insert(&db).await.unwrap();
        assert!(account("ACME GMBH").insert(&db).await.is_err());
        assert!(account("acme gmbh").insert(&db).await.is_err());
        account("Acme AG").insert(&db).await.unwrap();
        assert_eq!(account::Entity::find().count(&db).await.unwrap(), 2);
    }
);
