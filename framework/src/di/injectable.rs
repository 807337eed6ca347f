use super::container::{DiError, Resolver};
use super::lifecycle::Hooks;
use super::provider::{Dependency, Provider, Scope};

/// A class provider: implemented by `#[injectable]`, which injects each field
/// by its type. Controllers are `#[injectable]` too.
///
/// ```
/// use nestling::prelude::*;
///
/// #[injectable]
/// pub struct CatsRepository;
///
/// #[injectable(scope = transient)]
/// pub struct CatsService {
///     repo: Inject<CatsRepository>,
///     #[inject(default)]
///     hits: std::sync::atomic::AtomicU64,
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not injectable",
    label = "not injectable",
    note = "add `#[injectable]` to `struct {Self}`; values of other types are provided with `Provider::value(..)` or `Provider::factory(..)`"
)]
pub trait Injectable: Send + Sync + Sized + 'static {
    /// The scope declared with `#[injectable(scope = ..)]`.
    const SCOPE: Scope = Scope::Singleton;

    /// The fields' dependencies, in declaration order.
    fn dependencies() -> Vec<Dependency>;

    /// Builds the value from resolved dependencies.
    fn construct(resolver: &mut Resolver<'_>) -> Result<Self, DiError>;

    /// The lifecycle hooks the type implements.
    fn hooks() -> Hooks {
        Hooks::default()
    }

    /// The provider that listing the type in `providers = [..]` registers.
    fn provider() -> Provider {
        Provider::class::<Self>()
    }
}
