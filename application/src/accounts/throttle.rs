//! The per-account login throttle: after `max_failures` failed logins for one e-mail
//! within a window, further attempts for it are refused without checking the password
//! (which also bounds the password-hashing work an attacker can make us do), until the
//! window ends. A successful login clears the count. Complements the per-IP rate limit:
//! that one bounds a client, this one bounds guesses at one account from many clients.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use domain::Email;

use crate::UseCaseError;
use crate::ports::WindowCounter;

/// Counts login attempts per account in fixed windows.
pub struct LoginThrottle {
    counter: Arc<dyn WindowCounter>,
    max_failures: u64,
    window: Duration,
    /// Whether the counter is failing (so the switch is logged once each way).
    degraded: AtomicBool,
}

impl LoginThrottle {
    /// `None` when either bound is 0 (the throttle is off).
    pub fn new(counter: Arc<dyn WindowCounter>, max_failures: u32, window: Duration) -> Option<Self> {
        (max_failures > 0 && !window.is_zero()).then(|| Self {
            counter,
            max_failures: max_failures.into(),
            window,
            degraded: AtomicBool::new(false),
        })
    }

    fn key(email: &Email) -> String {
        format!("login:{}", email.as_str())
    }

    /// Counts an attempt for `email` and refuses it once `max_failures` attempts since
    /// the last success are in the window. The attempt is counted before the password is
    /// checked, so concurrent guesses cannot all slip past the count; a success then
    /// clears it ([`Self::succeeded`]), which leaves exactly the failures counted.
    ///
    /// When the counter fails the attempt is let through (fail open): an outage of the
    /// counter's store must not lock every account out; the per-IP limit still applies.
    ///
    /// # Errors
    /// `TooMany` with the seconds until the window ends.
    pub async fn attempt(&self, email: &Email) -> Result<(), UseCaseError> {
        let count = match self.counter.hit(&Self::key(email), self.window).await {
            Ok(count) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("login throttle counter is back");
                }
                count
            }
            Err(e) => {
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %format!("{e:#}"), "login throttle counter failed: logins are not throttled per account");
                }
                return Ok(());
            }
        };
        if count.count <= self.max_failures {
            return Ok(());
        }
        let resets_in = count.resets_in;
        let seconds = resets_in.as_secs() + u64::from(resets_in.subsec_nanos() > 0);
        Err(UseCaseError::TooMany {
            subject: "credentials",
            message: "too many failed logins for this account, retry later".to_owned(),
            retry_after_secs: u32::try_from(seconds.max(1)).unwrap_or(u32::MAX),
        })
    }

    /// Clears `email`'s count after a successful login.
    pub async fn succeeded(&self, email: &Email) {
        if let Err(e) = self.counter.reset(&Self::key(email)).await {
            tracing::warn!(error = %format!("{e:#}"), "login throttle counter could not be reset");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::ports::WindowCount;

    /// Counts without time: every window lasts until reset.
    #[derive(Default)]
    struct Counts(Mutex<HashMap<String, u64>>);

    #[async_trait]
    impl WindowCounter for Counts {
        async fn hit(&self, key: &str, window: Duration) -> anyhow::Result<WindowCount> {
            let mut counts = self.0.lock().expect("not poisoned");
            let count = counts.entry(key.to_owned()).or_default();
            *count += 1;
            Ok(WindowCount { count: *count, resets_in: window - Duration::from_millis(1500) })
        }

        async fn reset(&self, key: &str) -> anyhow::Result<()> {
            self.0.lock().expect("not poisoned").remove(key);
            Ok(())
        }
    }

    fn email(raw: &str) -> Email {
        Email::parse(Some(raw)).expect("valid")
    }

    #[tokio::test]
    async fn the_attempt_after_max_failures_is_refused_until_a_success_clears_the_count() {
        let throttle = LoginThrottle::new(Arc::new(Counts::default()), 3, Duration::from_secs(10)).expect("on");
        let jake = email("jake@example.com");
        for _ in 0..3 {
            throttle.attempt(&jake).await.expect("within the budget");
        }
        match throttle.attempt(&jake).await {
            Err(UseCaseError::TooMany { retry_after_secs, .. }) => assert_eq!(retry_after_secs, 9, "8.5 s rounded up"),
            other => panic!("expected TooMany, got {other:?}"),
        }
        throttle.attempt(&email("other@example.com")).await.expect("another account has its own count");
        throttle.succeeded(&jake).await;
        throttle.attempt(&jake).await.expect("a success starts again");
    }

    #[test]
    fn zero_turns_the_throttle_off() {
        let counter: Arc<dyn WindowCounter> = Arc::new(Counts::default());
        assert!(LoginThrottle::new(counter.clone(), 0, Duration::from_secs(10)).is_none());
        assert!(LoginThrottle::new(counter, 5, Duration::ZERO).is_none());
    }
}
