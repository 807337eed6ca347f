//! Each user's own notes.

mod controller;
mod service;

pub use controller::{NoteForm, NotesController};
pub use service::{Note, NotesService};
