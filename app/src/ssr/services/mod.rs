//! Stateless services: each method takes the database first and, for changes, the acting user,
//! and checks both the role and the object before it writes anything.
mod answers;
pub mod calendars;
pub mod directory;
pub mod door;
pub mod events;
pub mod follow_ups;
pub mod guest_list;
pub mod invitations;
pub mod outbox;
pub mod page_reads;
pub mod plan;
pub mod profile;
pub mod reminders;
pub mod reports;
pub mod updates;
pub mod users;

pub use calendars::CalendarService;
pub use directory::{AccountService, ConsentService, ContactService, ImportService};
pub use door::DoorService;
pub use events::EventService;
pub use follow_ups::FollowUpService;
pub use guest_list::GuestListService;
pub use invitations::InvitationService;
pub use outbox::OutboxService;
pub use plan::PlanService;
pub use profile::ProfileService;
pub use reminders::ReminderService;
pub use reports::ReportService;
pub use updates::UpdateService;
pub use users::UserService;
