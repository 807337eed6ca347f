use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock, Weak};

use super::graph::Graph;
use super::provider::{Build, Dependency, Erased, Scope};
use crate::request::RequestContext;

/// Why a provider could not be produced. Start-up problems are reported by
/// the graph checks with their fixes; this type covers what is left at run
/// time (a factory that failed, a bug).
#[derive(Debug, Clone)]
pub struct DiError(String);

impl DiError {
    pub(crate) fn internal(what: &str) -> Self {
        DiError(format!(
            "dependency injection failed: {what} (a bug in nestling)"
        ))
    }

    pub(crate) fn missing(dependency: &Dependency) -> Self {
        DiError(format!(
            "no provider for {} ({})",
            dependency.token, dependency.label
        ))
    }
}

impl fmt::Display for DiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DiError {}

/// Every provider instance of an app.
pub(crate) struct Container {
    pub(crate) graph: Graph,
    singletons: Vec<OnceLock<Erased>>,
}

impl fmt::Debug for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Container")
            .field("providers", &self.graph.slots.len())
            .finish()
    }
}

/// Resolves the dependencies of one consumer, in its module's context.
pub struct Resolver<'a> {
    container: &'a Arc<Container>,
    module: usize,
    request: Option<&'a mut RequestContext>,
}

impl<'a> Resolver<'a> {
    /// The instance for `dependency`, `None` when nothing provides it.
    pub(crate) fn get(&mut self, dependency: &Dependency) -> Result<Option<Erased>, DiError> {
        let Some(slot) = self.slot(dependency) else {
            return Ok(None);
        };
        self.container
            .produce(slot, self.request.as_deref_mut())
            .map(Some)
    }

    pub(crate) fn slot(&self, dependency: &Dependency) -> Option<usize> {
        self.container.graph.resolve(self.module, dependency.token)
    }

    pub(crate) fn container_weak(&self) -> Weak<Container> {
        Arc::downgrade(self.container)
    }

    pub(crate) fn request_context(&mut self) -> Option<&mut RequestContext> {
        self.request.as_deref_mut()
    }
}

impl fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("module", &self.module)
            .finish()
    }
}

impl Container {
    /// Builds every singleton in dependency order, awaiting factories.
    pub(crate) async fn build(graph: Graph) -> Result<Arc<Container>, Vec<String>> {
        let singletons = (0..graph.slots.len()).map(|_| OnceLock::new()).collect();
        let order = graph.order.clone();
        let container = Arc::new(Container { graph, singletons });
        let mut problems = Vec::new();
        for slot in order {
            if container.graph.slots[slot].provider.scope != Scope::Singleton {
                continue;
            }
            match container.build_singleton(slot).await {
                Ok(value) => {
                    let _ = container.singletons[slot].set(value);
                }
                Err(error) => {
                    let s = &container.graph.slots[slot];
                    problems.push(format!(
                        "{} (in {}) could not be created: {error}",
                        s.provider.token, container.graph.modules[s.module].name
                    ));
                    // Later providers may depend on this one: stop here.
                    break;
                }
            }
        }
        if problems.is_empty() {
            Ok(container)
        } else {
            Err(problems)
        }
    }

    async fn build_singleton(self: &Arc<Self>, slot: usize) -> Result<Erased, crate::BoxError> {
        let module = self.graph.slots[slot].module;
        let mut resolver = Resolver {
            container: self,
            module,
            request: None,
        };
        match &self.graph.slots[slot].provider.build {
            Build::Factory(factory) => {
                let future = factory(&mut resolver)?;
                future.await
            }
            _ => Ok(self.build_now(slot, None)?),
        }
    }

    /// Builds a provider synchronously (classes, values, aliases).
    fn build_now(
        self: &Arc<Self>,
        slot: usize,
        request: Option<&mut RequestContext>,
    ) -> Result<Erased, DiError> {
        let s = &self.graph.slots[slot];
        let mut resolver = Resolver {
            container: self,
            module: s.module,
            request,
        };
        match &s.provider.build {
            Build::Class(construct) => construct(&mut resolver),
            Build::Value(value) => Ok(Arc::clone(value)),
            Build::Existing(target) => {
                let dependency = Dependency::new(*target, "alias target");
                resolver
                    .get(&dependency)?
                    .ok_or_else(|| DiError::missing(&dependency))
            }
            Build::Factory(_) => Err(DiError::internal("a factory outside start-up")),
        }
    }

    /// Builds a consumer (a controller) in `module`'s context.
    pub(crate) fn construct<T>(
        self: &Arc<Self>,
        module: usize,
        construct: fn(&mut Resolver<'_>) -> Result<T, DiError>,
    ) -> Result<T, DiError> {
        let mut resolver = Resolver {
            container: self,
            module,
            request: None,
        };
        construct(&mut resolver)
    }

    /// A singleton visible from the root module.
    pub(crate) fn get_visible<T: ?Sized + Send + Sync + 'static>(
        &self,
        token: super::Token,
    ) -> Option<Arc<T>> {
        let slot = self.graph.resolve(0, token)?;
        self.singleton(slot).and_then(super::provider::unerase::<T>)
    }

    /// The singleton in `slot`, once built.
    pub(crate) fn singleton(&self, slot: usize) -> Option<&Erased> {
        self.singletons.get(slot)?.get()
    }

    /// The instance a consumer gets from `slot`: the singleton, the request's
    /// instance (built on first use), or a new transient one.
    pub(crate) fn produce(
        self: &Arc<Self>,
        slot: usize,
        request: Option<&mut RequestContext>,
    ) -> Result<Erased, DiError> {
        match self.graph.slots[slot].provider.scope {
            Scope::Singleton => self
                .singleton(slot)
                .cloned()
                .ok_or_else(|| DiError::internal("a singleton used before it was built")),
            Scope::Transient => self.build_now(slot, request),
            Scope::Request => {
                let Some(ctx) = request else {
                    return Err(DiError::internal(
                        "a request-scoped provider outside a request",
                    ));
                };
                if let Some(found) = ctx.request_scope().get(&slot) {
                    return Ok(Arc::clone(found));
                }
                let value = self.build_now(slot, Some(&mut *ctx))?;
                ctx.request_scope().insert(slot, Arc::clone(&value));
                Ok(value)
            }
        }
    }

    /// Every built singleton with its module, in instantiation order.
    pub(crate) fn instances(&self) -> impl Iterator<Item = (usize, &Erased)> {
        self.graph
            .order
            .iter()
            .filter_map(|&slot| self.singleton(slot).map(|value| (slot, value)))
    }
}

/// Request-scoped instances of one request, by slot.
pub(crate) type RequestScope = HashMap<usize, Erased>;
