//! The demo's past: two more reps, more accounts and contacts, and two closed events — the
//! "Supply Chain Summit" six weeks ago and the "Customer Advisory Lunch" eleven weeks ago — with
//! nominations in every state, invitations viewed and answered, check-ins, a walk-in, no-shows
//! and follow-up outcomes (some still open, so managers see overdue follow-ups).
//!
//! `SUMMIT` is the table the figures come from; `end2end/tests/reports.spec.ts` and
//! `server/tests/reports_http.rs` check the report against it:
//! nominated 22, approved 20, invited 20, viewed 19, accepted 15, attended 11; declined 2,
//! waitlisted 1, no-shows 4, walk-ins 1; show rate 73 %; meetings 5; pipeline EUR 65,000 and
//! USD 12,000. Sam: nominated 10, approved 9, accepted 7, attended 5, show rate 71 %, meetings 3,
//! EUR 40,000.
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use super::super::auth::CurrentUser;
use super::super::entities::{account, contact, event, goal, guest, outcome};
use super::super::services::{EventService, GuestListService, UserService};
use crate::domain::{
    format_local_datetime, Answer, EmailAddress, EventInput, EventStatus, InvitationState, NewUser,
    NominationState, OutcomeKind, Priority, Role,
};
use crate::error::AppError;

/// What became of one guest.
#[derive(Clone, Copy)]
enum Fate {
    /// marketing rejected the nomination
    Rejected,
    /// the rep withdrew it
    Withdrawn,
    /// marketing put the nomination on the waitlist; it was never approved
    HeldBack,
    /// invited, never opened the invitation
    Unopened,
    /// opened the invitation, never answered
    Silent,
    Declined,
    /// accepted when the event was full; no seat came free
    Waitlisted,
    /// accepted and did not come (with what the rep recorded, if anything)
    NoShow(Option<Result_>),
    /// accepted and came
    Came(Option<Result_>),
    /// came without an invitation
    WalkIn(Option<Result_>),
}

