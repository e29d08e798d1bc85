//! [`PrefetchStream`]: pages fetched ahead of the consumer, in order, each in its own
//! `tokio::spawn`ed task, as deep and as paced as the [`Controller`] allows.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::SystemTime;

use futures::stream::Stream;
use futures::task::AtomicWaker;
use http::HeaderMap;
use tokio::time::{Instant, Sleep};

use super::{Concurrency, Controller, Observation, PrefetchStats};
use crate::error::{Error, RateLimit, Result};
use crate::request::{AttemptObserver, BoxFuture};

/// What a stream's fetch tasks and the stream share: the controller, whether the consumer
/// is waiting, and the stream's waker (woken when the controller changes).
pub(crate) struct Shared {
    controller: Mutex<Controller>,
    waiting: AtomicBool,
    waker: AtomicWaker,
    start: Instant,
}

impl Shared {
    /// A fresh state for `mode`.
    pub(crate) fn new(mode: Concurrency) -> Arc<Shared> {
        Arc::new(Shared {
            controller: Mutex::new(Controller::new(mode)),
            waiting: AtomicBool::new(false),
            waker: AtomicWaker::new(),
            start: Instant::now(),
        })
    }

    fn controller(&self) -> MutexGuard<'_, Controller> {
        // The controller holds no invariant a panic could break halfway: keep using it.
        self.controller.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What was observed so far.
    pub(crate) fn stats(&self) -> PrefetchStats {
        self.controller().stats()
    }

    /// The observer to put on every request of the stream: it reports each attempt to the
    /// controller and wakes the stream.
    pub(crate) fn observer(self: &Arc<Self>) -> AttemptObserver {
        let shared = Arc::clone(self);
        Arc::new(move |latency, status, headers: Option<&HeaderMap>| {
            let observation = Observation {
                at: shared.start.elapsed(),
                latency,
                status,
                rate_limit: headers.and_then(RateLimit::from_headers),
                retry_after: headers.and_then(|h| crate::retry::server_delay(h, SystemTime::now())),
                consumer_waiting: shared.waiting.load(Ordering::Relaxed),
            };
            shared.controller().observe(&observation);
            shared.waker.wake();
        })
    }
}

/// Fetches page `n` (its future runs in its own task).
pub(crate) type FetchPage<P> = Arc<dyn Fn(u64) -> BoxFuture<Result<P>> + Send + Sync>;

/// Pages `next..=last`, fetched ahead in order; ends after an error or a page for which
/// `is_end` is true (an empty page). Holds at most `depth` pages, in flight or fetched and
/// not yet consumed; the tasks are aborted when the stream is dropped.
pub(crate) struct PrefetchStream<P> {
    fetch: FetchPage<P>,
    is_end: fn(&P) -> bool,
    next: u64,
    last: u64,
    queue: VecDeque<AbortOnDrop<Result<P>>>,
    shared: Arc<Shared>,
    timer: Option<Pin<Box<Sleep>>>,
    done: bool,
}

impl<P: Send + 'static> PrefetchStream<P> {
    /// The stream of pages `next..=last`.
    pub(crate) fn new(
        fetch: FetchPage<P>,
        is_end: fn(&P) -> bool,
        next: u64,
        last: u64,
        shared: Arc<Shared>,
    ) -> Self {
        PrefetchStream {
            fetch,
            is_end,
            next,
            last,
            queue: VecDeque::new(),
            shared,
            timer: None,
            done: false,
        }
    }

    /// Starts as many fetches as the depth and the pacing allow now; when the pacing says
    /// later, arms the timer that wakes the stream then.
    fn launch(&mut self, cx: &mut Context<'_>) {
        while self.next <= self.last {
            let now = self.shared.start.elapsed();
            let (depth, at) = {
                let c = self.shared.controller();
                (c.depth(), c.launch_at())
            };
            if self.queue.len() >= depth {
                return;
            }
            if at > now {
                let deadline = self.shared.start + at;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                timer.as_mut().reset(deadline);
                if timer.as_mut().poll(cx).is_pending() {
                    return;
                }
                continue;
            }
            self.shared.controller().on_launch(now);
            let n = self.next;
            self.next += 1;
            self.queue
                .push_back(AbortOnDrop(tokio::spawn((self.fetch)(n))));
        }
    }
}

impl<P: Send + 'static> Stream for PrefetchStream<P> {
    type Item = Result<P>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<P>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        this.shared.waker.register(cx.waker());
        this.launch(cx);
        let Some(head) = this.queue.front_mut() else {
            if this.next > this.last {
                this.done = true;
                return Poll::Ready(None);
            }
            return Poll::Pending; // paced: the timer wakes the stream
        };
        let result = match Pin::new(head).poll(cx) {
            Poll::Pending => {
                this.shared.waiting.store(true, Ordering::Relaxed);
                return Poll::Pending;
            }
            Poll::Ready(result) => result,
        };
        this.queue.pop_front();
        this.shared.waiting.store(false, Ordering::Relaxed);
        match result {
            Ok(page) if (this.is_end)(&page) => {
                this.done = true;
                this.queue.clear();
                Poll::Ready(None)
            }
            Ok(page) => {
                // Keep the pipeline full while the consumer works on this page.
                this.launch(cx);
                Poll::Ready(Some(Ok(page)))
            }
            Err(e) => {
                this.done = true;
                this.queue.clear();
                Poll::Ready(Some(Err(e)))
            }
        }
    }
}

/// A spawned page fetch, aborted when dropped (when the stream is dropped before the page
/// is consumed), so that no task outlives the stream.
pub(crate) struct AbortOnDrop<T>(pub(crate) tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<Result<T>> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(result) => result,
            // A panic while fetching or decoding the page: propagate it to the consumer, as
            // when the page was fetched on its task.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::connection(
                "the task fetching a page was cancelled (is the runtime shutting down?)",
                e,
            )),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_dropped_prefetch_task_is_aborted() {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let guard = AbortOnDrop(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            flag.store(true, Ordering::SeqCst);
            Ok::<(), Error>(())
        }));
        drop(guard);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!done.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_finished_prefetch_task_yields_its_result() {
        let guard = AbortOnDrop(tokio::spawn(async { Ok::<u8, Error>(7) }));
        assert_eq!(guard.await.unwrap(), 7);
    }
}
