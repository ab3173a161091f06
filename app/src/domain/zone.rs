//! Time zones as the event rules check them.
//!
//! The server is the authority: it checks a zone name, and whether a wall-clock time exists in
//! it, against chrono-tz's copy of the IANA database, and converts times with it. The browser
//! build leaves that database out (it was the largest table in the WebAssembly) and asks the
//! platform's own copy through `Intl.DateTimeFormat`, so the event form still refuses an unknown
//! zone or a skipped hour before it sends anything. Whatever the browser lets through, the
//! server checks again when the plan is saved.
use chrono::NaiveDateTime;

/// A zone of the IANA database (the server's copy).
#[cfg(not(feature = "hydrate"))]
pub type TimeZone = chrono_tz::Tz;

/// The zone named `value` (surrounding spaces ignored), if the database knows it.
#[cfg(not(feature = "hydrate"))]
pub fn parse_time_zone(value: &str) -> Option<TimeZone> {
    value.trim().parse::<TimeZone>().ok()
}

/// Whether the wall-clock time `local` exists in `tz` (not the hour skipped when clocks go
/// forward).
#[cfg(not(feature = "hydrate"))]
pub fn local_exists(local: &NaiveDateTime, tz: &TimeZone) -> bool {
    super::local_to_utc(local, *tz).is_some()
}

/// A zone the browser's `Intl` knows, by the name the user typed (trimmed).
#[cfg(feature = "hydrate")]
#[derive(Debug, Clone)]
pub struct TimeZone {
    name: String,
    format: browser::Format,
}

#[cfg(feature = "hydrate")]
impl TimeZone {
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Two zones are the same when their names are.
#[cfg(feature = "hydrate")]
impl PartialEq for TimeZone {
    fn eq(&self, other: &TimeZone) -> bool {
        self.name == other.name
    }
}

#[cfg(feature = "hydrate")]
impl Eq for TimeZone {}

#[cfg(feature = "hydrate")]
pub fn parse_time_zone(value: &str) -> Option<TimeZone> {
    let name = value.trim();
    if name.is_empty() {
        return None;
    }
    browser::Format::for_zone(name).map(|format| TimeZone {
        name: name.to_string(),
        format,
    })
}

#[cfg(feature = "hydrate")]
pub fn local_exists(local: &NaiveDateTime, tz: &TimeZone) -> bool {
    // The zone's offset at an instant is its wall clock then minus the instant. A time exists
    // when one of the two usual guesses (the offset at the time read as UTC, and the offset at
    // the first guess) reads back as the same wall-clock time; in the skipped hour neither does.
    let wanted = local.and_utc().timestamp_millis() as f64;
    let offset = |instant: f64| {
        tz.format
            .wall_clock(instant)
            .map(|wall| wall.and_utc().timestamp_millis() as f64 - instant)
    };
    let Some(first_offset) = offset(wanted) else {
        return true; // the browser cannot tell; the server will
    };
    let first = wanted - first_offset;
    if tz.format.wall_clock(first).as_ref() == Some(local) {
        return true;
    }
    match offset(first) {
        Some(second_offset) => tz.format.wall_clock(wanted - second_offset).as_ref() == Some(local),
        None => true,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use chrono::{NaiveDate, NaiveDateTime};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `Intl.DateTimeFormat(locales, options)`; throws a RangeError for an unknown
        /// `timeZone`, which `catch` turns into `Err`.
        #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat, catch)]
        fn date_time_format(
            locales: &JsValue,
            options: &JsValue,
        ) -> Result<js_sys::Intl::DateTimeFormat, JsValue>;
    }

    /// A formatter that writes an instant as numeric wall-clock fields in one zone.
    #[derive(Debug, Clone)]
    pub struct Format(js_sys::Intl::DateTimeFormat);

    impl Format {
        pub fn for_zone(name: &str) -> Option<Format> {
            let options = js_sys::Object::new();
            let set = |key: &str, value: &str| {
                js_sys::Reflect::set(&options, &key.into(), &value.into()).is_ok()
            };
            let ready = set("timeZone", name)
                && set("hourCycle", "h23")
                && ["year", "month", "day", "hour", "minute"]
                    .iter()
                    .all(|field| set(field, "numeric"));
            if !ready {
                return None;
            }
            date_time_format(&JsValue::from_str("en-US"), &options)
                .ok()
                .map(Format)
        }

        /// The wall-clock time in the zone at `instant` (milliseconds since 1970, UTC).
        pub fn wall_clock(&self, instant: f64) -> Option<NaiveDateTime> {
            let date = js_sys::Date::new(&JsValue::from_f64(instant));
            let parts = self.0.format_to_parts(&date);
            let mut fields = [None::<u32>; 5];
            for part in parts.iter() {
                let read = |key: &str| {
                    js_sys::Reflect::get(&part, &key.into())
                        .ok()
                        .and_then(|v| v.as_string())
                };
                let slot = match read("type").as_deref() {
                    Some("year") => 0,
                    Some("month") => 1,
                    Some("day") => 2,
                    Some("hour") => 3,
                    Some("minute") => 4,
                    _ => continue,
                };
                fields[slot] = read("value").and_then(|v| v.parse().ok());
            }
            let [Some(year), Some(month), Some(day), Some(hour), Some(minute)] = fields else {
                return None;
            };
            NaiveDate::from_ymd_opt(year as i32, month, day)?.and_hms_opt(hour, minute, 0)
        }
    }
}
