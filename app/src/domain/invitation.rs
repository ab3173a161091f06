//! Invitations, answers and the outbox: who may be invited, when a guest may still answer, where
//! an accept lands (a seat or the waitlist), and how often a failed email is tried again.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Answer, EventStatus, Msg, NominationState};

/// An email's way through the outbox: `queued → sent | failed | cancelled`; failed and cancelled
/// messages can be queued again by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum OutboxState {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "queued"))]
    Queued,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Cancelled => "cancelled",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            OutboxState::Queued => k!("outbox-state-queued"),
            OutboxState::Sent => k!("outbox-state-sent"),
            OutboxState::Failed => k!("outbox-state-failed"),
            OutboxState::Cancelled => k!("outbox-state-cancelled"),
        }
    }

    pub fn can_retry(self) -> bool {
        matches!(self, OutboxState::Failed | OutboxState::Cancelled)
    }

    pub fn can_cancel(self) -> bool {
        self == OutboxState::Queued
    }
}

/// After this many failed attempts a message is marked failed with its last error.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long to wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … at most 1 h.
pub fn retry_delay(attempts: i32) -> Duration {
    let doubling = attempts.clamp(1, 12) - 1;
    Duration::seconds((30_i64 << doubling).min(3600))
}

/// Why an approved guest is not invited; the page words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteBlock {
    /// only approved nominations are invited
    NotApproved,
    /// the invitation went out already
    AlreadyInvited,
    /// the contact unsubscribed: never invited
    Unsubscribed,
}

impl InviteBlock {
    pub fn label_id(self) -> &'static str {
        match self {
            InviteBlock::NotApproved => k!("invite-block-not-approved"),
            InviteBlock::AlreadyInvited => k!("invite-block-already-invited"),
            InviteBlock::Unsubscribed => k!("invite-block-unsubscribed"),
        }
    }
}

/// Whether a guest can be invited now.
pub fn invite_block(
    state: NominationState,
    invited: bool,
    unsubscribed: bool,
) -> Option<InviteBlock> {
    if state != NominationState::Approved {
        Some(InviteBlock::NotApproved)
    } else if unsubscribed {
        Some(InviteBlock::Unsubscribed)
    } else if invited {
        Some(InviteBlock::AlreadyInvited)
    } else {
        None
    }
}

/// Invitations go out only while the event is open.
pub fn invitations_refusal(status: EventStatus) -> Option<Msg> {
    (status != EventStatus::Open).then(|| msg!("invite-event-not-open"))
}

/// Whether a guest may (still) answer: the event is open and the RSVP deadline has not passed.
pub fn answer_refusal(
    status: EventStatus,
    rsvp_deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Msg> {
    match status {
        EventStatus::Cancelled => Some(msg!("rsvp-event-cancelled")),
        EventStatus::Closed | EventStatus::Draft => Some(msg!("rsvp-closed")),
        EventStatus::Open if rsvp_deadline.is_some_and(|d| now > d) => {
            Some(msg!("rsvp-deadline-passed"))
        }
        EventStatus::Open => None,
    }
}

/// Where an accept lands: a seat while fewer than `capacity` guests have accepted, else the
/// waitlist.
pub fn accept_lands_on(accepted: u64, capacity: i32) -> Answer {
    if accepted < capacity.max(0) as u64 {
        Answer::Accepted
    } else {
        Answer::Waitlisted
    }
}

/// Where a guest's answer lands, with `accepted` seats of `capacity` taken: a decline is a
/// decline; an accept from a guest who holds a seat or waits for one changes nothing; any other
/// accept lands where `accept_lands_on` says.
pub fn answer_lands_on(accept: bool, before: Answer, accepted: u64, capacity: i32) -> Answer {
    match (accept, before) {
        (false, _) => Answer::Declined,
        (true, Answer::Accepted | Answer::Waitlisted) => before,
        (true, _) => accept_lands_on(accepted, capacity),
    }
}

/// Whether a guest may open the video link a rep stored: only an https address.
pub fn parse_video_url(value: &str) -> Result<Option<String>, Msg> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > 500 {
        return Err(msg!("video-url-too-long"));
    }
    let rest = value
        .strip_prefix("https://")
        .ok_or_else(|| msg!("video-url-https"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') || value.chars().any(|c| c.is_whitespace()) {
        return Err(msg!("video-url-https"));
    }
    Ok(Some(value.to_string()))
}

/// The personal note a rep writes to their guest.
pub const MAX_NOTE_CHARS: usize = 1000;

/// Something a rep's guest did that the rep hears about on their home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewsKind {
    /// opened the RSVP page (the invitation) for the first time
    Viewed,
    /// followed the rep's video link for the first time
    VideoOpened,
    /// answered (accepted, declined or landed on the waitlist)
    Answered(Answer),
    /// was checked in at the door
    Arrived,
}

