//! Command line: `tandem [serve]`, `tandem migrate`, `tandem user add`, `tandem user set-password`.
use std::io::{BufRead, IsTerminal};

use clap::{Args, Parser, Subcommand};

use crate::Settings;

#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    about = "Tandem — marketing and sales plan customer events together."
)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Database: sqlite://path?mode=rwc (embedded, default) or postgres://user@host/db
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://tandem.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Log as JSON lines instead of text
    #[arg(long, env = "TANDEM_LOG_JSON", default_value_t = false, global = true)]
    pub log_json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (the default)
    Serve(ServeArgs),
    /// Apply pending database migrations and exit
    Migrate,
    /// Manage users
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Args, Debug, Default, Clone)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Folder with the built front end (pkg/tandem.js, .wasm, .css)
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Seed demo users, accounts and events when the database is new
    #[arg(long, env = "TANDEM_SEED_DEMO", default_value_t = false)]
    pub seed_demo: bool,
    /// Public origin when behind a proxy, e.g. https://tandem.example.com (https ⇒ Secure cookies)
    #[arg(long, env = "TANDEM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1 or 10.0.0.0/8
    /// (comma-separated or repeated). Without it the connecting address is the client.
    #[arg(
        long = "trusted-proxy",
        env = "TANDEM_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Deliver mail through this SMTP server (e.g. smtp://127.0.0.1:1025); unset: keep it queued
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    #[arg(long, env = "MAIL_FROM", default_value = crate::DEFAULT_MAIL_FROM)]
    pub mail_from: String,
    #[arg(long, env = "MAIL_ORGANIZER")]
    pub mail_organizer: Option<String>,
    /// Seconds after an event's time or place first changes before invited guests get one update
    #[arg(long, env = "CALENDAR_UPDATE_DELAY", default_value_t = crate::DEFAULT_CALENDAR_UPDATE_DELAY)]
    pub calendar_update_delay: u64,
    /// Seconds a guest's RSVP page and an event's page are served as rendered while nothing was
    /// written (SQLite only; 0 turns it off)
    #[arg(long, env = "PAGE_CACHE_SECONDS", default_value_t = crate::page_cache::DEFAULT_TTL.as_secs())]
    pub page_cache_seconds: u64,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user; the password is read from a prompt, or from the first line of standard input
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, marketing, sales or manager
        #[arg(long)]
        role: String,
    },
    /// Set a user's password (read like `user add`) and sign them out everywhere
    SetPassword {
        /// the user's email address
        email: String,
    },
}

impl ServeArgs {
    pub fn settings(&self, common: &Common) -> Settings {
        Settings {
            addr: self.addr.clone(),
            database_url: common.database_url.clone(),
            site_root: self.site_root.clone(),
            seed_demo: self.seed_demo,
            public_url: self.public_url.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            mail_organizer: self.mail_organizer.clone(),
            calendar_update_delay: self.calendar_update_delay,
            page_cache_seconds: self.page_cache_seconds,
        }
    }
}

/// Reads a password without echo on a terminal, or one line from piped input.
pub fn read_password() -> std::io::Result<String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}
