//! `--sandbox`: a demo organization to try the connector on, no key needed.
//!
//! It is the strict fake Admin API the tests use ([`fake_admin_api`]), serving
//! [`Dataset::demo_on_demand`]: 60 users with every organization role, invites in every
//! state, six workspaces (one archived) with members, 25 API keys, and a year (366 UTC
//! days ending yesterday) of usage, cost and Claude Code data. Each day of report data is
//! made the first time a request covers it, so starting takes about a millisecond and a
//! month of reports a few more. It runs on 127.0.0.1 on its own thread for the life of
//! the process, so changes (an invite, a new workspace) persist until the process exits.
//! Claude Code reports come in small pages ([`CLAUDE_CODE_PAGE_SIZE`]), so a day takes
//! several requests, as a busy organization's would. An endpoint of the spec the demo
//! does not emulate answers with the spec's example data, and its results say so.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use fake_admin_api::{Dataset, FAKE_ADMIN_KEY, FakeAdminApi};

/// The key the sandbox accepts (not a real key).
pub const KEY: &str = FAKE_ADMIN_KEY;
/// The same organization every time.
pub const SEED: u64 = 2026;
/// Days of report data, ending yesterday (UTC).
pub const DAYS: u32 = 366;
/// Claude Code records per report page (the real API's pages can be larger).
pub const CLAUDE_CODE_PAGE_SIZE: usize = 10;

/// Added to the start of every tool result's text in sandbox mode.
pub const RESULT_NOTE: &str = "Sandbox data: a demo organization with generated data, not the user's organization.";

/// A running sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The demo organization's name.
    pub organization: String,
    /// The first and last day of report data (UTC, inclusive).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// From [`Sandbox::start`] to serving.
    pub ready_after: Duration,
    /// The spec's tools whose endpoint the demo does not emulate: they answer with the
    /// spec's example data, and their results say so.
    pub example_tools: Vec<String>,
}

/// A sandbox being built on its own thread.
pub struct Starting(mpsc::Receiver<Result<Sandbox, String>>);

impl Sandbox {
    /// Starts building the demo organization and its server on a thread of their own
    /// (the server keeps running there until the process exits).
    pub fn start() -> Starting {
        let started = Instant::now();
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("sandbox".into()).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = sender.send(Err(format!("cannot start the sandbox: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let last_day = Utc::now().date_naive() - Days::new(1);
                let first_day = last_day - Days::new(u64::from(DAYS) - 1);
                let (dataset, days) = Dataset::demo_on_demand(SEED, DAYS, &last_day.format("%Y-%m-%d").to_string());
                let organization = dataset.organization.name.clone();
                let fake = FakeAdminApi::start_on_demand(dataset, days).await;
                fake.set_claude_code_page_size(Some(CLAUDE_CODE_PAGE_SIZE));
                let example_tools = match fake.answer_from_spec(crate::generated::ENDPOINTS_JSON) {
                    Ok(tools) => tools,
                    Err(e) => {
                        let _ = sender.send(Err(format!("cannot start the sandbox: {e}")));
                        return;
                    }
                };
                let sandbox = Sandbox {
                    base_url: fake.base_url(),
                    organization,
                    first_day,
                    last_day,
                    ready_after: started.elapsed(),
                    example_tools,
                };
                if sender.send(Ok(sandbox)).is_ok() {
                    // Serve until the process exits.
                    std::future::pending::<()>().await;
                }
                drop(fake);
            });
        });
        if let Err(e) = spawned {
            let (sender, receiver) = mpsc::channel();
            let _ = sender.send(Err(format!("cannot start the sandbox thread: {e}")));
            return Starting(receiver);
        }
        Starting(receiver)
    }

    /// What the server tells the client first, before its usual instructions.
    pub fn instructions_prefix(&self) -> String {
        format!(
            "SANDBOX: this server is connected to a demo organization (\"{}\") with generated data, not to a real Anthropic organization; tell the user that results are sandbox data. Its reports cover {} to {} (UTC days). Changes (invites, roles, workspaces, members, API keys) apply to the demo only and last until the server stops.",
            self.organization, self.first_day, self.last_day
        )
    }
}

impl Starting {
    /// Waits until the sandbox serves (or says why it cannot).
    pub fn wait(self) -> Result<Sandbox, String> {
        self.0.recv().unwrap_or_else(|_| Err("the sandbox stopped while starting".into()))
    }
}
