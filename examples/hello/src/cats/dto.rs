use serde::{Deserialize, Serialize};

/// A cat, as Nest's docs define it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cat {
    pub id: u32,
    pub name: String,
    pub age: u8,
    pub breed: String,
}

/// What `POST /cats` takes, as JSON or as a form.
#[derive(Debug, Deserialize)]
pub struct CreateCatDto {
    pub name: String,
    pub age: u8,
    pub breed: String,
}

/// `GET /cats?limit=n`.
#[derive(Debug, Deserialize)]
pub struct ListCats {
    pub limit: Option<usize>,
}
