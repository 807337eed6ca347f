//! The module graph: which modules exist, what each one sees, and every
//! start-up check, each problem reported with its fix. Nothing is built here;
//! `container.rs` instantiates once the graph is known to be sound.

use std::any::TypeId;
use std::collections::{HashMap, HashSet};

use super::dynamic::{Export, Import};
use super::provider::{Build, Dependency, Provider, Scope};
use super::token::Token;
use crate::controller::ControllerDef;
use crate::routing::ArgKind;

pub(crate) struct ModuleNode {
    pub(crate) name: &'static str,
    type_id: TypeId,
    imports: Vec<usize>,
    exports: Vec<Export>,
    global: bool,
    providers: Vec<usize>,
    pub(crate) controllers: Vec<&'static ControllerDef>,
}

pub(crate) struct Slot {
    pub(crate) module: usize,
    pub(crate) provider: Provider,
}

pub(crate) struct ControllerNode {
    pub(crate) def: &'static ControllerDef,
    pub(crate) module: usize,
}

/// A sound module graph.
pub(crate) struct Graph {
    pub(crate) modules: Vec<ModuleNode>,
    pub(crate) slots: Vec<Slot>,
    pub(crate) controllers: Vec<ControllerNode>,
    /// What each module sees: token -> slot.
    visible: Vec<HashMap<Token, usize>>,
    /// Every slot, dependencies before dependents.
    pub(crate) order: Vec<usize>,
}

/// The `inventory` entry `#[injectable]` emits, so that a missing provider
/// can be told apart from a type that is not injectable at all.
pub struct InjectableRegistration(pub fn() -> Token);
inventory::collect!(InjectableRegistration);

impl Graph {
    /// The slot a consumer in `module` gets for `token`.
    pub(crate) fn resolve(&self, module: usize, token: Token) -> Option<usize> {
        self.visible.get(module)?.get(&token).copied()
    }
}

struct Builder {
    modules: Vec<ModuleNode>,
    slots: Vec<Slot>,
    by_type: HashMap<TypeId, usize>,
    problems: Vec<String>,
    /// Providers that replace same-token providers wherever they are listed
    /// (the testing module's `override_provider`).
    overrides: HashMap<Token, Provider>,
}

/// Walks the modules from `root` and checks everything; all problems at once.
pub(crate) fn build_graph(root: Import, overrides: Vec<Provider>) -> Result<Graph, Vec<String>> {
    let mut builder = Builder {
        modules: Vec::new(),
        slots: Vec::new(),
        by_type: HashMap::new(),
        problems: Vec::new(),
        overrides: overrides.into_iter().map(|p| (p.token, p)).collect(),
    };
    builder.add(root, &mut Vec::new());
    let Builder {
        modules,
        slots,
        mut problems,
        ..
    } = builder;

    let exported = exported_maps(&modules, &slots, &mut problems);
    let visible = visible_maps(&modules, &slots, &exported);
    let mut graph = Graph {
        controllers: controllers(&modules, &mut problems),
        modules,
        slots,
        visible,
        order: Vec::new(),
    };
    inherit_alias_scopes(&mut graph);
    check_consumers(&graph, &mut problems);
    // Unresolved dependencies are left out of the ordering, so cycles are
    // found (and reported with the rest) even when something is missing.
    match order(&graph) {
        Ok(order) => graph.order = order,
        Err(cycles) => problems.extend(cycles),
    }
    if problems.is_empty() {
        Ok(graph)
    } else {
        Err(problems)
    }
}

