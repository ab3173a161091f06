//! The door page's browser program (WebAssembly). It takes over the server-rendered page
//! (`app/src/pages/door.rs`): the same ids, the same row markup.
//!
//! - The list of expected guests is loaded once (`/door/list`) and searched on the device as the
//!   door types, so search needs no network.
//! - Every check-in, undo, code and walk-in becomes an `Operation` with its own id, queued in
//!   `localStorage` before it is sent, and sent in order. One the server did not answer stays in
//!   the queue, shown as waiting, and is sent again (every few seconds, and at once when the
//!   browser says it is online again), across reloads. The server records an operation once,
//!   however often it arrives.
//! - A server-sent event stream (`/door/live`) brings what other devices did.
//! - Where the browser offers `BarcodeDetector`, the camera reads the QR code from the
//!   confirmation email.
//!
//! All text comes from the page (`data-texts`, in the user's language); user text is only ever
//! set as text content, never as markup.
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, Element, Event, EventSource, HtmlInputElement, MessageEvent};

use crate::protocol::{
    door_order, matches, Action, Counters, DoorGuest, DoorUpdate, Operation, Outcome, Reply, WalkIn,
};

/// How many rows the list shows at most (search finds the others).
const MAX_ROWS: usize = 200;
/// How long to wait before sending a waiting operation again.
const RETRY_MS: i32 = 3000;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    operation: Operation,
}

struct Door {
    event: i32,
    texts: BTreeMap<String, String>,
    guests: HashMap<i32, DoorGuest>,
    counters: Counters,
    cursor: i64,
    queue: Vec<Pending>,
    open: bool,
    sending: bool,
    /// the last send failed for want of a connection
    offline: bool,
    retry_scheduled: bool,
    device: String,
    seq: u32,
    /// whether the full list has been loaded (until then the server's rows stay)
    loaded: bool,
}

thread_local! {
    static DOOR: RefCell<Option<Door>> = const { RefCell::new(None) };
}

