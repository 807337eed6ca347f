use nestling::prelude::*;

#[derive(Default)]
struct CatsService;

#[module(controllers = [CatsService])]
struct CatsModule;

fn main() {}