impl Builder {
    /// Adds a module (and, first, its imports); returns its index.
    fn add(&mut self, import: Import, path: &mut Vec<&'static str>) -> usize {
        let (def, dynamic) = match import {
            Import::Static(def) => {
                if let Some(&index) = self.by_type.get(&(def.type_id)()) {
                    return index;
                }
                (def, None)
            }
            Import::Dynamic(dynamic) => (dynamic.module, Some(dynamic)),
        };
        let index = self.modules.len();
        self.modules.push(ModuleNode {
            name: def.name,
            type_id: (def.type_id)(),
            imports: Vec::new(),
            exports: def.exports.iter().map(|e| e()).collect(),
            global: def.global,
            providers: Vec::new(),
            controllers: def.controllers.iter().map(|c| c()).collect(),
        });
        if dynamic.is_none() {
            self.by_type.insert((def.type_id)(), index);
        }
        path.push(def.name);
        let mut imports: Vec<Import> = def.imports.iter().map(|i| i()).collect();
        let mut providers: Vec<Provider> = def.providers.iter().map(|p| p()).collect();
        if let Some(dynamic) = dynamic {
            imports.extend(dynamic.imports);
            providers.extend(dynamic.providers);
            self.modules[index].exports.extend(dynamic.exports);
            self.modules[index].global = dynamic.global;
        }
        for import in imports {
            let child = self.add(import, path);
            self.modules[index].imports.push(child);
        }
        path.pop();
        let mut seen: HashSet<Token> = HashSet::new();
        for mut provider in providers {
            if let Some(replacement) = self.overrides.get(&provider.token) {
                provider = replacement.clone();
            }
            if !seen.insert(provider.token) {
                self.problems.push(format!(
                    "{} lists a provider for {} twice; remove one (use `.named(\"...\")` for several providers of one type)",
                    def.name, provider.token
                ));
                continue;
            }
            let slot = self.slots.len();
            self.slots.push(Slot {
                module: index,
                provider,
            });
            self.modules[index].providers.push(slot);
        }
        index
    }
}

/// What each module exports: token -> slot, following re-exported modules.
fn exported_maps(
    modules: &[ModuleNode],
    slots: &[Slot],
    problems: &mut Vec<String>,
) -> Vec<HashMap<Token, usize>> {
    fn compute(
        m: usize,
        modules: &[ModuleNode],
        slots: &[Slot],
        memo: &mut Vec<Option<HashMap<Token, usize>>>,
        visiting: &mut HashSet<usize>,
        problems: &mut Vec<String>,
    ) -> HashMap<Token, usize> {
        if let Some(done) = &memo[m] {
            return done.clone();
        }
        if !visiting.insert(m) {
            return HashMap::new(); // a re-export cycle adds nothing new
        }
        let module = &modules[m];
        let own: HashMap<Token, usize> = module
            .providers
            .iter()
            .map(|&s| (slots[s].provider.token, s))
            .collect();
        let mut out = HashMap::new();
        for export in &module.exports {
            match *export {
                Export::Token(token) => {
                    if let Some(&slot) = own.get(&token) {
                        out.insert(token, slot);
                        continue;
                    }
                    let through_import = module.imports.iter().find_map(|&i| {
                        compute(i, modules, slots, memo, visiting, problems)
                            .get(&token)
                            .copied()
                    });
                    match through_import {
                        Some(slot) => {
                            out.insert(token, slot);
                        }
                        None => problems.push(format!(
                            "{} exports {token}, but neither provides it nor imports a module that exports it; add {token} to {}'s providers",
                            module.name, module.name
                        )),
                    }
                }
                Export::Module(type_id, name) => {
                    match module.imports.iter().find(|&&i| modules[i].type_id == type_id) {
                        Some(&i) => {
                            out.extend(compute(i, modules, slots, memo, visiting, problems));
                        }
                        None => problems.push(format!(
                            "{} exports the module {name}, but does not import it; add {name} to {}'s imports",
                            module.name, module.name
                        )),
                    }
                }
            }
        }
        visiting.remove(&m);
        memo[m] = Some(out.clone());
        out
    }
    let mut memo = vec![None; modules.len()];
    (0..modules.len())
        .map(|m| compute(m, modules, slots, &mut memo, &mut HashSet::new(), problems))
        .collect()
}

/// What each module sees: its providers, then its imports' exports, then the
/// exports of global modules.
fn visible_maps(
    modules: &[ModuleNode],
    slots: &[Slot],
    exported: &[HashMap<Token, usize>],
) -> Vec<HashMap<Token, usize>> {
    let globals: Vec<usize> = (0..modules.len()).filter(|&m| modules[m].global).collect();
    modules
        .iter()
        .map(|module| {
            let mut visible: HashMap<Token, usize> = HashMap::new();
            for &slot in &module.providers {
                visible.insert(slots[slot].provider.token, slot);
            }
            for &i in module.imports.iter().chain(globals.iter()) {
                for (&token, &slot) in &exported[i] {
                    visible.entry(token).or_insert(slot);
                }
            }
            visible
        })
        .collect()
}