fn with<R>(f: impl FnOnce(&mut Door) -> R) -> Option<R> {
    DOOR.with(|d| d.borrow_mut().as_mut().map(f))
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn document() -> Document {
    window().document().expect("a document")
}

fn by_id(id: &str) -> Option<Element> {
    document().get_element_by_id(id)
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[wasm_bindgen(start)]
pub fn start() {
    let Some(root) = by_id("door") else {
        return;
    };
    let event: i32 = root
        .get_attribute("data-event")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let texts: BTreeMap<String, String> = root
        .get_attribute("data-texts")
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    let cursor = root
        .get_attribute("data-cursor")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let open = root.get_attribute("data-open").as_deref() == Some("true");
    let queue = storage()
        .and_then(|s| s.get_item(&queue_key(event)).ok().flatten())
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    let device = device_id();
    DOOR.with(|d| {
        *d.borrow_mut() = Some(Door {
            event,
            texts,
            guests: HashMap::new(),
            counters: Counters::default(),
            cursor,
            queue,
            open,
            sending: false,
            offline: false,
            retry_scheduled: false,
            device,
            seq: 0,
            loaded: false,
        })
    });
    let _ = root.set_attribute("data-ready", "true");
    wire_search();
    wire_forms();
    wire_scanner();
    on_window("online", |_| flush());
    show_pending();
    spawn_local(async {
        load().await;
        listen();
        flush();
    });
}

fn queue_key(event: i32) -> String {
    format!("tandem.door.{event}.queue")
}

/// A random id for this device, kept in `localStorage`, that starts every operation id.
fn device_id() -> String {
    let key = "tandem.door.device";
    if let Some(found) = storage().and_then(|s| s.get_item(key).ok().flatten()) {
        if found.len() == 12 {
            return found;
        }
    }
    let mut bytes = [0u8; 6];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(s) = storage() {
        let _ = s.set_item(key, &id);
    }
    id
}

fn text(key: &str) -> String {
    with(|d| d.texts.get(key).cloned().unwrap_or_default()).unwrap_or_default()
}

fn on<E: wasm_bindgen::convert::FromWasmAbi + 'static>(
    target: &web_sys::EventTarget,
    kind: &str,
    f: impl FnMut(E) + 'static,
) {
    let closure = Closure::<dyn FnMut(E)>::new(f);
    let _ = target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
    closure.forget();
}

fn on_window(kind: &str, f: impl FnMut(Event) + 'static) {
    on(&window(), kind, f);
}

fn input_value(id: &str) -> String {
    by_id(id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

fn field_value(form: &Element, name: &str) -> String {
    form.query_selector(&format!("[name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|e| {
            js_sys::Reflect::get(&e, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_string())
        })
        .unwrap_or_default()
}

fn wire_search() {
    if let Some(input) = by_id("door-q") {
        on::<Event>(&input, "input", |_| render());
    }
    if let Some(form) = by_id("door-search") {
        on::<Event>(&form, "submit", |e| {
            e.prevent_default();
            render();
        });
    }
}

fn wire_forms() {
    // the list's check-in and undo buttons (the server's rows and ours): one listener for all
    if let Some(list) = by_id("door-list") {
        on::<Event>(&list, "submit", |e| {
            e.prevent_default();
            let Some(form) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let Ok(guest) = field_value(&form, "guest").parse::<i32>() else {
                return;
            };
            let action = if field_value(&form, "kind") == "undo" {
                Action::Undo { guest }
            } else {
                Action::CheckIn { guest }
            };
            enqueue(action);
        });
    }
    if let Some(form) = by_id("door-code-form") {
        on::<Event>(&form, "submit", |e| {
            e.prevent_default();
            let code = input_value("door-code");
            if code.trim().is_empty() {
                return;
            }
            set_field_error("code", None);
            enqueue(Action::Code { code });
        });
    }
    if let Some(form) = by_id("door-walk-in-form") {
        on::<Event>(&form, "submit", |e| {
            e.prevent_default();
            let Some(form) = by_id("door-walk-in-form") else {
                return;
            };
            for field in ["first_name", "last_name", "email", "company", "rep"] {
                set_field_error(field, None);
            }
            enqueue(Action::WalkIn(WalkIn {
                first_name: field_value(&form, "first_name"),
                last_name: field_value(&form, "last_name"),
                email: field_value(&form, "email"),
                company: field_value(&form, "company"),
                rep: field_value(&form, "rep").parse().unwrap_or(0),
            }));
        });
    }
}

/// Queues an action (saved before anything is sent) and sends what waits.
fn enqueue(action: Action) {
    let at_ms = js_sys::Date::now() as i64;
    with(|d| {
        d.seq += 1;
        let op = format!("{}-{}-{}", d.device, at_ms, d.seq);
        d.queue.push(Pending {
            operation: Operation {
                op,
                action,
                at_ms: Some(at_ms),
            },
        });
        save_queue(d);
    });
    render();
    show_pending();
    flush();
}

fn save_queue(d: &Door) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&d.queue)) {
        let _ = s.set_item(&queue_key(d.event), &json);
    }
}

/// Sends the waiting operations, oldest first, one at a time.
fn flush() {
    let next = with(|d| {
        if d.sending || d.queue.is_empty() {
            return None;
        }
        d.sending = true;
        Some((d.event, d.queue[0].operation.clone()))
    })
    .flatten();
    let Some((event, operation)) = next else {
        return;
    };
    spawn_local(async move {
        let sent = send(event, &operation).await;
        with(|d| d.sending = false);
        match sent {
            Sent::Answered(reply) => {
                with(|d| {
                    d.offline = false;
                    d.queue.retain(|p| p.operation.op != operation.op);
                    save_queue(d);
                });
                take_reply(&operation, reply);
                show_pending();
                flush();
            }
            Sent::Rejected(status) => {
                // the server will never take this one (malformed, gone): say so, do not retry
                with(|d| {
                    d.offline = false;
                    d.queue.retain(|p| p.operation.op != operation.op);
                    save_queue(d);
                });
                show_message(&format!("{} ({status})", text("failed")), false);
                render();
                show_pending();
                flush();
            }
            Sent::NotReached => {
                with(|d| d.offline = true);
                render();
                show_pending();
                retry_later();
            }
        }
    });
}