impl NewsKind {
    /// The message id that words this news; it takes `guest` and `title`.
    pub fn message_id(self) -> &'static str {
        match self {
            NewsKind::Viewed => "news-viewed",
            NewsKind::VideoOpened => "news-video",
            NewsKind::Answered(Answer::Accepted) => "news-accepted",
            NewsKind::Answered(Answer::Waitlisted) => "news-waitlisted",
            NewsKind::Answered(_) => "news-declined",
            NewsKind::Arrived => "news-arrived",
        }
    }
}

/// When a guest looked, watched and answered, as stored on the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuestMoments {
    pub viewed_at: Option<DateTime<Utc>>,
    pub video_opened_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Answer,
    /// when the guest was checked in at the door
    pub arrived_at: Option<DateTime<Utc>>,
}

/// One item of a rep's news: what happened, when, and to which guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewsItem<G> {
    pub guest: G,
    pub kind: NewsKind,
    pub at: DateTime<Utc>,
}

/// The newest `limit` moments of these guests, newest first (ties: viewed before video before
/// answer of the same guest read last-to-first, i.e. the answer first).
pub fn guest_news<G: Copy>(
    guests: impl IntoIterator<Item = (G, GuestMoments)>,
    limit: usize,
) -> Vec<NewsItem<G>> {
    let mut items = Vec::new();
    for (guest, m) in guests {
        if let Some(at) = m.viewed_at {
            items.push((
                0,
                NewsItem {
                    guest,
                    kind: NewsKind::Viewed,
                    at,
                },
            ));
        }
        if let Some(at) = m.video_opened_at {
            items.push((
                1,
                NewsItem {
                    guest,
                    kind: NewsKind::VideoOpened,
                    at,
                },
            ));
        }
        if let (Some(at), false) = (m.answered_at, m.answer == Answer::None) {
            items.push((
                2,
                NewsItem {
                    guest,
                    kind: NewsKind::Answered(m.answer),
                    at,
                },
            ));
        }
        if let Some(at) = m.arrived_at {
            items.push((
                3,
                NewsItem {
                    guest,
                    kind: NewsKind::Arrived,
                    at,
                },
            ));
        }
    }
    items.sort_by(|(a_step, a), (b_step, b)| b.at.cmp(&a.at).then(b_step.cmp(a_step)));
    items
        .into_iter()
        .take(limit)
        .map(|(_, item)| item)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn failed_attempts_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(4), Duration::seconds(240));
        assert_eq!(retry_delay(MAX_ATTEMPTS), Duration::seconds(3600));
        assert_eq!(retry_delay(40), Duration::seconds(3600));
    }

    #[test]
    fn only_approved_guests_who_did_not_unsubscribe_are_invited_once() {
        use NominationState::*;
        assert_eq!(invite_block(Approved, false, false), None);
        assert_eq!(
            invite_block(Approved, true, false),
            Some(InviteBlock::AlreadyInvited)
        );
        assert_eq!(
            invite_block(Approved, false, true),
            Some(InviteBlock::Unsubscribed)
        );
        assert_eq!(
            invite_block(Waitlisted, false, false),
            Some(InviteBlock::NotApproved)
        );
        assert_eq!(
            invite_block(Nominated, false, false),
            Some(InviteBlock::NotApproved)
        );
    }

    #[test]
    fn guests_answer_while_the_event_is_open_and_before_the_deadline() {
        let now = Utc::now();
        assert_eq!(answer_refusal(EventStatus::Open, None, now), None);
        assert_eq!(
            answer_refusal(EventStatus::Open, Some(now + Duration::hours(1)), now),
            None
        );
        assert!(
            answer_refusal(EventStatus::Open, Some(now - Duration::hours(1)), now)
                .unwrap()
                .is("rsvp-deadline-passed")
        );
        assert!(answer_refusal(EventStatus::Cancelled, None, now)
            .unwrap()
            .is("rsvp-event-cancelled"));
        assert!(answer_refusal(EventStatus::Closed, None, now).is_some());
    }

    #[test]
    fn an_accept_takes_a_seat_until_the_event_is_full_then_the_waitlist() {
        assert_eq!(accept_lands_on(0, 10), Answer::Accepted);
        assert_eq!(accept_lands_on(9, 10), Answer::Accepted);
        assert_eq!(accept_lands_on(10, 10), Answer::Waitlisted);
        assert_eq!(accept_lands_on(0, 0), Answer::Waitlisted);
    }

    #[test]
    fn an_accept_keeps_a_seat_or_a_waitlist_place_and_a_decline_always_declines() {
        assert_eq!(
            answer_lands_on(true, Answer::Accepted, 10, 10),
            Answer::Accepted
        );
        assert_eq!(
            answer_lands_on(true, Answer::Waitlisted, 0, 10),
            Answer::Waitlisted
        );
        assert_eq!(
            answer_lands_on(true, Answer::Declined, 9, 10),
            Answer::Accepted
        );
        assert_eq!(
            answer_lands_on(true, Answer::None, 10, 10),
            Answer::Waitlisted
        );
        assert_eq!(
            answer_lands_on(false, Answer::Accepted, 0, 10),
            Answer::Declined
        );
        assert_eq!(
            answer_lands_on(false, Answer::Waitlisted, 0, 10),
            Answer::Declined
        );
    }

    #[test]
    fn a_video_link_must_be_a_plain_https_address() {
        assert_eq!(parse_video_url(""), Ok(None));
        assert_eq!(
            parse_video_url(" https://video.example/v/1 "),
            Ok(Some("https://video.example/v/1".into()))
        );
        assert!(parse_video_url("javascript:alert(1)").is_err());
        assert!(parse_video_url("http://video.example/v").is_err());
        assert!(parse_video_url("https://").is_err());
        assert!(parse_video_url("https://a b.example").is_err());
    }

    #[test]
    fn a_reps_news_lists_looks_videos_and_answers_newest_first() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 27, h, 0, 0).unwrap();
        let anna = GuestMoments {
            viewed_at: Some(at(9)),
            video_opened_at: Some(at(11)),
            answered_at: Some(at(12)),
            answer: Answer::Accepted,
            arrived_at: None,
        };
        let ben = GuestMoments {
            viewed_at: Some(at(10)),
            video_opened_at: None,
            answered_at: None,
            answer: Answer::None,
            arrived_at: None,
        };
        let news = guest_news([("anna", anna), ("ben", ben)], 10);
        let seen: Vec<_> = news.iter().map(|n| (n.guest, n.kind)).collect();
        assert_eq!(
            seen,
            [
                ("anna", NewsKind::Answered(Answer::Accepted)),
                ("anna", NewsKind::VideoOpened),
                ("ben", NewsKind::Viewed),
                ("anna", NewsKind::Viewed),
            ]
        );
        assert_eq!(guest_news([("anna", anna)], 2).len(), 2, "the limit holds");
    }

    #[test]
    fn a_rep_hears_first_that_their_guest_arrived() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
        let anna = GuestMoments {
            viewed_at: Some(at(8)),
            video_opened_at: None,
            answered_at: Some(at(9)),
            answer: Answer::Accepted,
            arrived_at: Some(at(18)),
        };
        let news = guest_news([("anna", anna)], 10);
        assert_eq!(news[0].kind, NewsKind::Arrived);
        assert_eq!(news[0].at, at(18));
        assert_eq!(NewsKind::Arrived.message_id(), "news-arrived");
    }

    #[test]
    fn a_guest_who_did_nothing_makes_no_news() {
        let quiet = GuestMoments {
            viewed_at: None,
            video_opened_at: None,
            answered_at: None,
            answer: Answer::None,
            arrived_at: None,
        };
        assert!(guest_news([(1, quiet)], 10).is_empty());
    }

    #[test]
    fn at_the_same_moment_the_answer_comes_before_the_look() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
        let m = GuestMoments {
            viewed_at: Some(at),
            video_opened_at: None,
            answered_at: Some(at),
            answer: Answer::Declined,
            arrived_at: None,
        };
        let kinds: Vec<_> = guest_news([(1, m)], 10).iter().map(|n| n.kind).collect();
        assert_eq!(
            kinds,
            [NewsKind::Answered(Answer::Declined), NewsKind::Viewed]
        );
        assert_eq!(kinds[0].message_id(), "news-declined");
    }
}
