//! The guest's personal page, `/rsvp/:token`: the event, the host's note and video, the current
//! answer, and two buttons. Works without JavaScript (plain form posts); a GET never answers.
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{get_rsvp, AnswerRsvp, RsvpView};
use crate::domain::{Answer, Language};
use crate::error::AppError;
use crate::i18n::{word, Lang};
use crate::pages::guest::GuestNotFoundPage;

#[component]
pub fn RsvpPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let answer = ServerAction::<AnswerRsvp>::new();
    let view_data = Resource::new(
        move || (token(), answer.version().get()),
        |(token, _)| get_rsvp(token),
    );
    view! {
        <Suspense fallback=|| ()>
            // awaited inside `Suspend` rather than read with `.get()` (leptos-rs/leptos#4578)
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <RsvpCard data token=token() answer /> }.into_any(),
                    Err(_) => view! { <GuestNotFoundPage /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RsvpCard(data: RsvpView, token: String, answer: ServerAction<AnswerRsvp>) -> impl IntoView {
    let lang: Lang = Language::parse(&data.language).unwrap_or(Language::En);
    let refused = move || match answer.value().get() {
        Some(Err(AppError::Conflict(message))) => Some(word(lang, &message)),
        Some(Err(err)) => crate::components::general_error(lang, &err),
        _ => None,
    };
    let status = match (data.answer, data.waitlist_position) {
        (Answer::Accepted, _) => Some(tr!(lang, "rsvp-you-accepted").to_string()),
        (Answer::Declined, _) => Some(tr!(lang, "rsvp-you-declined").to_string()),
        (Answer::Waitlisted, position) => Some(tr!(
            lang,
            "rsvp-you-waitlisted",
            position = position.unwrap_or(1)
        )),
        (Answer::None, _) => None,
    };
    let video = data.has_video.then(|| format!("/rsvp/{token}/video"));
    let (accept_token, decline_token) = (token.clone(), token.clone());
    view! {
        <Title text=data.title.clone() />
        <article class="card rsvp" lang=data.language.clone()>
            <p class="muted">{tr!(lang, "rsvp-invited-by", host = &data.host)}</p>
            <h1>{data.title.clone()}</h1>
            <dl class="facts">
                <dt>{tr!(lang, "mail-when")}</dt>
                <dd>{data.when.clone()}</dd>
                <dt>{tr!(lang, "mail-where")}</dt>
                <dd>{data.place.clone()}</dd>
                {data.join_url.clone().map(|url| view! {
                    <dt>{tr!(lang, "mail-join")}</dt>
                    <dd><a href=url.clone() rel="noopener noreferrer">{url.clone()}</a></dd>
                })}
                {data.rsvp_deadline.clone().map(|d| view! {
                    <dt>{tr!(lang, "rsvp-deadline")}</dt>
                    <dd>{d}</dd>
                })}
            </dl>
            {(!data.note.trim().is_empty()).then(|| view! {
                <blockquote class="personal-note">
                    <p>{data.note.clone()}</p>
                    <footer>"— "{data.host.clone()}</footer>
                </blockquote>
            })}
            {video.map(|href| view! {
                <p><a class="button button-secondary" href=href rel="noopener noreferrer">
                    "▶ "{tr!(lang, "mail-invite-video", host = &data.host)}
                </a></p>
            })}
            {status.map(|s| view! { <p class="notice rsvp-status" role="status">{s}</p> })}
            {data.calendar.clone().map(|links| view! {
                <p class="calendar-links">
                    <span>{tr!(lang, "calendar-add")}": "</span>
                    <a href=links.ics.clone() download="">{tr!(lang, "calendar-ics")}</a>
                    " · "
                    <a href=links.google.clone() rel="noopener noreferrer" target="_blank">{tr!(lang, "calendar-google")}</a>
                    " · "
                    <a href=links.outlook.clone() rel="noopener noreferrer" target="_blank">{tr!(lang, "calendar-outlook")}</a>
                </p>
            })}
            {data.door.clone().map(|door| view! {
                <figure class="door-code">
                    <figcaption>{tr!(lang, "mail-door-title")}</figcaption>
                    // our own SVG, drawn on the server from a code of [A-Z2-9-]: no user text
                    <div class="door-qr" role="img" aria-label=tr!(lang, "door-code-alt", code = &door.code) inner_html=door.qr_svg.clone()></div>
                    <p class="door-code-text">{door.code.clone()}</p>
                    <p class="muted small">{tr!(lang, "mail-door-help")}</p>
                </figure>
            })}
            {match data.closed.clone() {
                Some(why) => view! { <p class="notice">{word(lang, &why)}</p> }.into_any(),
                None => view! {
                    <div class="rsvp-answers">
                        <ActionForm action=answer attr:class="inline-form">
                            <input type="hidden" name="token" value=accept_token.clone() />
                            <input type="hidden" name="answer" value="accept" />
                            <button type="submit" class="button" disabled=data.answer == Answer::Accepted>
                                {tr!(lang, "rsvp-accept")}
                            </button>
                        </ActionForm>
                        <ActionForm action=answer attr:class="inline-form">
                            <input type="hidden" name="token" value=decline_token.clone() />
                            <input type="hidden" name="answer" value="decline" />
                            <button type="submit" class="button button-secondary" disabled=data.answer == Answer::Declined>
                                {tr!(lang, "rsvp-decline")}
                            </button>
                        </ActionForm>
                    </div>
                }
                .into_any(),
            }}
            <p class="form-error" role="alert">{refused}</p>
        </article>
    }
}