fn retry_later() {
    let first = with(|d| !std::mem::replace(&mut d.retry_scheduled, true)).unwrap_or(false);
    if !first {
        return;
    }
    let again = Closure::once_into_js(|| {
        with(|d| d.retry_scheduled = false);
        flush();
    });
    let _ = window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(again.unchecked_ref(), RETRY_MS);
}

enum Sent {
    Answered(Reply),
    /// the server answered, but will never take this operation (4xx other than 401 and 429)
    Rejected(u16),
    /// no answer, a server error, or the session needs a sign-in: keep it and try again
    NotReached,
}

async fn send(event: i32, operation: &Operation) -> Sent {
    let Ok(body) = serde_json::to_string(operation) else {
        return Sent::Rejected(0);
    };
    let response = match post_json(&format!("/events/{event}/door/ops"), &body).await {
        Ok(response) => response,
        Err(_) => return Sent::NotReached,
    };
    let status = response.status();
    if status == 200 {
        let Ok(promise) = response.text() else {
            return Sent::NotReached;
        };
        return match JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
        {
            Some(text) => match serde_json::from_str::<Reply>(&text) {
                Ok(reply) => Sent::Answered(reply),
                Err(_) => Sent::NotReached,
            },
            None => Sent::NotReached,
        };
    }
    if (400..500).contains(&status) && status != 401 && status != 408 && status != 429 {
        Sent::Rejected(status)
    } else {
        Sent::NotReached
    }
}

async fn post_json(url: &str, body: &str) -> Result<web_sys::Response, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new()?;
    headers.set("content-type", "application/json")?;
    headers.set("accept", "application/json")?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init)?;
    let response = JsFuture::from(window().fetch_with_request(&request)).await?;
    response.dyn_into()
}

async fn get_text(url: &str) -> Option<String> {
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let request = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Loads everyone the door expects; until it arrives (or when it cannot), the server's rows stay.
async fn load() {
    let Some(event) = with(|d| d.event) else {
        return;
    };
    let Some(body) = get_text(&format!("/events/{event}/door/list")).await else {
        return;
    };
    let Ok(update) = serde_json::from_str::<DoorUpdate>(&body) else {
        return;
    };
    with(|d| {
        d.guests = update.guests.into_iter().map(|g| (g.id, g)).collect();
        d.counters = update.counters;
        d.cursor = update.cursor;
        d.loaded = true;
    });
    render();
    if let Some(root) = by_id("door") {
        let _ = root.set_attribute("data-loaded", "true");
    }
}

/// Follows what every other device does.
fn listen() {
    let Some((event, cursor)) = with(|d| (d.event, d.cursor)) else {
        return;
    };
    let Ok(source) = EventSource::new(&format!("/events/{event}/door/live?cursor={cursor}")) else {
        return;
    };
    on::<MessageEvent>(&source, "door", |e| {
        let Some(data) = e.data().as_string() else {
            return;
        };
        let Ok(update) = serde_json::from_str::<DoorUpdate>(&data) else {
            return;
        };
        with(|d| {
            for g in update.guests {
                d.guests.insert(g.id, g);
            }
            d.counters = update.counters;
            d.cursor = d.cursor.max(update.cursor);
        });
        set_status(&text("live"));
        render();
        // the server is there again: send what waits
        flush();
    });
    on::<Event>(&source, "open", |_| set_status(&text("live")));
    on::<Event>(&source, "error", |_| set_status(&text("reconnecting")));
}

fn set_status(message: &str) {
    if let Some(status) = by_id("door-status") {
        status.set_text_content(Some(message));
    }
}

/// Takes the server's answer: the guest as they are now, the counters, and the words for the door.
fn take_reply(operation: &Operation, reply: Reply) {
    with(|d| {
        if let Some(g) = reply.guest.clone() {
            d.guests.insert(g.id, g);
        }
        d.counters = reply.counters;
    });
    let good = reply.outcome == Outcome::Done;
    match (&operation.action, &reply.field) {
        (_, Some(field)) if !good => set_field_error(field, Some(&reply.message)),
        _ => show_message(&reply.message, good),
    }
    if good {
        match operation.action {
            Action::Code { .. } => {
                if let Some(input) =
                    by_id("door-code").and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                {
                    input.set_value("");
                }
            }
            Action::WalkIn(_) => {
                if let Some(form) = by_id("door-walk-in-form")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlFormElement>().ok())
                {
                    form.reset();
                }
            }
            _ => {}
        }
    }
    render();
}

