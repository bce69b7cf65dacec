//! How a server stops, the same way over stdio and HTTP: the signals it obeys, and the
//! drain of writes in flight. Writes still running when the grace ends are audited as
//! `unknown` (the pipeline's [`Connector::drain`]), so the audit log never ends on a
//! `pending` line without saying that nobody knows what happened.

use std::time::Duration;

use crate::pipeline::Connector;

/// What the operator asked for by signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGHUP: read the configuration again (HTTP: the tenants file).
    Reload,
    /// SIGTERM or SIGINT (Ctrl-C): drain and stop.
    Stop(&'static str),
}

/// The signals a server obeys, watched from the moment this is built (so a signal that
/// comes once the server is up is never lost to the default action).
#[cfg(unix)]
pub struct Signals {
    /// Watched by servers that reload (HTTP); otherwise SIGHUP keeps its default action.
    hangup: Option<tokio::signal::unix::Signal>,
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    /// SIGHUP (reload), SIGTERM and SIGINT.
    pub fn new() -> Result<Signals, String> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut signals = Signals::stop_only()?;
        signals.hangup = Some(signal(SignalKind::hangup()).map_err(|e| format!("cannot watch SIGHUP: {e}"))?);
        Ok(signals)
    }

    /// SIGTERM and SIGINT only.
    pub fn stop_only() -> Result<Signals, String> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            hangup: None,
            terminate: signal(SignalKind::terminate()).map_err(|e| format!("cannot watch SIGTERM: {e}"))?,
            interrupt: signal(SignalKind::interrupt()).map_err(|e| format!("cannot watch SIGINT: {e}"))?,
        })
    }

    pub async fn next(&mut self) -> Signal {
        let hangup = async {
            match self.hangup.as_mut() {
                Some(hangup) => hangup.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = hangup => Signal::Reload,
            _ = self.terminate.recv() => Signal::Stop("SIGTERM"),
            _ = self.interrupt.recv() => Signal::Stop("SIGINT"),
        }
    }
}

/// Without Unix signals: Ctrl-C stops; nothing is reloaded.
#[cfg(not(unix))]
pub struct Signals;

#[cfg(not(unix))]
impl Signals {
    pub fn new() -> Result<Signals, String> {
        Ok(Signals)
    }

    pub fn stop_only() -> Result<Signals, String> {
        Ok(Signals)
    }

    pub async fn next(&mut self) -> Signal {
        match tokio::signal::ctrl_c().await {
            Ok(()) => Signal::Stop("Ctrl-C"),
            Err(_) => std::future::pending().await,
        }
    }
}

impl Signals {
    /// The next stop signal (a reload request is left to servers that reload).
    pub async fn stop(&mut self) -> &'static str {
        loop {
            if let Signal::Stop(name) = self.next().await {
                return name;
            }
        }
    }
}

/// Lets the writes in flight on every connector finish within `grace` (new writes are
/// refused meanwhile); a write still running then gets its `unknown` audit line.
/// Returns how many writes were left unknown, and logs it.
pub async fn drain_writes(connectors: &[Connector], grace: Duration) -> usize {
    let drains = connectors.iter().map(|connector| connector.drain(grace));
    let unknown: usize = futures_util::future::join_all(drains).await.into_iter().sum();
    if unknown > 0 {
        tracing::error!(unknown, "writes still in flight at shutdown were audited as `unknown`");
    }
    unknown
}
