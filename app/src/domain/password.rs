//! Password rules for a user changing their own password (and for `tandem user set-password`).
//!
//! Messages are codes (`password.*`) that the presentation layer words in the user's language.
use super::field::{FieldError, FieldErrors};
use super::user::MIN_PASSWORD_LEN;
use super::Msg;

pub const MAX_PASSWORD_BYTES: usize = 1024;

pub const CURRENT_REQUIRED: &str = k!("password-current-required");
pub const TOO_SHORT: &str = k!("password-too-short");
pub const TOO_LONG: &str = k!("password-too-long");
pub const MISMATCH: &str = k!("password-mismatch");
pub const SAME_AS_CURRENT: &str = k!("password-same-as-current");
pub const CURRENT_WRONG: &str = k!("password-current-wrong");

/// Every code this module (and the password service) may answer with.
pub const PASSWORD_CODES: [&str; 6] = [
    CURRENT_REQUIRED,
    TOO_SHORT,
    TOO_LONG,
    MISMATCH,
    SAME_AS_CURRENT,
    CURRENT_WRONG,
];

/// What the profile form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
    pub new_password_repeat: String,
}

/// A password change that follows the rules; the current password is still to be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// The length rules for any new password: `Err(code)` when it breaks one.
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        Err(TOO_SHORT)
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err(TOO_LONG)
    } else {
        Ok(())
    }
}

impl PasswordChange {
    pub fn parse(input: &PasswordChangeInput) -> Result<PasswordChange, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        if input.current_password.is_empty() {
            errors.add("current_password", Msg::new(CURRENT_REQUIRED));
        }
        if let Err(code) = check_new_password(&input.new_password) {
            errors.add("new_password", Msg::new(code));
        } else if input.new_password == input.current_password {
            errors.add("new_password", Msg::new(SAME_AS_CURRENT));
        }
        if input.new_password != input.new_password_repeat {
            errors.add("new_password_repeat", Msg::new(MISMATCH));
        }
        errors.into_result(|| PasswordChange {
            current: input.current_password.clone(),
            new: input.new_password.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(current: &str, new: &str, repeat: &str) -> PasswordChangeInput {
        PasswordChangeInput {
            current_password: current.into(),
            new_password: new.into(),
            new_password_repeat: repeat.into(),
        }
    }

    fn fields(result: Result<PasswordChange, Vec<FieldError>>) -> Vec<(String, String)> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message.id.to_string()))
            .collect()
    }

    #[test]
    fn a_long_enough_password_typed_twice_is_accepted() {
        let change =
            PasswordChange::parse(&input("old-password", "a-new-password", "a-new-password"));
        assert_eq!(change.unwrap().new, "a-new-password");
    }

    #[test]
    fn a_short_password_and_a_different_repeat_are_both_reported() {
        let errors = fields(PasswordChange::parse(&input(
            "old-password",
            "short",
            "shorter",
        )));
        assert_eq!(
            errors,
            [
                ("new_password".to_string(), TOO_SHORT.to_string()),
                ("new_password_repeat".to_string(), MISMATCH.to_string()),
            ]
        );
    }

    #[test]
    fn the_current_password_is_required_and_cannot_be_reused() {
        let errors = fields(PasswordChange::parse(&input(
            "",
            "a-new-password",
            "a-new-password",
        )));
        assert_eq!(
            errors,
            [("current_password".to_string(), CURRENT_REQUIRED.to_string())]
        );
        let errors = fields(PasswordChange::parse(&input(
            "same-password",
            "same-password",
            "same-password",
        )));
        assert_eq!(
            errors,
            [("new_password".to_string(), SAME_AS_CURRENT.to_string())]
        );
    }

    #[test]
    fn a_password_longer_than_1024_bytes_is_refused() {
        assert_eq!(check_new_password(&"x".repeat(1025)), Err(TOO_LONG));
        assert_eq!(check_new_password(&"x".repeat(1024)), Ok(()));
    }
}
