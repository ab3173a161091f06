//! The public side's paths: pages and endpoints for guests without an account. Everything that
//! treats guests differently (rate limits, `Referrer-Policy: no-referrer`) asks `is_guest_path`.
//! Add a prefix here when a new public route appears.

/// Path prefixes of the public (guest) side.
pub const GUEST_PATH_PREFIXES: &[&str] = &["/rsvp/", "/unsubscribe/", "/g/", "/api/guest/"];

pub fn is_guest_path(path: &str) -> bool {
    GUEST_PATH_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix) || path == prefix.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_prefixes_match_and_team_pages_do_not() {
        assert!(is_guest_path("/rsvp/abc"));
        assert!(is_guest_path("/unsubscribe/abc"));
        assert!(is_guest_path("/g"));
        assert!(!is_guest_path("/events/1"));
        assert!(!is_guest_path("/rsvpx"));
    }
}
