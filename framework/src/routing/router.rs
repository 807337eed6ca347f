use std::collections::HashMap;

use http::header::{HeaderName, HeaderValue, LOCATION};
use http::{Method, StatusCode};

use super::{ArgKind, HostPattern, RouteDef, RouteMethod};
use crate::controller::{BoundHandler, ControllerDef, Instance};
use crate::di::Container;
use crate::request::PathParams;
use crate::request::params::MAX_PARAMS;
use crate::response::Response;

/// One handler, ready to serve: everything the macros declared is turned into
/// header values and status codes here, once, so the request path only copies.
pub(crate) struct Endpoint {
    pub(crate) def: &'static RouteDef,
    pub(crate) controller: &'static str,
    pub(crate) handler: BoundHandler,
    pub(crate) host: Option<HostPattern>,
    /// 200, 201 for POST, or `#[http_code]`.
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) redirect: Option<(StatusCode, HeaderValue)>,
    /// The full path with the global prefix, in Nest syntax.
    pub(crate) path: String,
    /// For each handler parameter: the provider slot of an `Inject<T>`.
    pub(crate) inject_slots: Vec<Option<usize>>,
}

impl Endpoint {
    pub(crate) fn param_index(&self, name: &str) -> Option<usize> {
        self.def.params.iter().position(|p| *p == name)
    }

    /// Applies what the route declared: the default status (201 for POST or
    /// `#[http_code]`) replaces a plain 200, `#[header]`s are added to
    /// successful responses, and `#[redirect]` replaces a successful response
    /// unless the handler returned its own redirect (as in Nest).
    #[inline]
    pub(crate) fn respond(&self, response: &mut Response) {
        // Most routes declare nothing: no call for them.
        if self.redirect.is_some() || self.status != StatusCode::OK || !self.headers.is_empty() {
            self.apply_declared(response);
        }
    }

    fn apply_declared(&self, response: &mut Response) {
        let status = response.status();
        if let Some((code, location)) = &self.redirect
            && status.is_success()
        {
            let mut redirect = Response::new(Default::default());
            *redirect.status_mut() = *code;
            redirect.headers_mut().insert(LOCATION, location.clone());
            *response = redirect;
            return;
        }
        if status == StatusCode::OK && self.status != StatusCode::OK {
            *response.status_mut() = self.status;
        }
        if status.as_u16() < 400 {
            for (name, value) in &self.headers {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }

    pub(crate) fn label(&self) -> String {
        format!("{}::{}", self.controller, self.def.handler)
    }

    fn describe(&self) -> String {
        format!(
            "{} {} ({})",
            self.def.method.as_str(),
            self.path,
            self.label()
        )
    }
}

/// A constructed controller and the module it belongs to.
pub(crate) struct MountedController {
    pub(crate) def: &'static ControllerDef,
    pub(crate) instance: Instance,
    pub(crate) module: usize,
}

/// A route conflict or an invalid route, found while building the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteConflict(pub(crate) String);

impl std::fmt::Display for RouteConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of one lookup.
pub(crate) enum Lookup {
    Found {
        endpoint: usize,
        params: PathParams,
    },
    /// No OPTIONS handler, but the path exists: Express answers with `Allow`.
    AutoOptions(String),
    NotFound,
}

const METHOD_COUNT: usize = 8;
const ALL_METHODS: [RouteMethod; METHOD_COUNT] = [
    RouteMethod::Get,
    RouteMethod::Post,
    RouteMethod::Put,
    RouteMethod::Patch,
    RouteMethod::Delete,
    RouteMethod::Options,
    RouteMethod::Head,
    RouteMethod::All,
];

/// One matchit router per method, so `GET /cats/:id` and `DELETE /cats/:cat_id`
/// can coexist as they do in Express; each value is a list of endpoints that
/// differ only by host pattern.
pub(crate) struct Router {
    endpoints: Vec<Endpoint>,
    methods: [matchit::Router<usize>; METHOD_COUNT],
    slots: Vec<Vec<usize>>,
    /// The paths without parameters, per method, to their slot: one hash and
    /// one comparison find `/plaintext` where matchit walks its tree. matchit
    /// ranks a static route above any parameter at every position, so a hit
    /// here is what matchit would have found.
    statics: [HashMap<Box<str>, usize, foldhash::fast::RandomState>; METHOD_COUNT],
    /// Whether a controller has a host pattern (else lookups ignore the host).
    has_hosts: bool,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.endpoints.iter().map(Endpoint::describe))
            .finish()
    }
}

