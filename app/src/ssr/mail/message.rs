//! The MIME message of one outgoing mail, built with lettre from already-worded text.
//!
//! The body is `multipart/alternative`: text/plain, text/html (inside a `multipart/related` with
//! its inline images when it has any, such as the door's QR code) and, when there is one, the
//! calendar last as `text/calendar; method=…; charset=utf-8`, the method equal to the body's `METHOD`
//! (Outlook rejects a mismatch; clients take the last alternative they understand). The `mime`
//! crate under lettre writes the charset in lower case, which RFC 2046 treats as the same. lettre
//! picks each part's transfer encoding (7bit, quoted-printable or base64); the decoded calendar is
//! byte for byte what `calendar::render` wrote.
//!
//! No user text reaches a header unencoded: names and the subject are made one line first
//! (control characters become spaces), then written through lettre's typed headers and
//! `HeaderValue::new`, which encode anything but printable ASCII (RFC 2047). Addresses go through
//! lettre's `Address` parser; the Message-ID and the unsubscribe URIs are checked to be printable
//! ASCII of the expected shape, and refused otherwise. Nothing uses `dangerous_new_pre_encoded`.
use std::error::Error as StdError;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox as LettreMailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

use super::calendar::CalendarMethod;
use super::Mailbox;

/// One mail, fully worded, ready to be turned into a message.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: Mailbox,
    pub to: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The method and the iCalendar text from [`super::calendar::render`]; the text must say
    /// `METHOD:` with the same method.
    pub calendar: Option<(CalendarMethod, String)>,
    /// The whole Message-ID with its angle brackets, stable per outbox row, e.g.
    /// `<outbox-42.abc@tandem.example>`, so a resend after a crash can be recognised.
    pub message_id: String,
    /// RFC 8058 one-click unsubscribe: (the `https://` URL that takes the POST, a mail address or
    /// `mailto:` URI). Both are written into `List-Unsubscribe`, plus `List-Unsubscribe-Post`.
    pub list_unsubscribe: Option<(String, String)>,
    /// images the HTML shows through `cid:{content_id}` (e.g. the QR code of the door code)
    pub inline_images: Vec<InlineImage>,
}

/// A PNG image that travels inside the mail and is shown by the HTML as `<img src="cid:…">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineImage {
    /// the Content-ID without angle brackets: letters, digits, `.`, `-` and `@`
    pub content_id: String,
    pub png: Vec<u8>,
}

impl InlineImage {
    /// The HTML with this image's `cid:` references replaced by a `data:` URI, for a preview in
    /// the browser (the outbox page), where `cid:` means nothing.
    pub fn preview(images: &[InlineImage], html: &str) -> String {
        use base64::Engine;
        let mut out = html.to_string();
        for image in images {
            let data = format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&image.png)
            );
            out = out.replace(&format!("cid:{}", image.content_id), &data);
        }
        out
    }
}

/// Why a mail could not be built. None of these is worth retrying: the input has to change.
#[derive(Debug, thiserror::Error)]
pub enum MailBuildError {
    #[error("invalid {field} address {address:?}: {reason}")]
    Address {
        field: &'static str,
        address: String,
        reason: String,
    },
    #[error("invalid Message-ID {0:?}: expected <local@domain> in printable ASCII without spaces")]
    MessageId(String),
    #[error("invalid List-Unsubscribe {0:?}: expected an https:// URL and a mail address, printable ASCII without spaces, commas or angle brackets")]
    Unsubscribe(String),
    #[error("the calendar part is declared as method={declared} but its body does not say exactly one METHOD:{declared}")]
    CalendarMethod { declared: &'static str },
    #[error("invalid Content-ID {0:?}: expected letters, digits, '.', '-' and '@'")]
    ContentId(String),
    #[error("the message could not be built: {0}")]
    Message(#[from] lettre::error::Error),
}

/// The message for `o`: headers, then text, HTML and the calendar (if any) as alternatives.
pub fn build(o: &Outgoing) -> Result<Message, MailBuildError> {
    let message_id = checked_message_id(&o.message_id)?;
    let mut builder = Message::builder()
        .from(mailbox("From", &o.from)?)
        .to(mailbox("To", &o.to)?)
        .subject(one_line(&o.subject))
        .message_id(Some(message_id));
    if let Some(reply_to) = &o.reply_to {
        builder = builder.reply_to(mailbox("Reply-To", reply_to)?);
    }
    if let Some((url, mail)) = &o.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(list_unsubscribe_value(url, mail)?))
            .header(ListUnsubscribePost);
    }

