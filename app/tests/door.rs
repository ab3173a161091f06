//! The door: who is expected, check-in by list and by code, undo, walk-ins, operations sent twice,
//! live changes, and two devices checking in the same guest at once.
use app::domain::{Answer, EventStatus, InvitationState, NominationState, Priority};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::CurrentUser;
use app::ssr::entities::{contact, door_log, event, guest, outbox, user};
use app::ssr::mail::{MailSettings, Mailbox};
use app::ssr::services::{DoorService, EventService};
use chrono::Utc;
use door::protocol::{Action, Operation, Outcome, Reply, WalkIn};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set,
};

#[macro_use]
mod common;
use common::*;

async fn open_event(db: &DatabaseConnection, team: &Team) -> i32 {
    let created = EventService::create(db, &team.marketing, &plan())
        .await
        .unwrap();
    EventService::change_status(db, &team.marketing, created.id, EventStatus::Open)
        .await
        .unwrap();
    created.id
}

/// A guest of the event, nominated by `rep`, who answered `answer`; with door code `code`.
async fn guest_with(
    db: &DatabaseConnection,
    event_id: i32,
    rep: &CurrentUser,
    name: &str,
    answer: Answer,
    code: Option<&str>,
) -> i32 {
    let now = Utc::now();
    let person = contact::ActiveModel {
        first_name: Set(name.to_string()),
        last_name: Set("Gast".into()),
        email: Set(format!("{}@guest.example", name.to_lowercase())),
        language: Set("en".into()),
        owner_id: Set(Some(rep.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    guest::ActiveModel {
        event_id: Set(event_id),
        contact_id: Set(person.id),
        nominated_by: Set(rep.id),
        reason: Set("Key buyer".into()),
        priority: Set(Priority::A),
        personal_note: Set(String::new()),
        state: Set(NominationState::Approved),
        invitation: Set(InvitationState::Sent),
        answer: Set(answer),
        checkin_code: Set(code.map(str::to_string)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

fn settings() -> MailSettings {
    MailSettings {
        from: Mailbox::new("Tandem Events", "events@tandem.example"),
        organizer: Mailbox::new("Tandem Events", "events@tandem.example"),
        public_url: "https://tandem.example".into(),
        delivers: true,
    }
}

fn op(id: &str, action: Action) -> Operation {
    Operation {
        op: format!("test-device-{id}"),
        action,
        at_ms: None,
    }
}

async fn apply(
    db: &DatabaseConnection,
    who: &CurrentUser,
    event_id: i32,
    operation: Operation,
) -> Result<Reply, AppError> {
    DoorService::apply(
        db,
        &settings(),
        who,
        event_id,
        operation,
        Lang::En,
        Utc::now(),
    )
    .await
}

async fn stored(db: &DatabaseConnection, id: i32) -> guest::Model {
    guest::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

on_both_databases!(
    the_door_expects_accepted_and_waitlisted_guests_with_their_host_and_priority,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        guest_with(&db, event_id, &team.sales, "Ben", Answer::Waitlisted, None).await;
        guest_with(&db, event_id, &team.sales, "Carl", Answer::Declined, None).await;
        guest_with(&db, event_id, &team.sales, "Dora", Answer::None, None).await;
        let list = DoorService::list(&db, &team.sales, event_id).await.unwrap();
        let names: Vec<&str> = list.guests.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["Anna Gast", "Ben Gast"]);
        assert_eq!(list.guests[0].rep, "sales");
        assert_eq!(list.guests[0].priority, "A");
        assert!(list.guests[1].waitlisted);
        assert_eq!(list.counters.accepted, 1);
        assert_eq!(list.counters.checked_in, 0);
        assert_eq!(list.counters.capacity, 40);
    }
);

on_both_databases!(
    a_tap_checks_a_guest_in_and_undo_takes_it_back,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let reply = apply(
            &db,
            &team.marketing,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Done);
        assert_eq!(reply.message, "Anna Gast is checked in.");
        assert_eq!(reply.counters.checked_in, 1);
        let shown = reply.guest.unwrap();
        assert_eq!(shown.checked_in_by.as_deref(), Some("marketing"));
        assert!(shown.checked_in_at.is_some());
        assert_eq!(
            stored(&db, anna).await.checked_in_by,
            Some(team.marketing.id)
        );

        let reply = apply(
            &db,
            &team.sales,
            event_id,
            op("2", Action::Undo { guest: anna }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Done);
        assert_eq!(reply.counters.checked_in, 0);
        let row = stored(&db, anna).await;
        assert_eq!((row.checked_in_at, row.checked_in_by), (None, None));
        let log = door_log::Entity::find().count(&db).await.unwrap();
        assert_eq!(log, 2, "the check-in and its undo are both in the door log");
    }
);

on_both_databases!(
    the_host_rep_hears_at_once_that_their_guest_arrived,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        apply(
            &db,
            &team.marketing,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        let news = app::ssr::services::InvitationService::my_news(&db, &team.sales, 10)
            .await
            .unwrap();
        assert_eq!(news.items[0].kind, app::domain::NewsKind::Arrived);
        assert_eq!(news.items[0].guest.id, anna);
        assert_eq!(
            outbox::Entity::find().count(&db).await.unwrap(),
            0,
            "no email unless the rep asked for one"
        );
    }
);

on_both_databases!(
    a_rep_who_asked_for_it_gets_an_email_when_their_guest_arrives,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let ben = guest_with(&db, event_id, &team.sales, "Ben", Answer::Accepted, None).await;
        user::ActiveModel {
            id: Set(team.sales.id),
            arrival_mail: Set(true),
            ..Default::default()
        }
        .update(&db)
        .await
        .unwrap();
        apply(
            &db,
            &team.marketing,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        // checked in by the rep themselves: no email, they know
        apply(
            &db,
            &team.sales,
            event_id,
            op("2", Action::CheckIn { guest: ben }),
        )
        .await
        .unwrap();
        let mails = outbox::Entity::find().all(&db).await.unwrap();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].kind, "arrival");
        assert_eq!(mails[0].recipient, "sales@example.com");
        assert_eq!(mails[0].subject, "Anna Gast has arrived: Customer evening");
        assert!(mails[0]
            .text_body
            .contains("Anna Gast was checked in at Customer evening at "));
    }
);

on_both_databases!(
    an_operation_sent_again_is_recorded_once,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let check_in = op("again", Action::CheckIn { guest: anna });
        let first = apply(&db, &team.sales, event_id, check_in.clone())
            .await
            .unwrap();
        let second = apply(&db, &team.sales, event_id, check_in).await.unwrap();
        assert_eq!(first.outcome, Outcome::Done);
        assert_eq!(
            second.outcome,
            Outcome::Done,
            "the device hears it went through"
        );
        assert_eq!(second.message, "This was already recorded.");
        assert_eq!(door_log::Entity::find().count(&db).await.unwrap(), 1);
    }
);

on_both_databases!(
    a_second_check_in_says_when_and_by_whom_and_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        apply(
            &db,
            &team.marketing,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        let before = stored(&db, anna).await;
        let reply = apply(
            &db,
            &team.sales,
            event_id,
            op("2", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::AlreadyIn);
        let time = before
            .checked_in_at
            .unwrap()
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%H:%M")
            .to_string();
        assert_eq!(
            reply.message,
            format!("Anna Gast was already checked in at {time} by marketing.")
        );
        assert_eq!(stored(&db, anna).await, before);
    }
);

on_both_databases!(
    the_code_from_the_confirmation_checks_its_guest_in_and_wrong_codes_say_why,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let other_event = open_event(&db, &team).await;
        let anna = guest_with(
            &db,
            event_id,
            &team.sales,
            "Anna",
            Answer::Accepted,
            Some("ABCDEFGH"),
        )
        .await;
        let carl = guest_with(
            &db,
            event_id,
            &team.sales,
            "Carl",
            Answer::Declined,
            Some("CCCCDDDD"),
        )
        .await;
        guest_with(
            &db,
            other_event,
            &team.sales,
            "Olga",
            Answer::Accepted,
            Some("ZZZZYYYY"),
        )
        .await;

        let code = |c: &str| Action::Code { code: c.into() };
        let reply = apply(&db, &team.sales, event_id, op("1", code("abcd-efgh")))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Done);
        assert_eq!(reply.guest.unwrap().id, anna);

        let reply = apply(&db, &team.sales, event_id, op("2", code("ZZZZ-YYYY")))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert_eq!(
            reply.message,
            "The code ZZZZ-YYYY is for another event: Customer evening."
        );
        assert_eq!(reply.field.as_deref(), Some("code"));

        let reply = apply(&db, &team.sales, event_id, op("3", code("2345-6789")))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert_eq!(reply.message, "No guest has the code 2345-6789.");

        let reply = apply(&db, &team.sales, event_id, op("4", code("hello")))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert!(reply.message.starts_with("A door code has eight"));

        let reply = apply(&db, &team.sales, event_id, op("5", code("CCCC-DDDD")))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert_eq!(reply.message, "This guest declined the invitation.");
        assert_eq!(stored(&db, carl).await.checked_in_at, None);
        assert_eq!(door_log::Entity::find().count(&db).await.unwrap(), 1);
    }
);

on_both_databases!(
    a_walk_in_is_registered_credited_to_the_rep_and_checked_in,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let walk_in = |email: &str| {
            Action::WalkIn(WalkIn {
                first_name: "Wanda".into(),
                last_name: "Walker".into(),
                email: email.into(),
                company: "Nordfracht GmbH".into(),
                rep: team.sales.id,
            })
        };
        let reply = apply(
            &db,
            &team.marketing,
            event_id,
            op("1", walk_in("wanda@nordfracht.example")),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Done);
        assert_eq!(
            reply.message,
            "Wanda Walker is registered as a walk-in for sales and checked in."
        );
        let shown = reply.guest.unwrap();
        assert!(shown.walk_in);
        assert_eq!(shown.rep, "sales");
        assert_eq!(shown.company, "Nordfracht GmbH");
        assert_eq!(reply.counters.checked_in, 1);
        assert_eq!(
            reply.counters.accepted, 0,
            "walk-ins did not accept an invitation"
        );
        let row = stored(&db, shown.id).await;
        assert_eq!(row.nominated_by, team.sales.id);
        assert!(row.walk_in && row.checked_in_at.is_some());

        // the same person again, on another device: found by email, already in
        let again = apply(
            &db,
            &team.sales,
            event_id,
            op("2", walk_in("WANDA@nordfracht.example")),
        )
        .await
        .unwrap();
        assert_eq!(again.outcome, Outcome::AlreadyIn);
        assert_eq!(contact::Entity::find().count(&db).await.unwrap(), 1);
    }
);

