//! Walks the module graph from the root: which controllers are mounted.

use std::any::TypeId;
use std::collections::HashMap;

use crate::controller::{ControllerDef, Instance};
use crate::module::ModuleDef;

/// Every controller reachable from `root`, constructed, in import order
/// (imports before the importing module, as Nest registers them).
pub(crate) fn controllers(
    root: &'static ModuleDef,
) -> Result<Vec<(&'static ControllerDef, Instance)>, Vec<String>> {
    let mut visited: Vec<TypeId> = Vec::new();
    let mut order: Vec<&'static ModuleDef> = Vec::new();
    visit(root, &mut visited, &mut order);

    let mut problems = Vec::new();
    let mut owner: HashMap<TypeId, &'static str> = HashMap::new();
    let mut controllers = Vec::new();
    for module in order {
        for controller in module.controllers {
            let def = controller();
            match owner.get(&(def.type_id)()) {
                Some(first) => problems.push(format!(
                    "{} is listed in the controllers of both {first} and {}; a controller belongs to one module: remove it from one of them",
                    def.name, module.name
                )),
                None => {
                    owner.insert((def.type_id)(), module.name);
                    controllers.push((def, (def.construct)()));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(controllers)
    } else {
        Err(problems)
    }
}

fn visit(
    module: &'static ModuleDef,
    visited: &mut Vec<TypeId>,
    order: &mut Vec<&'static ModuleDef>,
) {
    let id = (module.type_id)();
    if visited.contains(&id) {
        return;
    }
    visited.push(id);
    for import in module.imports {
        visit(import(), visited, order);
    }
    order.push(module);
}
