//! What a create-or-edit form tells its user: the browser's own check of the domain rules before
//! sending, then the server's answer, both shown next to the same fields.
use leptos::prelude::*;

use super::{focus_first_invalid, general_error};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n::{t, Lang};

#[derive(Clone, Copy)]
pub struct FormFeedback {
    /// problems found in the browser before anything was sent
    client_errors: RwSignal<Vec<FieldError>>,
    /// the problems to show next to the fields (the browser's, else the server's)
    pub errors: Signal<Vec<FieldError>>,
    /// the line above the buttons
    pub general: Signal<Option<String>>,
}

/// `server` is the latest answer of whichever server function the form sends.
pub fn form_feedback<T>(lang: Lang, server: Signal<Option<Result<T, AppError>>>) -> FormFeedback
where
    T: Clone + Send + Sync + 'static,
{
    let client_errors = RwSignal::new(Vec::<FieldError>::new());
    let errors = Signal::derive(move || {
        let client = client_errors.get();
        if !client.is_empty() {
            return client;
        }
        match server.get() {
            Some(Err(err)) => err.field_errors(),
            _ => Vec::new(),
        }
    });
    let general = Signal::derive(move || {
        if !client_errors.get().is_empty() {
            return Some(t(lang, "form.fix").to_string());
        }
        match server.get() {
            Some(Err(err)) if err.field_errors().is_empty() => general_error(lang, &err),
            Some(Err(_)) => Some(t(lang, "form.fix").to_string()),
            _ => None,
        }
    });
    Effect::new(move |_| {
        if let Some(Err(_)) = server.get() {
            focus_first_invalid();
        }
    });
    FormFeedback {
        client_errors,
        errors,
        general,
    }
}

impl FormFeedback {
    /// Shows the domain's verdict on what was typed; `true` when the form may be sent.
    pub fn check<T>(&self, verdict: Result<T, Vec<FieldError>>) -> bool {
        match verdict {
            Err(problems) => {
                self.client_errors.set(problems);
                focus_first_invalid();
                false
            }
            Ok(_) => {
                self.client_errors.set(Vec::new());
                true
            }
        }
    }
}
