//! Tasks on an event's checklist.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::field::{required_text, FieldError, FieldErrors};
use super::goal::Team;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub title: String,
    pub owner_id: String,
    pub team: String,
    /// `YYYY-MM-DD` from a date input; empty for none
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub owner_id: i32,
    pub team: Team,
    pub due_on: Option<NaiveDate>,
}

impl TaskDraft {
    pub fn parse(input: &TaskInput) -> Result<TaskDraft, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let title = required_text(&mut errors, "title", k!("form-title"), &input.title, 200);
        let owner_id = input
            .owner_id
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|id| *id > 0);
        if owner_id.is_none() {
            errors.add("owner_id", msg!("task-owner-required"));
        }
        let team = Team::parse(&input.team);
        if team.is_none() {
            errors.add("team", msg!("team-unknown"));
        }
        let due_on = if input.due_on.trim().is_empty() {
            None
        } else {
            let parsed = NaiveDate::parse_from_str(input.due_on.trim(), "%Y-%m-%d").ok();
            if parsed.is_none() {
                errors.add("due_on", msg!("task-due-invalid"));
            }
            parsed
        };
        errors.into_result(|| TaskDraft {
            title,
            owner_id: owner_id.unwrap(),
            team: team.unwrap(),
            due_on,
        })
    }
}

/// Overdue: a due date before today and not done.
pub fn is_overdue(due_on: Option<NaiveDate>, done: bool, today: NaiveDate) -> bool {
    !done && due_on.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_needs_a_title_an_owner_and_a_team() {
        let errors = TaskDraft::parse(&TaskInput::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "owner_id", "team"]);
    }

    #[test]
    fn a_due_date_is_optional_but_must_be_a_date() {
        let mut input = TaskInput {
            title: "Book the venue".into(),
            owner_id: "3".into(),
            team: "marketing".into(),
            due_on: String::new(),
        };
        assert_eq!(TaskDraft::parse(&input).unwrap().due_on, None);
        input.due_on = "31.12.2030".into();
        assert_eq!(TaskDraft::parse(&input).unwrap_err()[0].field, "due_on");
        input.due_on = "2030-12-31".into();
        assert!(TaskDraft::parse(&input).unwrap().due_on.is_some());
    }

    #[test]
    fn only_open_tasks_past_their_date_are_overdue() {
        let today = NaiveDate::from_ymd_opt(2030, 6, 10).unwrap();
        let yesterday = NaiveDate::from_ymd_opt(2030, 6, 9);
        assert!(is_overdue(yesterday, false, today));
        assert!(!is_overdue(yesterday, true, today));
        assert!(!is_overdue(Some(today), false, today));
        assert!(!is_overdue(None, false, today));
    }
}
