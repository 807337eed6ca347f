//! Content types by file extension: the types a web app's public folder
//! holds, text ones with `charset=utf-8` (as `send` adds a charset to text
//! types). Anything else is `application/octet-stream`.

use http::HeaderValue;

/// The content type of a file with `extension` (without the dot, any case),
/// or `None` when the extension is unknown.
///
/// ```
/// use nestling::static_files::content_type_of;
/// assert_eq!(content_type_of("CSS").unwrap(), "text/css; charset=utf-8");
/// assert_eq!(content_type_of("woff2").unwrap(), "font/woff2");
/// assert!(content_type_of("unknown").is_none());
/// ```
pub fn content_type_of(extension: &str) -> Option<HeaderValue> {
    // Longest extension in the table is 11 bytes ("webmanifest").
    let mut lower = [0u8; 12];
    let bytes = extension.as_bytes();
    if bytes.len() > lower.len() {
        return None;
    }
    for (slot, byte) in lower.iter_mut().zip(bytes) {
        *slot = byte.to_ascii_lowercase();
    }
    let value = match &lower[..bytes.len()] {
        // text
        b"html" | b"htm" => "text/html; charset=utf-8",
        b"css" => "text/css; charset=utf-8",
        b"js" | b"mjs" | b"cjs" => "text/javascript; charset=utf-8",
        b"txt" | b"text" => "text/plain; charset=utf-8",
        b"csv" => "text/csv; charset=utf-8",
        b"md" | b"markdown" => "text/markdown; charset=utf-8",
        b"xml" => "application/xml; charset=utf-8",
        b"json" | b"map" => "application/json; charset=utf-8",
        b"webmanifest" => "application/manifest+json; charset=utf-8",
        b"svg" => "image/svg+xml; charset=utf-8",
        b"ics" => "text/calendar; charset=utf-8",
        b"vtt" => "text/vtt; charset=utf-8",
        // images
        b"png" => "image/png",
        b"apng" => "image/apng",
        b"jpg" | b"jpeg" => "image/jpeg",
        b"gif" => "image/gif",
        b"webp" => "image/webp",
        b"avif" => "image/avif",
        b"ico" => "image/x-icon",
        b"bmp" => "image/bmp",
        b"tif" | b"tiff" => "image/tiff",
        // fonts
        b"woff" => "font/woff",
        b"woff2" => "font/woff2",
        b"ttf" => "font/ttf",
        b"otf" => "font/otf",
        b"eot" => "application/vnd.ms-fontobject",
        // audio and video
        b"mp3" => "audio/mpeg",
        b"ogg" | b"oga" => "audio/ogg",
        b"wav" => "audio/wav",
        b"weba" => "audio/webm",
        b"flac" => "audio/flac",
        b"mp4" | b"m4v" => "video/mp4",
        b"webm" => "video/webm",
        b"ogv" => "video/ogg",
        // documents and archives
        b"pdf" => "application/pdf",
        b"wasm" => "application/wasm",
        b"zip" => "application/zip",
        b"gz" => "application/gzip",
        b"tar" => "application/x-tar",
        _ => return None,
    };
    Some(HeaderValue::from_static(value))
}

#[cfg(test)]
mod tests {
    use super::content_type_of;

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(content_type_of("html").unwrap(), "text/html; charset=utf-8");
        assert_eq!(
            content_type_of("js").unwrap(),
            "text/javascript; charset=utf-8"
        );
    }

    #[test]
    fn unknown_and_overlong_extensions_have_no_type() {
        assert!(content_type_of("").is_none());
        assert!(content_type_of("exe").is_none());
        assert!(content_type_of("averyveryverylongextension").is_none());
    }
}
