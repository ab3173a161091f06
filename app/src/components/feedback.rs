//! What a create-or-edit form tells its user: the browser's own check of the domain rules before
//! sending, then the server's answer, both shown next to the same fields.
use leptos::prelude::*;

use super::{focus_first_invalid, general_error};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;

#[derive(Clone, Copy)]
pub struct FormFeedback {
    /// problems found in the browser before anything was sent
    client_errors: RwSignal<Vec<FieldError>>,
    /// the problems to show next to the fields (the browser's, else the server's)
    pub errors: Signal<Vec<FieldError>>,
    /// the line above the buttons
    pub general: Signal<Option<String>>,
    /// what the user typed into the form the server refused (a post without JavaScript comes
    /// back as a new page; this puts the typed values back into the fields)
    typed: Signal<Vec<(String, String)>>,
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
            return Some(tr!(lang, "form-fix").to_string());
        }
        match server.get() {
            Some(Err(err)) if err.field_errors().is_empty() => general_error(lang, &err),
            Some(Err(_)) => Some(tr!(lang, "form-fix").to_string()),
            _ => None,
        }
    });
    Effect::new(move |_| {
        if let Some(Err(_)) = server.get() {
            focus_first_invalid();
        }
    });
    let typed = Signal::derive(move || match server.get() {
        Some(Err(err)) => err.typed().to_vec(),
        _ => Vec::new(),
    });
    FormFeedback {
        client_errors,
        errors,
        general,
        typed,
    }
}

/// What a small form typed before its server action refused it. A post without JavaScript comes
/// back as a new page whose action starts with that refusal (`AppError::Retype`); the form's
/// fields start with what was typed instead of empty or stored values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed(Vec<(String, String)>);

impl Typed {
    /// The values kept by the latest answer of a server action, if it refused the form.
    pub fn of<T>(answer: Option<Result<T, AppError>>) -> Typed {
        match answer {
            Some(Err(err)) => Typed(err.typed().to_vec()),
            _ => Typed::default(),
        }
    }

    /// What was typed into the field named `name`, if the refused form had it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(typed_name, _)| typed_name == name)
            .map(|(_, value)| value.as_str())
    }

    /// What a field starts with: what was typed, else `stored`.
    pub fn value(&self, name: &str, stored: impl Into<String>) -> String {
        self.get(name)
            .map(str::to_string)
            .unwrap_or_else(|| stored.into())
    }
}

impl FormFeedback {
    /// The value a field starts with: what the user typed, when the server refused the form,
    /// else `stored`.
    pub fn value(&self, name: &str, stored: String) -> String {
        self.typed
            .get_untracked()
            .into_iter()
            .find(|(typed_name, _)| typed_name == name)
            .map(|(_, value)| value)
            .unwrap_or(stored)
    }

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