fn escape(prefix: &str) -> String {
    prefix.replace('{', "{{").replace('}', "}}")
}

impl Router {
    pub(crate) fn endpoint(&self, index: usize) -> &Endpoint {
        &self.endpoints[index]
    }

    /// Whether lookups need the request's host. Finding and checking the
    /// `Host` header costs about 250 instructions per request, so apps
    /// without host patterns skip it.
    pub(crate) fn has_hosts(&self) -> bool {
        self.has_hosts
    }

    pub(crate) fn endpoints(&self) -> impl Iterator<Item = &Endpoint> {
        self.endpoints.iter()
    }

    /// Builds the table, reporting every problem at once.
    pub(crate) fn build(
        controllers: &[MountedController],
        global_prefix: &str,
        container: &Container,
    ) -> Result<Router, Vec<RouteConflict>> {
        let mut problems = Vec::new();
        let mut router = Router {
            endpoints: Vec::new(),
            methods: Default::default(),
            slots: Vec::new(),
            statics: Default::default(),
            has_hosts: false,
        };
        let prefix = global_prefix.trim_matches('/');
        // (method slot, matchit path) -> slot index, to group host variants.
        let mut by_path: HashMap<(usize, String), usize> = HashMap::new();
        for MountedController {
            def: controller,
            instance,
            module,
        } in controllers
        {
            let controller = *controller;
            let host = controller.host.map(HostPattern::new);
            for def in controller.routes {
                let Some(handler) = (def.bind)(instance.clone()) else {
                    problems.push(RouteConflict(format!(
                        "{}::{}: the controller instance has the wrong type (a bug in nestling)",
                        controller.name, def.handler
                    )));
                    continue;
                };
                let (path, matchit_path, empty_wildcard) = if prefix.is_empty() {
                    (
                        def.path.to_string(),
                        def.matchit_path.to_string(),
                        def.empty_wildcard_path.map(str::to_string),
                    )
                } else {
                    let join = |p: &str, escaped: bool| {
                        let prefix = if escaped {
                            escape(prefix)
                        } else {
                            prefix.to_string()
                        };
                        if p == "/" {
                            format!("/{prefix}")
                        } else {
                            format!("/{prefix}{p}")
                        }
                    };
                    (
                        join(def.path, false),
                        join(def.matchit_path, true),
                        def.empty_wildcard_path.map(|p| join(p, true)),
                    )
                };
                let endpoint = Endpoint {
                    def,
                    controller: controller.name,
                    handler,
                    host: controller.host.map(HostPattern::new),
                    status: match (def.http_code, def.method) {
                        (Some(code), _) => StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
                        (None, RouteMethod::Post) => StatusCode::CREATED,
                        (None, _) => StatusCode::OK,
                    },
                    headers: Vec::new(),
                    redirect: None,
                    path,
                    inject_slots: def
                        .args
                        .iter()
                        .map(|arg| match arg.kind {
                            ArgKind::Provider(token) => container.graph.resolve(*module, token()),
                            _ => None,
                        })
                        .collect(),
                };
                let mut endpoint = endpoint;
                check_args(&endpoint, host.as_ref(), &mut problems);
                for (name, value) in def.headers {
                    match (
                        HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(value),
                    ) {
                        (Ok(n), Ok(v)) => endpoint.headers.push((n, v)),
                        _ => problems.push(RouteConflict(format!(
                            "{}: invalid #[header({name:?}, {value:?})]",
                            endpoint.label()
                        ))),
                    }
                }
                if let Some((url, code)) = def.redirect {
                    match (StatusCode::from_u16(code), HeaderValue::from_str(url)) {
                        (Ok(s), Ok(v)) if s.is_redirection() => endpoint.redirect = Some((s, v)),
                        _ => problems.push(RouteConflict(format!(
                            "{}: invalid #[redirect({url:?}, {code})]",
                            endpoint.label()
                        ))),
                    }
                }
                if def.params.len() > MAX_PARAMS {
                    problems.push(RouteConflict(format!(
                        "{}: a route can have at most {MAX_PARAMS} path parameters",
                        endpoint.describe()
                    )));
                }
                let index = router.endpoints.len();
                router.endpoints.push(endpoint);
                let method = def.method.slot();
                let reported = problems.len();
                router.insert(method, matchit_path, index, &mut by_path, &mut problems);
                // A route refused for its wildcard would be refused again,
                // less clearly, for its empty-wildcard alias: report it once.
                if let Some(alias) = empty_wildcard
                    && problems.len() == reported
                {
                    router.insert(method, alias, index, &mut by_path, &mut problems);
                }
            }
        }
        router.has_hosts = router.endpoints.iter().any(|e| e.host.is_some());
        if problems.is_empty() {
            Ok(router)
        } else {
            Err(problems)
        }
    }

