// A field that is neither injected nor marked `#[inject(default)]`.
use nestling::prelude::*;

#[injectable]
struct CatsRepository;

#[injectable]
struct CatsService {
    repo: Inject<CatsRepository>,
    cache: std::collections::HashMap<u32, String>,
}

fn main() {}
