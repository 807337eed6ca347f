//! `UsersService`: accounts in memory, passwords hashed with argon2.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use nestling::prelude::*;

/// An account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub email: String,
    /// The argon2 hash in PHC format (`$argon2id$v=19$...`), never the password.
    password_hash: String,
}

#[derive(Default)]
struct Users {
    by_email: HashMap<String, User>,
    next_id: u64,
}

/// Accounts, by email (compared without case).
#[injectable]
pub struct UsersService {
    #[inject(default)]
    users: Mutex<Users>,
}

impl UsersService {
    /// Creates an account; `None` when the email is taken.
    pub fn sign_up(&self, email: &str, password: &str) -> Option<User> {
        let key = email.trim().to_lowercase();
        // Hashing is slow on purpose: do it outside the lock.
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).ok()?;
        let salt = SaltString::encode_b64(&random).ok()?;
        let password_hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .ok()?
            .to_string();
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.by_email.contains_key(&key) {
            return None;
        }
        users.next_id += 1;
        let user = User {
            id: users.next_id,
            email: key.clone(),
            password_hash,
        };
        users.by_email.insert(key, user.clone());
        Some(user)
    }

    /// The account whose password this is; `None` for an unknown email or a
    /// wrong password (the caller cannot tell which, nor can an attacker).
    pub fn log_in(&self, email: &str, password: &str) -> Option<User> {
        let user = {
            let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
            users.by_email.get(&email.trim().to_lowercase()).cloned()
        }?;
        let hash = PasswordHash::new(&user.password_hash).ok()?;
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
            .then_some(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_and_checked() {
        let users = UsersService {
            users: Mutex::default(),
        };
        let ada = users.sign_up("Ada@example.com", "correct horse").unwrap();
        assert!(ada.password_hash.starts_with("$argon2id$"));
        assert!(!ada.password_hash.contains("correct horse"));
        assert!(users.sign_up("ada@example.com", "another one").is_none());
        assert_eq!(
            users.log_in("ada@example.com", "correct horse").unwrap().id,
            ada.id
        );
        assert!(users.log_in("ada@example.com", "wrong horse").is_none());
        assert!(users.log_in("bob@example.com", "correct horse").is_none());
    }
}
