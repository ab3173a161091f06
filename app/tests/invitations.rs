//! Invitations, answers and the outbox: who is invited, where an accept lands when the event is
//! full, what a decline frees up, and how the outbox hands out and records messages.
use app::domain::{
    Answer, EventStatus, InvitationState, NominationState, OutboxState, MAX_ATTEMPTS,
};
use app::ssr::entities::{event, guest, outbox};
use app::ssr::services::outbox::Delivery;
use app::ssr::services::{EventService, InvitationService, OutboxService};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

#[macro_use]
mod common;
use common::*;

async fn answers(db: &DatabaseConnection, event_id: i32) -> Vec<guest::Model> {
    guest::Entity::find()
        .filter(guest::Column::EventId.eq(event_id))
        .order_by_asc(guest::Column::Id)
        .all(db)
        .await
        .unwrap()
}

on_both_databases!(
    invitations_go_to_every_approved_guest_once_and_never_to_an_unsubscribed_contact,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let rep = &team.sales;
        let invited = guest_in(
            &db,
            event_id,
            rep,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        guest_in(
            &db,
            event_id,
            rep,
            "ben@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let gone = guest_in(
            &db,
            event_id,
            rep,
            "cleo@customer.example",
            NominationState::Approved,
            true,
        )
        .await;
        let waiting = guest_in(
            &db,
            event_id,
            rep,
            "dora@customer.example",
            NominationState::Nominated,
            false,
        )
        .await;

        let sent = InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        assert_eq!((sent.queued, sent.unsubscribed), (2, 1));
        let again = InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        assert_eq!(again.queued, 0, "nobody is invited twice");

        let rows = answers(&db, event_id).await;
        let state_of = |id: i32| rows.iter().find(|g| g.id == id).unwrap().invitation;
        assert_eq!(state_of(invited), InvitationState::Sent);
        assert_eq!(state_of(gone), InvitationState::NotSent);
        assert_eq!(state_of(waiting), InvitationState::NotSent);
        let mails = outbox::Entity::find().all(&db).await.unwrap();
        assert_eq!(mails.len(), 2);
        assert!(mails.iter().all(|m| m.state == OutboxState::Queued));
        assert!(!mails.iter().any(|m| m.recipient == "cleo@customer.example"));
        // only the token's hash is stored
        let token = token_of(&db, invited).await;
        let stored = rows.iter().find(|g| g.id == invited).unwrap();
        assert_ne!(stored.rsvp_token_hash.as_deref(), Some(token.as_str()));
        assert_eq!(stored.rsvp_token_hash.as_ref().map(|h| h.len()), Some(64));
    }
);

on_both_databases!(
    only_marketing_sends_and_only_while_the_event_is_open,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let refused = InvitationService::send(&db, &settings(), &team.sales, event_id, None).await;
        assert!(matches!(refused, Err(app::error::AppError::Forbidden)));
        EventService::change_status(&db, &team.marketing, event_id, EventStatus::Closed)
            .await
            .unwrap();
        let refused = InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Invitations go out only while the event is open."
        );
    }
);

on_both_databases!(
    the_invitation_is_in_german_with_the_calendar_invite_last_and_one_click_unsubscribe,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let guest_id = guest_in(
            &db,
            event_id,
            &team.sales,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::set_personal_touch(
            &db,
            &team.sales,
            guest_id,
            "Schön, wenn Sie kommen!\r\nBcc: evil@example.com",
            "https://video.example/v/1",
        )
        .await
        .unwrap();
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let mail = outbox::Entity::find().one(&db).await.unwrap().unwrap();
        let raw = mail.raw.replace("\r\n", "\n");
        assert!(mail.subject.starts_with("Einladung: "), "{}", mail.subject);
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("List-Unsubscribe: <https://tandem.example/unsubscribe/"));
        assert!(raw.contains("Reply-To: sales <sales@example.com>") || raw.contains("Reply-To:"));
        let headers = &raw[..raw.find("\n\n").unwrap()];
        assert!(!headers.contains("\nBcc:"), "no header comes from the note");
        let html = raw.find("Content-Type: text/html").unwrap();
        let calendar = raw
            .find("Content-Type: text/calendar; method=REQUEST")
            .unwrap();
        assert!(html < calendar, "the calendar part comes last");
        assert!(mail.text_body.contains("https://tandem.example/rsvp/"));
        assert!(
            mail.text_body.contains("/video"),
            "the video goes through our link"
        );
        assert!(mail.html_body.contains("Schön, wenn Sie kommen!"));
    }
);

