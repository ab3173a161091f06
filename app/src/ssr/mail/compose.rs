//! The emails guests get, worded in the guest's language from `app/locales/*.ftl`: the invitation
//! (with its calendar invite and one-click unsubscribe), and the confirmation of each answer. HTML
//! with inline styles in a single 600 px column that reads with images blocked, and plain text.
use chrono::{DateTime, Utc};

use super::calendar::{self, Attendee, CalendarEvent, CalendarMethod};
use super::message::{InlineImage, Outgoing};
use super::Mailbox;
use super::{links, qr};
use crate::domain::{format_checkin_code, Answer, EventStatus, Language};
use crate::i18n::format_span;
use crate::ssr::entities::{contact, event, guest, user};
use crate::ssr::present::events::{place, tz_of};

/// Where mail comes from and where its links point; from the server's settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// the organisation's sender (`MAIL_FROM`)
    pub from: Mailbox,
    /// the mailbox in the calendar invite's ORGANIZER (`MAIL_ORGANIZER`, else the sender)
    pub organizer: Mailbox,
    /// the public origin links start with, e.g. `https://tandem.example.com`
    pub public_url: String,
    /// whether a mail server is configured (`SMTP_URL`); without one mail waits in the outbox
    pub delivers: bool,
}

impl MailSettings {
    /// The domain on the right of Message-IDs and calendar UIDs.
    pub fn domain(&self) -> String {
        self.from
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_else(|| "tandem.invalid".into())
    }

    pub fn rsvp_url(&self, token: &str) -> String {
        format!("{}/rsvp/{token}", self.public_url.trim_end_matches('/'))
    }

    pub fn unsubscribe_url(&self, token: &str) -> String {
        format!(
            "{}/unsubscribe/{token}",
            self.public_url.trim_end_matches('/')
        )
    }

    /// The event's calendar UID: the same for every invitation, update and cancellation.
    pub fn event_uid(&self, event_id: i32) -> String {
        format!("event-{event_id}@{}", self.domain())
    }
}

