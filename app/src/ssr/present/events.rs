//! Events as the list, the event page and the edit form show them.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::api::dto::{
    ActivityDto, AgendaLine, CommentDto, EventDetail, EventForm, EventSummary, TimelineEntry,
};
use crate::domain::{format_local_datetime, local_to_utc, AgendaItem, EventInput, EventKind, Role};
use crate::i18n::{format_instant, format_local, relative, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::event;
use crate::ssr::markdown::to_safe_html;
use crate::ssr::services::events::{agenda_of, EventListing, EventRecord};

/// The event's own time zone (stored as a valid IANA name; UTC should it ever not parse).
pub fn tz_of(model: &event::Model) -> Tz {
    model.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Where it happens, in words: the venue, "Online", or "Venue + online".
pub fn place(lang: Lang, model: &event::Model) -> String {
    match (model.kind, &model.venue_name) {
        (EventKind::Online, _) | (_, None) => tr!(lang, "place-online").to_string(),
        (EventKind::Hybrid, Some(venue)) => tr!(lang, "place-hybrid", venue = venue),
        (EventKind::OnSite, Some(venue)) => venue.clone(),
    }
}

pub fn event_summaries(
    listing: &EventListing,
    actor: &CurrentUser,
    lang: Lang,
    now: DateTime<Utc>,
) -> Vec<EventSummary> {
    listing
        .events
        .iter()
        .map(|e| {
            let tz = tz_of(e);
            EventSummary {
                id: e.id,
                title: e.title.clone(),
                kind: e.kind,
                status: e.status,
                when: format_local(lang, &e.starts_local, tz),
                starts_in: relative(lang, now, e.starts_at),
                place: place(lang, e),
                capacity: e.capacity,
                owner_name: listing
                    .people
                    .get(&e.owner_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                mine: e.owner_id == actor.id,
            }
        })
        .collect()
}

/// Everything the event page shows, in the event's time zone.
pub fn event_detail(
    record: &EventRecord,
    actor: &CurrentUser,
    lang: Lang,
    now: DateTime<Utc>,
) -> EventDetail {
    let model = &record.event;
    let tz = tz_of(model);
    let name_of = |user_id: i32| {
        record
            .people
            .get(&user_id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };

    let mut timeline = Vec::new();
    let mut point = |key: &str, local: chrono::NaiveDateTime| {
        if let Some(instant) = local_to_utc(&local, tz) {
            timeline.push((
                instant,
                TimelineEntry {
                    label_key: key.to_string(),
                    when: format_local(lang, &local, tz),
                    relative: relative(lang, now, instant),
                    past: instant < now,
                },
            ));
        }
    };
    if let Some(d) = model.nomination_deadline_local {
        point(k!("timeline-nominations"), d);
    }
    if let Some(d) = model.rsvp_deadline_local {
        point(k!("timeline-rsvp"), d);
    }
    point(k!("timeline-start"), model.starts_local);
    point(k!("timeline-end"), model.ends_local);
    timeline.sort_by_key(|(instant, _)| *instant);

    let status = model.status;
    let can_edit = actor.role.can_edit_events();
    EventDetail {
        id: model.id,
        title: model.title.clone(),
        kind: model.kind,
        status,
        brief_html: to_safe_html(&model.brief),
        agenda: agenda_of(model)
            .into_iter()
            .map(|item| AgendaLine {
                time: item.time.format("%H:%M").to_string(),
                title: item.title,
            })
            .collect(),
        venue_name: model.venue_name.clone(),
        venue_address: model.venue_address.clone(),
        join_url: model.join_url.clone(),
        when: format_local(lang, &model.starts_local, tz),
        until: format_local(lang, &model.ends_local, tz),
        time_zone: model.time_zone.clone(),
        capacity: model.capacity,
        language: model.language.clone(),
        owner_name: name_of(model.owner_id),
        timeline: timeline.into_iter().map(|(_, entry)| entry).collect(),
        comments: record
            .comments
            .iter()
            .map(|c| CommentDto {
                id: c.id,
                author_name: name_of(c.author_id),
                author_role: record
                    .people
                    .get(&c.author_id)
                    .and_then(|u| Role::parse(&u.role))
                    .unwrap_or(Role::Sales),
                body: c.body.clone(),
                when: format_instant(lang, &c.created_at, tz),
            })
            .collect(),
        activity: record
            .activities
            .iter()
            .map(|a| ActivityDto {
                user_name: name_of(a.user_id),
                action: a.action.clone(),
                field: a.field.clone(),
                old_value: a.old_value.clone(),
                new_value: a.new_value.clone(),
                when: format_instant(lang, &a.created_at, tz),
            })
            .collect(),
        activity_total: record.activity_total,
        can_edit: can_edit && status.is_editable(),
        next_states: if can_edit {
            status.next_states()
        } else {
            Vec::new()
        },
    }
}

/// The event as its edit form shows it, with the version the save must name.
pub fn event_form(model: &event::Model) -> EventForm {
    let opt_time = |v: &Option<chrono::NaiveDateTime>| {
        v.map(|d| format_local_datetime(&d)).unwrap_or_default()
    };
    EventForm {
        id: model.id,
        version: model.version,
        status: model.status,
        input: EventInput {
            title: model.title.clone(),
            kind: model.kind.as_str().to_string(),
            brief: model.brief.clone(),
            agenda: AgendaItem::to_lines(&agenda_of(model)),
            venue_name: model.venue_name.clone().unwrap_or_default(),
            venue_address: model.venue_address.clone().unwrap_or_default(),
            join_url: model.join_url.clone().unwrap_or_default(),
            starts_at: format_local_datetime(&model.starts_local),
            ends_at: format_local_datetime(&model.ends_local),
            time_zone: model.time_zone.clone(),
            capacity: model.capacity.to_string(),
            nomination_deadline: opt_time(&model.nomination_deadline_local),
            rsvp_deadline: opt_time(&model.rsvp_deadline_local),
            language: model.language.clone(),
        },
    }
}