race_on_both_databases!(
    fifty_accepts_at_once_fill_ten_seats_and_put_forty_on_the_waitlist_in_order,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let mut ids = Vec::new();
        for n in 0..50 {
            ids.push(
                guest_in(
                    &db,
                    event_id,
                    &team.sales,
                    &format!("g{n}@customer.example"),
                    NominationState::Approved,
                    false,
                )
                .await,
            );
        }
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for id in &ids {
            tokens.push(token_of(&db, *id).await);
        }
        let requests: Vec<_> = tokens
            .into_iter()
            .map(|token| {
                let db = db.clone();
                tokio::spawn(async move {
                    InvitationService::answer(&db, &settings(), &token, true).await
                })
            })
            .collect();
        for request in requests {
            request
                .await
                .unwrap()
                .expect("no answer fails because another was writing");
        }
        let rows = answers(&db, event_id).await;
        let accepted = rows.iter().filter(|g| g.answer == Answer::Accepted).count();
        let mut positions: Vec<i32> = rows
            .iter()
            .filter(|g| g.answer == Answer::Waitlisted)
            .map(|g| g.waitlist_position.expect("a waitlisted guest has a place"))
            .collect();
        positions.sort();
        assert_eq!(accepted, 10, "exactly the seats are taken");
        assert_eq!(positions, (1..=40).collect::<Vec<_>>());
        let confirmations = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("confirmation"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(confirmations.len(), 50, "every answer is confirmed");
        // each confirmation tells what the answer came to, whether it was written before the
        // write lock (for the likely "accepted") or again under it (the forty who were too late);
        // the guests here read German
        for mail in &confirmations {
            let guest = rows
                .iter()
                .find(|g| Some(g.id) == mail.guest_id)
                .expect("a confirmation names its guest");
            match guest.answer {
                Answer::Accepted => {
                    assert!(
                        mail.subject.starts_with("Sie sind dabei"),
                        "{}",
                        mail.subject
                    );
                    let code = app::domain::format_checkin_code(
                        guest
                            .checkin_code
                            .as_deref()
                            .expect("an accepted guest has a code"),
                    );
                    assert!(
                        mail.text_body.contains(&code),
                        "the mail shows the door code"
                    );
                    assert!(
                        mail.raw.contains("METHOD:REQUEST"),
                        "and carries the invite"
                    );
                }
                Answer::Waitlisted => {
                    assert!(
                        mail.subject.starts_with("Auf der Warteliste"),
                        "{}",
                        mail.subject
                    );
                    let place = format!(
                        "Nummer {} auf der Warteliste",
                        guest.waitlist_position.unwrap()
                    );
                    assert!(mail.text_body.contains(&place), "{}", mail.text_body);
                    assert!(!mail.raw.contains("METHOD:REQUEST"));
                }
                other => panic!("nobody declined, yet one answer is {other:?}"),
            }
        }
    }
);

on_both_databases!(
    a_decline_frees_the_seat_for_the_first_on_the_waitlist_who_is_told,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 1).await;
        let first = guest_in(
            &db,
            event_id,
            &team.sales,
            "first@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let second = guest_in(
            &db,
            event_id,
            &team.sales,
            "second@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let third = guest_in(
            &db,
            event_id,
            &team.sales,
            "third@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        for id in [first, second, third] {
            let token = token_of(&db, id).await;
            InvitationService::answer(&db, &settings(), &token, true)
                .await
                .unwrap();
        }
        let token = token_of(&db, first).await;
        let declined = InvitationService::answer(&db, &settings(), &token, false)
            .await
            .unwrap();
        assert_eq!(declined.guest.answer, Answer::Declined);
        let rows = answers(&db, event_id).await;
        let of = |id: i32| rows.iter().find(|g| g.id == id).unwrap().clone();
        assert_eq!(
            of(second).answer,
            Answer::Accepted,
            "the first on the waitlist moves up"
        );
        assert_eq!(of(second).waitlist_position, None);
        assert_eq!(
            (of(third).answer, of(third).waitlist_position),
            (Answer::Waitlisted, Some(1))
        );
        let told = outbox::Entity::find()
            .filter(outbox::Column::GuestId.eq(second))
            .filter(outbox::Column::Subject.contains("Ein Platz für Sie"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(told, 1, "the promoted guest gets an email");
    }
);