fn controllers(modules: &[ModuleNode], problems: &mut Vec<String>) -> Vec<ControllerNode> {
    let mut owner: HashMap<TypeId, usize> = HashMap::new();
    let mut out = Vec::new();
    for (m, module) in modules.iter().enumerate() {
        for &def in &module.controllers {
            match owner.get(&(def.type_id)()) {
                Some(&first) => problems.push(format!(
                    "{} is listed in the controllers of both {} and {}; a controller belongs to one module: remove it from one of them",
                    def.name, modules[first].name, module.name
                )),
                None => {
                    owner.insert((def.type_id)(), m);
                    out.push(ControllerNode { def, module: m });
                }
            }
        }
    }
    out
}

/// An alias gives whatever its target gives, so it takes the target's scope:
/// an alias of a request-scoped provider is request-scoped too. Followed to
/// a fixed point for aliases of aliases (a cycle of aliases is reported by
/// `order`).
fn inherit_alias_scopes(graph: &mut Graph) {
    for _ in 0..graph.slots.len() {
        let mut changed = false;
        for slot in 0..graph.slots.len() {
            let Build::Existing(target) = graph.slots[slot].provider.build else {
                continue;
            };
            let Some(t) = graph.resolve(graph.slots[slot].module, target) else {
                continue;
            };
            let scope = graph.slots[t].provider.scope;
            if graph.slots[slot].provider.scope != scope {
                graph.slots[slot].provider.scope = scope;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// One consumer: a provider, a controller, or a handler.
struct Consumer<'a> {
    name: String,
    module: usize,
    scope: Scope,
    deps: &'a [Dependency],
    kind: ConsumerKind,
}

#[derive(Clone, Copy, PartialEq)]
enum ConsumerKind {
    Provider,
    Controller,
    Handler,
}

fn check_consumers(graph: &Graph, problems: &mut Vec<String>) {
    let controller_deps: Vec<Vec<Dependency>> = graph
        .controllers
        .iter()
        .map(|c| (c.def.dependencies)())
        .collect();
    let mut handler_deps: Vec<(String, usize, Vec<Dependency>)> = Vec::new();
    for controller in &graph.controllers {
        for route in controller.def.routes {
            let deps: Vec<Dependency> = route
                .args
                .iter()
                .filter_map(|arg| match arg.kind {
                    ArgKind::Provider(token) => Some(Dependency::new(
                        token(),
                        format!("parameter `{}: {}`", arg.name, arg.type_name),
                    )),
                    _ => None,
                })
                .collect();
            if !deps.is_empty() {
                handler_deps.push((
                    format!("{}::{}", controller.def.name, route.handler),
                    controller.module,
                    deps,
                ));
            }
        }
    }

    let mut consumers: Vec<Consumer<'_>> = Vec::new();
    for slot in &graph.slots {
        consumers.push(Consumer {
            name: slot.provider.token.to_string(),
            module: slot.module,
            scope: slot.provider.scope,
            deps: &slot.provider.deps,
            kind: ConsumerKind::Provider,
        });
        if let Build::Existing(target) = slot.provider.build
            && !target.same_type(&slot.provider.token)
        {
            problems.push(format!(
                "{} in {} is an alias of {}, a different type; an alias gives the same instance under another name, so both must be one type: `Provider::existing::<{}>().named(\"...\")`",
                slot.provider.token,
                graph.modules[slot.module].name,
                target,
                target.type_name()
            ));
        }
        if matches!(slot.provider.build, Build::Factory(_))
            && slot.provider.scope != Scope::Singleton
        {
            problems.push(format!(
                "{} is a factory provider in {} and {}; factories run once at start-up, so they must be singletons: remove `.scope(..)` or make it a class",
                slot.provider.token,
                graph.modules[slot.module].name,
                slot.provider.scope.label()
            ));
        }
    }
    for (controller, deps) in graph.controllers.iter().zip(&controller_deps) {
        consumers.push(Consumer {
            name: controller.def.name.to_string(),
            module: controller.module,
            scope: (controller.def.scope)(),
            deps,
            kind: ConsumerKind::Controller,
        });
        if (controller.def.scope)() != Scope::Singleton {
            problems.push(format!(
                "{} is declared {}, but controllers are singletons; remove `scope` from its #[injectable] and take request-scoped providers as handler parameters (`service: Inject<T>`)",
                controller.def.name,
                (controller.def.scope)().label()
            ));
        }
    }
    for (name, module, deps) in &handler_deps {
        consumers.push(Consumer {
            name: name.clone(),
            module: *module,
            scope: Scope::Request,
            deps,
            kind: ConsumerKind::Handler,
        });
    }

    for consumer in &consumers {
        for (index, dep) in consumer.deps.iter().enumerate() {
            let module = &graph.modules[consumer.module];
            if dep.request {
                if consumer.scope != Scope::Request {
                    let fix = match consumer.kind {
                        ConsumerKind::Controller => format!(
                            "take it as a handler parameter (`req: {}`) instead",
                            dep.token
                        ),
                        _ => format!(
                            "make {} request-scoped with #[injectable(scope = request)], or take it as a handler parameter",
                            consumer.name
                        ),
                    };
                    problems.push(format!(
                        "{} is {} but takes {} ({}), which exists only during a request; {fix}",
                        consumer.name,
                        consumer.scope.label(),
                        dep.token,
                        dep.label,
                    ));
                }
                continue;
            }
            let Some(slot) = graph.resolve(consumer.module, dep.token) else {
                if !dep.optional {
                    problems.push(missing_message(graph, consumer, index, dep, module));
                }
                continue;
            };
            let target = &graph.slots[slot].provider;
            if target.scope == Scope::Request && consumer.scope != Scope::Request {
                let parameter = format!(
                    "`{}: Inject<{}>`",
                    snake(&dep.token.type_name()),
                    dep.token.type_name()
                );
                let fix = match consumer.kind {
                    ConsumerKind::Controller => format!(
                        "take {} as a handler parameter ({parameter}) instead of a field",
                        dep.token
                    ),
                    _ => format!(
                        "make {} request-scoped too with #[injectable(scope = request)], or take {} as a handler parameter ({parameter}) and pass it to {}'s methods",
                        consumer.name, dep.token, consumer.name
                    ),
                };
                problems.push(format!(
                    "{} is {} but depends on {} ({}), which is request-scoped: it would outlive the request. Fix: {fix}",
                    consumer.name,
                    consumer.scope.label(),
                    dep.token,
                    dep.label,
                ));
            }
            if dep.lazy && target.scope != Scope::Singleton {
                problems.push(format!(
                    "{} takes {} lazily ({}), but it is {}; `Lazy<T>` only works with singletons: inject it with `Inject<{}>`",
                    consumer.name,
                    dep.token,
                    dep.label,
                    target.scope.label(),
                    dep.token.type_name()
                ));
            }
        }
    }
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        }
    }
    out
}

/// Nest's "can't resolve dependencies of X (A, ?, C)" with where the token
/// is provided and what to change.
fn missing_message(
    graph: &Graph,
    consumer: &Consumer<'_>,
    index: usize,
    dep: &Dependency,
    module: &ModuleNode,
) -> String {
    let list: Vec<String> = consumer
        .deps
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i == index {
                "?".to_string()
            } else {
                d.token.to_string()
            }
        })
        .collect();
    let head = if consumer.kind == ConsumerKind::Handler {
        format!(
            "can't resolve {} of {}: {} is not available in {}",
            dep.label, consumer.name, dep.token, module.name
        )
    } else {
        format!(
            "can't resolve dependencies of {} ({}): {} at index [{index}] ({}) is not available in {}",
            consumer.name,
            list.join(", "),
            dep.token,
            dep.label,
            module.name
        )
    };
    let exports_it = |m: &ModuleNode| {
        m.exports
            .iter()
            .any(|e| matches!(e, Export::Token(t) if *t == dep.token))
    };
    // Where the token is provided; a module that also exports it needs only
    // to be imported, so it makes the shorter fix.
    let owners: Vec<&ModuleNode> = graph
        .slots
        .iter()
        .filter(|s| s.provider.token == dep.token)
        .map(|s| &graph.modules[s.module])
        .collect();
    let owner = owners
        .iter()
        .find(|m| exports_it(m))
        .or(owners.first())
        .copied();
    let fix = if let Some(owner) = owner {
        let exports_it = exports_it(owner);
        let imported = module
            .imports
            .iter()
            .any(|&i| graph.modules[i].name == owner.name);
        match (exports_it, imported) {
            (true, _) => format!(
                "{} provides and exports it: add {} to {}'s imports",
                owner.name, owner.name, module.name
            ),
            (false, true) => format!(
                "{} is provided by {} but not exported; add it to {}'s exports",
                dep.token, owner.name, owner.name
            ),
            (false, false) => format!(
                "{} is provided by {} but not exported; add it to {}'s exports, and add {} to {}'s imports",
                dep.token, owner.name, owner.name, owner.name, module.name
            ),
        }
    } else if let Some(exporter) = unimported_exporter(graph, dep.token) {
        format!(
            "{exporter} exports it, but no module of the app imports {exporter}: add {exporter} to {}'s imports",
            module.name
        )
    } else {
        let injectable =
            inventory::iter::<InjectableRegistration>().any(|r| (r.0)().same_type(&dep.token));
        let type_name = dep.token.type_name();
        match (dep.token.name(), injectable) {
            (None, true) => format!(
                "no module provides it: add {type_name} to {}'s providers",
                module.name
            ),
            (None, false) => format!(
                "no module provides it: add `Provider::value(..)` or `Provider::factory(..)` for {type_name} to {}'s providers, or make the type #[injectable] and list it",
                module.name
            ),
            (Some(name), true) => format!(
                "no module provides it: add `Provider::class::<{type_name}>().named({name:?})` to {}'s providers",
                module.name
            ),
            (Some(name), false) => format!(
                "no module provides it: add `Provider::value(..).named({name:?})` or `Provider::factory(..).named({name:?})` for {type_name} to {}'s providers",
                module.name
            ),
        }
    };
    format!("{head}. Fix: {fix}")
}

