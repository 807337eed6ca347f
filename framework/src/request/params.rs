//! Path parameters as byte ranges into the request path: matching allocates
//! nothing, and decoding happens only when an injector asks.

/// The most parameters one route may have (checked at start-up).
pub(crate) const MAX_PARAMS: usize = 8;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PathParams {
    ranges: [(u32, u32); MAX_PARAMS],
    len: u8,
}

impl PathParams {
    /// Records the params of a match; `path` is the string that was matched.
    pub(crate) fn from_match<'p>(path: &'p str, values: impl Iterator<Item = &'p str>) -> Self {
        let mut params = PathParams::default();
        let base = path.as_ptr() as usize;
        for value in values.take(MAX_PARAMS) {
            let start = value.as_ptr() as usize - base;
            params.ranges[params.len as usize] = (start as u32, (start + value.len()) as u32);
            params.len += 1;
        }
        params
    }

    /// The raw (still percent-encoded) value of the `index`-th parameter.
    pub(crate) fn raw<'p>(&self, path: &'p str, index: usize) -> Option<&'p str> {
        if index >= self.len as usize {
            return None;
        }
        let (start, end) = self.ranges[index];
        path.get(start as usize..end as usize)
    }
}
