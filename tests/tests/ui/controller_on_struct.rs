// Nest puts `@Controller()` on the class; nestling puts it on the `impl` block.
use nestling::prelude::*;

#[controller("cats")]
#[derive(Default)]
struct CatsController;

fn main() {}
