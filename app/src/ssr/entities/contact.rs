use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub account_id: Option<i32>,
    pub owner_id: Option<i32>,
    pub unsubscribed_at: Option<DateTimeUtc>,
    /// how the contact was unsubscribed: `link` (by the contact) or `admin`; see `domain::consent`
    pub unsubscribe_source: Option<String>,
    /// the admin's reason when an admin unsubscribed the contact
    #[sea_orm(column_type = "Text", nullable)]
    pub unsubscribe_note: Option<String>,
    /// the admin who unsubscribed the contact
    pub unsubscribed_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// "first last", as every page and mail names the contact.
    pub fn full_name(&self) -> String {
        crate::domain::person_name(&self.first_name, &self.last_name)
    }
}
