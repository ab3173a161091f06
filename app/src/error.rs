//! `AppError`: the one error type that crosses the server-function boundary.
//!
//! Internal causes are logged on the server and never sent to the browser; the browser only sees
//! what is safe to show.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::{FieldError, Msg};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("please check the highlighted fields")]
    Validation(Vec<FieldError>),
    /// A validation error that also carries what the user typed (form name → value), so a page
    /// rendered after a plain form post without JavaScript can show the form as it was sent.
    #[error("please check the highlighted fields")]
    Retype {
        errors: Vec<FieldError>,
        typed: Vec<(String, String)>,
    },
    #[error("please sign in")]
    Unauthorized,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("{0}")]
    Conflict(Msg),
    #[error("{0}")]
    TooManyRequests(Msg),
    /// The request itself was malformed (e.g. server-function arguments that do not decode).
    #[error("{0}")]
    BadRequest(String),
    #[error("something went wrong on our side")]
    Internal,
    /// Transport problems seen by the browser (offline, server unreachable).
    #[error("the server could not be reached: {0}")]
    Network(String),
}

impl AppError {
    pub fn field(field: &str, message: Msg) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Validation(_) | AppError::Retype { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal | AppError::Network(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Validation(errors) | AppError::Retype { errors, .. } => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// What the user typed into the form that failed, if the error carries it.
    pub fn typed(&self) -> &[(String, String)] {
        match self {
            AppError::Retype { typed, .. } => typed,
            _ => &[],
        }
    }

    /// A validation error that keeps `input` as typed, under the form names `prefix[field]`
    /// (or `field` with an empty prefix). Other errors pass unchanged.
    pub fn keeping<T: Serialize>(self, prefix: &str, input: &T) -> AppError {
        self.keeping_except(prefix, input, &[])
    }

    /// Like `keeping`, without the fields named in `secret` (passwords are never sent back).
    pub fn keeping_except<T: Serialize>(
        self,
        prefix: &str,
        input: &T,
        secret: &[&str],
    ) -> AppError {
        if !matches!(self, AppError::Validation(_) | AppError::Retype { .. }) {
            return self;
        }
        let mut typed = Vec::new();
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(input) {
            for (field, value) in fields {
                if secret.contains(&field.as_str()) {
                    continue;
                }
                let text = match value {
                    serde_json::Value::String(text) => text,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                let name = if prefix.is_empty() {
                    field
                } else {
                    format!("{prefix}[{field}]")
                };
                typed.push((name, text));
            }
        }
        self.keeping_typed(typed)
    }

    /// A validation error that also keeps one value as typed, under the form name `name`.
    pub fn keeping_value(self, name: &str, value: impl ToString) -> AppError {
        self.keeping_typed(vec![(name.to_string(), value.to_string())])
    }

    fn keeping_typed(self, more: Vec<(String, String)>) -> AppError {
        match self {
            AppError::Validation(errors) => AppError::Retype {
                errors,
                typed: more,
            },
            AppError::Retype { errors, mut typed } => {
                typed.extend(more);
                AppError::Retype { errors, typed }
            }
            other => other,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(message) => AppError::Network(message),
            // bad or missing arguments are the client's fault but carry no field to point at; the
            // server answers them with 400 (see `server::security::server_fn_status`)
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest(
                "The form was incomplete or malformed. Please reload the page.".into(),
            ),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
