//! Uploaded images: which formats we accept, told by their first bytes, never by their name.

/// The largest image we store.
pub const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// The content type of an image in a format we serve (PNG, JPEG, GIF, WebP), or `None`.
pub fn content_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic_bytes() {
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n rest"), Some("image/png"));
        assert_eq!(content_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(content_type(b"RIFF1234WEBPVP8 "), Some("image/webp"));
        assert_eq!(content_type(b"<svg onload=alert(1)>"), None);
        assert_eq!(content_type(b""), None);
    }
}
