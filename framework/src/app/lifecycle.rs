//! Runs the lifecycle hooks of every instance, in dependency order on the way
//! up and in reverse on the way down, awaiting each one as Nest does.

use crate::di::{Erased, Hooks};

/// Every singleton and controller that implements at least one hook, in
/// instantiation order (dependencies first).
#[derive(Default)]
pub(crate) struct Lifecycle {
    instances: Vec<(Hooks, Erased)>,
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Lifecycle({} instances with hooks)",
            self.instances.len()
        )
    }
}

impl Lifecycle {
    pub(crate) fn push(&mut self, hooks: Hooks, instance: Erased) {
        let any = hooks.on_module_init.is_some()
            || hooks.on_application_bootstrap.is_some()
            || hooks.on_module_destroy.is_some()
            || hooks.before_application_shutdown.is_some()
            || hooks.on_application_shutdown.is_some();
        if any {
            self.instances.push((hooks, instance));
        }
    }

    /// `on_module_init` for all, then `on_application_bootstrap` for all.
    pub(crate) async fn init(&self) {
        for (hooks, instance) in &self.instances {
            if let Some(hook) = hooks.on_module_init {
                hook(instance).await;
            }
        }
        for (hooks, instance) in &self.instances {
            if let Some(hook) = hooks.on_application_bootstrap {
                hook(instance).await;
            }
        }
    }

    /// `on_module_destroy`, then `before_application_shutdown`, in reverse order.
    pub(crate) async fn destroy(&self, signal: Option<&str>) {
        for (hooks, instance) in self.instances.iter().rev() {
            if let Some(hook) = hooks.on_module_destroy {
                hook(instance).await;
            }
        }
        for (hooks, instance) in self.instances.iter().rev() {
            if let Some(hook) = hooks.before_application_shutdown {
                hook(instance, signal).await;
            }
        }
    }

    /// `on_application_shutdown`, in reverse order, after the server closed.
    pub(crate) async fn shutdown(&self, signal: Option<&str>) {
        for (hooks, instance) in self.instances.iter().rev() {
            if let Some(hook) = hooks.on_application_shutdown {
                hook(instance, signal).await;
            }
        }
    }
}
