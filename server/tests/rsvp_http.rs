//! The guest's personal link through the real router: the page shows the invitation in the
//! guest's language, a GET never answers, a plain form post answers, an unknown link is a 404.
use app::domain::{Answer, InvitationState};
use app::ssr::entities::{contact, guest, outbox};
use app::ssr::mail::{MailSettings, Mailbox};
use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

mod common;
use common::*;

async fn stored(app: &TestApp, guest_id: i32) -> guest::Model {
    guest::Entity::find_by_id(guest_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_guest_opens_their_link_sees_the_invitation_in_german_and_answers_with_a_plain_post() {
    let app = spawn_app().await;
    let (guest_id, token) = invited_guest(&app).await;
    let page = client()
        .get(format!("{}/rsvp/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Kundenabend &lt;Spezial&gt;"),
        "the title, escaped"
    );
    assert!(html.contains("Ja, ich komme"), "in the guest's language");
    assert!(html.contains("Ich freue mich auf Sie!"), "the rep's note");
    let seen = stored(&app, guest_id).await;
    assert_eq!(seen.invitation, InvitationState::Viewed);
    assert_eq!(seen.answer, Answer::None, "a GET never answers");

    let res = client()
        .post(format!("{}/api/guest/answer", app.base))
        .header(reqwest::header::ORIGIN, &app.base)
        .header(
            reqwest::header::REFERER,
            format!("{}/rsvp/{token}", app.base),
        )
        .header(reqwest::header::ACCEPT, "text/html")
        .form(&[("token", token.as_str()), ("answer", "accept")])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    assert_eq!(stored(&app, guest_id).await.answer, Answer::Accepted);
    let confirmation = outbox::Entity::find()
        .filter(outbox::Column::GuestId.eq(guest_id))
        .filter(outbox::Column::Kind.eq("confirmation"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the answer is confirmed by email");
    // the calendar part may be quoted-printable (the guest's name has umlauts): `=` is `=3D`
    assert!(
        confirmation.raw.contains("PARTSTAT=ACCEPTED")
            || confirmation.raw.contains("PARTSTAT=3DACCEPTED"),
        "the confirmation's calendar invite says the guest accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unknown_link_gets_the_guest_404_and_answers_nothing() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/rsvp/{}", app.base, "ab".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post(
            &client(),
            "guest/answer",
            &[("token", &"ab".repeat(32)), ("answer", "accept")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn contact_of_guest(app: &TestApp, guest_id: i32) -> contact::Model {
    let found = stored(app, guest_id).await;
    contact::Entity::find_by_id(found.contact_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_click_unsubscribe_works_without_cookie_or_origin_and_a_get_never_unsubscribes() {
    let app = spawn_app().await;
    let (guest_id, token) = invited_guest(&app).await;
    let page = client()
        .get(format!("{}/unsubscribe/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("juergen@customer.example"));
    assert!(
        contact_of_guest(&app, guest_id)
            .await
            .unsubscribed_at
            .is_none(),
        "a GET (a mail scanner) never unsubscribes"
    );
    // the mail provider's POST: no cookie, no Origin of ours
    let res = client()
        .post(format!("{}/unsubscribe/{token}", app.base))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let person = contact_of_guest(&app, guest_id).await;
    assert!(person.unsubscribed_at.is_some());
    assert_eq!(person.unsubscribe_source.as_deref(), Some("link"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guest_unsubscribes_on_the_page_and_can_undo_it_there() {
    let app = spawn_app().await;
    let (guest_id, token) = invited_guest(&app).await;
    let guest = client();
    let res = app
        .post(
            &guest,
            "guest/unsubscribe",
            &[("token", token.as_str()), ("change", "unsubscribe")],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(contact_of_guest(&app, guest_id)
        .await
        .unsubscribed_at
        .is_some());
    let page = guest
        .get(format!("{}/unsubscribe/{token}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Sie sind abgemeldet"),
        "in the guest's language"
    );
    let res = app
        .post(
            &guest,
            "guest/unsubscribe",
            &[("token", token.as_str()), ("change", "undo")],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(contact_of_guest(&app, guest_id)
        .await
        .unsubscribed_at
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_team_and_the_guest_download_the_event_as_a_calendar_file_that_strict_parsers_read() {
    let app = spawn_app().await;
    let (_, token) = invited_guest(&app).await;
    let event_id = guest::Entity::find()
        .filter(guest::Column::RsvpTokenHash.eq(app::ssr::auth::hash_token(&token)))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .event_id;

    // the team's copy needs a session
    let anonymous = client()
        .get(format!("{}/events/{event_id}/calendar.ics", app.base))
        .send()
        .await
        .unwrap();
    assert!(anonymous.status().is_redirection());
    let sales = app.signed_in("sales@demo.test").await;
    let res = sales
        .get(format!("{}/events/{event_id}/calendar.ics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[reqwest::header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert!(res.headers()[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(&format!("tandem-event-{event_id}.ics")));
    let team_ics = res.text().await.unwrap();
    assert!(team_ics.contains("METHOD:PUBLISH\r\n"));
    assert!(team_ics.contains("ORGANIZER"), "RFC 5546 §3.2.1 wants one");
    assert!(!team_ics.contains("ATTENDEE"));
    // the same version downloads the same bytes (stable UID and DTSTAMP)
    let again = sales
        .get(format!("{}/events/{event_id}/calendar.ics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(team_ics, again);
    if let Some(seen) = python_ics(&team_ics) {
        assert_eq!(seen["method"], "PUBLISH");
        assert_eq!(seen["summary"], "Kundenabend <Spezial>");
        assert_eq!(seen["attendees"], 0);
        assert_eq!(seen["uid"], format!("event-{event_id}@tandem.example"));
    }

    // the guest's own copy through their link, no session; an unknown link is a 404
    let guest_ics = client()
        .get(format!("{}/rsvp/{token}/calendar.ics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guest_ics.status(), StatusCode::OK);
    let guest_ics = guest_ics.text().await.unwrap();
    assert!(guest_ics
        .replace("\r\n ", "")
        .contains(&format!("/rsvp/{token}")));
    if let Some(seen) = python_ics(&guest_ics) {
        assert_eq!(seen["method"], "PUBLISH");
        assert_eq!(seen["attendees"], 0);
    }
    let unknown = client()
        .get(format!("{}/rsvp/{}/calendar.ics", app.base, "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_one_click_unsubscribe_without_cookies_stops_the_next_reminder() {
    use app::ssr::services::ReminderService;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let app = spawn_app().await;
    let (guest_id, token) = invited_guest(&app).await;
    // the guest accepted long ago, and the event is tomorrow
    let mut accepted = guest::Entity::find_by_id(guest_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    accepted.answer = Set(Answer::Accepted);
    accepted.answered_at = Set(Some(Utc::now() - chrono::Duration::days(10)));
    let accepted = accepted.update(&app.db).await.unwrap();
    let mut soon = app::ssr::entities::event::Entity::find_by_id(accepted.event_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    soon.starts_at = Set(Utc::now() + chrono::Duration::hours(20));
    soon.ends_at = Set(Utc::now() + chrono::Duration::hours(23));
    soon.update(&app.db).await.unwrap();

    let res = client()
        .post(format!("{}/unsubscribe/{token}", app.base))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let settings = MailSettings {
        from: Mailbox::new("Tandem", "events@tandem.example"),
        organizer: Mailbox::new("Tandem", "events@tandem.example"),
        public_url: app.base.clone(),
        delivers: true,
    };
    let sent = ReminderService::send_due(&app.db, &settings, Utc::now())
        .await
        .unwrap();
    assert_eq!(sent.reminders, 0, "no reminder to an unsubscribed guest");
    // the guest list says so, with the time
    let marketing = app.signed_in("marketing@demo.test").await;
    let list: serde_json::Value = app
        .post(
            &marketing,
            "get_guest_list",
            &[("event_id", &accepted.event_id.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    let row = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == guest_id)
        .unwrap();
    assert!(
        row["unsubscribed"].as_str().is_some_and(|w| !w.is_empty()),
        "{row}"
    );
    let reminders = outbox::Entity::find()
        .filter(outbox::Column::GuestId.eq(guest_id))
        .filter(outbox::Column::Kind.eq("reminder"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(reminders.is_empty());
}
