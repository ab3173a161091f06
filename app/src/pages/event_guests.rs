//! The guest list on the event page: seats per rep, nominations and marketing's decisions.
use std::collections::HashSet;

use leptos::prelude::*;

use crate::api::dto::{GuestFilter, GuestListDto, GuestRow, GUEST_PAGE};
use crate::api::guest_list::{
    get_guest_list, DecideNominations, Nominate, SetQuota, UpdateNomination, WithdrawNomination,
};
use crate::api::invitations::{
    invitation_progress, InvitationDelivery, RecordAnswer, SendInvitations, SetPersonalTouch,
};
use crate::components::{
    action_field_errors, action_message, general_error, use_lang, use_user, SelectField, TextArea,
    TextField, Typed,
};
use crate::domain::{NominationBlock, NominationState};
use crate::error::AppError;
use crate::i18n::{t, Lang};

pub fn nomination_key(state: NominationState) -> &'static str {
    state.label_id()
}

#[component]
pub fn NominationChip(state: NominationState) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("chip chip-{}", state.as_str())>{t(lang, nomination_key(state))}</span> }
}

/// The guest list, its filters and forms, and the sending progress: created where the event page
/// starts (see `pages::event::EventPage`), so the server fetches each once per page.
#[derive(Clone, Copy)]
pub struct GuestListData {
    actions: GuestActions,
    list: Resource<Result<GuestListDto, AppError>>,
    progress: Resource<Result<InvitationDelivery, AppError>>,
    /// counts the progress bar's refreshes while mail is on its way
    tick: RwSignal<u32>,
}

impl GuestListData {
    pub fn new(event_id: Signal<i32>) -> Self {
        let set_quota = ServerAction::<SetQuota>::new();
        let nominate = ServerAction::<Nominate>::new();
        let update = ServerAction::<UpdateNomination>::new();
        let withdraw = ServerAction::<WithdrawNomination>::new();
        let decide = ServerAction::<DecideNominations>::new();
        let touch = ServerAction::<SetPersonalTouch>::new();
        let record = ServerAction::<RecordAnswer>::new();
        let send = ServerAction::<SendInvitations>::new();
        // the filters live here, above the table the list redraws; how many rows: `?guests=N` (a
        // link, so "show more" works without JavaScript too)
        let filters = GuestFilters::default();
        let query = leptos_router::hooks::use_query_map();
        let limit = move || {
            query
                .read()
                .get("guests")
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(GUEST_PAGE)
        };
        let list = Resource::new(
            move || {
                (
                    set_quota.version().get(),
                    nominate.version().get(),
                    update.version().get(),
                    withdraw.version().get(),
                    decide.version().get(),
                    (
                        touch.version().get(),
                        record.version().get(),
                        send.version().get(),
                    ),
                    (event_id.get(), filters.chosen(limit())),
                )
            },
            |(.., (event_id, filter))| get_guest_list(event_id, filter),
        );
        let actions = GuestActions {
            filters,
            set_quota,
            nominate,
            update,
            withdraw,
            decide,
            touch,
            record,
            send,
        };
        // the bar follows the outbox: refetched after a send, and every 2 s while mail is on its
        // way. Only marketing sees it, and nobody else's page asks: a refused server function
        // would give the whole page the refusal's status.
        let user = use_user();
        let tick = RwSignal::new(0u32);
        let progress = Resource::new(
            move || (event_id.get(), send.version().get(), tick.get()),
            move |(event_id, ..)| async move {
                match user.await {
                    Ok(Some(me)) if me.role.can_edit_events() => {
                        invitation_progress(event_id).await
                    }
                    _ => Err(AppError::Forbidden),
                }
            },
        );
        Self {
            actions,
            list,
            progress,
            tick,
        }
    }
}

