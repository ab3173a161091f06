use sea_orm::entity::prelude::*;

use crate::domain::{Answer, InvitationState, NominationState, Priority};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub contact_id: i32,
    pub nominated_by: i32,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub priority: Priority,
    #[sea_orm(column_type = "Text")]
    pub personal_note: String,
    pub state: NominationState,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub invitation: InvitationState,
    pub answer: Answer,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// SHA-256 (hex) of the personal RSVP token; the token itself is only in the email
    pub rsvp_token_hash: Option<String>,
    /// the rep's video for this guest (https only)
    pub video_url: Option<String>,
    pub invited_at: Option<DateTimeUtc>,
    pub viewed_at: Option<DateTimeUtc>,
    pub video_opened_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    /// a team member who recorded the answer for the guest (phone, in person); none when the guest answered
    pub answer_recorded_by: Option<i32>,
    /// 1-based place on the waitlist while `answer` is waitlisted
    pub waitlist_position: Option<i32>,
    /// the door code of an accepted guest (see `domain::checkin`), unique across events
    pub checkin_code: Option<String>,
    /// the team member who checked the guest in at the door
    pub checked_in_by: Option<i32>,
    /// registered at the door without an invitation, credited to the rep in `nominated_by`
    pub walk_in: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
