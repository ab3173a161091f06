//! The public side for guests: which paths belong to it and which language a guest reads.
//!
//! Guests (invited contacts) have no account. Their pages — RSVP, unsubscribe, calendar — live under
//! the prefixes below, render in `pages::guest::GuestLayout` (no team navigation, no `me` lookup, no
//! redirect to `/login`) and answer unknown links with the guest 404. This list is the one place
//! that says which paths are guest paths; the server reuses it (security headers, rate limits).
use crate::i18n::Lang;

/// Path prefixes of the guest pages. Every guest URL carries a token after its prefix.
/// Server functions for guests (answers posted from the RSVP page) live under `/api/guest/`, so the
/// guest rate limits cover them too.
pub const GUEST_PATH_PREFIXES: &[&str] = &[
    "/rsvp/",
    "/unsubscribe/",
    "/calendar/",
    "/feeds/",
    "/api/guest/",
];

/// Whether `path` (without query) is a page for guests rather than for the team.
pub fn is_guest_path(path: &str) -> bool {
    GUEST_PATH_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Whether `path` is an event's door page (`/events/{id}/door`): a team page that the door's own
/// small program runs instead of the team app.
pub fn is_door_path(path: &str) -> bool {
    path.strip_prefix("/events/")
        .and_then(|rest| rest.strip_suffix("/door"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The language of a guest page. The first that names a language we speak wins: the contact's own
/// language (when the page knows the contact), the `?lang=` parameter, the browser's
/// `Accept-Language` (in order of its q-values), and English.
pub fn choose_guest_language(
    contact: Option<Lang>,
    query_lang: Option<&str>,
    accept_language: Option<&str>,
) -> Lang {
    contact
        .or_else(|| query_lang.and_then(Lang::parse))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(Lang::En)
}

/// The most preferred language of an `Accept-Language` header that we speak (`de-AT;q=0.8` → German).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut ranked: Vec<(f32, usize, Lang)> = header
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let primary = tag.split('-').next()?;
            let lang = Lang::parse(primary)?;
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0).then_some((quality, position, lang))
        })
        .collect();
    // highest quality first; equal qualities keep the header's order
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, lang)| *lang)
}

/// The value of `name` in a query string (`a=1&lang=de` → `de`), without percent-decoding: the
/// values we look for are plain words.
pub fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn door_pages_are_told_apart_from_other_event_pages() {
        assert!(is_door_path("/events/12/door"));
        assert!(!is_door_path("/events/12"));
        assert!(!is_door_path("/events/12/edit"));
        assert!(!is_door_path("/events//door"));
        assert!(!is_door_path("/events/x/door"));
        assert!(!is_door_path("/events/12/door/list"));
    }

    #[test]
    fn guest_paths_are_told_apart_from_team_paths() {
        assert!(is_guest_path("/rsvp/abc"));
        assert!(is_guest_path("/unsubscribe/abc"));
        assert!(is_guest_path("/calendar/abc"));
        assert!(!is_guest_path("/rsvp"));
        assert!(!is_guest_path("/events/1"));
        assert!(!is_guest_path("/login"));
        assert!(!is_guest_path("/contacts/rsvp/1"));
    }

    #[test]
    fn a_guest_reads_english_unless_something_names_german() {
        assert_eq!(choose_guest_language(None, None, None), Lang::En);
        assert_eq!(
            choose_guest_language(None, None, Some("fr-FR, es;q=0.5")),
            Lang::En
        );
        assert_eq!(choose_guest_language(None, None, Some("de-DE")), Lang::De);
        assert_eq!(
            choose_guest_language(None, None, Some("fr, de-AT;q=0.8, en;q=0.7")),
            Lang::De
        );
        assert_eq!(
            choose_guest_language(None, None, Some("en;q=0.5, de;q=0.9")),
            Lang::De
        );
        assert_eq!(
            choose_guest_language(None, None, Some("de;q=0, en")),
            Lang::En
        );
    }

    #[test]
    fn the_contact_language_wins_over_the_parameter_and_the_parameter_over_the_browser() {
        assert_eq!(
            choose_guest_language(None, Some("de"), Some("en-US")),
            Lang::De
        );
        assert_eq!(
            choose_guest_language(None, Some("xx"), Some("de")),
            Lang::De
        );
        assert_eq!(
            choose_guest_language(Some(Lang::En), Some("de"), Some("de")),
            Lang::En
        );
    }

    #[test]
    fn query_parameters_are_found_by_name() {
        assert_eq!(query_param("?lang=de", "lang"), Some("de"));
        assert_eq!(query_param("a=1&lang=en", "lang"), Some("en"));
        assert_eq!(query_param("language=de", "lang"), None);
        assert_eq!(query_param("", "lang"), None);
    }
}