    let mut body = MultiPart::alternative().singlepart(SinglePart::plain(o.text.clone()));
    if o.inline_images.is_empty() {
        body = body.singlepart(SinglePart::html(o.html.clone()));
    } else {
        let mut related = MultiPart::related().singlepart(SinglePart::html(o.html.clone()));
        for image in &o.inline_images {
            if image.content_id.is_empty()
                || !image
                    .content_id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.@".contains(&b))
            {
                return Err(MailBuildError::ContentId(image.content_id.clone()));
            }
            related = related.singlepart(Attachment::new_inline(image.content_id.clone()).body(
                image.png.clone(),
                ContentType::parse("image/png").expect("valid"),
            ));
        }
        body = body.multipart(related);
    }
    if let Some((method, ics)) = &o.calendar {
        let declared = method.as_str();
        let methods: Vec<&str> = ics
            .split("\r\n")
            .filter_map(|line| line.strip_prefix("METHOD:"))
            .collect();
        if methods != [declared] {
            return Err(MailBuildError::CalendarMethod { declared });
        }
        let content_type =
            ContentType::parse(&format!("text/calendar; method={declared}; charset=UTF-8"))
                .expect("a fixed, valid content type");
        body = body.singlepart(SinglePart::builder().header(content_type).body(ics.clone()));
    }
    Ok(builder.multipart(body)?)
}

/// The message for `o` as the bytes sent over SMTP (CRLF line ends, headers first).
pub fn to_bytes(o: &Outgoing) -> Result<Vec<u8>, MailBuildError> {
    Ok(build(o)?.formatted())
}

/// One line for a header: control characters (CR, LF, tab, …) become spaces, runs of whitespace
/// shrink to one, the ends are trimmed.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn mailbox(field: &'static str, m: &Mailbox) -> Result<LettreMailbox, MailBuildError> {
    let address: Address = m.email.parse().map_err(|err| MailBuildError::Address {
        field,
        address: m.email.clone(),
        reason: format!("{err}"),
    })?;
    let name = one_line(&m.name);
    Ok(LettreMailbox::new(
        (!name.is_empty()).then_some(name),
        address,
    ))
}

/// Printable ASCII without space: what may stand verbatim in a structured header.
fn is_plain(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

/// `<local@domain>`, both sides dot-atoms (RFC 5322 §3.6.4 `msg-id`, the common form).
fn checked_message_id(id: &str) -> Result<String, MailBuildError> {
    let invalid = || MailBuildError::MessageId(id.to_owned());
    let inner = id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .ok_or_else(invalid)?;
    let (left, right) = inner.split_once('@').ok_or_else(invalid)?;
    let dot_atom = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|atom| {
                !atom.is_empty()
                    && atom
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
            })
    };
    if dot_atom(left) && dot_atom(right) {
        Ok(id.to_owned())
    } else {
        Err(invalid())
    }
}

/// `<https://…>, <mailto:…>` after checking both URIs can stand in angle brackets as they are.
fn list_unsubscribe_value(url: &str, mail: &str) -> Result<String, MailBuildError> {
    let invalid = || MailBuildError::Unsubscribe(format!("{url} / {mail}"));
    let uri_ok = |s: &str| is_plain(s) && !s.contains(['<', '>', ',', '"']);
    let mailto = if mail.starts_with("mailto:") {
        mail.to_owned()
    } else {
        format!("mailto:{mail}")
    };
    let address = mailto["mailto:".len()..]
        .split('?')
        .next()
        .unwrap_or_default();
    let url_ok = url.len() > "https://".len() && url.starts_with("https://") && uri_ok(url);
    if !url_ok || !uri_ok(&mailto) || address.parse::<Address>().is_err() {
        return Err(invalid());
    }
    Ok(format!("<{url}>, <{mailto}>"))
}

