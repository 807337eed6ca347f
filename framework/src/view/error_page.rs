//! The page a failed render answers with in debug builds: which handler,
//! which template, and Tera's report (file, line, column, message), so the
//! fix is one glance away. Release builds answer Nest's plain 500 instead.

use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};

use super::ViewError;
use crate::response::Response;

pub(crate) fn render(handler: &str, template: &str, error: &ViewError) -> Response {
    let mut page = Vec::with_capacity(2048);
    page.extend_from_slice(
        b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
          <title>500: the view could not be rendered</title>\n<style>\
          body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
          pre{background:#fff4f4;border-left:4px solid #c00;padding:1rem;overflow:auto}\
          small{color:#666}</style>\n</head>\n<body>\n\
          <h1>The view could not be rendered</h1>\n<p>Template <code>",
    );
    escape(template, &mut page);
    page.extend_from_slice(b"</code>, rendered for <code>");
    escape(handler, &mut page);
    page.extend_from_slice(b"</code>:</p>\n<pre>");
    escape(&error.to_string(), &mut page);
    page.extend_from_slice(
        b"</pre>\n<p><small>This page is shown in debug builds only; \
          release builds answer a plain 500 and log the same report.</small></p>\n\
          </body>\n</html>\n",
    );
    let mut response = Response::new(page.into());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn escape(text: &str, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(text, out);
}
