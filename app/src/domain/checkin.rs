//! The door code of an accepted guest: eight characters from an alphabet without look-alikes
//! (no 0/O, 1/I/L, no U), shown as `ABCD-EFGH` under the QR image and read back however the door
//! types it (any case, with or without the dash or spaces).

/// The characters a door code is made of: Crockford's base-32 letters and digits without the
/// ones people confuse (0, 1, O, I, L, U).
pub const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a door code has (30⁸ ≈ 6.6 · 10¹¹ codes).
pub const CODE_LEN: usize = 8;

/// A door code from random bytes (one byte per character; the small modulo bias does not matter
/// for a code that is only ever looked up by signed-in door staff).
pub fn checkin_code_from(random: [u8; CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

/// The code as people read it: `ABCD-EFGH`.
pub fn format_checkin_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// What the door typed or scanned, as a stored code: upper case, without dashes and spaces.
/// `None` when it cannot be a code (wrong length, or a character outside the alphabet).
pub fn normalize_checkin_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_eight_characters_from_the_alphabet() {
        let code = checkin_code_from([0, 1, 29, 30, 255, 128, 7, 64]);
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(&code[..4], "23Z2");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        for c in b"01OILU" {
            assert!(!CODE_ALPHABET.contains(c), "{}", *c as char);
        }
    }

    #[test]
    fn a_code_is_shown_in_two_groups_of_four() {
        assert_eq!(format_checkin_code("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn typed_codes_are_read_in_any_case_with_or_without_the_dash() {
        assert_eq!(
            normalize_checkin_code("abcd-efgh").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalize_checkin_code(" ABCD EFGH ").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalize_checkin_code("ABCDEFGH").as_deref(),
            Some("ABCDEFGH")
        );
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        assert_eq!(normalize_checkin_code(""), None);
        assert_eq!(normalize_checkin_code("ABCD-EFG"), None);
        assert_eq!(normalize_checkin_code("ABCD-EFGHJ"), None);
        assert_eq!(
            normalize_checkin_code("ABCD-EFG0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalize_checkin_code("ÄBCD-EFGH"), None);
    }
}
