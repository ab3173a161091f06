//! Tandem's rules in plain Rust: types, states, transitions and validation.
//!
//! Nothing here depends on leptos, sea-orm or the network, so the browser (hydrate build) and the
//! server (ssr build) run exactly the same checks.
pub mod checkin;
pub mod consent;
pub mod directory;
pub mod event;
pub mod field;
pub mod follow_up;
pub mod goal;
pub mod guest_list;
pub mod invitation;
pub mod message;
pub mod password;
pub mod reminder;
pub mod report;
pub mod task;
pub mod user;
pub mod zone;

pub use checkin::*;
pub use consent::*;
pub use directory::*;
pub use event::*;
pub use field::*;
pub use follow_up::*;
pub use goal::*;
pub use guest_list::*;
pub use invitation::*;
pub use message::{Arg, Msg};
pub use password::{PasswordChange, PasswordChangeInput};
pub use reminder::*;
pub use report::*;
pub use task::*;
pub use user::*;
pub use zone::{local_exists, parse_time_zone, TimeZone};
