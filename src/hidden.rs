//! Characters that must not reach a terminal or a log as they are, and
//! how to show them instead. Every text from the site that partnerbook
//! prints (a value, a file name, a message quoting either) goes through
//! [`visible`] first, so an escape sequence in a record cannot move the
//! cursor, rewrite the clipboard or reverse a path in a CI log.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or a log as it is: a control
/// character other than tab and newline (C0, DEL, C1 such as U+009B, the
/// one-byte CSI), an invisible format character (general category Cf: the
/// bidi controls that reverse a path in a CI log, U+200B, U+FEFF, ...), or
/// a line or paragraph separator. The table is the Unicode one, from
/// `unicode-general-category`, so a new format character is covered when
/// the crate is updated.
pub(crate) fn is_hidden(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_control() && c != '\t' && c != '\n';
    }
    matches!(
        get_general_category(c),
        G::Control | G::Format | G::LineSeparator | G::ParagraphSeparator
    )
}

/// `s` with every [hidden](is_hidden) character written as `<U+202E>`, so
/// what a terminal or a log shows is what the file holds.
pub(crate) fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_hidden(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown_as_code_points() {
        let cases = [
            ("\x1b]8;;http://x\x1b\\", "<U+001B>]8;;http://x<U+001B>\\"),
            ("a\u{9b}31mb", "a<U+009B>31mb"),
            ("\u{202e}gpj.exe", "<U+202E>gpj.exe"),
            (
                "x\u{200b}\u{2060}\u{feff}\u{61c}\u{200e}",
                "x<U+200B><U+2060><U+FEFF><U+061C><U+200E>",
            ),
            (
                "bell\x07 del\x7f cr\r",
                "bell<U+0007> del<U+007F> cr<U+000D>",
            ),
            ("line\u{2028}sep", "line<U+2028>sep"),
            ("tab\tand\nnewline", "tab\tand\nnewline"),
            ("Northwind عربي עברית 日本", "Northwind عربي עברית 日本"),
        ];
        for (raw, shown) in cases {
            assert_eq!(visible(raw), shown, "{raw:?}");
        }
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }
}