on_both_databases!(
    opening_the_link_marks_the_guest_viewed_and_never_changes_the_answer,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 5).await;
        let id = guest_in(
            &db,
            event_id,
            &team.sales,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let token = token_of(&db, id).await;
        let opened = InvitationService::open(&db, &token).await.unwrap();
        assert_eq!(opened.guest.invitation, InvitationState::Viewed);
        let first_view = guest::Entity::find_by_id(id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .viewed_at;
        assert!(first_view.is_some());
        let again = InvitationService::open(&db, &token).await.unwrap();
        assert_eq!(
            again.guest.viewed_at, first_view,
            "the first look is the one kept"
        );
        assert_eq!(again.guest.answer, Answer::None);
        assert!(InvitationService::open(&db, &"0".repeat(64)).await.is_err());
        assert!(InvitationService::open(&db, "short").await.is_err());
    }
);

on_both_databases!(
    the_outbox_hands_a_message_to_one_worker_and_tries_again_later_until_it_gives_up,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 5).await;
        guest_in(
            &db,
            event_id,
            &team.sales,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let now = Utc::now();
        let claimed = OutboxService::claim_due(&db, now, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(
            OutboxService::claim_due(&db, now, 10)
                .await
                .unwrap()
                .is_empty(),
            "held by one worker"
        );
        let state = OutboxService::record(
            &db,
            &claimed[0],
            Delivery::Transient("connection refused".into()),
            now,
        )
        .await
        .unwrap();
        assert_eq!(state, OutboxState::Queued);
        assert!(
            OutboxService::claim_due(&db, now, 10)
                .await
                .unwrap()
                .is_empty(),
            "not due before the back-off"
        );
        let stored = outbox::Entity::find().one(&db).await.unwrap().unwrap();
        assert_eq!(stored.attempts, 1);
        assert_eq!(stored.last_error.as_deref(), Some("connection refused"));
        assert!(stored.next_attempt_at > now);
        // the last allowed attempt fails the message for good
        let mut last = stored.clone();
        last.attempts = MAX_ATTEMPTS - 1;
        let state =
            OutboxService::record(&db, &last, Delivery::Transient("still down".into()), now)
                .await
                .unwrap();
        assert_eq!(state, OutboxState::Failed);
        OutboxService::retry(&db, &team.marketing, stored.id)
            .await
            .unwrap();
        let claimed = OutboxService::claim_due(&db, Utc::now(), 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "a retried message is due at once");
        let state = OutboxService::record(
            &db,
            &claimed[0],
            Delivery::Permanent("550 no such user".into()),
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            state,
            OutboxState::Failed,
            "a permanent rejection fails at once"
        );
        assert!(matches!(
            OutboxService::retry(&db, &team.sales, stored.id).await,
            Err(app::error::AppError::Forbidden)
        ));
    }
);

on_both_databases!(
    a_rep_sets_the_personal_touch_on_their_own_guests_only,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let other = add_user(&db, "rep2@example.com", app::domain::Role::Sales).await;
        let event_id = open_event(&db, &team, 5).await;
        let id = guest_in(
            &db,
            event_id,
            &team.sales,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let refused = InvitationService::set_personal_touch(&db, &other, id, "Hi", "").await;
        assert!(matches!(refused, Err(app::error::AppError::Forbidden)));
        let bad = InvitationService::set_personal_touch(
            &db,
            &team.sales,
            id,
            "Hi",
            "javascript:alert(1)",
        )
        .await
        .unwrap_err();
        assert_eq!(bad.field_errors()[0].field, "video_url");
        let saved = InvitationService::set_personal_touch(
            &db,
            &team.sales,
            id,
            " Hi Anna ",
            "https://video.example/v",
        )
        .await
        .unwrap();
        assert_eq!(saved.personal_note, "Hi Anna");
        assert_eq!(saved.video_url.as_deref(), Some("https://video.example/v"));
    }
);