fn show_message(message: &str, good: bool) {
    if let Some(el) = by_id("door-message") {
        el.set_text_content(Some(message));
        let _ = el.set_attribute(
            "class",
            if good {
                "notice door-message good"
            } else {
                "notice door-message warn"
            },
        );
        let _ = el.remove_attribute("hidden");
    }
}

fn set_field_error(field: &str, message: Option<&str>) {
    if let Some(el) = by_id(&format!("err-{field}")) {
        el.set_text_content(message);
        if let Some(wrapper) = el.parent_element() {
            let _ = wrapper
                .class_list()
                .toggle_with_force("invalid", message.is_some());
        }
    }
    if message.is_some() {
        if let Some(details) = document().query_selector(".door-walk-in").ok().flatten() {
            if field != "code" {
                let _ = details.set_attribute("open", "");
            }
        }
    }
}

/// The waiting banner: how many operations wait while the server cannot be reached.
fn show_pending() {
    let Some((count, offline)) = with(|d| (d.queue.len(), d.offline)) else {
        return;
    };
    if let Some(el) = by_id("door-pending") {
        if count > 0 && offline {
            el.set_text_content(Some(
                &text("offline").replace("{count}", &count.to_string()),
            ));
            let _ = el.remove_attribute("hidden");
        } else {
            let _ = el.set_attribute("hidden", "");
        }
    }
}

/// A guest as they will be once what waits on this device is sent: check-ins and undos apply
/// in order, so a waiting check-in shows as in (with its undo) before the server confirms.
fn effective(d: &Door, guest: &DoorGuest) -> (bool, bool) {
    let mut is_in = guest.is_in();
    let mut pending = false;
    for p in &d.queue {
        match p.operation.action {
            Action::CheckIn { guest: id } if id == guest.id => {
                is_in = true;
                pending = true;
            }
            Action::Undo { guest: id } if id == guest.id => {
                is_in = false;
                pending = true;
            }
            _ => {}
        }
    }
    (is_in, pending)
}

