//! The end-of-request store call runs to completion even when the request
//! is dropped half-way (the client closed the connection, a timeout layer
//! gave up). express-session always finishes the store call it started at
//! `res.end`; dropping it here would lose the handler's changes, and could
//! leave a store that writes in several steps half-written.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Awaits `future`; if this is dropped before `future` finished, `future`
/// is moved to a task of its own and finishes there (its result is then
/// dropped: `future` logs its own failure).
///
/// Only the dropped case spawns, so a request that completes normally pays
/// one allocation and no task.
pub(crate) struct ToCompletion<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    future: Option<Pin<Box<F>>>,
}

impl<F> ToCompletion<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    pub(crate) fn new(future: F) -> Self {
        ToCompletion {
            future: Some(Box::pin(future)),
        }
    }
}

impl<F> Future for ToCompletion<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = Option<F::Output>;

    /// `None` only if polled again after it finished.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(None);
        };
        match future.as_mut().poll(cx) {
            Poll::Ready(output) => {
                self.future = None;
                Poll::Ready(Some(output))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> Drop for ToCompletion<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn drop(&mut self) {
        if let Some(future) = self.future.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(future);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_finished_future_gives_its_output() {
        assert_eq!(ToCompletion::new(async { 7 }).await, Some(7));
    }

    #[tokio::test]
    async fn a_dropped_future_still_finishes() {
        let done = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(tokio::sync::Notify::new());
        let future = {
            let (done, gate) = (Arc::clone(&done), Arc::clone(&gate));
            async move {
                gate.notified().await;
                done.store(true, Ordering::SeqCst);
            }
        };
        let mut call = Box::pin(ToCompletion::new(future));
        // Polled once (pending at the gate), then dropped like a request
        // whose client went away.
        let pending =
            std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx).is_pending())).await;
        assert!(pending);
        drop(call);
        gate.notify_one();
        for _ in 0..100 {
            if done.load(Ordering::SeqCst) {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the dropped store call did not finish");
    }
}
