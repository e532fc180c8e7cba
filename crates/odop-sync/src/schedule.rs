use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{watch, Notify};

use crate::{sync_once, Progress, Remote, Report, SyncError};

/// What the app shows of sync: running or not, progress, and the last round's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Status {
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<Report>,
    /// Failed rounds in a row; the wait before the next grows with it.
    pub failures: u32,
    /// Seconds until the next round.
    pub next_in_secs: u64,
    /// Rounds ended since the schedule started: a follower that sees it grow knows a round
    /// ended even when it missed the round's start (a watch keeps the latest status only).
    pub rounds: u64,
}

/// Periodic sync in the background: one round at a time, every `interval`, at once on
/// [`Schedule::sync_now`], backing off with jitter while the server cannot be reached, and
/// stopping cleanly on [`Schedule::stop`] (a round cut short is safe: see [`sync_once`]).
#[derive(Debug, Clone)]
pub struct Schedule {
    now: Arc<Notify>,
    stop: watch::Sender<bool>,
    status: watch::Receiver<Status>,
}

impl Schedule {
    /// Starts the loop on the current tokio runtime.
    pub fn start<R: Remote + 'static>(
        db: PathBuf,
        remote: Arc<R>,
        who: String,
        interval: Duration,
    ) -> Schedule {
        let now = Arc::new(Notify::new());
        let (stop, mut stopped) = watch::channel(false);
        let (status_tx, status) = watch::channel(Status::default());
        let wake = Arc::clone(&now);
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                let wait = next_wait(interval, failures);
                status_tx.send_modify(|s| s.next_in_secs = wait.as_secs());
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = wake.notified() => {}
                    _ = stopped.changed() => return,
                }
                status_tx.send_modify(|s| {
                    s.running = true;
                    s.progress = None;
                });
                let reporter = status_tx.clone();
                let progress = move |p: Progress| reporter.send_modify(|s| s.progress = Some(p));
                let round = sync_once(&db, &*remote, &who, &progress);
                let result = tokio::select! {
                    r = round => r,
                    _ = stopped.changed() => Err(SyncError::Cancelled),
                };
                let cancelled = matches!(result, Err(SyncError::Cancelled));
                match &result {
                    Ok(_) => failures = 0,
                    Err(e) if e.is_transient() => failures = failures.saturating_add(1),
                    Err(_) => failures = failures.saturating_add(1).min(3),
                }
                status_tx.send_modify(|s| {
                    s.running = false;
                    s.rounds += 1;
                    s.progress = None;
                    s.failures = failures;
                    s.last = Some(match result {
                        Ok(r) => r,
                        Err(e) => Report {
                            error: Some(e.to_string()),
                            ..Report::default()
                        },
                    });
                });
                if cancelled {
                    return;
                }
            }
        });
        Schedule { now, stop, status }
    }

    /// Runs a round now (or right after the one running).
    pub fn sync_now(&self) {
        self.now.notify_one();
    }

    /// Stops the loop, cutting a running round short.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops the loop and waits until it has ended, its round's database connection closed.
    pub async fn stopped(mut self) {
        self.stop();
        // The loop holds the status's only senders: they go when it ends.
        while self.status.changed().await.is_ok() {}
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// A receiver of every change of status, for a caller that acts as rounds end while the
    /// schedule itself stays where it is kept. It closes when the loop ends.
    pub fn follow(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Waits until the status changes.
    pub async fn changed(&mut self) -> Status {
        let _ = self.status.changed().await;
        self.status.borrow().clone()
    }
}

/// The wait before the next round: the interval when all is well; after failures, doubling
/// from 5 s up to the interval, with ±25% jitter so desks do not return all at once.
pub fn next_wait(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    let base = Duration::from_secs(5).saturating_mul(1 << failures.min(16).saturating_sub(1));
    let capped = base.min(interval.max(Duration::from_secs(5)));
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    let jitter = 0.75 + f64::from(byte[0]) / 255.0 * 0.5;
    capped.mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_interval_with_jitter() {
        let interval = Duration::from_secs(900);
        assert_eq!(next_wait(interval, 0), interval);
        let first = next_wait(interval, 1);
        assert!(first >= Duration::from_millis(3750) && first <= Duration::from_millis(6250));
        let third = next_wait(interval, 3);
        assert!(third >= Duration::from_secs(15) && third <= Duration::from_secs(25));
        let many = next_wait(interval, 40);
        assert!(many <= interval.mul_f64(1.25) && many >= interval.mul_f64(0.75));
    }
}
