use sea_orm::entity::prelude::*;

/// What came of a guest after the event (see `domain::follow_up`): one row per guest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outcomes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub guest_id: i32,
    pub event_id: i32,
    /// `meeting`, `opportunity` or `no_interest` (`domain::OutcomeKind`)
    pub kind: String,
    pub meeting_on: Option<Date>,
    /// whole units of `currency`
    pub amount: Option<i64>,
    pub currency: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub recorded_by: i32,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The outcome as the domain reads it; `None` for a kind this build does not know.
    pub fn outcome(&self) -> Option<crate::domain::Outcome> {
        Some(crate::domain::Outcome {
            kind: crate::domain::OutcomeKind::parse(&self.kind)?,
            meeting_on: self.meeting_on,
            amount: self.amount,
            currency: self.currency.clone(),
        })
    }
}
