//! Turning the bytes of a text table into a string.
//!
//! A byte-order mark decides when there is one (UTF-8, UTF-16 LE, UTF-16 BE). Without one, bytes
//! that are valid UTF-8 are read as UTF-8, and anything else as Windows-1252, which is what Excel
//! on Windows writes for "CSV (Comma delimited)".
//!
//! The choice is made once for the whole file. A file that holds UTF-8 text (Devanagari, say)
//! and also bytes that are not UTF-8 has had two encodings pasted together: read either way,
//! part of it would turn into mojibake, so it is refused, naming a line of each kind. Valid
//! UTF-8 is never touched.

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// Text decoded from a file, with the name of the encoding it was read as.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
    /// Set when the bytes read as Windows-1252 also hold UTF-8 text: the caller refuses such a
    /// file once it knows the file is text at all.
    pub mixed: Option<Mixed>,
}

/// A file holding UTF-8 text beside bytes that are not UTF-8, with a 1-based line of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mixed {
    pub utf8_line: usize,
    pub other_line: usize,
}

/// Decodes a whole text file; see the module documentation for the rules.
pub(crate) fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return match std::str::from_utf8(rest) {
            Ok(text) => Decoded {
                text: Cow::Borrowed(text),
                encoding: "utf-8-bom",
                mixed: None,
            },
            Err(_) => windows_1252(rest),
        };
    }
    if let Some(rest) = bytes.strip_prefix(UTF16LE_BOM) {
        // An odd trailing byte or a lone surrogate becomes U+FFFD rather than failing the file.
        let (text, _) = UTF_16LE.decode_without_bom_handling(rest);
        return Decoded {
            text,
            encoding: "utf-16le",
            mixed: None,
        };
    }
    if let Some(rest) = bytes.strip_prefix(UTF16BE_BOM) {
        let (text, _) = UTF_16BE.decode_without_bom_handling(rest);
        return Decoded {
            text,
            encoding: "utf-16be",
            mixed: None,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: Cow::Borrowed(text),
            encoding: "utf-8",
            mixed: None,
        },
        Err(_) => windows_1252(bytes),
    }
}

/// Reads bytes that are not UTF-8 as Windows-1252, noting whether some of them are UTF-8 text.
fn windows_1252(bytes: &[u8]) -> Decoded<'_> {
    // Every byte has a Windows-1252 meaning, so this cannot fail.
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding: "windows-1252",
        mixed: mixed(bytes),
    }
}

/// Where bytes that are not UTF-8 hold a multi-byte UTF-8 character as well as a byte that
/// cannot be UTF-8. Windows-1252 text almost never forms a multi-byte UTF-8 character by chance:
/// that needs a lead byte from Â to ô followed by the right number of bytes from 0x80 to 0xBF.
fn mixed(bytes: &[u8]) -> Option<Mixed> {
    let mut first_utf8 = None;
    let mut first_other = None;
    let mut offset = 0;
    let mut rest = bytes;
    while first_utf8.is_none() || first_other.is_none() {
        let (valid, error) = match std::str::from_utf8(rest) {
            Ok(valid) => (valid, None),
            Err(e) => (
                // The prefix up to the error is valid by definition.
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                Some(e),
            ),
        };
        if first_utf8.is_none() {
            first_utf8 = valid
                .bytes()
                .position(|b| !b.is_ascii())
                .map(|i| offset + i);
        }
        let Some(e) = error else { break };
        first_other.get_or_insert(offset + e.valid_up_to());
        // A character cut off by the end of the file counts as one bad byte run.
        let skip = e.valid_up_to() + e.error_len().unwrap_or(rest.len() - e.valid_up_to());
        offset += skip;
        rest = &rest[skip..];
    }
    let line = |at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    Some(Mixed {
        utf8_line: line(first_utf8?),
        other_line: line(first_other?),
    })
}

/// Whether the start of a file reads as text; the cut may fall inside a UTF-8 character.
pub(crate) fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(UTF16LE_BOM) || head.starts_with(UTF16BE_BOM) {
        return true;
    }
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let text = match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        // No error length means the bytes only stop mid-character, which the cut explains.
        Err(e) if e.error_len().is_none() => {
            Cow::Borrowed(std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => WINDOWS_1252.decode_without_bom_handling(body).0,
    };
    first_binary_line(&text).is_none()
}