on_both_databases!(
    an_accepted_guest_gets_a_door_code_once_with_its_qr_image_in_the_confirmation,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 1).await;
        let first = guest_in(
            &db,
            event_id,
            &team.sales,
            "first@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let second = guest_in(
            &db,
            event_id,
            &team.sales,
            "second@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let (first_token, second_token) = (token_of(&db, first).await, token_of(&db, second).await);

        let accepted = InvitationService::answer(&db, &settings(), &first_token, true)
            .await
            .unwrap();
        let code = accepted.guest.checkin_code.clone().expect("a door code");
        assert!(app::domain::normalize_checkin_code(&code).as_deref() == Some(code.as_str()));
        let confirmation = outbox::Entity::find()
            .filter(outbox::Column::GuestId.eq(first))
            .filter(outbox::Column::Kind.eq("confirmation"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let shown = app::domain::format_checkin_code(&code);
        assert!(confirmation.text_body.contains(&shown), "the code as text");
        assert!(
            confirmation.raw.contains("Content-Type: image/png"),
            "the QR image travels inline"
        );
        assert!(confirmation.raw.contains("multipart/related"));
        assert!(
            confirmation.html_body.contains("data:image/png;base64,"),
            "the outbox preview shows the image"
        );

        // changing one's mind and coming back keeps the same code
        InvitationService::answer(&db, &settings(), &first_token, false)
            .await
            .unwrap();
        // the seat is free again (the second guest has not answered yet): the first takes it back
        let again = InvitationService::answer(&db, &settings(), &first_token, true)
            .await
            .unwrap();
        assert_eq!(again.guest.answer, Answer::Accepted);
        assert_eq!(again.guest.checkin_code.as_deref(), Some(code.as_str()));

        // a waitlisted guest has no code; promoted, they get one of their own
        let waiting = InvitationService::answer(&db, &settings(), &second_token, true)
            .await
            .unwrap();
        assert_eq!(waiting.guest.answer, Answer::Waitlisted);
        assert_eq!(waiting.guest.checkin_code, None);
        InvitationService::answer(&db, &settings(), &first_token, false)
            .await
            .unwrap();
        let promoted = guest::Entity::find_by_id(second)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(promoted.answer, Answer::Accepted);
        let promoted_code = promoted.checkin_code.expect("a code on promotion");
        assert_ne!(promoted_code, code);
    }
);

on_both_databases!(
    marketing_invites_only_the_selected_guests,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let chosen = guest_in(
            &db,
            event_id,
            &team.sales,
            "chosen@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let other = guest_in(
            &db,
            event_id,
            &team.sales,
            "other@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let pending = guest_in(
            &db,
            event_id,
            &team.sales,
            "pending@customer.example",
            NominationState::Nominated,
            false,
        )
        .await;
        let sent = InvitationService::send(
            &db,
            &settings(),
            &team.marketing,
            event_id,
            Some(vec![chosen, pending]),
        )
        .await
        .unwrap();
        assert_eq!(
            sent.queued, 1,
            "a nomination not yet approved is not invited"
        );
        let stored = answers(&db, event_id).await;
        let state = |id: i32| stored.iter().find(|g| g.id == id).unwrap().invitation;
        assert_eq!(state(chosen), InvitationState::Sent);
        assert_eq!(state(other), InvitationState::NotSent);
        assert_eq!(state(pending), InvitationState::NotSent);
        let (queued, delivered, failed) = OutboxService::progress(&db, event_id, "invitation")
            .await
            .unwrap();
        assert_eq!((queued, delivered, failed), (1, 0, 0));
    }
);

on_both_databases!(
    the_rep_hears_which_guest_opened_watched_and_answered,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let anna = guest_in(
            &db,
            event_id,
            &team.sales,
            "anna@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        guest_in(
            &db,
            event_id,
            &team.sales,
            "quiet@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::set_personal_touch(
            &db,
            &team.sales,
            anna,
            "Hi",
            "https://video.example.com/x",
        )
        .await
        .unwrap();
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        assert!(
            InvitationService::my_news(&db, &team.sales, 10)
                .await
                .unwrap()
                .items
                .is_empty(),
            "being invited is no news"
        );
        let token = token_of(&db, anna).await;
        InvitationService::open(&db, &token).await.unwrap();
        InvitationService::open_video(&db, &token).await.unwrap();
        InvitationService::answer(&db, &settings(), &token, true)
            .await
            .unwrap();

        let news = InvitationService::my_news(&db, &team.sales, 10)
            .await
            .unwrap();
        let kinds: Vec<_> = news.items.iter().map(|n| (n.guest.id, n.kind)).collect();
        use app::domain::NewsKind;
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(kinds.contains(&(anna, NewsKind::Viewed)));
        assert!(kinds.contains(&(anna, NewsKind::VideoOpened)));
        assert!(kinds.contains(&(anna, NewsKind::Answered(Answer::Accepted))));
        assert!(news
            .contacts
            .values()
            .any(|c| c.email == "anna@customer.example"));
        assert!(
            InvitationService::my_news(&db, &team.marketing, 10)
                .await
                .unwrap()
                .items
                .is_empty(),
            "only the rep's own guests"
        );
    }
);