#[component]
pub fn GuestListSection(event_id: i32, data: GuestListData) -> impl IntoView {
    let lang = use_lang();
    let GuestListData {
        actions,
        list,
        progress,
        tick,
    } = data;
    let send = actions.send;
    view! {
        <section class="card" id="guests">
            // a Transition: while a filter fetches the list again, the old list stays
            <Transition fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(dto) => {
                            let can_send = dto.can_decide;
                            view! {
                                <GuestListView dto actions />
                                {can_send.then(|| view! { <InvitationsPanel event_id send progress tick /> })}
                            }
                            .into_any()
                        }
                        Err(err) => view! { <p class="form-error">{general_error(lang, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Marketing sends the invitations of an open event; the answer says how many went out and how
/// many approved guests were left out because they unsubscribed.
#[component]
fn InvitationsPanel(
    event_id: i32,
    send: ServerAction<SendInvitations>,
    progress: Resource<Result<InvitationDelivery, AppError>>,
    tick: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    Effect::new(move |_| {
        if let Some(Ok(p)) = progress.get() {
            if p.queued > 0 && p.delivers {
                set_timeout(
                    move || tick.update(|t| *t += 1),
                    std::time::Duration::from_secs(2),
                );
            }
        }
    });
    let outcome = move || {
        match send.value().get() {
        Some(Ok(sent)) => Some(view! {
            <p class="notice" role="status">
                {tr!(lang, "invite-sent", queued = sent.queued, unsubscribed = sent.unsubscribed)}
                " " <a href="/outbox">{tr!(lang, "nav-outbox")}</a>
            </p>
        }.into_any()),
        Some(Err(err)) => Some(view! { <p class="form-error" role="alert">{general_error(lang, &err)}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <div class="invitations">
            <h3>{tr!(lang, "invite-title")}</h3>
            <ActionForm action=send attr:class="inline-form">
                <input type="hidden" name="event_id" value=event_id.to_string() />
                <button type="submit" class="button">{tr!(lang, "invite-send")}</button>
            </ActionForm>
            {outcome}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    progress.await.ok().filter(|p| p.total() > 0).map(|p| view! { <DeliveryProgress p /> })
                })}
            </Transition>
        </div>
    }
}

/// How many invitations went out, wait and failed, as a bar.
#[component]
fn DeliveryProgress(p: InvitationDelivery) -> impl IntoView {
    let lang = use_lang();
    let total = p.total();
    let percent = (p.sent * 100).checked_div(total).unwrap_or(0);
    view! {
        <div class="delivery" data-testid="delivery-progress">
            <span>{tr!(lang, "invite-progress", sent = p.sent, total = total)}</span>
            {(p.queued > 0).then(|| view! { " · " <span class="muted">{tr!(lang, "invite-progress-waiting", queued = p.queued)}</span> })}
            {(p.failed > 0).then(|| view! { " · " <a href="/outbox" class="form-error">{tr!(lang, "invite-progress-failed", failed = p.failed)}</a> })}
            <div
                class="bar"
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax=total
                aria-valuenow=p.sent
                aria-label=tr!(lang, "invite-progress-label")
            >
                <div class="bar-fill" class:done=p.queued == 0 style=format!("width: {percent}%")></div>
            </div>
            {(!p.delivers && p.queued > 0).then(|| view! { <p class="muted small">{tr!(lang, "invite-progress-no-smtp")}</p> })}
        </div>
    }
}

/// The guest table's filters (empty = any), kept while the list is fetched again.
#[derive(Clone, Copy, Default)]
struct GuestFilters {
    rep: RwSignal<String>,
    priority: RwSignal<String>,
    state: RwSignal<String>,
    account: RwSignal<String>,
}

impl GuestFilters {
    fn chosen(&self, limit: u32) -> GuestFilter {
        GuestFilter {
            rep: self.rep.get(),
            priority: self.priority.get(),
            state: self.state.get(),
            account: self.account.get(),
            limit,
        }
    }
}

#[derive(Clone, Copy)]
struct GuestActions {
    filters: GuestFilters,
    set_quota: ServerAction<SetQuota>,
    nominate: ServerAction<Nominate>,
    update: ServerAction<UpdateNomination>,
    withdraw: ServerAction<WithdrawNomination>,
    decide: ServerAction<DecideNominations>,
    touch: ServerAction<SetPersonalTouch>,
    record: ServerAction<RecordAnswer>,
    send: ServerAction<SendInvitations>,
}

#[component]
fn GuestListView(dto: GuestListDto, actions: GuestActions) -> impl IntoView {
    let lang = use_lang();
    let over = dto.approved > dto.capacity;
    let percent = (dto.approved.min(dto.capacity) * 100)
        .checked_div(dto.capacity)
        .unwrap_or(100);
    let dto = StoredValue::new(dto);
    let d = dto.get_value();
    view! {
        <div class="section-head">
            <h2>{tr!(lang, "guests-title")} <span class="count">{d.total}</span></h2>
            <div class="capacity" class:over=over>
                <span>
                    {format!("{} {} / {} {}", d.approved, tr!(lang, "guests-approved-of"), d.capacity, tr!(lang, "event-seats"))}
                </span>
                <div
                    class="bar"
                    role="progressbar"
                    aria-valuemin="0"
                    aria-valuemax=d.capacity
                    aria-valuenow=d.approved
                    aria-label=tr!(lang, "guests-capacity-label")
                >
                    <div class="bar-fill" style=format!("width: {percent}%")></div>
                </div>
            </div>
        </div>
        <QuotaTable dto action=actions.set_quota />
        {d.can_nominate.then(|| view! { <NominateForm dto action=actions.nominate /> })}
        <GuestTable dto actions />
    }
}

#[component]
fn QuotaTable(dto: StoredValue<GuestListDto>, action: ServerAction<SetQuota>) -> impl IntoView {
    let lang = use_lang();
    let d = dto.get_value();
    let event_id = d.event_id;
    let can_decide = d.can_decide;
    let general = action_message(lang, action.value());
    let seat_error = move || match action.value().get() {
        Some(Err(err)) => err
            .field_errors()
            .first()
            .map(|e| crate::i18n::word(lang, &e.message)),
        _ => None,
    };
    if d.quotas.is_empty() {
        return view! { <p class="muted">{tr!(lang, "quota-no-reps")}</p> }.into_any();
    }
    // a plain post that was refused comes back with the seats typed for that rep
    let typed = Typed::of(action.value().get_untracked());
    let typed_rep = typed.get("user_id").map(str::to_string);
    let typed_seats = typed.get("seats").map(str::to_string);
    view! {
        <details class="quotas" open=d.can_decide || d.my_quota.is_some()>
            <summary>{tr!(lang, "quota-title")}</summary>
            <p class="form-error" role="alert">{general} {seat_error}</p>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">{tr!(lang, "quota-rep")}</th>
                        <th scope="col">{tr!(lang, "quota-seats")}</th>
                        <th scope="col">{tr!(lang, "quota-used")}</th>
                    </tr>
                </thead>
                <tbody>
                    {d.quotas
                        .clone()
                        .into_iter()
                        .map(|q| {
                            let input_id = format!("seats-{}", q.user_id);
                            let refused_here = typed_rep.as_deref() == Some(q.user_id.to_string().as_str());
                            let seats = match (&typed_seats, refused_here) {
                                (Some(typed), true) => typed.clone(),
                                _ => q.seats.to_string(),
                            };
                            view! {
                                <tr>
                                    <td>{q.rep_name.clone()}</td>
                                    <td>
                                        {if can_decide {
                                            view! {
                                                <ActionForm action attr:class="inline-form row-form">
                                                    <input type="hidden" name="event_id" value=event_id />
                                                    <input type="hidden" name="user_id" value=q.user_id />
                                                    <label class="visually-hidden" for=input_id.clone()>
                                                        {format!("{} {}", tr!(lang, "quota-seats-for"), q.rep_name)}
                                                    </label>
                                                    <input id=input_id type="number" min="0" name="seats" value=seats class="seats-input" aria-invalid=refused_here.to_string() />
                                                    <button type="submit" class="button button-small">{tr!(lang, "quota-save")}</button>
                                                </ActionForm>
                                            }
                                                .into_any()
                                        } else {
                                            view! { <span>{q.seats}</span> }.into_any()
                                        }}
                                    </td>
                                    <td>{q.used}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
    .into_any()
}

#[component]
fn NominateForm(dto: StoredValue<GuestListDto>, action: ServerAction<Nominate>) -> impl IntoView {
    let lang = use_lang();
    let d = dto.get_value();
    // a plain post that was refused comes back with what was typed, the new contact's fields open
    let typed = Typed::of(action.value().get_untracked());
    let chosen = typed.value("contact_id", "");
    let choice = RwSignal::new(chosen.clone());
    // without JavaScript the new contact's fields are always there; once the page runs, they
    // show when "new contact" is chosen
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let errors = action_field_errors(action.value());
    let general = action_message(lang, action.value());
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
            choice.set(String::new());
        }
    });
    let quota_line = d
        .my_quota
        .as_ref()
        .map(|q| format!("{}: {} / {}", tr!(lang, "quota-yours"), q.used, q.seats));
    let priorities = vec![
        ("A".to_string(), tr!(lang, "priority-a").to_string()),
        ("B".to_string(), tr!(lang, "priority-b").to_string()),
    ];
    let languages = vec![
        ("en".to_string(), tr!(lang, "lang-en").to_string()),
        ("de".to_string(), tr!(lang, "lang-de").to_string()),
    ];
    view! {
        <div class="nominate">
            <h3>{tr!(lang, "nominate-title")}</h3>
            <p class="muted">{quota_line}</p>
            {d.nomination_blocked.clone().map(|reason| view! { <p class="notice">{crate::i18n::word(lang, &reason)}</p> })}
            <ActionForm action node_ref=form attr:class="form">
                <input type="hidden" name="event_id" value=d.event_id />
                <div class="field" class:invalid=move || errors.get().iter().any(|e| e.field == "contact_id")>
                    <label for="f-contact_id">{tr!(lang, "nominate-contact")}</label>
                    <select
                        id="f-contact_id"
                        name="contact_id"
                        data-field="contact_id"
                        aria-invalid=move || errors.get().iter().any(|e| e.field == "contact_id").to_string()
                        aria-describedby="err-contact_id"
                        on:change=move |ev| choice.set(event_target_value(&ev))
                    >
                        <option value="">{tr!(lang, "nominate-choose")}</option>
                        {d.my_contacts
                            .iter()
                            .map(|c| {
                                let label = match &c.blocked {
                                    Some(why) => format!("{} — {}", c.label, blocked_text(lang, why)),
                                    None => c.label.clone(),
                                };
                                let selected = chosen == c.id.to_string();
                                view! { <option value=c.id disabled=c.blocked.is_some() selected=selected>{label}</option> }
                            })
                            .collect_view()}
                        <option value="new" selected=chosen == "new">{tr!(lang, "nominate-new-contact")}</option>
                    </select>
                    <crate::components::FieldMessage errors field="contact_id" />
                </div>
                <fieldset class="inline-contact" hidden=move || running.get() && choice.get() != "new">
                    <legend>{tr!(lang, "nominate-new-contact-legend")}</legend>
                    <div class="form-row">
                        <TextField label=tr!(lang, "contact-first-name") name="contact[first_name]" field="first_name" errors value=typed.value("contact[first_name]", "") />
                        <TextField label=tr!(lang, "contact-last-name") name="contact[last_name]" field="last_name" errors value=typed.value("contact[last_name]", "") />
                    </div>
                    <div class="form-row">
                        <TextField label=tr!(lang, "contact-email") name="contact[email]" field="email" errors input_type="email" value=typed.value("contact[email]", "") />
                        <SelectField label=tr!(lang, "contact-language") name="contact[language]" field="language" errors options=languages.clone() value=typed.value("contact[language]", "en") />
                    </div>
                </fieldset>
                <div class="form-row">
                    <TextArea label=tr!(lang, "nominate-reason") name="input[reason]" field="reason" errors rows=2 value=typed.value("input[reason]", "") />
                    <SelectField label=tr!(lang, "nominate-priority") name="input[priority]" field="priority" errors options=priorities.clone() value=typed.value("input[priority]", "A") />
                </div>
                <p class="form-error" role="alert">{general}</p>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {tr!(lang, "nominate-submit")}
                </button>
            </ActionForm>
        </div>
    }
}

fn blocked_text(lang: Lang, why: &NominationBlock) -> String {
    match why {
        NominationBlock::Unsubscribed => tr!(lang, "nominate-unsubscribed").to_string(),
        NominationBlock::OnTheList => tr!(lang, "nominate-on-list").to_string(),
        NominationBlock::OwnedBy(owner) => tr!(lang, "nominate-owned-by", owner = owner),
    }
}

#[component]
fn GuestTable(dto: StoredValue<GuestListDto>, actions: GuestActions) -> impl IntoView {
    let lang = use_lang();
    let d = dto.get_value();
    let selected = RwSignal::new(HashSet::<i32>::new());
    let bulk_reason = RwSignal::new(String::new());
    let decide = actions.decide;
    let decide_error = action_message(lang, decide.value());
    let decide_field_error = move || match decide.value().get() {
        Some(Err(err)) => err
            .field_errors()
            .iter()
            .find(|e| e.field == "reason")
            .map(|e| crate::i18n::word(lang, &e.message)),
        _ => None,
    };
    let withdraw_error = action_message(lang, actions.withdraw.value());
    let update_error = move || match actions.update.value().get() {
        Some(Err(err)) => err
            .field_errors()
            .first()
            .map(|e| crate::i18n::word(lang, &e.message))
            .or_else(|| general_error(lang, &err)),
        _ => None,
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = decide.value().get() {
            selected.set(HashSet::new());
            bulk_reason.set(String::new());
        }
    });

    // the server filtered and cut the rows (`GuestFilter`); the table shows what came
    let rows = StoredValue::new(d.rows.clone());
    let visible = move || rows.get_value();
    let reps = d.rep_options.clone();
    let accounts = d.account_options.clone();
    let filters = actions.filters;
    let (shown, matching, total, limit) = (d.rows.len() as u32, d.matching, d.total, d.limit);
    let can_decide = d.can_decide;
    let event_id = d.event_id;

    if d.total == 0 {
        let key = if d.can_nominate {
            k!("guests-empty-rep")
        } else {
            k!("guests-empty")
        };
        return view! { <p class="empty-state">{t(lang, key)}</p> }.into_any();
    }

    let bulk = move |decision: &'static str| {
        let ids: Vec<i32> = selected.get_untracked().into_iter().collect();
        decide.dispatch(DecideNominations {
            event_id,
            guest_ids: ids,
            decision: decision.to_string(),
            reason: bulk_reason.get_untracked(),
        });
    };

    let send = actions.send;
    let invite_selected = move |_| {
        let ids: Vec<i32> = selected.get_untracked().into_iter().collect();
        send.dispatch(SendInvitations {
            event_id,
            guest_ids: Some(ids),
        });
    };

    view! {
        <div class="guest-filters" role="group" aria-label=tr!(lang, "guests-filters")>
            <label>
                {tr!(lang, "guests-rep")}
                <select on:change=move |ev| filters.rep.set(event_target_value(&ev))>
                    <option value="">{tr!(lang, "guests-any")}</option>
                    {reps.into_iter().map(|(id, name)| {
                        let chosen = filters.rep.get_untracked() == id.to_string();
                        view! { <option value=id selected=chosen>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, "guests-priority")}
                <select on:change=move |ev| filters.priority.set(event_target_value(&ev))>
                    <option value="">{tr!(lang, "guests-any")}</option>
                    <option value="A" selected=filters.priority.get_untracked() == "A">"A"</option>
                    <option value="B" selected=filters.priority.get_untracked() == "B">"B"</option>
                </select>
            </label>
            <label>
                {tr!(lang, "guests-account")}
                <select on:change=move |ev| filters.account.set(event_target_value(&ev))>
                    <option value="">{tr!(lang, "guests-any")}</option>
                    {accounts.into_iter().map(|a| {
                        let chosen = filters.account.get_untracked() == a;
                        view! { <option value=a.clone() selected=chosen>{a.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                {tr!(lang, "guests-state")}
                <select on:change=move |ev| filters.state.set(event_target_value(&ev))>
                    <option value="">{tr!(lang, "guests-any")}</option>
                    {NominationState::ALL
                        .iter()
                        .map(|s| {
                            let chosen = filters.state.get_untracked() == s.as_str();
                            view! { <option value=s.as_str() selected=chosen>{t(lang, nomination_key(*s))}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <span class="muted small">
                {format!("{} {} {}", matching, tr!(lang, "guests-of"), total)}
            </span>
        </div>
        {can_decide.then(|| view! {
            <div class="bulk-bar" class:active=move || !selected.get().is_empty()>
                <span>{move || format!("{} {}", selected.get().len(), tr!(lang, "guests-selected"))}</span>
                <button type="button" class="button button-small" disabled=move || selected.get().is_empty() on:click=move |_| bulk("approve")>
                    {tr!(lang, "decide-approve-selected")}
                </button>
                <button type="button" class="button button-small" disabled=move || selected.get().is_empty() on:click=move |_| bulk("waitlist")>
                    {tr!(lang, "decide-waitlist-selected")}
                </button>
                <label class="visually-hidden" for="bulk-reason">{tr!(lang, "decide-reason")}</label>
                <input
                    id="bulk-reason"
                    type="text"
                    placeholder=tr!(lang, "decide-reason-placeholder")
                    prop:value=move || bulk_reason.get()
                    on:input=move |ev| bulk_reason.set(event_target_value(&ev))
                />
                <button type="button" class="button button-small button-danger" disabled=move || selected.get().is_empty() on:click=move |_| bulk("reject")>
                    {tr!(lang, "decide-reject-selected")}
                </button>
                <button type="button" class="button button-small" disabled=move || selected.get().is_empty() on:click=invite_selected>
                    {tr!(lang, "invite-send-selected")}
                </button>
            </div>
        })}
        <p class="form-error" role="alert">{decide_error} {decide_field_error} {withdraw_error} {update_error}</p>
        <div class="table-wrap">
            <table class="table guest-table">
                <thead>
                    <tr>
                        {can_decide.then(|| view! { <th scope="col"><span class="visually-hidden">{tr!(lang, "guests-select")}</span></th> })}
                        <th scope="col">{tr!(lang, "guests-contact")}</th>
                        <th scope="col">{tr!(lang, "guests-rep")}</th>
                        <th scope="col">{tr!(lang, "guests-priority")}</th>
                        <th scope="col">{tr!(lang, "nominate-reason")}</th>
                        <th scope="col">{tr!(lang, "guests-state")}</th>
                        <th scope="col">{tr!(lang, "guests-invitation")}</th>
                        <th scope="col">{tr!(lang, "guests-actions")}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=visible key=|r| (r.id, r.state, r.reason.clone(), r.priority, r.answer, r.seen.clone(), r.personal_note.clone()) let:row>
                        <GuestRowView row can_decide event_id selected actions />
                    </For>
                </tbody>
            </table>
        </div>
        {(matching == 0).then(|| view! { <p class="muted">{tr!(lang, "guests-none-match")}</p> })}
        {(shown < matching).then(|| view! {
            <p class="show-more">
                {tr!(lang, "guests-showing", shown = shown, matching = matching)}
                " "
                <a href=format!("?guests={}#guests", limit + GUEST_PAGE)>
                    {tr!(lang, "guests-show-more", more = GUEST_PAGE.min(matching - shown))}
                </a>
            </p>
        })}
    }
    .into_any()
}

#[component]
fn GuestRowView(
    row: GuestRow,
    can_decide: bool,
    event_id: i32,
    selected: RwSignal<HashSet<i32>>,
    actions: GuestActions,
) -> impl IntoView {
    let lang = use_lang();
    let id = row.id;
    let priorities = vec![
        ("A".to_string(), tr!(lang, "priority-a").to_string()),
        ("B".to_string(), tr!(lang, "priority-b").to_string()),
    ];
    let decidable = row.state != NominationState::Withdrawn;
    // a plain post that was refused comes back with this row's form open and what was typed
    let edit_typed = Typed::of(actions.update.value().get_untracked());
    let edit_refused = edit_typed.get("guest_id") == Some(id.to_string().as_str());
    // what was typed into another row's form is not this row's
    let edit_typed = if edit_refused {
        edit_typed
    } else {
        Typed::default()
    };
    let refused_here = move |err: &crate::error::AppError, name: &str| {
        Typed::of::<()>(Some(Err(err.clone()))).get(name) == Some(id.to_string().as_str())
    };
    let update_value = actions.update.value();
    let edit_errors = Signal::derive(move || match update_value.get() {
        Some(Err(err)) if refused_here(&err, "guest_id") => err.field_errors(),
        _ => Vec::new(),
    });
    let reject_typed = Typed::of(actions.decide.value().get_untracked());
    let reject_refused = reject_typed.get("guest_ids") == Some(id.to_string().as_str());
    let reject_reason = if reject_refused {
        reject_typed.value("reason", "")
    } else {
        String::new()
    };
    let decide_value = actions.decide.value();
    let reject_error = move || match decide_value.get() {
        Some(Err(err)) if refused_here(&err, "guest_ids") => err
            .field_errors()
            .iter()
            .find(|e| e.field == "reason")
            .map(|e| crate::i18n::word(lang, &e.message)),
        _ => None,
    };
    view! {
        <tr data-guest=row.contact_email.clone()>
            {can_decide.then(|| view! {
                <td>
                    <input
                        type="checkbox"
                        aria-label=format!("{} {}", tr!(lang, "guests-select"), row.contact_name)
                        disabled=!decidable
                        prop:checked=move || selected.get().contains(&id)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                        }
                    />
                </td>
            })}
            <td data-label=tr!(lang, "guests-contact")>
                <strong>{row.contact_name.clone()}</strong>
                <div class="muted small">{row.contact_email.clone()}</div>
                <div class="muted small">{row.account_name.clone()}</div>
                {row.unsubscribed.clone().map(|when| view! {
                    <div class="small"><span class="chip chip-rejected">{tr!(lang, "contacts-unsubscribed")}</span> " " <span class="muted">{when}</span></div>
                })}
            </td>
            <td data-label=tr!(lang, "guests-rep")>{row.rep_name.clone()}</td>
            <td data-label=tr!(lang, "guests-priority")>
                <span class=format!("chip chip-priority-{}", row.priority.as_str())>{row.priority.as_str()}</span>
            </td>
            <td data-label=tr!(lang, "nominate-reason") class="reason">{row.reason.clone()}</td>
            <td data-label=tr!(lang, "guests-state")>
                <NominationChip state=row.state />
                {row.decision_reason.clone().map(|r| view! { <div class="small decision-reason">{tr!(lang, "decide-reason-shown")} ": " {r}</div> })}
            </td>
            <td data-label=tr!(lang, "guests-invitation")>
                <InvitationCell row=row.clone() />
            </td>
            <td data-label=tr!(lang, "guests-actions") class="actions">
                {row.can_record_answer.then(|| view! {
                    <div class="row-actions">
                        <ActionForm action=actions.record attr:class="inline-form">
                            <input type="hidden" name="guest_id" value=id />
                            <input type="hidden" name="answer" value="accept" />
                            <button type="submit" class="button button-small button-quiet">{tr!(lang, "answer-record-accept")}</button>
                        </ActionForm>
                        <ActionForm action=actions.record attr:class="inline-form">
                            <input type="hidden" name="guest_id" value=id />
                            <input type="hidden" name="answer" value="decline" />
                            <button type="submit" class="button button-small button-quiet">{tr!(lang, "answer-record-decline")}</button>
                        </ActionForm>
                    </div>
                })}
                {(can_decide && decidable).then(|| view! {
                    <div class="row-actions">
                        {(row.state != NominationState::Approved).then(|| view! {
                            <DecideButton action=actions.decide event_id guest_id=id decision="approve" label=tr!(lang, "decide-approve") />
                        })}
                        {(row.state != NominationState::Waitlisted).then(|| view! {
                            <DecideButton action=actions.decide event_id guest_id=id decision="waitlist" label=tr!(lang, "decide-waitlist") />
                        })}
                        {(row.state != NominationState::Rejected).then(|| view! {
                            <ActionForm action=actions.decide attr:class="inline-form reject-form">
                                <input type="hidden" name="event_id" value=event_id />
                                <input type="hidden" name="guest_ids[0]" value=id />
                                <input type="hidden" name="decision" value="reject" />
                                <label class="visually-hidden" for=format!("reject-{id}")>{tr!(lang, "decide-reason")}</label>
                                <input
                                    id=format!("reject-{id}")
                                    type="text"
                                    name="reason"
                                    value=reject_reason.clone()
                                    placeholder=tr!(lang, "decide-reason-placeholder")
                                    aria-invalid=move || reject_error().is_some().to_string()
                                    aria-describedby=format!("err-reject-{id}")
                                />
                                <button type="submit" class="button button-small button-danger">{tr!(lang, "decide-reject")}</button>
                                <span class="field-error" id=format!("err-reject-{id}") role="alert">{reject_error}</span>
                            </ActionForm>
                        })}
                    </div>
                })}
                {row.mine.then(|| {
                    let priorities = StoredValue::new(priorities.clone());
                    let reason = StoredValue::new(edit_typed.value("input[reason]", row.reason.clone()));
                    let priority = StoredValue::new(edit_typed.value("input[priority]", row.priority.as_str()));
                    view! {
                        <div class="row-actions">
                            {row.state.withdrawable().then(|| view! {
                                <ActionForm action=actions.withdraw attr:class="inline-form">
                                    <input type="hidden" name="guest_id" value=id />
                                    <button type="submit" class="button button-small button-quiet">{tr!(lang, "nominate-withdraw")}</button>
                                </ActionForm>
                            })}
                        </div>
                        {(row.state == NominationState::Approved).then(|| view! {
                            <PersonalTouch id note=row.personal_note.clone() video=row.video_url.clone() action=actions.touch />
                        })}
                        {row.state.editable_by_rep().then(|| view! {
                            // a disclosure works without JavaScript too; a refused plain post
                            // comes back with it open
                            <details class="edit-nomination" open=edit_refused>
                                <summary class="button button-small">{tr!(lang, "nominate-edit")}</summary>
                                <ActionForm action=actions.update attr:class="form">
                                    <input type="hidden" name="guest_id" value=id />
                                    <TextArea label=tr!(lang, "nominate-reason") name="input[reason]" field="reason" errors=edit_errors value=reason.get_value() rows=2 id=format!("edit-reason-{id}") />
                                    <SelectField label=tr!(lang, "nominate-priority") name="input[priority]" field="priority" errors=edit_errors options=priorities.get_value() value=priority.get_value() id=format!("edit-priority-{id}") />
                                    <button type="submit" class="button button-small button-primary">{tr!(lang, "nominate-save")}</button>
                                </ActionForm>
                            </details>
                        })}
                    }
                })}
            </td>
        </tr>
    }
}

/// Where the guest's invitation stands: not sent, sent, viewed; the answer (with the waitlist
/// place); and what the guest did when.
#[component]
fn InvitationCell(row: GuestRow) -> impl IntoView {
    use crate::domain::{Answer, InvitationState};
    let lang = use_lang();
    let (class, label) = match row.invitation {
        InvitationState::NotSent => ("chip", tr!(lang, "invitation-not-sent")),
        InvitationState::Sent => ("chip chip-sent", tr!(lang, "invitation-sent")),
        InvitationState::Viewed => ("chip chip-viewed", tr!(lang, "invitation-viewed")),
    };
    let answer = match (row.answer, row.waitlist_position) {
        (Answer::None, _) => None,
        (Answer::Waitlisted, Some(place)) => Some(format!(
            "{} #{place}",
            t(lang, crate::components::answer_key(row.answer))
        )),
        (answer, _) => Some(t(lang, crate::components::answer_key(answer)).to_string()),
    };
    view! {
        <span class=class>{label}</span>
        {answer.map(|a| view! { " " <span class=format!("chip chip-answer-{}", row.answer.as_str())>{a}</span> })}
        {row.attendance.map(|a| view! { " " <span class=format!("chip chip-{}", a.as_str())>{t(lang, a.label_id())}</span> })}
        {(!row.seen.is_empty()).then(|| view! {
            <ul class="seen small muted">
                {row.seen.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()}
            </ul>
        })}
    }
}

/// The rep's personal note and video link for their guest, written into the invitation.
#[component]
fn PersonalTouch(
    id: i32,
    note: String,
    video: String,
    action: ServerAction<SetPersonalTouch>,
) -> impl IntoView {
    let lang = use_lang();
    let refused_here = move || {
        Typed::of(action.value().get_untracked()).get("guest_id") == Some(id.to_string().as_str())
    };
    let typed = if refused_here() {
        Typed::of(action.value().get_untracked())
    } else {
        Typed::default()
    };
    let errors = Signal::derive(move || match action.value().get() {
        Some(Err(err))
            if Typed::of::<()>(Some(Err(err.clone()))).get("guest_id")
                == Some(id.to_string().as_str()) =>
        {
            err.field_errors()
        }
        _ => Vec::new(),
    });
    let video_error = move || {
        crate::domain::message_for(&errors.get(), "video_url").map(|m| crate::i18n::word(lang, &m))
    };
    let open = refused_here() || note.trim().is_empty();
    view! {
        <details class="personal-touch" open=open>
            <summary class="button button-small">{tr!(lang, "touch-note")}</summary>
            <ActionForm action attr:class="form">
                <input type="hidden" name="guest_id" value=id />
                <TextArea label=tr!(lang, "touch-note") name="personal_note" field="personal_note" errors value=typed.value("personal_note", note.clone()) rows=3 id=format!("touch-note-{id}") />
                <div class="field" class:invalid=move || video_error().is_some()>
                    <label for=format!("touch-video-{id}")>{tr!(lang, "touch-video")}</label>
                    <input
                        id=format!("touch-video-{id}")
                        type="url"
                        name="video_url"
                        value=typed.value("video_url", video.clone())
                        placeholder="https://"
                        aria-invalid=move || video_error().is_some().to_string()
                        aria-describedby=format!("err-touch-video-{id}")
                    />
                    <p class="field-error" id=format!("err-touch-video-{id}") role="alert">{video_error}</p>
                </div>
                <button type="submit" class="button button-small button-primary">{tr!(lang, "touch-save")}</button>
            </ActionForm>
        </details>
    }
}

/// One decision on one nomination as a small form (works without JavaScript too).
#[component]
fn DecideButton(
    action: ServerAction<DecideNominations>,
    event_id: i32,
    guest_id: i32,
    decision: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="event_id" value=event_id />
            <input type="hidden" name="guest_ids[0]" value=guest_id />
            <input type="hidden" name="decision" value=decision />
            <input type="hidden" name="reason" value="" />
            <button type="submit" class="button button-small">{label}</button>
        </ActionForm>
    }
}