/// The line where decoded text first shows it is really binary data, or `None` for text.
///
/// A NUL never appears in a text table. Other control characters do turn up one at a time in
/// real exports, so they only count as binary when they are more than 1% of the characters.
pub(crate) fn first_binary_line(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut chars = 0usize;
    let mut controls = 0usize;
    let mut first_control = None;
    for c in text.chars() {
        chars += 1;
        match c {
            '\n' => line += 1,
            '\0' => return Some(line),
            '\t' | '\r' | '\x0c' => {}
            c if c.is_control() => {
                controls += 1;
                first_control.get_or_insert(line);
            }
            _ => {}
        }
    }
    if controls * 100 > chars {
        first_control
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_is_kept_exactly() {
        let decoded = decode("बनारसी साड़ी,ok".as_bytes());
        assert_eq!(decoded.encoding, "utf-8");
        assert_eq!(decoded.text, "बनारसी साड़ी,ok");
    }

    #[test]
    fn utf8_bom_is_removed() {
        let decoded = decode(b"\xEF\xBB\xBFState");
        assert_eq!(decoded.encoding, "utf-8-bom");
        assert_eq!(decoded.text, "State");
    }

    #[test]
    fn windows_1252_bytes_decode_to_their_characters() {
        let decoded = decode(b"Caf\xe9 \x92s");
        assert_eq!(decoded.encoding, "windows-1252");
        assert_eq!(decoded.text, "Caf\u{e9} \u{2019}s");
    }

    #[test]
    fn utf8_text_beside_other_bytes_is_refused_naming_both_lines() {
        let mut bytes = "Name\nसाड़ी\nok\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"Caf\xe9\n");
        assert_eq!(
            decode(&bytes).mixed.unwrap(),
            Mixed {
                utf8_line: 2,
                other_line: 4
            }
        );
        // The other order, and behind a byte-order mark.
        let mut bytes = b"\xEF\xBB\xBFCaf\xe9\n".to_vec();
        bytes.extend_from_slice("ok\nसाड़ी".as_bytes());
        assert_eq!(
            decode(&bytes).mixed.unwrap(),
            Mixed {
                utf8_line: 3,
                other_line: 1
            }
        );
    }

    #[test]
    fn a_file_cut_inside_a_character_with_no_other_utf8_is_windows_1252() {
        // \xE0\xA4 starts a Devanagari letter that the end of the file cuts off.
        let decoded = decode(b"Caf\xe9 \xE0\xA4");
        assert_eq!(decoded.encoding, "windows-1252");
        assert_eq!(decoded.mixed, None);
    }

    #[test]
    fn utf16_both_byte_orders() {
        let le: Vec<u8> = [0xFF, 0xFE, b'A', 0, 0x28, 0x09].to_vec();
        let decoded = decode(&le);
        assert_eq!(decoded.encoding, "utf-16le");
        assert_eq!(decoded.text, "A\u{928}");
        let be: Vec<u8> = [0xFE, 0xFF, 0, b'A', 0x09, 0x28].to_vec();
        let decoded = decode(&be);
        assert_eq!(decoded.encoding, "utf-16be");
        assert_eq!(decoded.text, "A\u{928}");
    }

    #[test]
    fn binary_detection_names_the_line() {
        assert_eq!(first_binary_line("a,b\nc,d\n"), None);
        assert_eq!(first_binary_line("a,b\nc\0d\n"), Some(2));
        assert_eq!(first_binary_line("\x01\x02\x03\nx"), Some(1));
        let mostly_text = format!("{}\x0b", "a".repeat(200));
        assert_eq!(first_binary_line(&mostly_text), None);
    }

    #[test]
    fn cut_inside_a_character_still_counts_as_text() {
        let bytes = "नमस्ते".as_bytes();
        assert!(looks_like_text(&bytes[..bytes.len() - 1]));
        assert!(!looks_like_text(b"\x00\x00\x00\x00"));
    }
}
