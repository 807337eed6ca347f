use nestling::prelude::*;

#[injectable]
struct CounterController {
    #[inject(default)]
    count: u64,
}

#[controller("counter")]
impl CounterController {
    #[post]
    async fn increment(&mut self) -> String {
        self.count += 1;
        self.count.to_string()
    }
}

fn main() {}
