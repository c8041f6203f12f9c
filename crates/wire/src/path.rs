//! Method name <-> URL path (protocol-notes §1.2).
//!
//! The path is `/` followed by the method name with every `.` replaced by `/`, and every
//! method starts with `open.`, so every API path starts with `/open/`. The gateway routes on
//! the path and checks that the `method` parameter names the same method.

/// The prefix every API path starts with.
pub const PATH_PREFIX: &str = "/open/";

/// The prefix every API method name starts with.
pub const METHOD_PREFIX: &str = "open.";

/// Longest accepted path, in bytes. Real method names are far shorter (the longest known is
/// about 70 characters); the cap keeps garbage from being copied around.
pub const MAX_PATH_LEN: usize = 256;

/// `"open.item.get"` -> `"/open/item/get"`.
///
/// A plain textual mapping; it does not validate the name (use [`is_valid_method`] for that).
pub fn method_to_path(method: &str) -> String {
    let mut path = String::with_capacity(method.len() + 1);
    path.push('/');
    path.extend(method.chars().map(|c| if c == '.' { '/' } else { c }));
    path
}

/// `"/open/item/get"` -> `Some("open.item.get")`.
///
/// `None` when the path is not under `/open/`, has an empty segment (`//`, a trailing `/`),
/// contains a character outside `[A-Za-z0-9_-]` in a segment (including `.` and `%`), or is
/// longer than [`MAX_PATH_LEN`]. The query string must already be split off.
pub fn path_to_method(path: &str) -> Option<String> {
    if path.len() > MAX_PATH_LEN {
        return None;
    }
    let rest = path.strip_prefix(PATH_PREFIX)?;
    if !rest.split('/').all(is_valid_segment) {
        return None;
    }
    let mut method = String::with_capacity(path.len());
    method.push_str(METHOD_PREFIX);
    method.extend(rest.chars().map(|c| if c == '/' { '.' } else { c }));
    Some(method)
}

/// Whether `method` is a well-formed API method name: `open.` followed by one or more
/// non-empty dot-separated segments of `[A-Za-z0-9_-]`, at most [`MAX_PATH_LEN`] bytes long.
///
/// Exactly the names [`path_to_method`] can produce, so `path_to_method(&method_to_path(m))
/// == Some(m)` for every valid `m`.
pub fn is_valid_method(method: &str) -> bool {
    method.len() < MAX_PATH_LEN
        && method
            .strip_prefix(METHOD_PREFIX)
            .is_some_and(|rest| rest.split('.').all(is_valid_segment))
}

fn is_valid_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_both_ways() {
        assert_eq!(method_to_path("open.item.get"), "/open/item/get");
        assert_eq!(
            method_to_path("open.seller.order.goods.deliver"),
            "/open/seller/order/goods/deliver"
        );
        assert_eq!(
            path_to_method("/open/item/get").as_deref(),
            Some("open.item.get")
        );
        assert_eq!(
            path_to_method("/open/seller/order/goods/deliver").as_deref(),
            Some("open.seller.order.goods.deliver")
        );
    }

    #[test]
    fn rejects_bad_paths() {
        for bad in [
            "",
            "/",
            "/open",
            "/open/",
            "open/item/get",
            "/oauth2/access_token",
            "/open//get",
            "/open/item/get/",
            "/open/item.get",
            "/open/item/%67et",
            "/open/item/get?x=1",
            "/open/it em/get",
            "/open/商品/get",
            "/OPEN/item/get",
        ] {
            assert_eq!(path_to_method(bad), None, "{bad:?}");
        }
        assert_eq!(path_to_method(&format!("/open/{}", "a".repeat(300))), None);
    }

    #[test]
    fn validates_method_names() {
        assert!(is_valid_method("open.item.get"));
        assert!(is_valid_method("open.item_x.get-2"));
        assert!(!is_valid_method("open."));
        assert!(!is_valid_method("open"));
        assert!(!is_valid_method("open..get"));
        assert!(!is_valid_method("item.get"));
        assert!(!is_valid_method("open.item/get"));
    }
}