/// Everything an email about one guest of one event is written from.
pub struct GuestMail<'a> {
    pub settings: &'a MailSettings,
    pub event: &'a event::Model,
    pub guest: &'a guest::Model,
    pub contact: &'a contact::Model,
    pub host: &'a user::Model,
    /// the guest's personal RSVP token (only ever in the email, never stored); empty when the
    /// mail is not an answer to the guest's own click (their invitation holds the link)
    pub token: &'a str,
    pub message_id: String,
    pub now: DateTime<Utc>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl GuestMail<'_> {
    fn lang(&self) -> Language {
        Language::parse(&self.contact.language).unwrap_or(Language::En)
    }

    fn when(&self) -> String {
        let lang = self.lang();
        let tz = tz_of(self.event);
        format_span(lang, &self.event.starts_local, &self.event.ends_local, tz)
    }

    /// The guest's RSVP link, when this mail may carry it.
    fn rsvp(&self) -> Option<String> {
        (!self.token.is_empty()).then(|| self.settings.rsvp_url(self.token))
    }

    fn calendar(&self, method: CalendarMethod, accepted: bool) -> String {
        calendar::render(
            method,
            &self.calendar_event(),
            Some(&Attendee {
                name: self.contact.full_name(),
                email: self.contact.email.clone(),
                accepted,
            }),
        )
    }

    /// The event as this guest's calendar holds it: summary, place, the host and (when this mail
    /// may carry it) the RSVP link; cancelled once the event is.
    pub fn calendar_event(&self) -> CalendarEvent {
        let rsvp = self.rsvp();
        let lang = self.lang();
        let mut description = tr!(lang, "mail-invite-host", host = &self.host.name);
        if let Some(rsvp) = &rsvp {
            description.push_str(&format!(
                "\n{}: {rsvp}",
                tr!(lang, "mail-invite-answer-short")
            ));
        }
        CalendarEvent {
            uid: self.settings.event_uid(self.event.id),
            sequence: self.event.sequence,
            dtstamp: self.now,
            starts_at: self.event.starts_at,
            ends_at: self.event.ends_at,
            summary: self.event.title.clone(),
            location: Some(place(lang, self.event)),
            description,
            url: rsvp,
            organizer: self.settings.organizer.clone(),
            cancelled: self.event.status == EventStatus::Cancelled,
        }
    }

    fn outgoing(&self, subject: String, text: String, html: String) -> Outgoing {
        Outgoing {
            from: self.settings.from.clone(),
            to: Mailbox::new(self.contact.full_name(), self.contact.email.clone()),
            reply_to: Some(Mailbox::new(
                self.host.name.clone(),
                self.host.email.clone(),
            )),
            subject,
            text,
            html,
            calendar: None,
            message_id: self.message_id.clone(),
            list_unsubscribe: None,
            inline_images: Vec::new(),
        }
    }

    /// The details block shared by every mail: when, where, the host.
    fn details(&self) -> (String, String) {
        let lang = self.lang();
        let place = place(lang, self.event);
        let join = self.event.join_url.clone().filter(|u| !u.is_empty());
        let mut text = format!(
            "{}\n{}: {}\n{}: {}\n",
            self.event.title,
            tr!(lang, "mail-when"),
            self.when(),
            tr!(lang, "mail-where"),
            place
        );
        let mut rows = format!(
            "{}{}",
            row(tr!(lang, "mail-when"), &escape(&self.when())),
            row(tr!(lang, "mail-where"), &escape(&place))
        );
        if let Some(join) = &join {
            text.push_str(&format!("{}: {join}\n", tr!(lang, "mail-join")));
            rows.push_str(&row(
                tr!(lang, "mail-join"),
                &format!(
                    "<a href=\"{0}\" style=\"color:#1d4ed8;word-break:break-all\">{0}</a>",
                    escape(join)
                ),
            ));
        }
        let host = tr!(lang, "mail-invite-host", host = &self.host.name);
        text.push_str(&format!("{host}\n"));
        rows.push_str(&format!(
            "<tr><td colspan=\"2\" style=\"padding:8px 0 0;color:#374151\">{}</td></tr>",
            escape(&host)
        ));
        (
            text,
            format!(
                "<h1 style=\"font-size:22px;line-height:28px;margin:0 0 12px;color:#111827\">{}</h1>\
                 <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" \
                 style=\"font-size:15px;line-height:22px\">{rows}</table>",
                escape(&self.event.title)
            ),
        )
    }

    /// The invitation: personal note, video link, details, the RSVP button, the calendar invite
    /// (`METHOD:REQUEST`, this guest the only attendee) and one-click unsubscribe headers.
    pub fn invitation(&self) -> Outgoing {
        let lang = self.lang();
        let name = self.contact.full_name();
        let rsvp = self.settings.rsvp_url(self.token);
        let video = self
            .guest
            .video_url
            .as_ref()
            .map(|_| format!("{rsvp}/video"));
        let (details_text, details_html) = self.details();
        let greeting = tr!(lang, "mail-greeting", name = &name);
        let intro = tr!(
            lang,
            "mail-invite-intro",
            host = &self.host.name,
            title = &self.event.title
        );
        let note = self.guest.personal_note.trim();
        let unsubscribe = self.settings.unsubscribe_url(self.token);

        let mut text = format!("{greeting}\n\n{intro}\n\n");
        if !note.is_empty() {
            text.push_str(&format!("{note}\n— {}\n\n", self.host.name));
        }
        if let Some(video) = &video {
            text.push_str(&format!(
                "{}: {video}\n\n",
                tr!(lang, "mail-invite-video", host = &self.host.name)
            ));
        }
        text.push_str(&details_text);
        text.push_str(&format!(
            "\n{}\n{rsvp}\n\n-- \n{}\n{unsubscribe}\n",
            tr!(lang, "mail-invite-answer"),
            tr!(lang, "mail-unsubscribe-line")
        ));

        let mut body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>",
            escape(&greeting),
            escape(&intro)
        );
        if !note.is_empty() {
            body.push_str(&format!(
                "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:4px solid #2563eb;\
                 background:#eff6ff;color:#1f2937\">{}<br>— {}</blockquote>",
                escape(note).replace('\n', "<br>"),
                escape(&self.host.name)
            ));
        }
        if let Some(video) = &video {
            body.push_str(&format!(
                "<p style=\"margin:0 0 16px\"><a href=\"{}\" style=\"color:#1d4ed8;font-weight:bold\">▶ {}</a></p>",
                escape(video),
                escape(&tr!(lang, "mail-invite-video", host = &self.host.name))
            ));
        }
        body.push_str(&details_html);
        body.push_str(&format!(
            "<p style=\"margin:20px 0 8px\">{}</p>{}\
             <p style=\"margin:8px 0 0;font-size:13px;color:#4b5563\">{}<br>\
             <a href=\"{rsvp_e}\" style=\"color:#1d4ed8;word-break:break-all\">{rsvp_e}</a></p>",
            escape(tr!(lang, "mail-invite-answer")),
            button(&rsvp, tr!(lang, "mail-invite-button")),
            escape(tr!(lang, "mail-link-fallback")),
            rsvp_e = escape(&rsvp)
        ));
        let subject = tr!(lang, "mail-invite-subject", title = &self.event.title);
        let mut outgoing = self.outgoing(
            subject.clone(),
            text,
            page(lang, &subject, &body, &self.unsubscribe_footer()),
        );
        outgoing.calendar = Some((
            CalendarMethod::Request,
            self.calendar(CalendarMethod::Request, false),
        ));
        self.with_unsubscribe(outgoing)
    }

    /// The confirmation of an answer the guest just gave (or a promotion from the waitlist): an
    /// accept carries the calendar invite with the guest's acceptance.
    pub fn confirmation(&self, answer: Answer, promoted: bool) -> Outgoing {
        let lang = self.lang();
        let title = &self.event.title;
        let (subject, message) = match (answer, promoted) {
            (Answer::Accepted, true) => (
                tr!(lang, "mail-promoted-subject", title = title),
                tr!(lang, "mail-promoted-body").to_string(),
            ),
            (Answer::Accepted, false) => (
                tr!(lang, "mail-accepted-subject", title = title),
                tr!(lang, "mail-accepted-body").to_string(),
            ),
            (Answer::Waitlisted, _) => (
                tr!(lang, "mail-waitlisted-subject", title = title),
                tr!(
                    lang,
                    "mail-waitlisted-body",
                    position = self.guest.waitlist_position.unwrap_or(1)
                ),
            ),
            _ => (
                tr!(lang, "mail-declined-subject", title = title),
                tr!(lang, "mail-declined-body").to_string(),
            ),
        };
        let (details_text, details_html) = self.details();
        let greeting = tr!(lang, "mail-greeting", name = &self.contact.full_name());
        let (change_text, change_html) = self.change_answer();
        let door = match (answer, &self.guest.checkin_code) {
            (Answer::Accepted, Some(code)) => Some(self.door_code(code)),
            _ => None,
        };
        let (door_text, door_html) = door
            .as_ref()
            .map(|(text, html, _)| (text.as_str(), html.as_str()))
            .unwrap_or_default();
        let (links_text, links_html) = if answer == Answer::Accepted {
            self.calendar_links()
        } else {
            (String::new(), String::new())
        };
        let text = format!(
            "{greeting}\n\n{message}\n\n{door_text}{details_text}{links_text}{change_text}"
        );
        let body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>{door_html}{details_html}{links_html}{change_html}",
            escape(&greeting),
            escape(&message),
        );
        let mut outgoing = self.outgoing(subject.clone(), text, page(lang, &subject, &body, ""));
        if let Some((_, _, image)) = door {
            outgoing.inline_images.push(image);
        }
        if answer == Answer::Accepted {
            outgoing.calendar = Some((
                CalendarMethod::Request,
                self.calendar(CalendarMethod::Request, true),
            ));
        }
        outgoing
    }
}