on_both_databases!(
    a_walk_in_with_a_bad_field_names_it_and_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let bad_email = Action::WalkIn(WalkIn {
            first_name: "Wanda".into(),
            last_name: "Walker".into(),
            email: "wanda at home".into(),
            company: String::new(),
            rep: team.sales.id,
        });
        let reply = apply(&db, &team.sales, event_id, op("1", bad_email))
            .await
            .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert_eq!(reply.field.as_deref(), Some("email"));
        let no_rep = Action::WalkIn(WalkIn {
            first_name: "Wanda".into(),
            last_name: "Walker".into(),
            email: "wanda@home.example".into(),
            company: String::new(),
            rep: team.manager.id,
        });
        let reply = apply(&db, &team.sales, event_id, op("2", no_rep))
            .await
            .unwrap();
        assert_eq!(reply.field.as_deref(), Some("rep"));
        assert_eq!(contact::Entity::find().count(&db).await.unwrap(), 0);
        assert_eq!(guest::Entity::find().count(&db).await.unwrap(), 0);
    }
);

on_both_databases!(
    managers_do_not_work_the_door_and_a_closed_door_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let denied = apply(
            &db,
            &team.manager,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await;
        assert_eq!(denied.unwrap_err(), AppError::Forbidden);
        assert_eq!(
            DoorService::list(&db, &team.manager, event_id)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let mut closed = event::Entity::find_by_id(event_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        closed.status = Set(EventStatus::Closed);
        closed.update(&db).await.unwrap();
        let reply = apply(
            &db,
            &team.sales,
            event_id,
            op("2", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert!(reply.message.starts_with("The door is closed"));
        assert_eq!(stored(&db, anna).await.checked_in_at, None);
        let bad_op = Operation {
            op: "x".into(),
            action: Action::CheckIn { guest: anna },
            at_ms: None,
        };
        assert!(matches!(
            apply(&db, &team.sales, event_id, bad_op).await,
            Err(AppError::BadRequest(_))
        ));
    }
);

on_both_databases!(
    a_day_after_the_event_accepted_guests_who_did_not_come_are_no_shows_and_the_door_is_closed,
    |db: DatabaseConnection| async move {
        use app::domain::Attendance;
        use app::ssr::services::GuestListService;
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let ben = guest_with(&db, event_id, &team.sales, "Ben", Answer::Accepted, None).await;
        let carl = guest_with(&db, event_id, &team.sales, "Carl", Answer::Declined, None).await;
        apply(
            &db,
            &team.sales,
            event_id,
            op("1", Action::CheckIn { guest: anna }),
        )
        .await
        .unwrap();
        let attendance = |db: DatabaseConnection, now: chrono::DateTime<Utc>| {
            let sales = team.sales.clone();
            async move {
                let record = GuestListService::record(&db, &sales, event_id, &Default::default())
                    .await
                    .unwrap();
                let list = app::ssr::present::guest_list(
                    Lang::En,
                    &record,
                    &sales,
                    now,
                    &Default::default(),
                );
                let of = |id: i32| list.rows.iter().find(|g| g.id == id).unwrap().attendance;
                (of(anna), of(ben), of(carl))
            }
        };
        let ends = event::Entity::find_by_id(event_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .ends_at;
        assert_eq!(
            attendance(db.clone(), ends).await,
            (Some(Attendance::Attended), None, None),
            "while the event runs, nobody is a no-show yet"
        );
        assert_eq!(
            attendance(db.clone(), ends + chrono::Duration::days(1)).await,
            (Some(Attendance::Attended), Some(Attendance::NoShow), None)
        );
        // the event moved into the past: the door no longer checks anyone in
        let mut past = event::Entity::find_by_id(event_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .into_active_model();
        past.starts_at = Set(Utc::now() - chrono::Duration::days(3));
        past.ends_at = Set(Utc::now() - chrono::Duration::days(2));
        past.update(&db).await.unwrap();
        let reply = apply(
            &db,
            &team.sales,
            event_id,
            op("2", Action::CheckIn { guest: ben }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert!(
            reply.message.contains("attendance is settled"),
            "{}",
            reply.message
        );
        assert_eq!(stored(&db, ben).await.checked_in_at, None);
    }
);

on_both_databases!(
    a_guest_of_another_event_cannot_be_checked_in_here,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let other = open_event(&db, &team).await;
        let olga = guest_with(&db, other, &team.sales, "Olga", Answer::Accepted, None).await;
        let reply = apply(
            &db,
            &team.sales,
            event_id,
            op("1", Action::CheckIn { guest: olga }),
        )
        .await
        .unwrap();
        assert_eq!(reply.outcome, Outcome::Refused);
        assert_eq!(stored(&db, olga).await.checked_in_at, None);
    }
);

on_both_databases!(
    a_device_hears_what_changed_since_its_cursor,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        let ben = guest_with(&db, event_id, &team.sales, "Ben", Answer::Accepted, None).await;
        let start = DoorService::list(&db, &team.sales, event_id).await.unwrap();
        let nothing = DoorService::changes(&db, &team.sales, event_id, start.cursor)
            .await
            .unwrap();
        assert!(nothing.guests.is_empty());
        assert_eq!(nothing.cursor, start.cursor);
        apply(
            &db,
            &team.marketing,
            event_id,
            op("1", Action::CheckIn { guest: ben }),
        )
        .await
        .unwrap();
        let news = DoorService::changes(&db, &team.sales, event_id, start.cursor)
            .await
            .unwrap();
        assert_eq!(news.guests.len(), 1);
        assert_eq!(news.guests[0].id, ben);
        assert_eq!(news.counters.checked_in, 1);
        assert!(news.cursor > start.cursor);
        let later = DoorService::changes(&db, &team.sales, event_id, news.cursor)
            .await
            .unwrap();
        assert!(later.guests.is_empty());
        let _ = anna;
    }
);

race_on_both_databases!(
    two_devices_checking_in_the_same_guest_at_once_record_one_check_in,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team).await;
        let anna = guest_with(&db, event_id, &team.sales, "Anna", Answer::Accepted, None).await;
        for round in 0..5 {
            if round > 0 {
                apply(
                    &db,
                    &team.sales,
                    event_id,
                    op(&format!("undo-{round}"), Action::Undo { guest: anna }),
                )
                .await
                .unwrap();
            }
            let devices = [team.marketing.clone(), team.sales.clone()];
            let replies = futures_join(devices.iter().enumerate().map(|(i, who)| {
                let db = db.clone();
                let who = who.clone();
                async move {
                    apply(
                        &db,
                        &who,
                        event_id,
                        op(&format!("r{round}-d{i}"), Action::CheckIn { guest: anna }),
                    )
                    .await
                    .unwrap()
                }
            }))
            .await;
            let done: Vec<&Reply> = replies
                .iter()
                .filter(|r| r.outcome == Outcome::Done)
                .collect();
            let already: Vec<&Reply> = replies
                .iter()
                .filter(|r| r.outcome == Outcome::AlreadyIn)
                .collect();
            assert_eq!(
                (done.len(), already.len()),
                (1, 1),
                "round {round}: {replies:?}"
            );
            let winner = stored(&db, anna).await.checked_in_by.unwrap();
            let winner_name = if winner == team.marketing.id {
                "marketing"
            } else {
                "sales"
            };
            assert!(
                already[0].message.ends_with(&format!("by {winner_name}.")),
                "{}",
                already[0].message
            );
            let ins = door_log::Entity::find()
                .filter(door_log::Column::Action.eq("in"))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(ins, round + 1);
        }
    }
);

/// Runs the futures at once on the runtime's threads and waits for all.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
