//! The parts of an outgoing mail, as pure functions of already-worded text: the iCalendar body of
//! an invitation, update or cancellation (`calendar`) and the MIME message around it (`message`).
//! Nothing here reads the database, words anything or sends: the outbox does that and calls these.
pub mod calendar;
pub mod compose;
pub mod links;
pub mod message;
pub mod qr;

pub use calendar::{Attendee, CalendarEvent, CalendarMethod};
pub use compose::MailSettings;
pub use message::{InlineImage, MailBuildError, Outgoing};

/// A display name and an address, as people see them in a mail client (`"Ann Example" <ann@x>`).
/// The name may be empty; it is cleaned where it is written, never trusted to be one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: String,
    pub email: String,
}

impl Mailbox {
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            email: email.into(),
        }
    }
}

/// Runs an independent checker written in Python on a file, for the tests of both parts.
#[cfg(test)]
pub(crate) mod python_check {
    use std::io::Write;
    use std::process::Command;

    /// Exit code a checker script uses to say "a module I need is not installed".
    const SKIP: i32 = 77;

    /// Writes `content` to a temporary file and runs `python3 -c script <file>`, returning what the
    /// script printed. The script exits with code 77 after printing why when a module it needs is
    /// missing; that, and a missing `python3`, are reported on stderr and give `None` (skipped).
    /// Any other failure panics with the checker's output and the checked text.
    pub fn run(what: &str, script: &str, content: &[u8]) -> Option<String> {
        let result = outcome(what, script, content)?;
        let stdout = result.unwrap_or_else(|output| {
            panic!(
                "{what} rejected the output:\n{output}\n--- checked text ---\n{}",
                String::from_utf8_lossy(content)
            )
        });
        eprintln!("RAN {what}");
        Some(stdout)
    }

    /// Like [`run`], for a text the checker must reject: panics when it is accepted.
    pub fn assert_rejects(what: &str, script: &str, content: &[u8]) {
        if let Some(result) = outcome(what, script, content) {
            assert!(result.is_err(), "{what} accepted a broken text");
            eprintln!("RAN {what} (rejected as it should)");
        }
    }

    /// `None` when skipped, else the script's stdout on success or its stdout and stderr.
    fn outcome(what: &str, script: &str, content: &[u8]) -> Option<Result<String, String>> {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(content).expect("write temp file");
        file.flush().expect("flush temp file");
        let output = match Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(file.path())
            .output()
        {
            Ok(output) => output,
            Err(err) => {
                eprintln!("SKIPPED {what}: python3 cannot be started ({err})");
                return None;
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() == Some(SKIP) {
            eprintln!("SKIPPED {what}: {}{}", stdout.trim(), stderr.trim());
            return None;
        }
        if output.status.success() {
            Some(Ok(stdout))
        } else {
            Some(Err(format!("{stdout}\n{stderr}")))
        }
    }
}
