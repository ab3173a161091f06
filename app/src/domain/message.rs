//! Messages as codes: the domain and the services say *what* happened with an id from
//! `app/locales/*.ftl` and its arguments; the presentation layer words it in the reader's language
//! (`i18n::word`). Build one with the `msg!` macro, which checks the id at compile time.
use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Another message id, worded in the same language (e.g. a field's label).
    Id(Cow<'static, str>),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}
impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}
impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Number(value as i64)
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize);

/// A message id with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub id: Cow<'static, str>,
    pub args: Vec<(Cow<'static, str>, Arg)>,
}

impl Msg {
    /// Prefer `msg!("id")`, which checks the id at compile time.
    pub fn new(id: &'static str) -> Msg {
        Msg {
            id: Cow::Borrowed(id),
            args: vec![],
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((Cow::Borrowed(name), value.into()));
        self
    }

    /// A label argument: another message id, worded in the reader's language.
    pub fn label(self, name: &'static str, id: &'static str) -> Msg {
        self.with(name, Arg::Id(Cow::Borrowed(id)))
    }

    pub fn is(&self, id: &str) -> bool {
        self.id == id
    }

    /// The argument `name`, as given.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }
}

/// In English: logs, the command line and `Display` of errors.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::word(crate::domain::Language::En, self))
    }
}
