//! Progress of long tool calls (per-day fan-out), reported to whoever listens.

use std::fmt;
use std::sync::Arc;

/// A callback told `(done, total)` as units of work finish.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(u64, u64) + Send + Sync>);

impl Progress {
    pub fn new(report: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        Progress(Arc::new(report))
    }

    pub fn report(&self, done: u64, total: u64) {
        (self.0)(done, total);
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}
