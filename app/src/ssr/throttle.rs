//! Throttles failed sign-ins per client address and per (address, email), in bounded memory.
//!
//! Keying by address (not by email alone) means failures from one address cannot lock the user
//! out from another: the attacker's address is locked, the user's is not.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Failures allowed for one email from one address within `WINDOW`.
pub const MAX_FAILURES: u32 = 5;
/// Failures allowed from one address within `WINDOW`, whatever emails it tries.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The most keys kept, whatever is posted; past it expired keys go first, then the oldest.
pub const MAX_ENTRIES: usize = 50_000;
/// Emails are cut to this many bytes in keys, so a huge posted email costs no memory.
const MAX_EMAIL_BYTES: usize = 320;

/// The client's address as the server resolved it (the peer, or `X-Forwarded-For` from a trusted
/// proxy). The server puts it into every request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Account(IpAddr, String),
}

fn account(addr: IpAddr, email: &str) -> Key {
    let mut email = email.trim().to_lowercase();
    if email.len() > MAX_EMAIL_BYTES {
        let mut cut = MAX_EMAIL_BYTES;
        while !email.is_char_boundary(cut) {
            cut -= 1;
        }
        email.truncate(cut);
    }
    Key::Account(addr, email)
}

/// Counts failures per key in a fixed window. In memory: with several instances each keeps its
/// own count, which still bounds guessing to the limits × instances per window.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, (u32, Instant)>>,
}

impl LoginThrottle {
    /// `Some(wait)` while `email` may not be tried from `addr`.
    pub fn locked_for(&self, addr: IpAddr, email: &str) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let wait = |key: &Key, limit: u32| {
            let (count, since) = failures.get(key)?;
            let elapsed = since.elapsed();
            (*count >= limit && elapsed < WINDOW).then(|| WINDOW - elapsed)
        };
        let by_address = wait(&Key::Address(addr), MAX_FAILURES_PER_ADDRESS);
        let by_account = wait(&account(addr, email), MAX_FAILURES);
        by_address.max(by_account)
    }

    pub fn record_failure(&self, addr: IpAddr, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        for key in [Key::Address(addr), account(addr, email)] {
            if !failures.contains_key(&key) && failures.len() >= MAX_ENTRIES {
                make_room(&mut failures);
            }
            let entry = failures.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears that email's count from that address (not the address's).
    pub fn record_success(&self, addr: IpAddr, email: &str) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&account(addr, email));
    }

    /// Drops keys whose window has passed (run now and then by the server).
    pub fn purge(&self) {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, (_, since)| since.elapsed() < WINDOW);
    }

    pub fn len(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Frees room: expired keys first, else the oldest tenth (so a flood pays for eviction once per
/// `MAX_ENTRIES / 10` new keys, not on every one).
fn make_room(failures: &mut HashMap<Key, (u32, Instant)>) {
    failures.retain(|_, (_, since)| since.elapsed() < WINDOW);
    if failures.len() >= MAX_ENTRIES {
        let mut started: Vec<Instant> = failures.values().map(|(_, since)| *since).collect();
        let cut = started.len() / 10;
        let (_, cutoff, _) = started.select_nth_unstable(cut);
        let cutoff = *cutoff;
        failures.retain(|_, (_, since)| *since > cutoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTACKER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9));
    const OFFICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));

    #[test]
    fn five_failures_lock_the_email_from_that_address_only() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.record_failure(ATTACKER, "a@example.com");
        }
        assert!(throttle.locked_for(ATTACKER, "a@example.com").is_none());
        throttle.record_failure(ATTACKER, "A@example.com ");
        assert!(throttle.locked_for(ATTACKER, "a@example.com").is_some());
        assert!(throttle.locked_for(ATTACKER, "b@example.com").is_none());
        assert!(throttle.locked_for(OFFICE, "a@example.com").is_none());
        throttle.record_success(ATTACKER, "a@example.com");
        assert!(throttle.locked_for(ATTACKER, "a@example.com").is_none());
    }

    #[test]
    fn an_address_trying_many_emails_is_locked_for_every_email() {
        let throttle = LoginThrottle::default();
        for n in 0..MAX_FAILURES_PER_ADDRESS {
            throttle.record_failure(ATTACKER, &format!("user{n}@example.com"));
        }
        assert!(throttle
            .locked_for(ATTACKER, "someone-new@example.com")
            .is_some());
        assert!(throttle
            .locked_for(OFFICE, "someone-new@example.com")
            .is_none());
    }

    #[test]
    fn memory_stays_bounded_whatever_is_posted() {
        let throttle = LoginThrottle::default();
        let huge = "x".repeat(100_000);
        for n in 0..(MAX_ENTRIES as u32 + 500) {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(n));
            throttle.record_failure(addr, &huge);
        }
        assert!(throttle.len() <= MAX_ENTRIES, "{}", throttle.len());
        let failures = throttle.failures.lock().unwrap();
        assert!(failures.keys().all(|k| match k {
            Key::Account(_, email) => email.len() <= MAX_EMAIL_BYTES,
            Key::Address(_) => true,
        }));
    }
}
