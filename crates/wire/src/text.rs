//! Small text helpers shared by the error types.

/// Longest excerpt of client input quoted back in an error message, in characters.
pub(crate) const MAX_QUOTED_CHARS: usize = 64;

/// Clips client-supplied text for quoting in an error message, so a huge or hostile key
/// cannot blow up a response. Cuts on a character boundary and marks the cut with `…`.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_QUOTED_CHARS) {
        None => s.to_owned(),
        Some((cut, _)) => {
            let mut out = String::with_capacity(cut + 3);
            out.push_str(&s[..cut]);
            out.push('…');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_on_char_boundaries() {
        assert_eq!(clip("abc"), "abc");
        let long = "加".repeat(100);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }
}
