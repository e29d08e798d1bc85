//! The prefetch controller: a pure state machine of observations that says how many pages
//! may be in flight ([`Controller::depth`]) and when the next request may start
//! ([`Controller::launch_at`]). Time is a `Duration` since the stream started, passed in, so
//! the controller is deterministic and tested without a clock.
//!
//! Rules (adaptive mode; a fixed depth only counts):
//! - start at depth 2 (or the bound, if lower);
//! - a healthy answer (2xx, not slow) that arrives while the consumer is waiting on the
//!   network deepens by 1, up to the bound, unless growth is on hold;
//! - a slow answer (latency above twice the baseline plus 20 ms; the baseline follows the
//!   fastest answers) lowers the depth by a quarter;
//! - a 429 or 503 halves the depth, holds every new request until `Retry-After` (1 s when
//!   absent) and holds growth for twice that;
//! - other failures (5xx, connection errors, timeouts) halve the depth and hold growth for
//!   a second;
//! - `x-ratelimit-*`: with a limit, requests are paced to 95 % of `limit` per window
//!   (`x-ratelimit-reset` seconds, at least 1 s); when `remaining` is below the depth, the
//!   depth drops to `remaining` (at least 1); at 0, no new request starts before the reset
//!   and growth holds until then;
//! - the depth is lowered at most once per round trip (the answers to requests sent before
//!   a decrease do not lower it again), as TCP does, so that one burst of slow answers does
//!   not collapse it; a throttle always holds requests and growth.

use std::time::Duration;

use super::{Concurrency, PrefetchStats};
use crate::error::RateLimit;

/// The depth an adaptive stream starts at.
const INITIAL_DEPTH: usize = 2;
/// An answer is slow above `baseline * SLOW_FACTOR + SLOW_SLACK`.
const SLOW_FACTOR: u32 = 2;
const SLOW_SLACK: Duration = Duration::from_millis(20);
/// The wait after a 429/503 without `Retry-After`, and the growth hold after an error.
const DEFAULT_WAIT: Duration = Duration::from_secs(1);
/// The share of the advertised rate limit the pacing aims at.
const PACE_SHARE: f64 = 0.95;

/// One finished HTTP attempt, as the stream saw it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Observation {
    /// When it finished, since the stream started.
    pub(crate) at: Duration,
    /// How long it took.
    pub(crate) latency: Duration,
    /// The HTTP status; `None` for a connection error or a timeout.
    pub(crate) status: Option<u16>,
    /// The `x-ratelimit-*` headers, if any.
    pub(crate) rate_limit: Option<RateLimit>,
    /// The wait the server asked for (`Retry-After`, `retry-after-ms`).
    pub(crate) retry_after: Option<Duration>,
    /// Whether the consumer was waiting on the network when the answer came.
    pub(crate) consumer_waiting: bool,
}

/// The state of one stream's prefetch.
#[derive(Debug, Clone)]
pub(crate) struct Controller {
    adaptive: bool,
    max: usize,
    depth: usize,
    /// No growth before this time.
    grow_after: Duration,
    /// No new request before this time.
    not_before: Duration,
    /// Minimum gap between two request starts (from the advertised limit).
    interval: Option<Duration>,
    /// The rate-limit window, from `x-ratelimit-reset` (at least 1 s).
    window: Duration,
    last_launch: Option<Duration>,
    baseline: Option<Duration>,
    /// No further decrease before this time (one round trip after the last one).
    lower_after: Duration,
    stats: PrefetchStats,
}

impl Controller {
    /// A controller for `mode`.
    pub(crate) fn new(mode: Concurrency) -> Controller {
        let max = mode.max_depth();
        let adaptive = mode.is_adaptive();
        let depth = if adaptive {
            INITIAL_DEPTH.min(max)
        } else {
            max
        };
        Controller {
            adaptive,
            max,
            depth,
            grow_after: Duration::ZERO,
            not_before: Duration::ZERO,
            interval: None,
            window: DEFAULT_WAIT,
            last_launch: None,
            baseline: None,
            lower_after: Duration::ZERO,
            stats: PrefetchStats {
                depth,
                max_depth: depth,
                ..PrefetchStats::default()
            },
        }
    }

    /// How many pages may be in flight (or fetched and not yet consumed) now.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// The earliest time the next request may start.
    pub(crate) fn launch_at(&self) -> Duration {
        let paced = match (self.interval, self.last_launch) {
            (Some(interval), Some(last)) => last.saturating_add(interval),
            _ => Duration::ZERO,
        };
        paced.max(self.not_before)
    }

