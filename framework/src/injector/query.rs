use serde::de::DeserializeOwned;

use super::Injector;
use crate::exception::{BadRequestException, HttpException};
use crate::request::RequestContext;
use crate::routing::ArgInfo;

/// The query string, deserialised into `T` (Nest's `@Query()`).
///
/// Repeated keys fill `Vec` fields (`?tag=a&tag=b`), as Express's parser
/// makes arrays; missing keys fill `Option` fields with `None`. A query
/// that does not fit `T` answers 400 naming the problem.
///
/// ```
/// use nestling::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct ListCats { limit: Option<usize> }
///
/// #[injectable]
/// struct CatsController;
///
/// #[controller("cats")]
/// impl CatsController {
///     #[get]
///     async fn find_all(&self, query: Query<ListCats>) -> String {
///         format!("limit {:?}", query.limit)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Query<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Send + 'static> Injector for Query<T> {
    type Rejection = HttpException;

    async fn inject(
        ctx: &mut RequestContext,
        _arg: &'static ArgInfo,
    ) -> Result<Self, HttpException> {
        let query = ctx.head().parts().uri.query().unwrap_or("");
        serde_html_form::from_str(query)
            .map(Query)
            .map_err(|e| BadRequestException::new(format!("Invalid query string: {e}")))
    }
}