impl GuestMail<'_> {
    /// The reminder to an accepted guest: when and where, the door code, the calendar entry again,
    /// their personal link (a fresh one, `self.token`) and one-click unsubscribe.
    pub fn reminder(&self) -> Outgoing {
        let lang = self.lang();
        let title = &self.event.title;
        let greeting = tr!(lang, "mail-greeting", name = &self.contact.full_name());
        let message = tr!(
            lang,
            "mail-reminder-body",
            title = title,
            when = &self.when()
        );
        let door = self
            .guest
            .checkin_code
            .as_deref()
            .map(|code| self.door_code(code));
        let (door_text, door_html) = door
            .as_ref()
            .map(|(text, html, _)| (text.as_str(), html.as_str()))
            .unwrap_or_default();
        let (details_text, details_html) = self.details();
        let (links_text, links_html) = self.calendar_links();
        let (change_text, change_html) = self.change_answer();
        let text = format!(
            "{greeting}\n\n{message}\n\n{door_text}{details_text}{links_text}{change_text}"
        );
        let body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>{door_html}{details_html}{links_html}{change_html}",
            escape(&greeting),
            escape(&message),
        );
        let subject = tr!(lang, "mail-reminder-subject", title = title);
        let mut outgoing = self.outgoing(
            subject.clone(),
            text,
            page(lang, &subject, &body, &self.unsubscribe_footer()),
        );
        if let Some((_, _, image)) = door {
            outgoing.inline_images.push(image);
        }
        outgoing.calendar = Some((
            CalendarMethod::Request,
            self.calendar(CalendarMethod::Request, true),
        ));
        self.with_unsubscribe(outgoing)
    }

    /// The nudge to an invited guest who has not answered: the deadline and their personal link.
    pub fn nudge(&self, deadline: &str) -> Outgoing {
        let lang = self.lang();
        let title = &self.event.title;
        let greeting = tr!(lang, "mail-greeting", name = &self.contact.full_name());
        let message = tr!(
            lang,
            "mail-nudge-body",
            host = &self.host.name,
            title = title,
            deadline = deadline
        );
        let rsvp = self.settings.rsvp_url(self.token);
        let (details_text, details_html) = self.details();
        let text = format!(
            "{greeting}\n\n{message}\n\n{details_text}\n{}\n{rsvp}\n",
            tr!(lang, "mail-invite-answer")
        );
        let body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>{details_html}\
             <p style=\"margin:20px 0 8px\">{}</p>{}\
             <p style=\"margin:8px 0 0;font-size:13px;color:#4b5563\">{}<br>\
             <a href=\"{rsvp_e}\" style=\"color:#1d4ed8;word-break:break-all\">{rsvp_e}</a></p>",
            escape(&greeting),
            escape(&message),
            escape(tr!(lang, "mail-invite-answer")),
            button(&rsvp, tr!(lang, "mail-invite-button")),
            escape(tr!(lang, "mail-link-fallback")),
            rsvp_e = escape(&rsvp)
        );
        let subject = tr!(lang, "mail-nudge-subject", title = title);
        let outgoing = self.outgoing(
            subject.clone(),
            text,
            page(lang, &subject, &body, &self.unsubscribe_footer()),
        );
        self.with_unsubscribe(outgoing)
    }

    /// Where the guest changes their answer: their link when this mail may carry it, else a
    /// pointer to the invitation.
    fn change_answer(&self) -> (String, String) {
        let lang = self.lang();
        match self.rsvp() {
            Some(rsvp) => {
                let change = tr!(lang, "mail-change-answer");
                (
                    format!("\n{change}\n{rsvp}\n"),
                    format!(
                        "<p style=\"margin:20px 0 0;font-size:14px\">{} <a href=\"{rsvp_e}\" style=\"color:#1d4ed8;word-break:break-all\">{rsvp_e}</a></p>",
                        escape(change),
                        rsvp_e = escape(&rsvp)
                    ),
                )
            }
            None => {
                let change = tr!(lang, "mail-change-answer-invitation");
                (
                    format!("\n{change}\n"),
                    format!(
                        "<p style=\"margin:20px 0 0;font-size:14px\">{}</p>",
                        escape(change)
                    ),
                )
            }
        }
    }

    fn unsubscribe_footer(&self) -> String {
        let lang = self.lang();
        format!(
            "{} <a href=\"{}\" style=\"color:#4b5563\">{}</a>",
            escape(tr!(lang, "mail-unsubscribe-line")),
            escape(&self.settings.unsubscribe_url(self.token)),
            escape(tr!(lang, "mail-unsubscribe-link"))
        )
    }

    /// RFC 8058 one-click unsubscribe headers. One-click needs an https link: a local http setup
    /// (the demo) leaves the headers out and keeps the link in the footer.
    fn with_unsubscribe(&self, mut outgoing: Outgoing) -> Outgoing {
        let unsubscribe = self.settings.unsubscribe_url(self.token);
        if unsubscribe.starts_with("https://") {
            outgoing.list_unsubscribe = Some((
                unsubscribe,
                format!("mailto:{}?subject=unsubscribe", self.settings.from.email),
            ));
        }
        outgoing
    }

    /// The update after a change of time or place: what changed, new and old, and the calendar
    /// entry again (`METHOD:REQUEST`, same UID, the raised SEQUENCE) with the guest's answer kept.
    pub fn update(&self, old: &event::Model, time: bool, place_changed: bool) -> Outgoing {
        let lang = self.lang();
        let title = &self.event.title;
        let greeting = tr!(lang, "mail-greeting", name = &self.contact.full_name());
        let intro = tr!(lang, "mail-update-body", title = title);
        let tz_old = tz_of(old);
        let old_when = format_span(lang, &old.starts_local, &old.ends_local, tz_old);
        let old_place = place(lang, old);
        let mut lines: Vec<(&str, String, String)> = Vec::new();
        if time {
            lines.push((tr!(lang, "mail-when"), self.when(), old_when));
        }
        if place_changed {
            lines.push((tr!(lang, "mail-where"), place(lang, self.event), old_place));
        }
        let mut text = format!("{greeting}\n\n{intro}\n\n");
        let mut rows = String::new();
        for (label, new, was) in &lines {
            let before = tr!(lang, "mail-update-was", old = was);
            text.push_str(&format!("{label}: {new}\n  ({before})\n"));
            rows.push_str(&row(
                label,
                &format!(
                    "<strong>{}</strong><br><span style=\"color:#6b7280;text-decoration:line-through\">{}</span>",
                    escape(new),
                    escape(was)
                ),
            ));
        }
        let calendar_note = tr!(lang, "mail-update-calendar");
        let change = tr!(lang, "mail-change-answer-invitation");
        text.push_str(&format!("\n{calendar_note}\n{change}\n"));
        let body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>\
             <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" \
             style=\"font-size:15px;line-height:22px\">{rows}</table>\
             <p style=\"margin:16px 0 0;font-size:14px;color:#4b5563\">{}<br>{}</p>",
            escape(&greeting),
            escape(&intro),
            escape(calendar_note),
            escape(change)
        );
        let subject = tr!(lang, "mail-update-subject", title = title);
        let mut outgoing = self.outgoing(subject.clone(), text, page(lang, &subject, &body, ""));
        outgoing.calendar = Some((
            CalendarMethod::Request,
            self.calendar(
                CalendarMethod::Request,
                self.guest.answer == Answer::Accepted,
            ),
        ));
        outgoing
    }

    /// The cancellation: marketing's note, what was cancelled, and a `METHOD:CANCEL` calendar
    /// part (same UID, the raised SEQUENCE, `STATUS:CANCELLED`) that removes the entry.
    pub fn cancellation(&self, note: &str) -> Outgoing {
        let lang = self.lang();
        let title = &self.event.title;
        let greeting = tr!(lang, "mail-greeting", name = &self.contact.full_name());
        let message = tr!(
            lang,
            "mail-cancelled-body",
            title = title,
            when = &self.when()
        );
        let note = note.trim();
        let mut text = format!("{greeting}\n\n{message}\n\n");
        let mut body = format!(
            "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>",
            escape(&greeting),
            escape(&message)
        );
        if !note.is_empty() {
            text.push_str(&format!("{note}\n\n"));
            body.push_str(&format!(
                "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:4px solid #b91c1c;\
                 background:#fef2f2;color:#1f2937\">{}</blockquote>",
                escape(note).replace('\n', "<br>")
            ));
        }
        let footer = tr!(lang, "mail-cancelled-calendar");
        text.push_str(&format!("{footer}\n"));
        body.push_str(&format!(
            "<p style=\"margin:0;font-size:14px;color:#4b5563\">{}</p>",
            escape(footer)
        ));
        let subject = tr!(lang, "mail-cancelled-subject", title = title);
        let mut outgoing = self.outgoing(subject.clone(), text, page(lang, &subject, &body, ""));
        outgoing.calendar = Some((
            CalendarMethod::Cancel,
            self.calendar(CalendarMethod::Cancel, false),
        ));
        outgoing
    }

    /// "Add to calendar": the guest's .ics file (when the mail may carry their link), Google
    /// Calendar and Outlook.com, as text lines and as one HTML paragraph.
    fn calendar_links(&self) -> (String, String) {
        let lang = self.lang();
        let event = self.calendar_event();
        let mut items = Vec::new();
        if let Some(rsvp) = self.rsvp() {
            items.push((tr!(lang, "calendar-ics"), format!("{rsvp}/calendar.ics")));
        }
        items.push((tr!(lang, "calendar-google"), links::google(&event)));
        items.push((tr!(lang, "calendar-outlook"), links::outlook(&event)));
        let title = tr!(lang, "calendar-add");
        let text = items
            .iter()
            .map(|(label, url)| format!("{label}: {url}\n"))
            .collect::<String>();
        let html = items
            .iter()
            .map(|(label, url)| {
                format!(
                    "<a href=\"{}\" style=\"color:#1d4ed8\">{}</a>",
                    escape(url),
                    escape(label)
                )
            })
            .collect::<Vec<_>>()
            .join(" &middot; ");
        (
            format!("\n{title}:\n{text}"),
            format!(
                "<p style=\"margin:16px 0 0;font-size:14px\">{}: {html}</p>",
                escape(title)
            ),
        )
    }

    /// The door code block of an accepted guest's confirmation: the QR image (an inline part, so
    /// it shows where remote images are blocked) and the code as text under it, which works just
    /// as well when the client shows no images at all.
    fn door_code(&self, code: &str) -> (String, String, InlineImage) {
        let lang = self.lang();
        let shown = format_checkin_code(code);
        let content_id = format!("door-{code}@{}", self.settings.domain());
        let title = tr!(lang, "mail-door-title");
        let help = tr!(lang, "mail-door-help");
        let alt = tr!(lang, "door-code-alt", code = &shown);
        let text = format!("{title}: {shown}\n{help}\n\n");
        let html = format!(
            "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" \
             style=\"margin:0 0 20px;border:1px solid #e5e7eb;border-radius:8px\"><tr>\
             <td align=\"center\" style=\"padding:16px\">\
             <p style=\"margin:0 0 8px;font-weight:bold;color:#111827\">{}</p>\
             <img src=\"cid:{content_id}\" width=\"180\" height=\"180\" alt=\"{}\" \
             style=\"display:block;width:180px;height:180px;border:0\">\
             <p style=\"margin:8px 0 4px;font-family:Consolas,Menlo,monospace;font-size:24px;\
             letter-spacing:3px;color:#111827\">{}</p>\
             <p style=\"margin:0;font-size:13px;color:#4b5563\">{}</p></td></tr></table>",
            escape(title),
            escape(&alt),
            escape(&shown),
            escape(help)
        );
        let image = InlineImage {
            content_id,
            png: qr::png(&shown),
        };
        (text, html, image)
    }
}