/// `List-Unsubscribe` (RFC 2369), holding an already checked value.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn StdError + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn StdError + Send + Sync>> {
        if s.trim() == "List-Unsubscribe=One-Click" {
            Ok(Self)
        } else {
            Err(format!("unexpected List-Unsubscribe-Post value {s:?}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::ssr::mail::calendar::{self, Attendee, CalendarEvent};
    use crate::ssr::mail::python_check;

    fn ics(method: CalendarMethod) -> String {
        let event = CalendarEvent {
            uid: "event-7@tandem.example".into(),
            sequence: 1,
            dtstamp: Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).unwrap(),
            starts_at: Utc.with_ymd_and_hms(2027, 3, 4, 17, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2027, 3, 4, 21, 0, 0).unwrap(),
            summary: "Frühlingsabend".into(),
            location: None,
            description: "Wein, Käse".into(),
            url: None,
            organizer: Mailbox::new("Tandem Events", "events@tandem.example"),
            cancelled: false,
        };
        let attendee = Attendee {
            name: "Jürgen Müller".into(),
            email: "juergen@customer.example".into(),
            accepted: false,
        };
        calendar::render(method, &event, Some(&attendee))
    }

    fn outgoing() -> Outgoing {
        Outgoing {
            from: Mailbox::new("Tandem Events", "events@tandem.example"),
            to: Mailbox::new("Jürgen Müller", "juergen@customer.example"),
            reply_to: Some(Mailbox::new("Ann Example", "ann@tandem.example")),
            subject: "Einladung: Frühlingsabend".into(),
            text: "Hallo Jürgen,\n\nwir laden Sie ein.\n".into(),
            html: "<p>Hallo Jürgen,</p><p>wir laden Sie ein.</p>".into(),
            calendar: Some((CalendarMethod::Request, ics(CalendarMethod::Request))),
            message_id: "<outbox-42.abc@tandem.example>".into(),
            list_unsubscribe: Some((
                "https://tandem.example/u/tok3n".into(),
                "unsubscribe+tok3n@tandem.example".into(),
            )),
            inline_images: Vec::new(),
        }
    }

    fn formatted(o: &Outgoing) -> String {
        String::from_utf8(to_bytes(o).expect("builds")).expect("the message is UTF-8")
    }

    /// The header section, one entry per physical line.
    fn header_lines(raw: &str) -> Vec<&str> {
        let (head, _) = raw.split_once("\r\n\r\n").expect("headers end");
        head.split("\r\n").collect()
    }

    /// The physical lines that start a header named `name` (any case).
    fn header_starts<'a>(raw: &'a str, name: &str) -> Vec<&'a str> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        header_lines(raw)
            .into_iter()
            .filter(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .collect()
    }

    /// The headers named `name`, each unfolded into one line.
    fn unfolded_headers(raw: &str, name: &str) -> Vec<String> {
        let (head, _) = raw.split_once("\r\n\r\n").expect("headers end");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        // Unfolding removes the CRLF and keeps the white space after it (RFC 5322 §2.2.3).
        head.replace("\r\n ", " ")
            .replace("\r\n\t", "\t")
            .split("\r\n")
            .filter(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_line_break_in_the_subject_or_a_name_cannot_add_a_header() {
        let mut o = outgoing();
        o.subject = "Invitation\r\nBcc: evil@x".into();
        o.from.name = "Ann\r\nBcc: evil@x".into();
        o.to.name = "Bob\nBcc: evil@x\"".into();
        let raw = formatted(&o);
        assert!(header_starts(&raw, "Bcc").is_empty(), "{raw}");
        assert_eq!(
            header_starts(&raw, "Subject"),
            ["Subject: Invitation Bcc: evil@x"]
        );
        let lines = header_lines(&raw);
        let subject = lines
            .iter()
            .position(|l| l.starts_with("Subject:"))
            .unwrap();
        assert!(
            !lines[subject + 1].starts_with([' ', '\t']),
            "the subject continues on a second line: {raw}"
        );
        assert_eq!(header_starts(&raw, "From").len(), 1);
        assert_eq!(header_starts(&raw, "To").len(), 1);
    }

    #[test]
    fn lettre_encodes_a_raw_line_break_instead_of_starting_a_new_header() {
        // Guards the dependency: even without our one_line, CR LF never reaches the wire.
        let message = Message::builder()
            .from("a@tandem.example".parse().unwrap())
            .to("b@tandem.example".parse().unwrap())
            .header(lettre::message::header::Subject::from(
                "Hi\r\nBcc: evil@x".to_owned(),
            ))
            .body("x".to_owned())
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(header_starts(&raw, "Bcc").is_empty(), "{raw}");
        assert!(
            header_starts(&raw, "Subject")[0].contains("=?utf-8?"),
            "{raw}"
        );
    }

    #[test]
    fn an_address_with_a_line_break_is_refused() {
        let mut o = outgoing();
        o.to.email = "juergen@customer.example\r\nBcc: evil@x".into();
        assert!(matches!(
            build(&o),
            Err(MailBuildError::Address { field: "To", .. })
        ));
    }

    #[test]
    fn umlauts_in_a_display_name_and_the_subject_are_encoded() {
        let raw = formatted(&outgoing());
        for name in ["To", "Subject"] {
            let line = header_starts(&raw, name)[0];
            assert!(line.is_ascii(), "{line}");
            assert!(line.contains("=?utf-8?"), "{line}");
        }
        assert!(header_lines(&raw).iter().all(|l| l.is_ascii()), "{raw}");
    }

    #[test]
    fn the_message_id_is_the_one_given_and_must_look_like_one() {
        let raw = formatted(&outgoing());
        assert_eq!(
            header_starts(&raw, "Message-ID"),
            ["Message-ID: <outbox-42.abc@tandem.example>"]
        );
        for bad in [
            "outbox-42@tandem.example",
            "<outbox 42@tandem.example>",
            "<outbox-42@tandem.example>\r\nBcc: x",
            "<no-at-sign>",
            "<a@b@c>",
            "<a..b@c>",
            "<ü@tandem.example>",
        ] {
            let mut o = outgoing();
            o.message_id = bad.into();
            assert!(
                matches!(build(&o), Err(MailBuildError::MessageId(_))),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn one_click_unsubscribe_headers_are_written_when_given_and_left_out_otherwise() {
        let raw = formatted(&outgoing());
        assert_eq!(
            unfolded_headers(&raw, "List-Unsubscribe"),
            ["List-Unsubscribe: <https://tandem.example/u/tok3n>, <mailto:unsubscribe+tok3n@tandem.example>"]
        );
        assert_eq!(
            unfolded_headers(&raw, "List-Unsubscribe-Post"),
            ["List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
        );

        let mut o = outgoing();
        o.list_unsubscribe = None;
        let raw = formatted(&o);
        assert!(header_starts(&raw, "List-Unsubscribe").is_empty());
        assert!(header_starts(&raw, "List-Unsubscribe-Post").is_empty());
    }

    #[test]
    fn an_unsubscribe_link_that_is_not_plain_https_is_refused() {
        for (url, mail) in [
            ("http://tandem.example/u/t", "u@tandem.example"),
            ("https://", "u@tandem.example"),
            (
                "https://tandem.example/u/t>, <https://evil.example",
                "u@tandem.example",
            ),
            ("https://tandem.example/u/t\r\nBcc: x", "u@tandem.example"),
            ("https://tandem.example/u/ü", "u@tandem.example"),
            ("https://tandem.example/u/t", "not an address"),
            ("https://tandem.example/u/t", "mailto:u@tandem.example>"),
        ] {
            let mut o = outgoing();
            o.list_unsubscribe = Some((url.into(), mail.into()));
            assert!(
                matches!(build(&o), Err(MailBuildError::Unsubscribe(_))),
                "{url:?} {mail:?} was accepted"
            );
        }
        let mut o = outgoing();
        o.list_unsubscribe = Some((
            "https://tandem.example/u/t".into(),
            "mailto:u@tandem.example?subject=unsubscribe".into(),
        ));
        assert!(unfolded_headers(&formatted(&o), "List-Unsubscribe")[0]
            .ends_with(", <mailto:u@tandem.example?subject=unsubscribe>"));
    }

    #[test]
    fn the_calendar_part_comes_last_and_its_content_type_names_the_method() {
        for method in [
            CalendarMethod::Request,
            CalendarMethod::Cancel,
            CalendarMethod::Publish,
        ] {
            let mut o = outgoing();
            o.calendar = Some((method, ics(method)));
            let raw = formatted(&o);
            let plain = raw.find("Content-Type: text/plain").unwrap();
            let html = raw.find("Content-Type: text/html").unwrap();
            let calendar = raw
                .find(&format!(
                    "Content-Type: text/calendar; method={}; charset=utf-8",
                    method.as_str()
                ))
                .unwrap_or_else(|| panic!("no calendar part for {method:?}: {raw}"));
            assert!(plain < html && html < calendar, "{raw}");
            assert_eq!(raw.matches("Content-Type: text/calendar").count(), 1);
        }
    }

    #[test]
    fn a_calendar_body_with_another_method_is_refused() {
        let mut o = outgoing();
        o.calendar = Some((CalendarMethod::Cancel, ics(CalendarMethod::Request)));
        assert!(matches!(
            build(&o),
            Err(MailBuildError::CalendarMethod { declared: "CANCEL" })
        ));
    }

    #[test]
    fn without_a_calendar_there_are_two_alternatives() {
        let mut o = outgoing();
        o.calendar = None;
        let raw = formatted(&o);
        assert!(raw.contains("Content-Type: multipart/alternative"));
        assert!(!raw.contains("text/calendar"));
        assert!(raw.contains("Content-Type: text/plain"));
        assert!(raw.contains("Content-Type: text/html"));
    }

    /// Parses with Python's email package under `policy.strict` (raises on any defect) and prints
    /// what a client would see.
    const STRICT_PARSER: &str = r#"
import email, json, sys
from email import policy
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=policy.strict)
parts = list(msg.iter_parts())
out = {
    "type": msg.get_content_type(),
    "parts": [p.get_content_type() for p in parts],
    "methods": [p.get_param("method") for p in parts],
    "charsets": [p.get_content_charset() for p in parts],
    "contents": [p.get_content() for p in parts],
    "subject": str(msg["Subject"]),
    "from_name": msg["From"].addresses[0].display_name,
    "from_address": msg["From"].addresses[0].addr_spec,
    "to_name": msg["To"].addresses[0].display_name,
    "reply_to": str(msg["Reply-To"]),
    "bcc": msg["Bcc"],
    "message_id": str(msg["Message-ID"]),
    "list_unsubscribe": None if msg["List-Unsubscribe"] is None else str(msg["List-Unsubscribe"]),
    "list_unsubscribe_post": None if msg["List-Unsubscribe-Post"] is None else str(msg["List-Unsubscribe-Post"]),
    "defects": [str(d) for p in [msg, *parts] for d in p.defects],
}
print(json.dumps(out))
"#;

    #[test]
    fn pythons_strict_parser_reads_the_parts_in_order_and_the_headers_decoded() {
        for method in [
            CalendarMethod::Request,
            CalendarMethod::Cancel,
            CalendarMethod::Publish,
        ] {
            let mut o = outgoing();
            o.calendar = Some((method, ics(method)));
            o.from.name = "Tandem \"Events\", Köln\r\nBcc: evil@x".into();
            o.subject = "Einladung: Frühlingsabend 🎉\r\nBcc: evil@x".into();
            let raw = to_bytes(&o).unwrap();
            let Some(stdout) = python_check::run(
                &format!("python email strict, calendar {method:?}"),
                STRICT_PARSER,
                &raw,
            ) else {
                return;
            };
            let seen: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
            assert_eq!(seen["type"], "multipart/alternative");
            assert_eq!(
                seen["parts"],
                serde_json::json!(["text/plain", "text/html", "text/calendar"])
            );
            assert_eq!(
                seen["methods"],
                serde_json::json!([null, null, method.as_str()])
            );
            assert_eq!(
                seen["charsets"],
                serde_json::json!(["utf-8", "utf-8", "utf-8"])
            );
            // Text parts travel with CRLF line ends; the calendar comes back byte for byte.
            assert_eq!(seen["contents"][0], o.text.replace('\n', "\r\n"));
            assert_eq!(seen["contents"][1], o.html);
            assert_eq!(seen["contents"][2], ics(method));
            assert_eq!(seen["subject"], "Einladung: Frühlingsabend 🎉 Bcc: evil@x");
            assert_eq!(seen["from_name"], "Tandem \"Events\", Köln Bcc: evil@x");
            assert_eq!(seen["from_address"], "events@tandem.example");
            assert_eq!(seen["to_name"], "Jürgen Müller");
            assert_eq!(seen["reply_to"], "Ann Example <ann@tandem.example>");
            assert_eq!(seen["bcc"], serde_json::Value::Null);
            assert_eq!(seen["message_id"], "<outbox-42.abc@tandem.example>");
            assert_eq!(
                seen["list_unsubscribe"],
                "<https://tandem.example/u/tok3n>, <mailto:unsubscribe+tok3n@tandem.example>"
            );
            assert_eq!(seen["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
            assert_eq!(seen["defects"], serde_json::json!([]));
        }
    }

    /// Walks the whole tree under `policy.strict` and prints each leaf with its Content-ID.
    const STRICT_TREE: &str = r#"
import email, json, sys
from email import policy
raw = open(sys.argv[1], "rb").read()
msg = email.message_from_bytes(raw, policy=policy.strict)
def walk(p):
    if p.is_multipart():
        return {"type": p.get_content_type(), "parts": [walk(c) for c in p.iter_parts()], "defects": [str(d) for d in p.defects]}
    body = p.get_content()
    return {"type": p.get_content_type(), "cid": p["Content-ID"], "disposition": p.get_content_disposition(),
            "size": len(body), "png": body[:8] == b"\x89PNG\r\n\x1a\n" if isinstance(body, bytes) else False,
            "html": body if p.get_content_type() == "text/html" else None, "defects": [str(d) for d in p.defects]}
print(json.dumps(walk(msg)))
"#;

    #[test]
    fn an_inline_image_travels_in_a_related_part_beside_the_html_and_the_calendar_stays_last() {
        let mut o = outgoing();
        o.html =
            "<p>Your code</p><img src=\"cid:door-code@tandem.example\" alt=\"ABCD-EFGH\">".into();
        o.inline_images = vec![InlineImage {
            content_id: "door-code@tandem.example".into(),
            png: crate::ssr::mail::qr::png("ABCD-EFGH"),
        }];
        let raw = to_bytes(&o).unwrap();
        let Some(stdout) =
            python_check::run("python email strict, inline image", STRICT_TREE, &raw)
        else {
            return;
        };
        let tree: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(tree["type"], "multipart/alternative");
        let parts = tree["parts"].as_array().unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0]["type"], "text/plain");
        assert_eq!(parts[1]["type"], "multipart/related");
        assert_eq!(parts[2]["type"], "text/calendar");
        let related = parts[1]["parts"].as_array().unwrap();
        assert_eq!(related[0]["type"], "text/html");
        assert_eq!(related[0]["html"], o.html);
        assert_eq!(related[1]["type"], "image/png");
        assert_eq!(related[1]["cid"], "<door-code@tandem.example>");
        assert_eq!(related[1]["disposition"], "inline");
        assert_eq!(related[1]["png"], true);
        assert!(!stdout.contains("Defect"), "{stdout}");
    }

    #[test]
    fn a_content_id_that_could_break_the_header_is_refused() {
        let mut o = outgoing();
        o.inline_images = vec![InlineImage {
            content_id: "qr>\r\nBcc: evil@x".into(),
            png: vec![1, 2, 3],
        }];
        assert!(matches!(build(&o), Err(MailBuildError::ContentId(_))));
    }

    #[test]
    fn the_preview_shows_inline_images_as_data_uris() {
        let images = [InlineImage {
            content_id: "qr@x".into(),
            png: vec![0x89, b'P', b'N', b'G'],
        }];
        assert_eq!(
            InlineImage::preview(&images, "<img src=\"cid:qr@x\">"),
            "<img src=\"data:image/png;base64,iVBORw==\">"
        );
    }
}
