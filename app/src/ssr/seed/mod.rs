//! Demo data for a new database: one user per role and two more reps, a dozen accounts with
//! dozens of contacts, two events in planning, one happening now whose guests accepted and wait
//! at the door, and two past events with check-ins, no-shows and follow-up outcomes
//! (`story`), so the reports and follow-ups show the product working.
mod story;
use chrono::{Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
pub use story::MORE_REPS;

use super::auth::CurrentUser;
use super::entities::{account, contact, event, guest};
use super::services::{EventService, GuestListService, InvitationService, UserService};
use crate::domain::{
    format_local_datetime, Answer, Decision, EmailAddress, EventInput, EventStatus,
    InvitationState, NewUser, Nomination, NominationState, Priority, Role,
};
use crate::error::AppError;

pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_USERS: [(&str, &str, Role); 4] = [
    ("admin@demo.test", "Ada Admin", Role::Admin),
    ("marketing@demo.test", "Mia Marketing", Role::Marketing),
    ("sales@demo.test", "Sam Sales", Role::Sales),
    ("manager@demo.test", "Max Manager", Role::Manager),
];

/// Seeds the demo data when the database has no users yet. Returns whether it seeded.
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<bool, AppError> {
    if UserService::count(db).await? > 0 {
        return Ok(false);
    }
    let mut users = Vec::new();
    for (email, name, role) in DEMO_USERS {
        let dto = UserService::create(
            db,
            NewUser {
                email: EmailAddress::parse(email).expect("demo email"),
                name: name.into(),
                role,
                password: DEMO_PASSWORD.into(),
            },
        )
        .await?;
        users.push(CurrentUser {
            id: dto.id,
            name: dto.name,
            email: dto.email,
            role,
        });
    }
    let marketing = &users[1];
    let sales = &users[2];

    let now = Utc::now();
    let accounts = [
        (
            "Nordwind Logistik GmbH",
            "nordwind.example",
            "Logistics",
            "A",
            true,
        ),
        (
            "Brightpath Energy",
            "brightpath.example",
            "Energy",
            "B",
            false,
        ),
        ("Kestrel Health", "kestrel.example", "Healthcare", "A", true),
    ];
    let mut account_ids = Vec::new();
    for (name, domain, industry, tier, target) in accounts {
        let model = account::ActiveModel {
            name: Set(name.into()),
            domain: Set(Some(domain.into())),
            industry: Set(Some(industry.into())),
            tier: Set(Some(tier.into())),
            target_account: Set(target),
            owner_id: Set(Some(sales.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        account_ids.push(model.id);
    }
    let contacts = [
        (
            "Jana",
            "Krüger",
            "jana.krueger@nordwind.example",
            "Head of Operations",
            "de",
            0,
        ),
        (
            "Tobias",
            "Lang",
            "tobias.lang@nordwind.example",
            "CFO",
            "de",
            0,
        ),
        (
            "Priya",
            "Shah",
            "priya.shah@brightpath.example",
            "VP Procurement",
            "en",
            1,
        ),
        (
            "Owen",
            "Price",
            "owen.price@brightpath.example",
            "IT Director",
            "en",
            1,
        ),
        ("Lea", "Vogel", "lea.vogel@kestrel.example", "CIO", "de", 2),
        (
            "Marco",
            "Rossi",
            "marco.rossi@kestrel.example",
            "Head of Digital",
            "en",
            2,
        ),
    ];
    let mut contact_ids = Vec::new();
    for (first, last, email, title, language, account) in contacts {
        let created = contact::ActiveModel {
            first_name: Set(first.into()),
            last_name: Set(last.into()),
            email: Set(email.into()),
            title: Set(Some(title.into())),
            language: Set(language.into()),
            account_id: Set(Some(account_ids[account])),
            owner_id: Set(Some(sales.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        contact_ids.push(created.id);
    }

    let berlin: Tz = chrono_tz::Europe::Berlin;
    let at = |days: i64, hour: u32| {
        let date = (now + Duration::days(days))
            .with_timezone(&berlin)
            .date_naive();
        format_local_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("hour")))
    };
    let open = EventService::create(
        db,
        marketing,
        &EventInput {
            title: "Logistics Leaders Dinner".into(),
            kind: "on_site".into(),
            brief: "An evening for **operations leaders** of our target accounts.\n\n- Keynote on supply-chain visibility\n- Dinner with our product team\n\nEach rep brings up to five customers.".into(),
            agenda: "18:00 Welcome drinks\n18:45 Keynote: seeing the whole chain\n19:30 Dinner\n21:30 Closing".into(),
            venue_name: "Alte Münze".into(),
            venue_address: "Molkenmarkt 2, 10179 Berlin".into(),
            join_url: String::new(),
            starts_at: at(24, 18),
            ends_at: at(24, 22),
            time_zone: berlin.name().into(),
            capacity: "40".into(),
            nomination_deadline: at(10, 12),
            rsvp_deadline: at(17, 12),
            language: "de".into(),
        },
    )
    .await?;
    EventService::change_status(db, marketing, open.id, EventStatus::Open).await?;
    GuestListService::set_quota(db, marketing, open.id, sales.id, 5).await?;
    // Sam has nominated three customers; marketing approved two, so the invitations can go out
    let reasons = [
        "Runs operations for our largest logistics account; renewal due in spring.",
        "New head of supply chain: a first personal meeting.",
        "Evaluating our tracking product.",
    ];
    let mut nominated = Vec::new();
    for (contact_id, reason) in contact_ids.iter().zip(reasons) {
        let guest = GuestListService::nominate(
            db,
            sales,
            open.id,
            *contact_id,
            &Nomination {
                reason: reason.into(),
                priority: Priority::A,
            },
            now,
        )
        .await?;
        nominated.push(guest.id);
    }
    GuestListService::decide(
        db,
        marketing,
        open.id,
        &nominated[..2],
        Decision::Approve,
        None,
    )
    .await?;
    InvitationService::set_personal_touch(
        db,
        sales,
        nominated[0],
        "Ich würde mich sehr freuen, Sie beim Dinner zu sehen – und Ihnen unsere neue Sendungsverfolgung zu zeigen.",
        "https://video.example.com/sam/logistics-dinner",
    )
    .await?;
    EventService::create(
        db,
        marketing,
        &EventInput {
            title: "Energy Transition Webinar & Roundtable".into(),
            kind: "hybrid".into(),
            brief: "Draft — sales, tell us which customers care about *grid flexibility*.".into(),
            agenda: "16:00 Opening\n16:15 Panel\n17:15 Roundtable".into(),
            venue_name: "Tandem Office Hamburg".into(),
            venue_address: "Am Sandtorkai 1, 20457 Hamburg".into(),
            join_url: "https://meet.example.com/energy-roundtable".into(),
            starts_at: at(45, 16),
            ends_at: at(45, 18),
            time_zone: berlin.name().into(),
            capacity: "60".into(),
            nomination_deadline: at(30, 12),
            rsvp_deadline: at(40, 12),
            language: "en".into(),
        },
    )
    .await?;
    seed_event_at_the_door(db, marketing, sales, &contact_ids).await?;
    story::seed_past_events(db, marketing, sales, &contact_ids).await?;
    Ok(true)
}

/// "Partner Breakfast", under way since half an hour: every demo contact accepted (each has a
/// door code), so the door page has guests to search and check in.
async fn seed_event_at_the_door(
    db: &DatabaseConnection,
    marketing: &CurrentUser,
    sales: &CurrentUser,
    contact_ids: &[i32],
) -> Result<(), AppError> {
    let now = Utc::now();
    let berlin: Tz = chrono_tz::Europe::Berlin;
    let tomorrow = (now + Duration::days(1))
        .with_timezone(&berlin)
        .date_naive();
    let created = EventService::create(
        db,
        marketing,
        &EventInput {
            title: "Partner Breakfast".into(),
            kind: "on_site".into(),
            brief: "Breakfast with our partners' decision makers. **Doors open now** — check guests in at the entrance.".into(),
            agenda: "08:30 Coffee\n09:00 Roadmap\n10:00 Open talks".into(),
            venue_name: "Speicherstadt Kaffeerösterei".into(),
            venue_address: "Kehrwieder 5, 20457 Hamburg".into(),
            join_url: String::new(),
            starts_at: format_local_datetime(&tomorrow.and_time(NaiveTime::from_hms_opt(8, 30, 0).expect("time"))),
            ends_at: format_local_datetime(&tomorrow.and_time(NaiveTime::from_hms_opt(11, 0, 0).expect("time"))),
            time_zone: berlin.name().into(),
            capacity: "30".into(),
            nomination_deadline: String::new(),
            rsvp_deadline: String::new(),
            language: "en".into(),
        },
    )
    .await?;
    EventService::change_status(db, marketing, created.id, EventStatus::Open).await?;
    GuestListService::set_quota(db, marketing, created.id, sales.id, 8).await?;
    // it started half an hour ago (a plan cannot be made in the past, so the times are set here);
    // no reminders for an event under way
    let starts = now - Duration::minutes(30);
    let ends = now + Duration::hours(3);
    let mut under_way: event::ActiveModel = event::ActiveModel {
        id: Set(created.id),
        ..Default::default()
    };
    under_way.starts_at = Set(starts);
    under_way.ends_at = Set(ends);
    under_way.starts_local = Set(starts.with_timezone(&berlin).naive_local());
    under_way.ends_local = Set(ends.with_timezone(&berlin).naive_local());
    under_way.reminder_days = Set(String::new());
    under_way.nudge_days = Set(None);
    under_way.update(db).await?;
    for (i, contact_id) in contact_ids.iter().enumerate() {
        guest::ActiveModel {
            event_id: Set(created.id),
            contact_id: Set(*contact_id),
            nominated_by: Set(sales.id),
            reason: Set("Partner decision maker.".into()),
            priority: Set(if i % 3 == 2 { Priority::B } else { Priority::A }),
            personal_note: Set(String::new()),
            state: Set(NominationState::Approved),
            decided_by: Set(Some(marketing.id)),
            decided_at: Set(Some(now - Duration::days(14))),
            invitation: Set(InvitationState::Viewed),
            answer: Set(Answer::Accepted),
            invited_at: Set(Some(now - Duration::days(14))),
            viewed_at: Set(Some(now - Duration::days(13))),
            answered_at: Set(Some(now - Duration::days(13))),
            checkin_code: Set(Some(super::services::invitations::new_checkin_code())),
            created_at: Set(now - Duration::days(20)),
            updated_at: Set(now - Duration::days(13)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