fn row(label: &str, value: &str) -> String {
    format!(
        "<tr><td style=\"padding:2px 12px 2px 0;color:#6b7280;vertical-align:top;white-space:nowrap\">{}</td>\
         <td style=\"padding:2px 0;color:#111827\">{value}</td></tr>",
        escape(label)
    )
}

/// A link that looks like a button in every client (a padded table cell), and reads as a link
/// where styles are dropped.
fn button(href: &str, label: &str) -> String {
    format!(
        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\"><tr>\
         <td style=\"background:#1d4ed8;border-radius:6px\">\
         <a href=\"{}\" style=\"display:inline-block;padding:12px 20px;color:#ffffff;\
         font-weight:bold;text-decoration:none\">{}</a></td></tr></table>",
        escape(href),
        escape(label)
    )
}

/// The HTML document around a mail body: one centred 600 px column, system fonts, no images.
fn page(lang: Language, title: &str, body: &str, footer: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\
         <body style=\"margin:0;padding:0;background:#f3f4f6\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f3f4f6\"><tr><td align=\"center\" style=\"padding:16px 8px\">\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px\">\
         <tr><td style=\"padding:24px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:22px;color:#1f2937\">{body}</td></tr>\
         </table>\
         <p style=\"max-width:600px;margin:12px auto 0;font-family:Helvetica,Arial,sans-serif;font-size:12px;line-height:18px;color:#6b7280\">{footer}</p>\
         </td></tr></table></body></html>",
        lang.as_str(),
        escape(title)
    )
}

