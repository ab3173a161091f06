//! The guest list as the event page shows it, and a rep's decisions as the home page shows them.
use chrono::{DateTime, Utc};

use crate::api::dto::{ContactOption, DecisionRow, GuestFilter, GuestListDto, GuestRow, QuotaRow};
use crate::domain::{nomination_refusal, NominationBlock, NominationState, Nominee, Role};
use crate::i18n::{format_instant, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::services::guest_list::{DecisionsRecord, GuestListRecord};

/// The guest list as `actor` sees it; the rows are those `filter` matches, at most
/// `filter.rows()` of them (the counts, quotas and the filter's choices are over every guest).
pub fn guest_list(
    lang: Lang,
    record: &GuestListRecord,
    actor: &CurrentUser,
    now: DateTime<Utc>,
    filter: &GuestFilter,
) -> GuestListDto {
    let event = &record.event;
    let listed = &record.listed;
    let settled = crate::domain::attendance_settled(event.status, event.ends_at, now);
    let used = |rep: i32| {
        listed
            .iter()
            .filter(|g| g.nominated_by == rep && g.state.uses_seat())
            .count() as u32
    };
    let seats = |rep: i32| record.quotas.get(&rep).copied().unwrap_or(0);
    let name_of = |user_id: i32| {
        record
            .people
            .get(&user_id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let quotas: Vec<QuotaRow> = record
        .reps
        .iter()
        .map(|rep| QuotaRow {
            user_id: rep.id,
            rep_name: rep.name.clone(),
            seats: seats(rep.id),
            used: used(rep.id),
        })
        .collect();
    let mut rep_options: Vec<(i32, String)> = listed
        .iter()
        .map(|g| g.nominated_by)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|rep| (rep, name_of(rep)))
        .collect();
    rep_options.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let account_options: Vec<String> = listed
        .iter()
        .filter_map(|g| g.account_id.and_then(|id| record.accounts.get(&id)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .cloned()
        .collect();
    let rows: Vec<GuestRow> = record
        .shown
        .iter()
        .filter_map(|g| {
            let person = record.contacts.get(&g.contact_id)?;
            Some(GuestRow {
                id: g.id,
                contact_id: person.id,
                contact_name: person.full_name(),
                contact_email: person.email.clone(),
                account_name: person
                    .account_id
                    .and_then(|id| record.accounts.get(&id).cloned()),
                rep_id: g.nominated_by,
                rep_name: name_of(g.nominated_by),
                priority: g.priority,
                reason: g.reason.clone(),
                state: g.state,
                decision_reason: g.decision_reason.clone(),
                mine: g.nominated_by == actor.id,
                invitation: g.invitation,
                answer: g.answer,
                waitlist_position: g.waitlist_position,
                attendance: crate::domain::attendance(g.answer, g.checked_in_at.is_some(), settled),
                seen: [
                    (g.invited_at, k!("guest-seen-invited")),
                    (g.viewed_at, k!("guest-seen-viewed")),
                    (g.video_opened_at, k!("guest-seen-video")),
                    (g.answered_at, k!("guest-seen-answered")),
                    (g.checked_in_at, k!("guest-seen-arrived")),
                ]
                .into_iter()
                .filter_map(|(at, id)| {
                    at.map(|at| {
                        crate::i18n::t_args(
                            lang,
                            id,
                            &[("when", crate::i18n::relative(lang, now, at).into())],
                        )
                    })
                })
                .collect(),
                personal_note: if g.nominated_by == actor.id {
                    g.personal_note.clone()
                } else {
                    String::new()
                },
                video_url: if g.nominated_by == actor.id {
                    g.video_url.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                can_record_answer: g.invitation != crate::domain::InvitationState::NotSent
                    && (g.nominated_by == actor.id || actor.role.can_edit_events()),
                unsubscribed: person
                    .unsubscribed_at
                    .map(|at| format_instant(lang, &at, super::events::tz_of(&record.event))),
            })
        })
        .collect();
    let approved = listed
        .iter()
        .filter(|g| g.state == NominationState::Approved)
        .count() as u32;

    let is_rep = actor.role == Role::Sales;
    let my_quota = is_rep.then(|| QuotaRow {
        user_id: actor.id,
        rep_name: actor.name.clone(),
        seats: seats(actor.id),
        used: used(actor.id),
    });
    let nomination_blocked = my_quota.as_ref().and_then(|q| {
        nomination_refusal(
            event.status,
            record.nomination_deadline(),
            now,
            q.seats,
            q.used,
        )
    });
    // a rep nominates their own contacts and nobody's; another rep's are shown, marked, so the
    // rep knows before trying
    let on_list: std::collections::HashSet<i32> = listed.iter().map(|g| g.contact_id).collect();
    let mut options: Vec<(u8, ContactOption)> = record
        .candidates
        .iter()
        .map(|c| {
            let nominee = Nominee::of(c.owner_id, actor.id);
            let blocked = if c.unsubscribed_at.is_some() {
                Some(NominationBlock::Unsubscribed)
            } else if on_list.contains(&c.id) {
                Some(NominationBlock::OnTheList)
            } else if let Nominee::OwnedByOther(owner) = nominee {
                Some(NominationBlock::OwnedBy(name_of(owner)))
            } else {
                None
            };
            let rank = match nominee {
                Nominee::Own => 0,
                Nominee::Unowned => 1,
                Nominee::OwnedByOther(_) => 2,
            };
            (
                rank,
                ContactOption {
                    id: c.id,
                    label: format!("{} <{}>", c.full_name(), c.email),
                    blocked,
                },
            )
        })
        .collect();
    // own contacts first, then nobody's, then other reps'; names stay in order within each
    options.sort_by_key(|(rank, _)| *rank);
    GuestListDto {
        event_id: event.id,
        capacity: event.capacity.max(0) as u32,
        approved,
        rows,
        total: listed.len() as u32,
        matching: record.matched as u32,
        limit: filter.rows() as u32,
        rep_options,
        account_options,
        quotas,
        my_quota,
        my_contacts: options.into_iter().map(|(_, o)| o).collect(),
        can_decide: actor.role.can_edit_events(),
        can_nominate: is_rep,
        nomination_blocked,
    }
}

/// A rep's news, worded in `lang`, times in each event's zone.
pub fn my_news(
    record: &crate::ssr::services::invitations::NewsRecord,
    lang: Lang,
) -> Vec<crate::api::dto::NewsRow> {
    record
        .items
        .iter()
        .filter_map(|item| {
            let e = record.events.get(&item.guest.event_id)?;
            let c = record.contacts.get(&item.guest.contact_id)?;
            let text = crate::i18n::word(
                lang,
                &crate::domain::Msg::new(item.kind.message_id())
                    .with("guest", c.full_name())
                    .with("title", e.title.clone()),
            );
            Some(crate::api::dto::NewsRow {
                event_id: e.id,
                text,
                when: format_instant(lang, &item.at, super::events::tz_of(e)),
                at: item.at.to_rfc3339(),
            })
        })
        .collect()
}

pub fn my_decisions(record: &DecisionsRecord, lang: Lang) -> Vec<DecisionRow> {
    record
        .decided
        .iter()
        .filter_map(|g| {
            let e = record.events.get(&g.event_id)?;
            let c = record.contacts.get(&g.contact_id)?;
            let tz = super::events::tz_of(e);
            Some(DecisionRow {
                event_id: e.id,
                event_title: e.title.clone(),
                contact_name: c.full_name(),
                state: g.state,
                reason: g.decision_reason.clone(),
                when: g
                    .decided_at
                    .map(|d| format_instant(lang, &d, tz))
                    .unwrap_or_default(),
            })
        })
        .collect()
}
