//! A tiny SMTP server for tests: it speaks just enough SMTP for lettre (EHLO, MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT), keeps every message it accepted, and can be started on a chosen port, so a
//! test can take the mail server away and bring it back.
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The messages a sink accepted, in order, as raw bytes (dot-unstuffed).
#[derive(Clone, Default)]
pub struct Received(Arc<Mutex<Vec<Vec<u8>>>>);

impl Received {
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The Message-ID header of every accepted message, in order.
    pub fn message_ids(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|raw| {
                String::from_utf8_lossy(raw)
                    .split("\r\n")
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("message-id")
                            .then(|| value.trim().to_string())
                    })
            })
            .collect()
    }
}

pub struct SmtpSink {
    pub received: Received,
    task: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A port nothing listens on right now (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a sink on `port` that keeps what it receives in `received`.
pub async fn start_sink(port: u16, received: Received) -> SmtpSink {
    start_slow_sink(port, received, std::time::Duration::ZERO).await
}

/// A sink that takes `delay` to confirm each message it received (a slow mail server).
pub async fn start_slow_sink(
    port: u16,
    received: Received,
    delay: std::time::Duration,
) -> SmtpSink {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let store = received.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let verb = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if verb.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if verb.starts_with("HELO")
                        || verb.starts_with("MAIL")
                        || verb.starts_with("RCPT")
                        || verb.starts_with("RSET")
                        || verb.starts_with("NOOP")
                    {
                        b"250 OK\r\n"
                    } else if verb == "DATA" {
                        let _ = write.write_all(b"354 go on\r\n").await;
                        let mut message = Vec::new();
                        let mut data = String::new();
                        loop {
                            data.clear();
                            if lines.read_line(&mut data).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if data == ".\r\n" {
                                break;
                            }
                            let unstuffed = data.strip_prefix('.').unwrap_or(&data);
                            message.extend_from_slice(unstuffed.as_bytes());
                        }
                        store.0.lock().unwrap().push(message);
                        tokio::time::sleep(delay).await;
                        b"250 queued\r\n"
                    } else if verb == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    SmtpSink { received, task }
}