/// A recorded outcome: a meeting some days after the event, an opportunity, or no interest.
#[derive(Clone, Copy)]
enum Result_ {
    Meeting(i64),
    Opportunity(i64, &'static str),
    NoInterest,
}

use Fate::*;
use Result_::*;

/// The Summit's guests: (rep: 0 Sam, 1 Lina, 2 Tom; what became of them). Guest `i` is contact
/// `i` of the demo's contact list.
const SUMMIT: [(usize, Fate); 24] = [
    (0, Came(Some(Meeting(7)))),
    (0, Came(Some(Opportunity(40_000, "EUR")))),
    (0, Came(Some(NoInterest))),
    (0, Came(None)),
    (0, Came(Some(Meeting(10)))),
    (0, NoShow(None)),
    (0, NoShow(Some(Meeting(12)))),
    (0, Declined),
    (0, Silent),
    (0, Rejected),
    (1, Came(Some(Opportunity(25_000, "EUR")))),
    (1, Came(Some(Meeting(6)))),
    (1, Came(None)),
    (1, Came(Some(Opportunity(12_000, "USD")))),
    (1, NoShow(None)),
    (1, Declined),
    (1, Waitlisted),
    (1, Withdrawn),
    (1, WalkIn(Some(Meeting(9)))),
    (2, Came(Some(NoInterest))),
    (2, Came(None)),
    (2, NoShow(None)),
    (2, Unopened),
    (2, HeldBack),
];

/// The Lunch's guests (contacts 24 onwards); every follow-up has its outcome.
const LUNCH: [(usize, Fate); 8] = [
    (0, Came(Some(Meeting(5)))),
    (0, Came(Some(Opportunity(18_000, "EUR")))),
    (0, Came(Some(NoInterest))),
    (0, NoShow(Some(NoInterest))),
    (1, Came(Some(Meeting(4)))),
    (1, Came(Some(Opportunity(30_000, "EUR")))),
    (1, Declined),
    (2, Came(Some(Meeting(8)))),
];

/// A person at a demo account: first name, last name, title.
type Person = (&'static str, &'static str, &'static str);

/// A demo account: name, domain, industry, tier, target account, its people.
type DemoAccount = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    [Person; 3],
);

const ACCOUNTS: [DemoAccount; 10] = [
    (
        "Hafenkran AG",
        "hafenkran.example",
        "Logistics",
        "A",
        true,
        [
            ("Sven", "Albers", "COO"),
            ("Mira", "Hoffmann", "Head of Fleet"),
            ("Jonas", "Weber", "IT Lead"),
        ],
    ),
    (
        "Cobalt Retail",
        "cobalt.example",
        "Retail",
        "B",
        false,
        [
            ("Emma", "Clarke", "Supply Chain Director"),
            ("Liam", "Foster", "CTO"),
            ("Ava", "Hughes", "Buyer"),
        ],
    ),
    (
        "Alpenmilch eG",
        "alpenmilch.example",
        "Food",
        "A",
        true,
        [
            ("Anna", "Huber", "Managing Director"),
            ("Lukas", "Gruber", "Plant Manager"),
            ("Sophie", "Maier", "Procurement"),
        ],
    ),
    (
        "Northbridge Pharma",
        "northbridge.example",
        "Healthcare",
        "A",
        true,
        [
            ("Noah", "Bennett", "VP Operations"),
            ("Isla", "Reid", "Quality Lead"),
            ("Ethan", "Cole", "CIO"),
        ],
    ),
    (
        "Ostsee Fracht",
        "ostsee.example",
        "Logistics",
        "B",
        false,
        [
            ("Finn", "Petersen", "Dispatcher Lead"),
            ("Lena", "Jensen", "CFO"),
            ("Paul", "Hansen", "Operations"),
        ],
    ),
    (
        "Vireo Mobility",
        "vireo.example",
        "Automotive",
        "A",
        true,
        [
            ("Chloe", "Martin", "Head of Logistics"),
            ("Hugo", "Bernard", "Plant IT"),
            ("Léa", "Dubois", "Purchasing"),
        ],
    ),
    (
        "Granite Foods",
        "granite.example",
        "Food",
        "C",
        false,
        [
            ("Oliver", "Grant", "COO"),
            ("Mia", "Turner", "Warehouse Lead"),
            ("Jack", "Ward", "Finance"),
        ],
    ),
    (
        "Sonnenhof Energie",
        "sonnenhof.example",
        "Energy",
        "B",
        false,
        [
            ("Felix", "Schulz", "Grid Planning"),
            ("Clara", "Becker", "CTO"),
            ("Max", "Richter", "Procurement"),
        ],
    ),
    (
        "Tidewater Ports",
        "tidewater.example",
        "Logistics",
        "A",
        true,
        [
            ("Grace", "Hall", "Port Director"),
            ("Henry", "Young", "Terminal Ops"),
            ("Ruby", "King", "Digital"),
        ],
    ),
    (
        "Lumen Labs",
        "lumen.example",
        "Technology",
        "C",
        false,
        [
            ("Theo", "Wright", "CEO"),
            ("Ivy", "Scott", "Ops Lead"),
            ("Leo", "Green", "Engineer"),
        ],
    ),
];

/// The two reps beside Sam: (email, name). They sign in with the demo password too.
pub const MORE_REPS: [(&str, &str); 2] = [
    ("lina@demo.test", "Lina Lindqvist"),
    ("tom@demo.test", "Tom Becker"),
];

pub async fn seed_past_events(
    db: &DatabaseConnection,
    marketing: &CurrentUser,
    sam: &CurrentUser,
    first_contacts: &[i32],
) -> Result<(), AppError> {
    let now = Utc::now();
    let mut reps = vec![sam.clone()];
    for (email, name) in MORE_REPS {
        let dto = UserService::create(
            db,
            NewUser {
                email: EmailAddress::parse(email).expect("demo email"),
                name: name.into(),
                role: Role::Sales,
                password: super::DEMO_PASSWORD.into(),
            },
        )
        .await?;
        reps.push(CurrentUser {
            id: dto.id,
            name: dto.name,
            email: dto.email,
            role: Role::Sales,
        });
    }
    let mut contacts: Vec<i32> = first_contacts.to_vec();
    for (n, (name, domain, industry, tier, target, people)) in ACCOUNTS.into_iter().enumerate() {
        let owner = reps[n % reps.len()].id;
        let created = account::ActiveModel {
            name: Set(name.into()),
            domain: Set(Some(domain.into())),
            industry: Set(Some(industry.into())),
            tier: Set(Some(tier.into())),
            target_account: Set(target),
            owner_id: Set(Some(owner)),
            created_at: Set(now - Duration::days(120)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for (first, last, title) in people {
            let local = format!("{first}.{last}").to_lowercase().replace('é', "e");
            let row = contact::ActiveModel {
                first_name: Set(first.into()),
                last_name: Set(last.into()),
                email: Set(format!("{local}@{domain}")),
                title: Set(Some(title.into())),
                language: Set(if n % 2 == 0 { "de" } else { "en" }.into()),
                account_id: Set(Some(created.id)),
                owner_id: Set(Some(owner)),
                created_at: Set(now - Duration::days(120)),
                ..Default::default()
            }
            .insert(db)
            .await?;
            contacts.push(row.id);
        }
    }
    let summit = past_event(
        db,
        marketing,
        &reps,
        PastEvent {
            title: "Supply Chain Summit",
            days_ago: 42,
            hours: (14, 19),
            venue: ("Hafenmuseum", "Australiastraße 1, 20457 Hamburg"),
            capacity: 30,
        },
    )
    .await?;
    add_guests(
        db,
        marketing,
        &reps,
        &summit,
        &SUMMIT,
        &contacts[..SUMMIT.len()],
    )
    .await?;
    for (metric, target, team, note) in [
        (
            "attendees",
            12,
            "marketing",
            "A full room: twelve decision makers.",
        ),
        (
            "show_rate",
            80,
            "marketing",
            "Reminders and a personal call the day before.",
        ),
        (
            "meetings_booked",
            6,
            "sales",
            "Two follow-up meetings per rep.",
        ),
        (
            "pipeline_amount",
            100_000,
            "sales",
            "New pipeline in EUR within a month.",
        ),
    ] {
        goal::ActiveModel {
            event_id: Set(summit.id),
            metric: Set(metric.into()),
            target: Set(target),
            team: Set(team.into()),
            note: Set(note.into()),
            created_by: Set(if team == "sales" {
                sam.id
            } else {
                marketing.id
            }),
            created_at: Set(summit.created_at),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let lunch = past_event(
        db,
        marketing,
        &reps,
        PastEvent {
            title: "Customer Advisory Lunch",
            days_ago: 77,
            hours: (12, 14),
            venue: ("Das Lokal", "Zollhafen 4, 20457 Hamburg"),
            capacity: 12,
        },
    )
    .await?;
    let lunch_contacts = &contacts[SUMMIT.len()..SUMMIT.len() + LUNCH.len()];
    add_guests(db, marketing, &reps, &lunch, &LUNCH, lunch_contacts).await?;
    Ok(())
}

struct PastEvent {
    title: &'static str,
    days_ago: i64,
    hours: (u32, u32),
    venue: (&'static str, &'static str),
    capacity: i32,
}

/// A closed event `days_ago` days ago, with seats for every rep. It is planned in the future (a
/// plan cannot start in the past), then moved back and closed.
async fn past_event(
    db: &DatabaseConnection,
    marketing: &CurrentUser,
    reps: &[CurrentUser],
    spec: PastEvent,
) -> Result<event::Model, AppError> {
    let now = Utc::now();
    let berlin: Tz = chrono_tz::Europe::Berlin;
    let local = |date: NaiveDate, hour: u32| {
        date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("hour"))
    };
    let planned = (now + Duration::days(30))
        .with_timezone(&berlin)
        .date_naive();
    let created = EventService::create(
        db,
        marketing,
        &EventInput {
            title: spec.title.into(),
            kind: "on_site".into(),
            brief: format!("**{}** — what we learned is in the report.", spec.title),
            agenda: String::new(),
            venue_name: spec.venue.0.into(),
            venue_address: spec.venue.1.into(),
            join_url: String::new(),
            starts_at: format_local_datetime(&local(planned, spec.hours.0)),
            ends_at: format_local_datetime(&local(planned, spec.hours.1)),
            time_zone: berlin.name().into(),
            capacity: spec.capacity.to_string(),
            nomination_deadline: String::new(),
            rsvp_deadline: String::new(),
            language: "en".into(),
        },
    )
    .await?;
    EventService::change_status(db, marketing, created.id, EventStatus::Open).await?;
    for (rep, seats) in reps.iter().zip([10, 9, 6]) {
        GuestListService::set_quota(db, marketing, created.id, rep.id, seats).await?;
    }
    let day = (now - Duration::days(spec.days_ago))
        .with_timezone(&berlin)
        .date_naive();
    let starts_local = local(day, spec.hours.0);
    let ends_local = local(day, spec.hours.1);
    let utc = |l: chrono::NaiveDateTime| -> DateTime<Utc> {
        use chrono::TimeZone;
        berlin
            .from_local_datetime(&l)
            .earliest()
            .expect("a Berlin time")
            .with_timezone(&Utc)
    };
    let mut past: event::ActiveModel = created.into();
    past.starts_local = Set(starts_local);
    past.ends_local = Set(ends_local);
    past.starts_at = Set(utc(starts_local));
    past.ends_at = Set(utc(ends_local));
    past.status = Set(EventStatus::Closed);
    past.reminder_days = Set(String::new());
    past.nudge_days = Set(None);
    past.created_at = Set(utc(starts_local) - Duration::days(45));
    Ok(past.update(db).await?)
}

async fn add_guests(
    db: &DatabaseConnection,
    marketing: &CurrentUser,
    reps: &[CurrentUser],
    event: &event::Model,
    guests: &[(usize, Fate)],
    contacts: &[i32],
) -> Result<(), AppError> {
    let start = event.starts_at;
    let mut waitlist = 0;
    for (i, ((rep, fate), contact)) in guests.iter().zip(contacts).enumerate() {
        let rep = &reps[*rep];
        let minutes = |m: i64| Some(start + Duration::minutes(m));
        let days = |d: i64| Some(start - Duration::days(d));
        let mut row = guest::ActiveModel {
            event_id: Set(event.id),
            contact_id: Set(*contact),
            nominated_by: Set(rep.id),
            reason: Set("Key contact for this topic.".into()),
            priority: Set(if i % 3 == 2 { Priority::B } else { Priority::A }),
            personal_note: Set(String::new()),
            state: Set(NominationState::Approved),
            decided_by: Set(Some(marketing.id)),
            decided_at: Set(days(30)),
            invitation: Set(InvitationState::Viewed),
            answer: Set(Answer::None),
            invited_at: Set(days(28)),
            viewed_at: Set(days(27)),
            created_at: Set(start - Duration::days(35)),
            updated_at: Set(start - Duration::days(20)),
            walk_in: Set(false),
            ..Default::default()
        };
        let mut recorded = None;
        match fate {
            Rejected => {
                row.state = Set(NominationState::Rejected);
                row.decision_reason = Set(Some("Already met the team last month.".into()));
                row.invitation = Set(InvitationState::NotSent);
                row.invited_at = Set(None);
                row.viewed_at = Set(None);
            }
            Withdrawn => {
                row.state = Set(NominationState::Withdrawn);
                row.decided_by = Set(None);
                row.decided_at = Set(None);
                row.invitation = Set(InvitationState::NotSent);
                row.invited_at = Set(None);
                row.viewed_at = Set(None);
            }
            HeldBack => {
                row.state = Set(NominationState::Waitlisted);
                row.invitation = Set(InvitationState::NotSent);
                row.invited_at = Set(None);
                row.viewed_at = Set(None);
            }
            Unopened => {
                row.invitation = Set(InvitationState::Sent);
                row.viewed_at = Set(None);
            }
            Silent => {}
            Declined => {
                row.answer = Set(Answer::Declined);
                row.answered_at = Set(days(25));
            }
            Waitlisted => {
                waitlist += 1;
                row.answer = Set(Answer::Waitlisted);
                row.answered_at = Set(days(3));
                row.waitlist_position = Set(Some(waitlist));
            }
            NoShow(result) => {
                row.answer = Set(Answer::Accepted);
                row.answered_at = Set(days(24));
                row.checkin_code =
                    Set(Some(super::super::services::invitations::new_checkin_code()));
                recorded = *result;
            }
            Came(result) => {
                row.answer = Set(Answer::Accepted);
                row.answered_at = Set(days(24));
                row.checkin_code =
                    Set(Some(super::super::services::invitations::new_checkin_code()));
                row.checked_in_at = Set(minutes(5 + 3 * i as i64));
                row.checked_in_by = Set(Some(marketing.id));
                recorded = *result;
            }
            WalkIn(result) => {
                row.walk_in = Set(true);
                row.reason = Set(String::new());
                row.decided_at = Set(minutes(40));
                row.invitation = Set(InvitationState::NotSent);
                row.invited_at = Set(None);
                row.viewed_at = Set(None);
                row.checked_in_at = Set(minutes(40));
                row.checked_in_by = Set(Some(rep.id));
                row.created_at = Set(start + Duration::minutes(40));
                recorded = *result;
            }
        }
        let saved = row.insert(db).await?;
        if let Some(result) = recorded {
            let (kind, meeting_on, amount, currency) = match result {
                Meeting(after) => (
                    OutcomeKind::Meeting,
                    Some((event.ends_at + Duration::days(after)).date_naive()),
                    None,
                    None,
                ),
                Opportunity(amount, currency) => (
                    OutcomeKind::Opportunity,
                    None,
                    Some(amount),
                    Some(currency.to_string()),
                ),
                NoInterest => (OutcomeKind::NoInterest, None, None, None),
            };
            outcome::ActiveModel {
                guest_id: Set(saved.id),
                event_id: Set(event.id),
                kind: Set(kind.as_str().into()),
                meeting_on: Set(meeting_on),
                amount: Set(amount),
                currency: Set(currency),
                note: Set(match kind {
                    OutcomeKind::Meeting => "Demo of the tracking product with their team.",
                    OutcomeKind::Opportunity => "Pilot for two sites, decision next quarter.",
                    OutcomeKind::NoInterest => "Happy with their current provider.",
                }
                .into()),
                recorded_by: Set(rep.id),
                recorded_at: Set(event.ends_at + Duration::days(2)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
