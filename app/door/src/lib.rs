//! Tandem's door.
//!
//! `protocol`: the JSON a door device and the server exchange (used by both).
//! `client`: the browser program of the check-in page, built for `wasm32` only. It is a separate,
//! small WebAssembly file (plain wasm-bindgen and web-sys, no UI framework, no time-zone data, no
//! locale files) so a phone at the door on bad Wi-Fi loads tens of kilobytes, not the team app's
//! megabyte; see docs/performance.md. The page works without it (plain forms); with it, search
//! runs as you type, check-ins wait on the device while the server cannot be reached, and the
//! counters follow every other device live.
pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod client;