/// The host rep's digest at nudge time: their guests who have not answered yet, with a link to the
/// event's guest list. In the rep's language.
pub fn rep_digest(
    settings: &MailSettings,
    event: &event::Model,
    rep: &user::Model,
    names: &[String],
    message_id: String,
) -> Outgoing {
    let lang = Language::parse(&rep.language).unwrap_or(Language::En);
    let title = &event.title;
    let url = format!(
        "{}/events/{}#guests",
        settings.public_url.trim_end_matches('/'),
        event.id
    );
    let intro = tr!(lang, "mail-digest-body", count = names.len(), title = title);
    let greeting = tr!(lang, "mail-greeting", name = &rep.name);
    let list_text: String = names.iter().map(|n| format!("- {n}\n")).collect();
    let list_html: String = names
        .iter()
        .map(|n| format!("<li>{}</li>", escape(n)))
        .collect();
    let text = format!("{greeting}\n\n{intro}\n\n{list_text}\n{url}\n");
    let body = format!(
        "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 12px\">{}</p>\
         <ul style=\"margin:0 0 16px;padding-left:20px\">{list_html}</ul>{}",
        escape(&greeting),
        escape(&intro),
        button(&url, tr!(lang, "mail-digest-button"))
    );
    let subject = tr!(lang, "mail-digest-subject", title = title);
    Outgoing {
        from: settings.from.clone(),
        to: Mailbox::new(rep.name.clone(), rep.email.clone()),
        reply_to: None,
        subject: subject.clone(),
        text,
        html: page(lang, &subject, &body, ""),
        calendar: None,
        message_id,
        list_unsubscribe: None,
        inline_images: Vec::new(),
    }
}