    fn insert(
        &mut self,
        method: usize,
        matchit_path: String,
        index: usize,
        by_path: &mut HashMap<(usize, String), usize>,
        problems: &mut Vec<RouteConflict>,
    ) {
        let key = (method, matchit_path.clone());
        if let Some(&slot) = by_path.get(&key) {
            let new = &self.endpoints[index];
            let same_host = self.slots[slot].iter().find(|&&e| {
                self.endpoints[e].host.as_ref().map(|h| h.source)
                    == new.host.as_ref().map(|h| h.source)
            });
            match same_host {
                Some(&existing) => problems.push(RouteConflict(format!(
                    "{} {} is declared twice: by {} and by {}; remove one, or change one path",
                    new.def.method.as_str(),
                    new.path,
                    self.endpoints[existing].label(),
                    new.label()
                ))),
                None => self.slots[slot].push(index),
            }
            return;
        }
        let slot = self.slots.len();
        match self.methods[method].insert(matchit_path.clone(), slot) {
            Ok(()) => {
                self.slots.push(vec![index]);
                // Braces mark parameters, or are escaped (`{{`): neither is a
                // path the request can spell byte for byte.
                if !matchit_path.contains(['{', '}']) {
                    self.statics[method].insert(matchit_path.into(), slot);
                }
                by_path.insert(key, slot);
            }
            Err(matchit::InsertError::Conflict { with }) => {
                let new = &self.endpoints[index];
                let other = by_path
                    .get(&(method, with.clone()))
                    .and_then(|&s| self.slots[s].first())
                    .map(|&e| self.endpoints[e].describe())
                    .unwrap_or(with);
                problems.push(RouteConflict(format!(
                    "{} conflicts with {other}: the same position holds differently named parameters or wildcards; use the same name in both paths, or change one of them",
                    new.describe()
                )));
            }
            Err(error) => problems.push(RouteConflict(format!(
                "{}: invalid route path: {error}",
                self.endpoints[index].describe()
            ))),
        }
    }

    fn find(&self, method: RouteMethod, path: &str, host: Option<&str>) -> Option<Lookup> {
        let (slot, params) = match self.statics[method.slot()].get(path) {
            Some(&slot) => (slot, PathParams::default()),
            None => {
                let matched = self.methods[method.slot()].at(path).ok()?;
                let params = PathParams::from_match(path, matched.params.iter().map(|(_, v)| v));
                (*matched.value, params)
            }
        };
        let endpoint =
            self.slots[slot]
                .iter()
                .copied()
                .find(|&e| match &self.endpoints[e].host {
                    None => true,
                    Some(pattern) => host.is_some_and(|h| pattern.matches(h)),
                })?;
        Some(Lookup::Found { endpoint, params })
    }

    /// Finds the endpoint for a request. `HEAD` falls back to `GET`, any method
    /// to `#[all]`, a trailing slash is ignored (Express's non-strict routing),
    /// and an unhandled `OPTIONS` on a known path lists the allowed methods.
    pub(crate) fn lookup(&self, method: &Method, path: &str, host: Option<&str>) -> Lookup {
        let requested = RouteMethod::from_http(method);
        // The common case in one probe: a path without parameters, for the
        // method asked, where no controller has a host pattern (so its slot
        // holds one endpoint). `find` would give the same answer first.
        if !self.has_hosts
            && let Some(requested) = requested
            && let Some(&slot) = self.statics[requested.slot()].get(path)
            && let [endpoint] = self.slots[slot][..]
        {
            return Lookup::Found {
                endpoint,
                params: PathParams::default(),
            };
        }
        self.lookup_slow(requested, path, host)
    }