/// A registered `#[module]` outside the app's graph that exports `token`
/// (typically a global module nobody imports). Only exports are read: they
/// name types, while evaluating another module's providers could run code.
fn unimported_exporter(graph: &Graph, token: Token) -> Option<&'static str> {
    inventory::iter::<crate::module::ModuleRegistration>()
        .map(|registration| registration.0)
        .filter(|def| !graph.modules.iter().any(|m| m.type_id == (def.type_id)()))
        .find(|def| {
            def.exports
                .iter()
                .any(|export| matches!(export(), Export::Token(t) if t == token))
        })
        .map(|def| def.name)
}

/// Dependencies before dependents, or every cycle with its path.
fn order(graph: &Graph) -> Result<Vec<usize>, Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let edges: Vec<Vec<usize>> = graph
        .slots
        .iter()
        .map(|slot| {
            slot.provider
                .deps
                .iter()
                .filter(|d| !d.lazy && !d.request)
                .filter_map(|d| graph.resolve(slot.module, d.token))
                .collect()
        })
        .collect();
    let mut marks = vec![Mark::New; graph.slots.len()];
    let mut order = Vec::with_capacity(graph.slots.len());
    let mut cycles: Vec<String> = Vec::new();
    let mut reported: HashSet<Vec<usize>> = HashSet::new();

    fn visit(
        slot: usize,
        edges: &[Vec<usize>],
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
        order: &mut Vec<usize>,
        found: &mut Vec<Vec<usize>>,
    ) {
        marks[slot] = Mark::Active;
        stack.push(slot);
        for &next in &edges[slot] {
            match marks[next] {
                Mark::New => visit(next, edges, marks, stack, order, found),
                Mark::Active => {
                    let start = stack.iter().position(|&s| s == next).unwrap_or(0);
                    found.push(stack[start..].to_vec());
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks[slot] = Mark::Done;
        order.push(slot);
    }

    let mut found = Vec::new();
    for slot in 0..graph.slots.len() {
        if marks[slot] == Mark::New {
            visit(
                slot,
                &edges,
                &mut marks,
                &mut Vec::new(),
                &mut order,
                &mut found,
            );
        }
    }
    for cycle in found {
        let mut key = cycle.clone();
        key.sort_unstable();
        if !reported.insert(key) {
            continue;
        }
        let names: Vec<String> = cycle
            .iter()
            .chain(cycle.first())
            .map(|&s| graph.slots[s].provider.token.to_string())
            .collect();
        let first = &graph.slots[cycle[0]].provider.token;
        let Some(&second) = cycle.get(1) else {
            cycles.push(format!(
                "dependency cycle: {}: {first} depends on itself; remove that dependency, or inject it lazily (`Lazy<{}>`)",
                names.join(" -> "),
                first.type_name()
            ));
            continue;
        };
        let second = graph.slots[second].provider.token;
        cycles.push(format!(
            "dependency cycle: {}; break it by injecting one side lazily, e.g. `Lazy<{}>` instead of `Inject<{}>` in {}",
            names.join(" -> "),
            second.type_name(),
            second.type_name(),
            first
        ));
    }
    if cycles.is_empty() {
        Ok(order)
    } else {
        Err(cycles)
    }
}
