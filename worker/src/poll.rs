//! A polling strategy that wakes an idle worker every interval.
//!
//! apalis 1.0's `IntervalStrategy` re-arms its timer without polling it when it fires,
//! so if the fetch that follows finds nothing, no waker is registered and the worker
//! sleeps until its next heartbeat (30 s by default): a job enqueued meanwhile waits.
//! This strategy always leaves the next tick registered.

use std::task::{Context, Poll};
use std::time::Duration;

use apalis::prelude::{PollSnapshot, PollStrategy};
use tokio::time::{Interval, MissedTickBehavior};

/// Wakes the worker every `interval`.
pub struct EveryInterval {
    interval: Interval,
}

impl EveryInterval {
    pub fn new(period: Duration) -> Self {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Self { interval }
    }
}

impl PollStrategy for EveryInterval {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _snapshot: &PollSnapshot) -> Poll<Option<()>> {
        let mut fired = false;
        // Poll until Pending: that registers `cx`'s waker for the next tick.
        while self.interval.poll_tick(cx).is_ready() {
            fired = true;
        }
        if fired { Poll::Ready(Some(())) } else { Poll::Pending }
    }
}
