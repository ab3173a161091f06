//! The presentation layer: turns what services return (entities and domain types) into the DTOs
//! pages show — times formatted in the event's zone, places and refusals in words, in the
//! reader's language. Services never format for people, so the mail, calendar and report writers
//! can call the same services and word things their own way.
pub mod directory;
pub mod events;
pub mod guest_list;

pub use directory::{
    account_detail, account_form, account_list, contact_detail, contact_form, contact_list,
    directory_options, import_preview, import_status,
};
pub use events::{event_detail, event_form, event_summaries};
pub use guest_list::{guest_list, my_decisions, my_news};
