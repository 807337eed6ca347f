//! `NotesService`: notes in memory, each owned by one user.

use std::sync::Mutex;

use nestling::prelude::*;
use serde::Serialize;

/// A note.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: u64,
    #[serde(skip)]
    pub owner: u64,
    pub title: String,
    pub body: String,
}

#[derive(Default)]
struct Notes {
    all: Vec<Note>,
    next_id: u64,
}

/// Every note; each method only sees the notes of the user it is given.
#[injectable]
pub struct NotesService {
    #[inject(default)]
    notes: Mutex<Notes>,
}

impl NotesService {
    fn lock(&self) -> std::sync::MutexGuard<'_, Notes> {
        self.notes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `owner`'s notes, newest first.
    pub fn list(&self, owner: u64) -> Vec<Note> {
        let notes = self.lock();
        notes
            .all
            .iter()
            .rev()
            .filter(|n| n.owner == owner)
            .cloned()
            .collect()
    }

    /// One of `owner`'s notes.
    pub fn find(&self, owner: u64, id: u64) -> Option<Note> {
        self.lock()
            .all
            .iter()
            .find(|n| n.owner == owner && n.id == id)
            .cloned()
    }

    pub fn create(&self, owner: u64, title: &str, body: &str) -> Note {
        let mut notes = self.lock();
        notes.next_id += 1;
        let note = Note {
            id: notes.next_id,
            owner,
            title: title.trim().to_owned(),
            body: body.trim().to_owned(),
        };
        notes.all.push(note.clone());
        note
    }

    /// Changes one of `owner`'s notes; `None` if they have no such note.
    pub fn update(&self, owner: u64, id: u64, title: &str, body: &str) -> Option<Note> {
        let mut notes = self.lock();
        let note = notes
            .all
            .iter_mut()
            .find(|n| n.owner == owner && n.id == id)?;
        note.title = title.trim().to_owned();
        note.body = body.trim().to_owned();
        Some(note.clone())
    }

    /// Deletes one of `owner`'s notes; whether there was one.
    pub fn delete(&self, owner: u64, id: u64) -> bool {
        let mut notes = self.lock();
        let before = notes.all.len();
        notes.all.retain(|n| !(n.owner == owner && n.id == id));
        notes.all.len() != before
    }
}
