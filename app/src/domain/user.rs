//! Users: roles, what each role may do, and the parsed forms of their input.
use super::Msg;
use serde::{Deserialize, Serialize};

use super::field::{required_text, FieldError, FieldErrors};

/// A team member's one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Marketing,
    Sales,
    Manager,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Marketing, Role::Sales, Role::Manager];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Marketing => "marketing",
            Role::Sales => "sales",
            Role::Manager => "manager",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == value.trim().to_ascii_lowercase())
    }

    /// Marketing owns events; admins may do everything.
    pub fn can_edit_events(self) -> bool {
        matches!(self, Role::Admin | Role::Marketing)
    }

    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

/// An email address that has passed a deliberately simple, predictable check; stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(value: &str) -> Result<EmailAddress, Msg> {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err(msg!("email-required"));
        }
        if value.len() > 320 {
            return Err(msg!("email-too-long"));
        }
        let valid = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    // no whitespace, control characters or header tricks
                    && !value
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
            }
            None => false,
        };
        if valid {
            Ok(EmailAddress(value))
        } else {
            Err(msg!("email-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;

/// What an admin types to add a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub password: String,
}

/// A user that may be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: EmailAddress,
    pub name: String,
    pub role: Role,
    pub password: String,
}

impl NewUser {
    pub fn parse(input: &NewUserInput) -> Result<NewUser, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let email = EmailAddress::parse(&input.email);
        if let Err(message) = &email {
            errors.add("email", message.clone());
        }
        let name = required_text(&mut errors, "name", k!("users-name"), &input.name, 200);
        let role = Role::parse(&input.role);
        if role.is_none() {
            errors.add("role", msg!("role-unknown"));
        }
        if input.password.chars().count() < MIN_PASSWORD_LEN {
            errors.add(
                "password",
                msg!("user-password-too-short", min = MIN_PASSWORD_LEN),
            );
        } else if input.password.len() > 1024 {
            errors.add("password", msg!("user-password-too-long"));
        }
        errors.into_result(|| NewUser {
            email: email.unwrap(),
            name,
            role: role.unwrap(),
            password: input.password.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lower_cased_and_trimmed() {
        assert_eq!(
            EmailAddress::parse("  Anna@Example.COM ").unwrap().as_str(),
            "anna@example.com"
        );
    }

    #[test]
    fn email_without_at_or_dot_is_refused() {
        assert!(EmailAddress::parse("anna").is_err());
        assert!(EmailAddress::parse("anna@localhost").is_err());
        assert!(EmailAddress::parse("@example.com").is_err());
    }

    #[test]
    fn email_with_header_injection_is_refused() {
        assert!(EmailAddress::parse("a@example.com\r\nBcc: b@example.com").is_err());
        assert!(EmailAddress::parse("a@example.com, b@example.com").is_err());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn only_marketing_and_admin_edit_events() {
        assert!(Role::Marketing.can_edit_events());
        assert!(Role::Admin.can_edit_events());
        assert!(!Role::Sales.can_edit_events());
        assert!(!Role::Manager.can_edit_events());
    }

    #[test]
    fn a_new_user_names_every_bad_field() {
        let errors = NewUser::parse(&NewUserInput {
            email: "nope".into(),
            name: " ".into(),
            role: "boss".into(),
            password: "short".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "name", "role", "password"]);
    }
}
