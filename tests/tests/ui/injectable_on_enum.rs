// Only structs are class providers.
use nestling::prelude::*;

#[injectable]
enum Mode {
    Fast,
    Safe,
}

fn main() {}
