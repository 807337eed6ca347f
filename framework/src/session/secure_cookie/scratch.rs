//! The two buffers a `Set-Cookie` is written in (the sealed payload and
//! the header's text), kept per thread: writing a cookie then allocates
//! only the header value, where fresh buffers cost two allocations more,
//! and a third when the text became the header value in place.

use std::cell::RefCell;

/// A buffer that grew past this (a session near the 4 KiB limit of a
/// cookie, or one refused for being over it) is not kept.
const KEEP_AT_MOST: usize = 16 * 1024;

struct Scratch {
    sealed: Vec<u8>,
    text: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch {
            sealed: Vec::new(),
            text: Vec::new(),
        })
    };
}

/// Runs `write` with two empty buffers: the payload's, then the text's.
/// They are this thread's when it is not using them already, fresh ones
/// otherwise.
pub(crate) fn with<R>(write: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let Scratch { sealed, text } = &mut *scratch;
            // Emptied before, not only after: a `write` that panicked
            // left its bytes behind.
            sealed.clear();
            text.clear();
            let result = write(sealed, text);
            for buffer in [sealed, text] {
                if buffer.capacity() > KEEP_AT_MOST {
                    *buffer = Vec::new();
                }
            }
            result
        }
        Err(_) => write(&mut Vec::new(), &mut Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_empty_and_large_ones_are_not_kept() {
        with(|sealed, text| {
            sealed.extend_from_slice(b"payload");
            text.resize(KEEP_AT_MOST + 1, b'x');
        });
        with(|sealed, text| {
            assert!(sealed.is_empty() && text.is_empty());
            assert!(sealed.capacity() >= 7);
            assert_eq!(text.capacity(), 0);
            // A nested use gets buffers of its own.
            with(|inner, _| {
                assert!(inner.is_empty());
                inner.push(1);
            });
            assert!(sealed.is_empty());
        });
    }

    #[test]
    fn a_write_that_panicked_leaves_nothing_for_the_next() {
        let panicked = std::panic::catch_unwind(|| {
            with(|sealed, text| {
                sealed.extend_from_slice(b"half a payload");
                text.extend_from_slice(b"session=half");
                panic!("a value that failed to serialize");
            })
        });
        assert!(panicked.is_err());
        with(|sealed, text| assert!(sealed.is_empty() && text.is_empty()));
    }
}
