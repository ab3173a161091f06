//! Field-level validation errors that forms show next to the field they name.
use serde::{Deserialize, Serialize};

use super::Msg;

/// One problem with one form field: `field` is the input's name, `message` says what is wrong
/// (as a code the page words in the user's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: &str, message: Msg) -> Self {
        Self {
            field: field.to_string(),
            message,
        }
    }
}

/// Collects every problem of a form at once, so the user can fix them all in one go.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: Msg) {
        // the first problem of a field is the one worth telling
        if !self.0.iter().any(|e| e.field == field) {
            self.0.push(FieldError::new(field, message));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// Looks up the message for `field` in a list of errors.
pub fn message_for(errors: &[FieldError], field: &str) -> Option<Msg> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

/// Trims a required text field, checking it is present and not longer than `max` characters.
pub fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    label: &'static str,
    value: &str,
    max: usize,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, msg!("field-required").label("field", label));
    } else if value.chars().count() > max {
        errors.add(
            field,
            msg!("field-too-long", max = max).label("field", label),
        );
    }
    value.to_string()
}

/// Trims an optional text field; empty becomes `None`.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    label: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else {
        if value.chars().count() > max {
            errors.add(
                field,
                msg!("field-too-long", max = max).label("field", label),
            );
        }
        Some(value.to_string())
    }
}
