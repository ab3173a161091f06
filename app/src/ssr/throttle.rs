//! Throttles repeated failed sign-ins per email address.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failures per key in a fixed window. In memory: with several instances each keeps its own
/// count, which still bounds guessing to `MAX_FAILURES` × instances per window.
#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// `Some(wait)` while `key` is locked out.
    pub fn locked_for(&self, key: &str) -> Option<Duration> {
        let failures = self.failures.lock().expect("throttle lock");
        let (count, since) = failures.get(key)?;
        let elapsed = since.elapsed();
        (*count >= MAX_FAILURES && elapsed < WINDOW).then(|| WINDOW - elapsed)
    }

    pub fn record_failure(&self, key: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > 100_000 {
            failures.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = failures
            .entry(key.to_string())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, key: &str) {
        self.failures.lock().expect("throttle lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_address_and_a_success_clears_it() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.record_failure("a@example.com");
        }
        assert!(throttle.locked_for("a@example.com").is_none());
        throttle.record_failure("a@example.com");
        assert!(throttle.locked_for("a@example.com").is_some());
        assert!(throttle.locked_for("b@example.com").is_none());
        throttle.record_success("a@example.com");
        assert!(throttle.locked_for("a@example.com").is_none());
    }
}