    /// [`lookup`](Self::lookup) for everything else: parameters, `HEAD`
    /// falling back to `GET`, `#[all]`, a trailing slash, host patterns.
    #[inline(never)]
    fn lookup_slow(
        &self,
        requested: Option<RouteMethod>,
        path: &str,
        host: Option<&str>,
    ) -> Lookup {
        let candidates: &[RouteMethod] = match requested {
            Some(RouteMethod::Head) => &[RouteMethod::Head, RouteMethod::Get, RouteMethod::All],
            Some(RouteMethod::Get) => &[RouteMethod::Get, RouteMethod::All],
            Some(RouteMethod::Post) => &[RouteMethod::Post, RouteMethod::All],
            Some(RouteMethod::Put) => &[RouteMethod::Put, RouteMethod::All],
            Some(RouteMethod::Patch) => &[RouteMethod::Patch, RouteMethod::All],
            Some(RouteMethod::Delete) => &[RouteMethod::Delete, RouteMethod::All],
            Some(RouteMethod::Options) => &[RouteMethod::Options, RouteMethod::All],
            Some(RouteMethod::All) | None => &[RouteMethod::All],
        };
        let trimmed = if path.len() > 1 && path.ends_with('/') {
            Some(&path[..path.len() - 1])
        } else {
            None
        };
        for candidate in [Some(path), trimmed].into_iter().flatten() {
            for &m in candidates {
                if let Some(found) = self.find(m, candidate, host) {
                    return found;
                }
            }
        }
        if requested == Some(RouteMethod::Options) {
            let allow = self.allowed(path, host);
            if !allow.is_empty() {
                return Lookup::AutoOptions(allow);
            }
        }
        Lookup::NotFound
    }

    /// Express's `Allow` list for a path: the methods with a handler, HEAD
    /// implied by GET.
    fn allowed(&self, path: &str, host: Option<&str>) -> String {
        let mut allow: Vec<&str> = Vec::new();
        for m in ALL_METHODS {
            if m == RouteMethod::All || self.find(m, path, host).is_none() {
                continue;
            }
            allow.push(m.as_str());
            if m == RouteMethod::Get && self.find(RouteMethod::Head, path, host).is_none() {
                allow.push("HEAD");
            }
        }
        allow.join(",")
    }
}

fn check_args(endpoint: &Endpoint, host: Option<&HostPattern>, problems: &mut Vec<RouteConflict>) {
    let def = endpoint.def;
    let mut body_args: Vec<String> = Vec::new();
    for arg in def.args {
        let shown = format!("`{}: {}`", arg.name, arg.type_name);
        match arg.kind {
            ArgKind::PathParam if !def.params.contains(&arg.name) => {
                let available = if def.params.is_empty() {
                    "the path has no parameters".to_string()
                } else {
                    format!(
                        "its parameters are: {}",
                        def.params
                            .iter()
                            .map(|p| format!(":{p}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                problems.push(RouteConflict(format!(
                    "{}: parameter {shown} reads the path parameter `:{}`, but {} {} has none ({available}); rename the argument, or use `Params<T>` for all of them",
                    endpoint.label(), arg.name, def.method.as_str(), endpoint.path
                )));
            }
            ArgKind::HostParam if !host.is_some_and(|h| h.has_param(arg.name)) => {
                problems.push(RouteConflict(format!(
                    "{}: parameter {shown} reads the host parameter `:{}`, but the controller's host pattern {}; rename the argument or add it to `#[controller(host = \"...\")]`",
                    endpoint.label(),
                    arg.name,
                    match host {
                        Some(h) => format!("`{}` has no such parameter", h.source),
                        None => "is not set".to_string(),
                    }
                )));
            }
            ArgKind::Body => body_args.push(shown),
            _ => {}
        }
    }
    if body_args.len() > 1 {
        problems.push(RouteConflict(format!(
            "{}: the request body can be read only once, but {} all read it; keep one",
            endpoint.label(),
            body_args.join(", ")
        )));
    }
}
