//! The progress bar of `call`, on stderr and only when stderr is a terminal: a spinner
//! while the call runs, a bar once the tool reports `(done, total)`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::runtime::Progress;

/// A progress display, or nothing when stderr is not a terminal (a pipe, a file, a test).
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A spinner naming `tool` on a terminal's stderr; nothing otherwise.
    pub fn for_stderr(tool: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(tool.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(Some(bar))
    }

    /// The callback for `run_tool`: turns the spinner into a bar at the first report.
    pub fn progress(&self) -> Option<Progress> {
        let bar = self.0.clone()?;
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        let outermost = std::sync::Mutex::new(Outermost::default());
        Some(Progress::new(move |done, total| {
            let step = outermost.lock().unwrap_or_else(std::sync::PoisonError::into_inner).step(done, total);
            match step {
                Some(Step::Restart { total }) => {
                    bar.set_style(style.clone());
                    bar.set_length(total);
                    bar.set_position(done);
                }
                Some(Step::Advance) => bar.set_position(done),
                None => {}
            }
        }))
    }

    /// Clears the bar so the result starts on a clean line.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Which reports the bar shows. A call can report from nested loops (the pages of one
/// day inside a fan-out over days, or several sources at once): the bar follows the
/// largest total seen, the outermost loop, and never moves backwards.
#[derive(Debug, Default)]
struct Outermost {
    total: u64,
    done: u64,
}

#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// A larger loop: the bar takes its total.
    Restart {
        total: u64,
    },
    Advance,
}

impl Outermost {
    fn step(&mut self, done: u64, total: u64) -> Option<Step> {
        if total < self.total || (total == self.total && done < self.done) {
            return None;
        }
        let step = if total > self.total { Step::Restart { total } } else { Step::Advance };
        (self.total, self.done) = (total, done);
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_follows_the_outermost_loop() {
        let mut outermost = Outermost::default();
        // Days of a fan-out (x/60) interleaved with the pages of each day (x/2, x/3).
        let reports = [(0, 60), (1, 2), (1, 60), (2, 3), (2, 60), (1, 60), (35, 3), (60, 60)];
        let shown: Vec<(u64, u64)> =
            reports.iter().filter(|(done, total)| outermost.step(*done, *total).is_some()).copied().collect();
        assert_eq!(shown, [(0, 60), (1, 60), (2, 60), (60, 60)]);
        // A page drain whose total grows as pages are found.
        let mut pages = Outermost::default();
        assert_eq!(pages.step(0, 2), Some(Step::Restart { total: 2 }));
        assert_eq!(pages.step(1, 2), Some(Step::Advance));
        assert_eq!(pages.step(2, 3), Some(Step::Restart { total: 3 }));
    }
}