    /// A request started at `now`. When paced, a start slightly late (by less than one
    /// interval, e.g. timer granularity) keeps the cadence instead of pushing every later
    /// slot back, so the average rate stays at the target; a start later than that restarts
    /// the cadence from `now` (no burst to catch up).
    pub(crate) fn on_launch(&mut self, now: Duration) {
        let slot = match (self.interval, self.last_launch) {
            (Some(interval), Some(last)) => {
                let due = last.saturating_add(interval);
                if now >= due && now - due < interval {
                    due
                } else {
                    now
                }
            }
            _ => now,
        };
        self.last_launch = Some(slot);
    }

    /// What was observed so far.
    pub(crate) fn stats(&self) -> PrefetchStats {
        self.stats
    }

    /// Takes one finished attempt into account.
    pub(crate) fn observe(&mut self, obs: &Observation) {
        self.stats.requests += 1;
        let throttled = matches!(obs.status, Some(429 | 503));
        if obs.status == Some(429) {
            self.stats.rate_limited += 1;
        }
        if throttled {
            self.stats.throttled += 1;
        }
        let failed = !throttled && !matches!(obs.status, Some(200..=499));
        if failed {
            self.stats.errors += 1;
        }
        if !self.adaptive {
            return;
        }
        if let Some(rl) = obs.rate_limit {
            self.read_rate_limit(obs, rl);
        }
        if throttled {
            let wait = obs.retry_after.unwrap_or(DEFAULT_WAIT);
            self.not_before = self.not_before.max(obs.at.saturating_add(wait));
            self.hold_growth(obs.at.saturating_add(wait.saturating_mul(2)));
            self.lower_to(obs, self.depth / 2);
            return;
        }
        if failed {
            self.hold_growth(obs.at.saturating_add(DEFAULT_WAIT));
            self.lower_to(obs, self.depth / 2);
            return;
        }
        if !matches!(obs.status, Some(200..=299)) {
            return; // a 4xx says nothing about the network
        }
        let slow = self.baseline.is_some_and(|base| {
            obs.latency > base.saturating_mul(SLOW_FACTOR).saturating_add(SLOW_SLACK)
        });
        self.baseline = Some(match self.baseline {
            Some(base) if obs.latency >= base => base + (obs.latency - base) / 32,
            _ => obs.latency,
        });
        if slow {
            self.hold_growth(obs.at.saturating_add(obs.latency));
            self.lower_to(obs, self.depth - (self.depth / 4).max(1));
        } else if obs.consumer_waiting && obs.at >= self.grow_after && self.depth < self.max {
            self.depth += 1;
            self.stats.depth = self.depth;
            self.stats.max_depth = self.stats.max_depth.max(self.depth);
        }
    }

    fn read_rate_limit(&mut self, obs: &Observation, rl: RateLimit) {
        let at = obs.at;
        if let Some(reset) = rl.reset {
            self.window = Duration::from_secs(reset.max(1));
        }
        if let Some(limit) = rl.limit.filter(|l| *l > 0) {
            let gap = self.window.as_secs_f64() / (limit as f64 * PACE_SHARE);
            self.interval = Duration::try_from_secs_f64(gap).ok();
        }
        let Some(remaining) = rl.remaining else {
            return;
        };
        if remaining == 0 {
            let reset_at = at.saturating_add(self.window);
            self.not_before = self.not_before.max(reset_at);
            self.hold_growth(reset_at);
        }
        if remaining < self.depth as u64 {
            self.hold_growth(at.saturating_add(obs.latency));
            self.lower_to(obs, usize::try_from(remaining).unwrap_or(1));
        }
    }

    fn hold_growth(&mut self, until: Duration) {
        self.grow_after = self.grow_after.max(until);
    }