/// The host rep's note that their guest was checked in at the door (when the rep asked for it on
/// their profile). In the rep's language; the guest's name and company are the directory's text,
/// escaped in the HTML and carried in the subject by lettre's header encoding.
pub fn arrival_notice(
    settings: &MailSettings,
    event: &event::Model,
    rep: &user::Model,
    guest: &str,
    company: &str,
    time: &str,
    message_id: String,
) -> Outgoing {
    let lang = Language::parse(&rep.language).unwrap_or(Language::En);
    let title = &event.title;
    let url = format!(
        "{}/events/{}#guests",
        settings.public_url.trim_end_matches('/'),
        event.id
    );
    let who = if company.is_empty() {
        guest.to_string()
    } else {
        format!("{guest} ({company})")
    };
    let greeting = tr!(lang, "mail-greeting", name = &rep.name);
    let line = tr!(
        lang,
        "mail-arrival-body",
        guest = &who,
        title = title,
        time = time
    );
    let hint = tr!(lang, "mail-arrival-hint");
    let text = format!("{greeting}\n\n{line}\n\n{url}\n\n{hint}\n");
    let body = format!(
        "<p style=\"margin:0 0 12px\">{}</p><p style=\"margin:0 0 16px\">{}</p>{}\
         <p style=\"margin:16px 0 0;font-size:13px;color:#4b5563\">{}</p>",
        escape(&greeting),
        escape(&line),
        button(&url, tr!(lang, "mail-arrival-button")),
        escape(hint)
    );
    let subject = tr!(lang, "mail-arrival-subject", guest = guest, title = title);
    Outgoing {
        from: settings.from.clone(),
        to: Mailbox::new(rep.name.clone(), rep.email.clone()),
        reply_to: None,
        subject: subject.clone(),
        text,
        html: page(lang, &subject, &body, ""),
        calendar: None,
        message_id,
        list_unsubscribe: None,
        inline_images: Vec::new(),
    }
}

/// A Message-ID for outbox row content: random, so a resend after a crash carries the same id as
/// the first attempt (it is stored with the message).
pub fn new_message_id(settings: &MailSettings, kind: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("<{kind}.{}@{}>", hex::encode(bytes), settings.domain())
}