fn render() {
    let query = input_value("door-q");
    let Some(view) = with(|d| {
        if !d.loaded {
            return None;
        }
        let mut found: Vec<&DoorGuest> = d.guests.values().filter(|g| matches(g, &query)).collect();
        found.sort_by(|a, b| door_order(a, b));
        let total = found.len();
        let rows: Vec<(DoorGuest, bool, bool)> = found
            .into_iter()
            .take(MAX_ROWS)
            .map(|g| {
                let (is_in, pending) = effective(d, g);
                (g.clone(), is_in, pending)
            })
            .collect();
        Some((rows, total, d.guests.len(), d.counters, d.open, d.event))
    })
    .flatten() else {
        return;
    };
    let (rows, total, all, counters, open, event) = view;
    for (id, value) in [
        ("door-in", counters.checked_in),
        ("door-accepted", counters.accepted),
        ("door-capacity", counters.capacity),
    ] {
        if let Some(el) = by_id(id) {
            el.set_text_content(Some(&value.to_string()));
        }
    }
    let summary = if total == 0 && !query.trim().is_empty() {
        text("no_match").replace("{query}", query.trim())
    } else if all == 0 {
        text("empty")
    } else if rows.len() < total {
        text("showing")
            .replace("{shown}", &rows.len().to_string())
            .replace("{total}", &total.to_string())
    } else {
        String::new()
    };
    if let Some(el) = by_id("door-summary") {
        el.set_text_content(Some(&summary));
    }
    let Some(list) = by_id("door-list") else {
        return;
    };
    let fragment = document().create_document_fragment();
    for (guest, is_in, pending) in &rows {
        if let Some(row) = row(guest, *is_in, *pending, open, event) {
            let _ = fragment.append_child(&row);
        }
    }
    list.set_text_content(None);
    let _ = list.append_child(&fragment);
}

fn append(parent: &Element, child: Element) -> Option<()> {
    parent.append_child(&child).ok().map(|_| ())
}

fn el(tag: &str, class: &str) -> Option<Element> {
    let e = document().create_element(tag).ok()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    Some(e)
}

fn text_el(tag: &str, class: &str, content: &str) -> Option<Element> {
    let e = el(tag, class)?;
    e.set_text_content(Some(content));
    Some(e)
}

fn hidden_input(name: &str, value: &str) -> Option<Element> {
    let input = el("input", "")?;
    input.set_attribute("type", "hidden").ok()?;
    input.set_attribute("name", name).ok()?;
    input.set_attribute("value", value).ok()?;
    Some(input)
}

/// One row, as the server renders it (`DoorRow`).
fn row(g: &DoorGuest, is_in: bool, pending: bool, open: bool, event: i32) -> Option<Element> {
    let li = el("li", if is_in { "door-row is-in" } else { "door-row" })?;
    li.set_attribute("data-guest", &g.id.to_string()).ok()?;
    if pending {
        li.class_list().add_1("is-pending").ok()?;
    }
    let who = el("div", "door-who")?;
    append(&who, text_el("strong", "door-name", &g.name)?)?;
    if !g.company.is_empty() {
        append(&who, text_el("span", "door-company", &g.company)?)?;
    }
    let meta = format!(
        "{} · {}",
        text("host").replace("{rep}", &g.rep),
        text("priority").replace("{priority}", &g.priority)
    );
    append(&who, text_el("span", "door-meta small muted", &meta)?)?;
    if g.waitlisted {
        append(
            &who,
            text_el("span", "chip door-chip", &text("waitlisted"))?,
        )?;
    }
    if g.walk_in {
        append(&who, text_el("span", "chip door-chip", &text("walk_in"))?)?;
    }
    if pending {
        append(
            &who,
            text_el("span", "door-pending-label small", &text("pending"))?,
        )?;
    } else if let Some(time) = &g.checked_in_at {
        let line = text("in_at")
            .replace("{time}", time)
            .replace("{user}", g.checked_in_by.as_deref().unwrap_or_default());
        append(&who, text_el("span", "door-in-at small", &line)?)?;
    }
    li.append_child(&who).ok()?;
    if open {
        let form = el("form", "door-act")?;
        form.set_attribute("method", "post").ok()?;
        form.set_attribute("action", "/api/door_form").ok()?;
        append(&form, hidden_input("event_id", &event.to_string())?)?;
        append(
            &form,
            hidden_input("kind", if is_in { "undo" } else { "check_in" })?,
        )?;
        append(&form, hidden_input("guest", &g.id.to_string())?)?;
        let button = text_el(
            "button",
            if is_in {
                "button door-button"
            } else {
                "button button-primary door-button"
            },
            &text(if is_in { "undo" } else { "check_in" }),
        )?;
        button.set_attribute("type", "submit").ok()?;
        form.append_child(&button).ok()?;
        li.append_child(&form).ok()?;
    }
    Some(li)
}