on_both_databases!(
    cancelling_tells_every_invited_guest_with_a_calendar_cancellation_and_closes_answers,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let invited = guest_in(
            &db,
            event_id,
            &team.sales,
            "invited@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let declined = guest_in(
            &db,
            event_id,
            &team.sales,
            "declined@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        let not_invited = guest_in(
            &db,
            event_id,
            &team.sales,
            "late@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::answer(&db, &settings(), &token_of(&db, declined).await, false)
            .await
            .unwrap();
        let before = EventService::find(&db, event_id).await.unwrap();

        // a rep cannot cancel; a note that is too long is refused and changes nothing
        assert!(matches!(
            InvitationService::cancel_event(&db, &settings(), &team.sales, event_id, "").await,
            Err(app::error::AppError::Forbidden)
        ));
        let long = "x".repeat(1001);
        assert!(matches!(
            InvitationService::cancel_event(&db, &settings(), &team.marketing, event_id, &long)
                .await,
            Err(app::error::AppError::Validation(_))
        ));
        assert_eq!(
            EventService::find(&db, event_id).await.unwrap().status,
            EventStatus::Open
        );

        let told = InvitationService::cancel_event(
            &db,
            &settings(),
            &team.marketing,
            event_id,
            "The venue flooded.\nWe will invite you again soon.",
        )
        .await
        .unwrap();
        assert_eq!(told, 2, "both invited guests, also the one who declined");
        let after = EventService::find(&db, event_id).await.unwrap();
        assert_eq!(after.status, EventStatus::Cancelled);
        assert_eq!(after.sequence, before.sequence + 1);

        let cancellations = outbox::Entity::find()
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::Kind.eq("cancellation"))
            .all(&db)
            .await
            .unwrap();
        let to: Vec<_> = cancellations.iter().map(|m| m.guest_id.unwrap()).collect();
        assert!(to.contains(&invited) && to.contains(&declined) && !to.contains(&not_invited));
        let mail = &cancellations[0];
        assert!(mail.subject.starts_with("Abgesagt: "), "{}", mail.subject);
        assert!(mail.text_body.contains("The venue flooded."));
        assert!(mail.raw.contains("method=CANCEL"));
        let unfolded = calendar_part(&mail.raw);
        assert!(unfolded.contains("METHOD:CANCEL"));
        assert!(unfolded.contains("STATUS:CANCELLED"));
        assert!(unfolded.contains(&format!("SEQUENCE:{}", after.sequence)));
        assert!(unfolded.contains(&format!("UID:event-{event_id}@tandem.example")));

        // answers are closed now
        let refused =
            InvitationService::answer(&db, &settings(), &token_of(&db, invited).await, true).await;
        assert!(
            matches!(refused, Err(app::error::AppError::Conflict(m)) if m.id == "rsvp-event-cancelled")
        );
        // and a second cancel is refused
        assert!(
            InvitationService::cancel_event(&db, &settings(), &team.marketing, event_id, "")
                .await
                .is_err()
        );
    }
);

/// The calendar part of a raw message, decoded (lettre sends it quoted-printable or base64) and
/// unfolded.
fn calendar_part(raw: &str) -> String {
    let start = raw
        .find("Content-Type: text/calendar")
        .expect("a calendar part");
    let part = &raw[start..];
    let (head, rest) = part.split_once("\r\n\r\n").unwrap();
    let body = &rest[..rest.find("\r\n--").unwrap_or(rest.len())];
    let decoded = if head.contains("quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                out.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    } else if head.contains("base64") {
        use base64::Engine;
        let clean: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .unwrap(),
        )
        .unwrap()
    } else {
        body.to_string()
    };
    decoded.replace("\r\n ", "")
}

