//! A small server-rendered app in nestling, the one the CLI's scaffold and
//! the book's *MVC* chapter mirror: sign up, log in, a page of your own
//! notes (add, edit, delete), log out. Passwords are hashed with argon2; the
//! session is regenerated on login (against session fixation) and destroyed
//! on logout; every form carries a CSRF token; flash messages say what
//! happened; pages share a layout and a stylesheet from `public/`.
//!
//! * `auth/`: `UsersService` (accounts and password hashes) and the
//!   sign-up, log-in and log-out pages.
//! * `notes/`: `NotesService` (each user's notes) and their pages.
//! * `current_user.rs`: the `CurrentUser` injector, which sends visitors
//!   who are not logged in to the log-in page.
//! * `setup.rs`: sessions, views, static files, flash and CSRF, shared by
//!   `main.rs` and the tests.

pub mod auth;
pub mod current_user;
pub mod notes;
mod setup;

pub use setup::{AppModule, configure, configure_with};
