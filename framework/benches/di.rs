//! Start-up cost of dependency injection: `nestling::create::<Root>()` on a
//! generated graph of 200 providers in 50 modules. Each module imports the
//! two before it and exports its four providers; each provider depends on two
//! earlier ones, in its own module or an imported one. `create` checks the
//! whole graph (visibility, scopes, cycles), builds every singleton in
//! dependency order and collects the lifecycle hooks.
//! Run with `cargo bench -p nestling --bench di`; the target is < 5 ms.

// The longest dependency chain here is 200 providers deep, and the compiler
// proves `Send + Sync` of `Inject<T>` through every level of it; the default
// limit (128) covers chains of about 45 providers.
#![recursion_limit = "1024"]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use nestling::prelude::*;

/// The first module: four providers without dependencies.
macro_rules! first_module {
    ($m:ident) => {
        mod $m {
            use nestling::prelude::*;

            #[injectable]
            pub struct P0;
            #[injectable]
            pub struct P1;
            #[injectable]
            pub struct P2;
            #[injectable]
            pub struct P3;

            #[module(providers = [P0, P1, P2, P3], exports = [P0, P1, P2, P3])]
            pub struct Module;
        }
    };
}

/// Module `$m` imports `$a` and `$b` (the two before it); its providers
/// depend on theirs and on each other.
macro_rules! module {
    ($m:ident imports $a:ident, $b:ident) => {
        mod $m {
            use nestling::prelude::*;

            #[injectable]
            pub struct P0 {
                _a: Inject<super::$a::P3>,
                _b: Inject<super::$b::P3>,
            }
            #[injectable]
            pub struct P1 {
                _a: Inject<P0>,
                _b: Inject<super::$a::P1>,
            }
            #[injectable]
            pub struct P2 {
                _a: Inject<P1>,
                _b: Inject<super::$b::P2>,
            }
            #[injectable]
            pub struct P3 {
                _a: Inject<P2>,
                _b: Inject<P0>,
            }

            // Listed dependents first, so the order has to be worked out.
            #[module(imports = [super::$a::Module, super::$b::Module], providers = [P3, P2, P1, P0], exports = [P0, P1, P2, P3])]
            pub struct Module;
        }
    };
}

first_module!(m00);
first_module!(m01);
module!(m02 imports m01, m00);
module!(m03 imports m02, m01);
module!(m04 imports m03, m02);
module!(m05 imports m04, m03);
module!(m06 imports m05, m04);
module!(m07 imports m06, m05);
module!(m08 imports m07, m06);
module!(m09 imports m08, m07);
module!(m10 imports m09, m08);
module!(m11 imports m10, m09);
module!(m12 imports m11, m10);
module!(m13 imports m12, m11);
module!(m14 imports m13, m12);
module!(m15 imports m14, m13);
module!(m16 imports m15, m14);
module!(m17 imports m16, m15);
module!(m18 imports m17, m16);
module!(m19 imports m18, m17);
module!(m20 imports m19, m18);
module!(m21 imports m20, m19);
module!(m22 imports m21, m20);
module!(m23 imports m22, m21);
module!(m24 imports m23, m22);
module!(m25 imports m24, m23);
module!(m26 imports m25, m24);
module!(m27 imports m26, m25);
module!(m28 imports m27, m26);
module!(m29 imports m28, m27);
module!(m30 imports m29, m28);
module!(m31 imports m30, m29);
module!(m32 imports m31, m30);
module!(m33 imports m32, m31);
module!(m34 imports m33, m32);
module!(m35 imports m34, m33);
module!(m36 imports m35, m34);
module!(m37 imports m36, m35);
module!(m38 imports m37, m36);
module!(m39 imports m38, m37);
module!(m40 imports m39, m38);
module!(m41 imports m40, m39);
module!(m42 imports m41, m40);
module!(m43 imports m42, m41);
module!(m44 imports m43, m42);
module!(m45 imports m44, m43);
module!(m46 imports m45, m44);
module!(m47 imports m46, m45);
module!(m48 imports m47, m46);
module!(m49 imports m48, m47);

/// The root reaches all 50 modules through the last two.
#[module(imports = [m49::Module, m48::Module])]
struct Root;

fn create(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    // The graph is sound, and every provider is built.
    let app = runtime
        .block_on(nestling::create::<Root>())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(app.get::<m49::P3>().is_some());
    assert!(
        app.get::<m00::P0>().is_none(),
        "m00 is not exported to Root"
    );
    drop(app);

    c.bench_function("create: 200 providers in 50 modules", |b| {
        b.iter(|| black_box(runtime.block_on(nestling::create::<Root>())))
    });
}

criterion_group!(benches, create);
criterion_main!(benches);
