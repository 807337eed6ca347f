//! Accounts: sign up, log in, log out.

mod controller;
mod forms;
mod service;

pub use controller::AuthController;
pub use forms::{LogIn, SignUp};
pub use service::{User, UsersService};