/// Moves the open event by an hour (and, when `venue` is given, to another venue).
async fn move_event(
    db: &DatabaseConnection,
    team: &Team,
    event_id: i32,
    starts: &str,
    ends: &str,
    venue: &str,
) {
    let current = EventService::find(db, event_id).await.unwrap();
    let mut input = plan();
    input.starts_at = starts.into();
    input.ends_at = ends.into();
    input.venue_name = venue.into();
    EventService::update(db, &team.marketing, event_id, current.version, &input)
        .await
        .unwrap();
}

on_both_databases!(
    several_moves_within_the_window_make_one_update_per_guest_who_has_not_declined,
    |db: DatabaseConnection| async move {
        use app::ssr::services::UpdateService;
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        let coming = guest_in(
            &db,
            event_id,
            &team.sales,
            "coming@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let silent = guest_in(
            &db,
            event_id,
            &team.sales,
            "silent@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        let declined = guest_in(
            &db,
            event_id,
            &team.sales,
            "declined@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        InvitationService::answer(&db, &settings(), &token_of(&db, coming).await, true)
            .await
            .unwrap();
        InvitationService::answer(&db, &settings(), &token_of(&db, declined).await, false)
            .await
            .unwrap();
        let before = EventService::find(&db, event_id).await.unwrap();

        // two edits a minute apart: an hour later, then also another venue
        move_event(
            &db,
            &team,
            event_id,
            "2030-03-10T19:00",
            "2030-03-10T23:00",
            "Alte Halle",
        )
        .await;
        move_event(
            &db,
            &team,
            event_id,
            "2030-03-10T19:00",
            "2030-03-10T23:00",
            "Neue Halle",
        )
        .await;
        let now = Utc::now();
        let delay = chrono::Duration::minutes(5);
        let early = UpdateService::send_due(&db, &settings(), now, delay)
            .await
            .unwrap();
        assert_eq!(early.mails, 0, "not before the window closes");

        let later = now + chrono::Duration::minutes(6);
        let sent = UpdateService::send_due(&db, &settings(), later, delay)
            .await
            .unwrap();
        assert_eq!((sent.events, sent.mails), (1, 2));
        let again = UpdateService::send_due(&db, &settings(), later, delay)
            .await
            .unwrap();
        assert_eq!(
            again.mails, 0,
            "once, also when the scheduler runs again (or restarts)"
        );

        let updates = outbox::Entity::find()
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::Kind.eq("update"))
            .all(&db)
            .await
            .unwrap();
        let to: Vec<i32> = updates.iter().map(|m| m.guest_id.unwrap()).collect();
        assert!(to.contains(&coming) && to.contains(&silent) && !to.contains(&declined));
        let after = EventService::find(&db, event_id).await.unwrap();
        assert!(after.sequence > before.sequence);
        let mail = updates.iter().find(|m| m.guest_id == Some(coming)).unwrap();
        assert!(mail.subject.starts_with("Geändert: "), "{}", mail.subject);
        assert!(
            mail.text_body.contains("19:00") && mail.text_body.contains("vorher"),
            "{}",
            mail.text_body
        );
        assert!(mail.text_body.contains("Neue Halle") && mail.text_body.contains("Alte Halle"));
        let ics = calendar_part(&mail.raw);
        assert!(ics.contains("METHOD:REQUEST"));
        assert!(ics.contains(&format!("SEQUENCE:{}", after.sequence)));
        assert!(
            ics.contains("PARTSTAT=ACCEPTED"),
            "the accepted guest stays accepted"
        );
        let silent_mail = updates.iter().find(|m| m.guest_id == Some(silent)).unwrap();
        assert!(calendar_part(&silent_mail.raw).contains("PARTSTAT=NEEDS-ACTION"));
    }
);

