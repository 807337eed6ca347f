// Scopes are singleton, request or transient.
use nestling::prelude::*;

#[injectable(scope = session)]
struct CatsService;

fn main() {}