/// The camera, where the browser can read QR codes (`BarcodeDetector`); elsewhere the button
/// stays hidden and the code is typed.
fn wire_scanner() {
    let global: JsValue = window().into();
    let Ok(detector_class) = js_sys::Reflect::get(&global, &JsValue::from_str("BarcodeDetector"))
    else {
        return;
    };
    if detector_class.is_undefined() {
        return;
    }
    let Some(button) = by_id("door-scan") else {
        return;
    };
    let _ = button.remove_attribute("hidden");
    button.set_text_content(Some(&text("scan")));
    let scanning = Rc::new(RefCell::new(None::<web_sys::MediaStream>));
    on::<Event>(&button, "click", move |_| {
        if let Some(stream) = scanning.borrow_mut().take() {
            stop_camera(&stream);
            return;
        }
        let scanning = scanning.clone();
        let detector_class = detector_class.clone();
        spawn_local(async move {
            match start_camera().await {
                Some(stream) => {
                    *scanning.borrow_mut() = Some(stream.clone());
                    if let Some(b) = by_id("door-scan") {
                        b.set_text_content(Some(&text("scan_stop")));
                    }
                    scan_loop(detector_class, stream, scanning).await;
                }
                None => show_message(&text("scan_failed"), false),
            }
        });
    });
}

async fn start_camera() -> Option<web_sys::MediaStream> {
    let devices = window().navigator().media_devices().ok()?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let video = js_sys::Object::new();
    js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into()).ok()?;
    constraints.set_video(&video);
    let stream: web_sys::MediaStream =
        JsFuture::from(devices.get_user_media_with_constraints(&constraints).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let element: web_sys::HtmlVideoElement = by_id("door-video")?.dyn_into().ok()?;
    element.set_src_object(Some(&stream));
    let _ = element.remove_attribute("hidden");
    let _ = element.play();
    Some(stream)
}

fn stop_camera(stream: &web_sys::MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
    if let Some(video) = by_id("door-video") {
        let _ = video.set_attribute("hidden", "");
    }
    if let Some(b) = by_id("door-scan") {
        b.set_text_content(Some(&text("scan")));
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Looks for a QR code a few times a second until one is read or the scan is stopped.
async fn scan_loop(
    detector_class: JsValue,
    stream: web_sys::MediaStream,
    scanning: Rc<RefCell<Option<web_sys::MediaStream>>>,
) {
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    let _ = js_sys::Reflect::set(&options, &"formats".into(), &formats);
    let Ok(class) = detector_class.dyn_into::<js_sys::Function>() else {
        return;
    };
    let Ok(detector) = js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options)) else {
        return;
    };
    let Some(video) = by_id("door-video") else {
        return;
    };
    let Ok(detect) = js_sys::Reflect::get(&detector, &"detect".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    while scanning.borrow().is_some() {
        sleep(300).await;
        let Ok(promise) = detect.call1(&detector, &video) else {
            continue;
        };
        let Ok(promise) = promise.dyn_into::<js_sys::Promise>() else {
            continue;
        };
        let Ok(found) = JsFuture::from(promise).await else {
            continue;
        };
        let found = js_sys::Array::from(&found);
        if found.length() == 0 {
            continue;
        }
        let value = js_sys::Reflect::get(&found.get(0), &"rawValue".into())
            .ok()
            .and_then(|v| v.as_string());
        if let Some(code) = value {
            scanning.borrow_mut().take();
            stop_camera(&stream);
            if let Some(input) =
                by_id("door-code").and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_value(&code);
            }
            enqueue(Action::Code { code });
            return;
        }
    }
}