on_both_databases!(
    a_move_and_back_within_the_window_sends_nothing,
    |db: DatabaseConnection| async move {
        use app::ssr::services::UpdateService;
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        guest_in(
            &db,
            event_id,
            &team.sales,
            "g@customer.example",
            NominationState::Approved,
            false,
        )
        .await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        move_event(
            &db,
            &team,
            event_id,
            "2030-03-10T19:00",
            "2030-03-10T23:00",
            "Alte Halle",
        )
        .await;
        move_event(
            &db,
            &team,
            event_id,
            "2030-03-10T18:00",
            "2030-03-10T22:00",
            "Alte Halle",
        )
        .await;
        let later = Utc::now() + chrono::Duration::minutes(6);
        let sent = UpdateService::send_due(&db, &settings(), later, chrono::Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(sent.mails, 0);
        assert!(EventService::find(&db, event_id)
            .await
            .unwrap()
            .calendar_changed_at
            .is_none());
    }
);

race_on_both_databases!(
    two_schedulers_at_once_send_each_update_once,
    |db: DatabaseConnection| async move {
        use app::ssr::services::UpdateService;
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        for i in 0..5 {
            guest_in(
                &db,
                event_id,
                &team.sales,
                &format!("g{i}@customer.example"),
                NominationState::Approved,
                false,
            )
            .await;
        }
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        move_event(
            &db,
            &team,
            event_id,
            "2030-03-10T19:00",
            "2030-03-10T23:00",
            "Alte Halle",
        )
        .await;
        let later = Utc::now() + chrono::Duration::minutes(6);
        let delay = chrono::Duration::minutes(5);
        let runs = (0..4).map(|_| {
            let db = db.clone();
            tokio::spawn(
                async move { UpdateService::send_due(&db, &settings(), later, delay).await },
            )
        });
        let mut total = 0;
        for run in runs.collect::<Vec<_>>() {
            total += run.await.unwrap().unwrap().mails;
        }
        assert_eq!(total, 5);
        let stored = outbox::Entity::find()
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::Kind.eq("update"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(stored, 5);
    }
);

/// An open event starting `days` from now whose RSVP deadline is `deadline_days` from now.
async fn event_in(db: &DatabaseConnection, team: &Team, days: i64, deadline_days: i64) -> i32 {
    let event_id = open_event(db, team, 10).await;
    let tz = chrono_tz::Europe::Berlin;
    let local = |d: i64| {
        (Utc::now() + chrono::Duration::days(d))
            .with_timezone(&tz)
            .naive_local()
    };
    let mut active = event::Entity::find_by_id(event_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    active.starts_local = Set(local(days));
    active.ends_local = Set(local(days) + chrono::Duration::hours(3));
    active.starts_at = Set(Utc::now() + chrono::Duration::days(days));
    active.ends_at = Set(Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(3));
    active.rsvp_deadline_local = Set(Some(local(deadline_days)));
    active.update(db).await.unwrap();
    event_id
}

on_both_databases!(
    reminders_go_to_accepted_guests_and_nudges_to_silent_ones_once_each_and_never_to_the_unsubscribed,
    |db: DatabaseConnection| async move {
        use app::ssr::services::ReminderService;
        let team = team(&db).await;
        // starts in 6 days (the 7-day reminder is due), answers close in 2 (the 3-day nudge is due)
        let event_id = event_in(&db, &team, 6, 2).await;
        let coming = guest_in(&db, event_id, &team.sales, "coming@customer.example", NominationState::Approved, false).await;
        let silent = guest_in(&db, event_id, &team.sales, "silent@customer.example", NominationState::Approved, false).await;
        let gone = guest_in(&db, event_id, &team.sales, "gone@customer.example", NominationState::Approved, false).await;
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None).await.unwrap();
        // coming accepted before the reminder's time
        InvitationService::answer(&db, &settings(), &token_of(&db, coming).await, true).await.unwrap();
        let mut early = guest::Entity::find_by_id(coming).one(&db).await.unwrap().unwrap().into_active_model();
        early.answered_at = Set(Some(Utc::now() - chrono::Duration::days(3)));
        early.update(&db).await.unwrap();
        // gone unsubscribed through the link in the invitation
        InvitationService::unsubscribe(&db, &token_of(&db, gone).await).await.unwrap();

        let now = Utc::now();
        let sent = ReminderService::send_due(&db, &settings(), now).await.unwrap();
        assert_eq!((sent.reminders, sent.nudges, sent.digests), (1, 1, 1));
        let again = ReminderService::send_due(&db, &settings(), now + chrono::Duration::minutes(1)).await.unwrap();
        assert_eq!((again.reminders, again.nudges, again.digests), (0, 0, 0), "once, also on the next run");

        let mail_to = |kind: &'static str| {
            let db = db.clone();
            async move {
                outbox::Entity::find()
                    .filter(outbox::Column::EventId.eq(event_id))
                    .filter(outbox::Column::Kind.eq(kind))
                    .all(&db)
                    .await
                    .unwrap()
            }
        };
        let reminders = mail_to("reminder").await;
        assert_eq!(reminders.len(), 1);
        assert_eq!(reminders[0].guest_id, Some(coming));
        assert!(reminders[0].subject.starts_with("Erinnerung: "));
        assert!(reminders[0].raw.contains("Content-Type: image/png"), "the door code travels along");
        assert!(calendar_part(&reminders[0].raw).contains("PARTSTAT=ACCEPTED"));
        assert!(reminders[0].raw.contains("List-Unsubscribe: <https://tandem.example/unsubscribe/"));
        let nudges = mail_to("nudge").await;
        assert_eq!(nudges.len(), 1);
        assert_eq!(nudges[0].guest_id, Some(silent));
        // the nudge's link is a working personal link of its own
        let at = nudges[0].text_body.find("/rsvp/").unwrap() + "/rsvp/".len();
        let link = &nudges[0].text_body[at..at + 64];
        assert_ne!(link, token_of(&db, silent).await);
        let opened = InvitationService::open(&db, link).await.unwrap();
        assert_eq!(opened.guest.id, silent);
        let digests = mail_to("digest").await;
        assert_eq!(digests.len(), 1);
        assert_eq!(digests[0].recipient, team.sales.email);
        assert!(digests[0].text_body.contains("silent"));
        assert!(!digests[0].text_body.contains("gone"), "unsubscribed contacts are left out");

        let overview = ReminderService::overview(&db, event_id).await.unwrap();
        assert_eq!(overview.reminders.iter().map(|(d, _, n)| (*d, *n)).collect::<Vec<_>>(), vec![(7, 1), (1, 0)]);
        assert_eq!(overview.nudge.map(|(_, n, d)| (n, d)), Some((1, 1)));
    }
);

race_on_both_databases!(
    two_schedulers_at_once_send_each_reminder_once,
    |db: DatabaseConnection| async move {
        use app::ssr::services::ReminderService;
        let team = team(&db).await;
        let event_id = event_in(&db, &team, 1, -1).await;
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(
                guest_in(
                    &db,
                    event_id,
                    &team.sales,
                    &format!("r{i}@customer.example"),
                    NominationState::Approved,
                    false,
                )
                .await,
            );
        }
        InvitationService::send(&db, &settings(), &team.marketing, event_id, None)
            .await
            .unwrap();
        for id in &ids {
            let mut accepted = guest::Entity::find_by_id(*id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .into_active_model();
            accepted.answer = Set(Answer::Accepted);
            accepted.answered_at = Set(Some(Utc::now() - chrono::Duration::days(5)));
            accepted.update(&db).await.unwrap();
        }
        let now = Utc::now();
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { ReminderService::send_due(&db, &settings(), now).await })
            })
            .collect();
        let mut total = 0;
        for run in runs {
            total += run.await.unwrap().unwrap().reminders;
        }
        assert_eq!(total, 6);
        let stored = outbox::Entity::find()
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::Kind.eq("reminder"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(stored, 6);
    }
);

on_both_databases!(
    reminder_days_are_checked_and_only_marketing_sets_them,
    |db: DatabaseConnection| async move {
        use app::ssr::services::ReminderService;
        let team = team(&db).await;
        let event_id = open_event(&db, &team, 10).await;
        assert!(matches!(
            ReminderService::configure(&db, &team.sales, event_id, "3", "2").await,
            Err(app::error::AppError::Forbidden)
        ));
        let refused =
            ReminderService::configure(&db, &team.marketing, event_id, "7, x", "99").await;
        let Err(app::error::AppError::Validation(errors)) = refused else {
            panic!("{refused:?}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reminder_days", "nudge_days"]);
        assert_eq!(
            EventService::find(&db, event_id)
                .await
                .unwrap()
                .reminder_days,
            "7,1",
            "nothing changed"
        );
        ReminderService::configure(&db, &team.marketing, event_id, "1, 14", "0")
            .await
            .unwrap();
        let stored = EventService::find(&db, event_id).await.unwrap();
        assert_eq!(
            (stored.reminder_days.as_str(), stored.nudge_days),
            ("14,1", Some(0))
        );
    }
);