    /// Lowers the depth to `depth` (at least 1), unless it was already lowered within the
    /// last round trip; never raises it.
    fn lower_to(&mut self, obs: &Observation, depth: usize) {
        let depth = depth.clamp(1, self.max);
        if depth < self.depth && obs.at >= self.lower_after {
            self.depth = depth;
            self.stats.depth = depth;
            self.stats.backoffs += 1;
            let round_trip = self.baseline.unwrap_or(obs.latency).max(obs.latency);
            self.lower_after = obs.at.saturating_add(round_trip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn ok(at: u64, latency: u64, waiting: bool) -> Observation {
        Observation {
            at: ms(at),
            latency: ms(latency),
            status: Some(200),
            consumer_waiting: waiting,
            ..Observation::default()
        }
    }

    #[test]
    fn a_fixed_depth_never_moves_and_never_waits() {
        let mut c = Controller::new(Concurrency::Fixed(4));
        c.observe(&Observation {
            status: Some(429),
            retry_after: Some(ms(5000)),
            ..ok(10, 10, true)
        });
        assert_eq!(c.depth(), 4);
        assert_eq!(c.launch_at(), Duration::ZERO);
        assert_eq!((c.stats().rate_limited, c.stats().throttled), (1, 1));
    }

    #[test]
    fn it_deepens_while_the_consumer_waits_on_healthy_answers() {
        let mut c = Controller::new(Concurrency::Auto);
        assert_eq!(c.depth(), 2);
        for i in 0..40 {
            c.observe(&ok(i * 10, 10, true));
        }
        assert_eq!(c.depth(), 16, "bounded by the default maximum");
        assert_eq!(c.stats().max_depth, 16);
    }

    #[test]
    fn it_does_not_deepen_when_the_consumer_is_the_bottleneck() {
        let mut c = Controller::new(Concurrency::Auto);
        for i in 0..40 {
            c.observe(&ok(i * 10, 10, false));
        }
        assert_eq!(c.depth(), 2);
    }

    #[test]
    fn slow_answers_lower_the_depth() {
        let mut c = Controller::new(Concurrency::AutoUpTo(8));
        for i in 0..20 {
            c.observe(&ok(i * 10, 10, true));
        }
        assert_eq!(c.depth(), 8);
        c.observe(&ok(300, 200, true));
        assert_eq!(c.depth(), 6);
        assert_eq!(c.stats().backoffs, 1);
    }

    #[test]
    fn a_429_halves_the_depth_and_holds_requests_for_retry_after() {
        let mut c = Controller::new(Concurrency::Auto);
        for i in 0..20 {
            c.observe(&ok(i * 10, 10, true));
        }
        let before = c.depth();
        c.observe(&Observation {
            status: Some(429),
            retry_after: Some(ms(1500)),
            ..ok(500, 10, true)
        });
        assert_eq!(c.depth(), before / 2);
        assert_eq!(c.launch_at(), ms(2000));
        // Healthy answers during the hold do not deepen.
        c.observe(&ok(1000, 10, true));
        c.observe(&ok(3400, 10, true));
        assert_eq!(c.depth(), before / 2);
        c.observe(&ok(3600, 10, true));
        assert_eq!(c.depth(), before / 2 + 1);
        assert_eq!(c.stats().rate_limited, 1);
    }

    #[test]
    fn a_503_without_retry_after_waits_a_second() {
        let mut c = Controller::new(Concurrency::Auto);
        c.observe(&Observation {
            status: Some(503),
            ..ok(100, 10, true)
        });
        assert_eq!(c.depth(), 1);
        assert_eq!(c.launch_at(), ms(1100));
        assert_eq!((c.stats().throttled, c.stats().rate_limited), (1, 0));
    }

    #[test]
    fn rate_limit_headers_pace_and_act_before_a_429() {
        let mut c = Controller::new(Concurrency::Auto);
        for i in 0..10 {
            c.observe(&ok(i * 10, 10, true));
        }
        let deep = c.depth();
        assert!(deep > 4);
        // 100 per 1 s window: requests start at least 1/95 s apart.
        let headers = |remaining| RateLimit {
            limit: Some(100),
            remaining: Some(remaining),
            reset: Some(1),
        };
        c.observe(&Observation {
            rate_limit: Some(headers(50)),
            ..ok(200, 10, true)
        });
        c.on_launch(ms(200));
        assert_eq!(
            c.launch_at(),
            ms(200) + Duration::from_secs_f64(1.0 / (100.0 * PACE_SHARE))
        );
        // Nearly spent: the depth drops to what is left, before any 429.
        c.observe(&Observation {
            rate_limit: Some(headers(3)),
            ..ok(220, 10, true)
        });
        assert_eq!(c.depth(), 3);
        // Spent: nothing starts before the window resets, and (a round trip later) the
        // depth drops to 1.
        c.observe(&Observation {
            rate_limit: Some(headers(0)),
            ..ok(240, 10, true)
        });
        assert_eq!(c.depth(), 1);
        assert_eq!(c.launch_at(), ms(1240));
        c.observe(&ok(1000, 10, true));
        assert_eq!(c.depth(), 1, "no growth before the reset");
        assert_eq!(c.stats().rate_limited, 0);
    }

    #[test]
    fn a_burst_of_slow_answers_lowers_the_depth_once_per_round_trip() {
        let mut c = Controller::new(Concurrency::Auto);
        for i in 0..20 {
            c.observe(&ok(i * 10, 10, true));
        }
        assert_eq!(c.depth(), 16);
        // 16 answers of the same round trip all come back slow.
        for i in 0..16 {
            c.observe(&ok(300 + i, 100, true));
        }
        assert_eq!(c.depth(), 12, "one decrease, not sixteen");
        // An answer of the next round trip, slower still: one more decrease.
        c.observe(&ok(420, 200, true));
        assert_eq!(c.depth(), 9);
        assert_eq!(c.stats().backoffs, 2);
    }

    #[test]
    fn pacing_keeps_its_cadence_when_a_start_is_a_little_late() {
        let mut c = Controller::new(Concurrency::Auto);
        c.observe(&Observation {
            rate_limit: Some(RateLimit {
                limit: Some(95),
                remaining: Some(90),
                reset: Some(1),
            }),
            ..ok(0, 10, false)
        });
        let gap = c.launch_at(); // no launch yet: now
        assert_eq!(gap, Duration::ZERO);
        c.on_launch(ms(100));
        let interval = c.launch_at() - ms(100);
        assert!(interval > ms(11) && interval < ms(12), "{interval:?}");
        // 1 ms late: the next slot is still one interval after the due time.
        c.on_launch(ms(100) + interval + ms(1));
        assert_eq!(c.launch_at(), ms(100) + interval * 2);
        // Very late: the cadence restarts from the start time, no catch-up burst.
        c.on_launch(ms(500));
        assert_eq!(c.launch_at(), ms(500) + interval);
    }

    #[test]
    fn connection_errors_back_off() {
        let mut c = Controller::new(Concurrency::Auto);
        for i in 0..10 {
            c.observe(&ok(i * 10, 10, true));
        }
        let before = c.depth();
        c.observe(&Observation {
            status: None,
            ..ok(200, 10, true)
        });
        assert_eq!(c.depth(), before / 2);
        assert_eq!(c.stats().errors, 1);
    }

    fn observation() -> impl Strategy<Value = Observation> {
        (
            0u64..400,
            prop_oneof![
                Just(None),
                Just(Some(200u16)),
                Just(Some(200u16)),
                Just(Some(200u16)),
                Just(Some(404u16)),
                Just(Some(429u16)),
                Just(Some(500u16)),
                Just(Some(503u16)),
            ],
            proptest::option::of((0u64..200, 0u64..200, 0u64..3)),
            proptest::option::of(0u64..3000),
            any::<bool>(),
            0u64..100,
        )
            .prop_map(|(latency, status, rl, retry, waiting, step)| Observation {
                at: ms(step),
                latency: ms(latency),
                status,
                rate_limit: rl.map(|(limit, remaining, reset)| RateLimit {
                    limit: Some(limit),
                    remaining: Some(remaining),
                    reset: Some(reset),
                }),
                retry_after: retry.map(ms),
                consumer_waiting: waiting,
            })
    }

    proptest! {
        #[test]
        fn depth_stays_within_bounds_and_never_grows_after_a_throttle(
            max in 1usize..40,
            steps in proptest::collection::vec(observation(), 1..200),
        ) {
            let mut c = Controller::new(Concurrency::AutoUpTo(max));
            let mut now = Duration::ZERO;
            let mut hold_until = Duration::ZERO;
            for mut obs in steps {
                // Times only move forward: each step adds its `at` to the clock.
                now += obs.at;
                obs.at = now;
                let before = c.depth();
                c.observe(&obs);
                let after = c.depth();
                prop_assert!((1..=max).contains(&after), "depth {after} outside [1, {max}]");
                prop_assert!(after <= before + 1, "grew by more than one step");
                if matches!(obs.status, Some(429 | 503)) {
                    prop_assert!(after <= before, "grew on a throttle");
                    let wait = obs.retry_after.unwrap_or(Duration::from_secs(1));
                    prop_assert!(c.launch_at() >= now + wait, "a request may start before Retry-After");
                    hold_until = hold_until.max(now + wait);
                } else if now < hold_until {
                    prop_assert!(after <= before, "grew while held after a throttle");
                }
                let s = c.stats();
                prop_assert!(s.max_depth <= max && s.max_depth >= after);
                prop_assert_eq!(s.depth, after);
            }
        }

        #[test]
        fn a_fixed_depth_is_constant(n in 1usize..64, steps in proptest::collection::vec(observation(), 1..50)) {
            let mut c = Controller::new(Concurrency::Fixed(n));
            for obs in steps {
                c.observe(&obs);
                prop_assert_eq!(c.depth(), n);
                prop_assert_eq!(c.launch_at(), Duration::ZERO);
            }
        }
    }
}
