//! A store that cannot start is a start-up error: `?` on
//! `RedisStore::new(..)` or `PostgresStore::new(..)` in a `main` returning
//! [`nestling::Result`](crate::Result) stops the app with the store's
//! message.

use super::StoreError;

impl From<StoreError> for crate::Error {
    fn from(error: StoreError) -> Self {
        crate::Error::startup(vec![error.to_string()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_kept() {
        let error = crate::Error::from(StoreError::with_cause(
            "cannot connect to Redis at 127.0.0.1:1",
            std::io::Error::other("connection refused"),
        ));
        assert!(error.is_startup());
        assert_eq!(
            error.to_string(),
            "the app cannot start: 1 problem found\n  - cannot connect to Redis at 127.0.0.1:1: connection refused"
        );
    }
}
