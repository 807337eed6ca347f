//! Nonces: 24 bytes from the operating system's random source, new for
//! every cookie written (spec §3). They are drawn from a per-thread pool
//! filled 42 nonces at a time, so that writing a cookie costs no system
//! call; every byte is used once.

use std::cell::RefCell;

use super::codec::NONCE_BYTES;

/// How many nonces one refill draws.
const POOL_NONCES: usize = 42;

struct Pool {
    bytes: [u8; NONCE_BYTES * POOL_NONCES],
    /// Where the next unused nonce starts; `bytes.len()` when empty.
    next: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool {
            bytes: [0; NONCE_BYTES * POOL_NONCES],
            next: NONCE_BYTES * POOL_NONCES,
        })
    };
}

/// A fresh nonce.
///
/// # Errors
/// When the operating system's random source fails.
pub(crate) fn fresh() -> Result<[u8; NONCE_BYTES], getrandom::Error> {
    POOL.with_borrow_mut(|pool| {
        if pool.next == pool.bytes.len() {
            getrandom::fill(&mut pool.bytes)?;
            pool.next = 0;
        }
        let mut nonce = [0; NONCE_BYTES];
        nonce.copy_from_slice(&pool.bytes[pool.next..pool.next + NONCE_BYTES]);
        // Used bytes do not stay in memory.
        pool.bytes[pool.next..pool.next + NONCE_BYTES].fill(0);
        pool.next += NONCE_BYTES;
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn nonces_never_repeat_across_refills() {
        let nonces: HashSet<[u8; NONCE_BYTES]> =
            (0..POOL_NONCES * 3 + 5).map(|_| fresh().unwrap()).collect();
        assert_eq!(nonces.len(), POOL_NONCES * 3 + 5);
        assert!(!nonces.contains(&[0; NONCE_BYTES]));
    }
}
