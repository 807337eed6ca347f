//! `GET /page` -> 200 `text/html`: `views/page.html` (the comparison's
//! `page.html`, copied verbatim) rendered with Tera from a title and 20
//! items, built on every request as every peer does, autoescaped.

use nestling::prelude::*;
use serde::Serialize;

/// The folder of `page.html`, wherever the server is started from.
pub const VIEWS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/views");

/// The template, by its file name in [`VIEWS_DIR`].
pub const PAGE_TEMPLATE: &str = "page.html";

/// The context of `/page`.
#[derive(Debug, Serialize)]
pub struct Page {
    pub title: &'static str,
    pub items: Vec<Item>,
}

/// One row of the table.
#[derive(Debug, Serialize)]
pub struct Item {
    pub name: String,
    pub price: String,
}

/// `{title: "Items & Prices", items: [...]}`: item `i` (1..=20) is
/// `Item {i:02} <"Deluxe" & Co> edition` at `i * 1.99`.
pub fn page() -> Page {
    Page {
        title: "Items & Prices",
        items: (1..=20u32)
            .map(|i| {
                let cents = i * 199;
                Item {
                    name: format!("Item {i:02} <\"Deluxe\" & Co> edition"),
                    price: format!("{}.{:02}", cents / 100, cents % 100),
                }
            })
            .collect(),
    }
}

/// Serves `/page`.
#[injectable]
pub struct PageController;

#[controller]
impl PageController {
    #[get("page")]
    #[render("page")]
    async fn page(&self) -> Page {
        page()
    }
}
