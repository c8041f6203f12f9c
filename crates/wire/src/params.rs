//! Request intake building blocks (protocol-notes §1.3, §1.4).
//!
//! Clients put parameters in the query string, the body, or both (one official demo sends the
//! same map in both). The gateway decodes each source into `(key, value)` pairs with
//! [`parse_form`] (or [`parse_json_object`] for a JSON body), then [`merge`]s them into the
//! eight [`SystemParams`] and the remaining business parameters.
//!
//! Decoding is deliberately strict. The signature is checked over *decoded* values, so a
//! lenient decoder that silently kept `%zz` as text, or replaced invalid UTF-8, would turn an
//! encoding mistake into a baffling signature mismatch. Instead the client is told which
//! parameter is malformed. Likewise a key repeated with different values is rejected, because
//! "which one wins" would otherwise differ between what was signed and what is used.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use crate::errors::ApiError;
use crate::sign::SignInput;
use crate::text::clip;

/// Why request parameters could not be taken in. Messages name the offending key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    /// A `%` not followed by two hex digits.
    #[error(
        "parameter `{key}` is not valid form-urlencoded: `%` must be followed by two hex digits, found `{found}`; percent-encode the value (a literal `%` is `%25`)"
    )]
    MalformedPercent {
        /// The parameter's name (as far as it could be read; clipped).
        key: String,
        /// The offending escape, e.g. `%zz` or `%4`.
        found: String,
    },
    /// The bytes after percent-decoding are not UTF-8.
    #[error(
        "parameter `{key}` is not valid UTF-8 after percent-decoding: encode text as UTF-8 before percent-encoding it"
    )]
    NotUtf8 {
        /// The parameter's name (as far as it could be read; clipped).
        key: String,
    },
    /// The same key was given twice with different values.
    #[error(
        "parameter `{key}` was sent more than once with different values: send it once (the query string and the body may only repeat a parameter with the same value)"
    )]
    Conflicting {
        /// The parameter's name (clipped).
        key: String,
    },
    /// A JSON body that is not a JSON object.
    #[error(
        "the request body is not a JSON object: send application/x-www-form-urlencoded parameters, or one JSON object of parameters"
    )]
    NotJsonObject,
}

impl ParamsError {
    /// The catalogue entry the gateway answers with.
    pub fn api_error(&self) -> ApiError {
        match self {
            ParamsError::MalformedPercent { .. }
            | ParamsError::NotUtf8 { .. }
            | ParamsError::NotJsonObject => ApiError::MalformedEncoding,
            ParamsError::Conflicting { .. } => ApiError::DuplicateParameter,
        }
    }
}

impl From<&ParamsError> for ApiError {
    fn from(e: &ParamsError) -> ApiError {
        e.api_error()
    }
}

/// A percent-decoding failure, before we know which key to blame.
enum DecodeFault {
    BadPercent(String),
    NotUtf8,
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form component: `+` is a space, `%XX` a byte; anything else is kept as is.
/// `text` is `raw` when it is already known to be UTF-8.
fn decode_component<'a>(raw: &'a [u8], text: Option<&'a str>) -> Result<Cow<'a, str>, DecodeFault> {
    // Most components (appkey, method, version, timestamp, sign...) need no decoding: check
    // them and borrow them whole instead of rebuilding them byte by byte.
    if memchr::memchr2(b'+', b'%', raw).is_none() {
        return match text {
            Some(t) => Ok(Cow::Borrowed(t)),
            None => std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| DecodeFault::NotUtf8),
        };
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex_value);
                let lo = raw.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                    }
                    _ => {
                        let end = raw.len().min(i + 3);
                        let found = String::from_utf8_lossy(&raw[i..end]).into_owned();
                        return Err(DecodeFault::BadPercent(found));
                    }
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| DecodeFault::NotUtf8)
}

fn fault_to_error(fault: DecodeFault, key: String) -> ParamsError {
    match fault {
        DecodeFault::BadPercent(found) => ParamsError::MalformedPercent { key, found },
        DecodeFault::NotUtf8 => ParamsError::NotUtf8 { key },
    }
}

/// Parses an `application/x-www-form-urlencoded` body or query string (without the `?`).
///
/// * Pairs are separated by `&`; the first `=` splits key from value; a pair without `=` has
///   an empty value.
/// * `+` decodes to a space and `%XX` to a byte; bytes that need no encoding are kept.
/// * Strict: a `%` not followed by two hex digits, or a result that is not UTF-8, is an
///   error naming the parameter.
/// * Empty pairs (`a=1&&b=2`, a trailing `&`) and pairs with an empty key (`=x`) are skipped.
///
/// Order and repeats are preserved; [`merge`] deals with repeats.
pub fn parse_form(raw: &[u8]) -> Result<Vec<(String, String)>, ParamsError> {
    Ok(form_pairs(raw)?
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect())
}

/// A decoded key and value, borrowed from the request when they needed no decoding.
pub type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// [`parse_form`] borrowing from `raw` every key and value that needed no decoding (the
/// gateway's intake: most parameters of a call need none).
pub fn form_pairs(raw: &[u8]) -> Result<Vec<Pair<'_>>, ParamsError> {
    // One UTF-8 check of the whole input (a query string always passes): split at ASCII bytes,
    // its pieces are then valid too and need no check of their own.
    let text = std::str::from_utf8(raw).ok();
    let piece = |start: usize, end: usize| (&raw[start..end], text.map(|t| &t[start..end]));
    let mut pairs = Vec::with_capacity(8);
    let mut start = 0;
    while start < raw.len() {
        let end = memchr::memchr(b'&', &raw[start..]).map_or(raw.len(), |i| start + i);
        let pair = start..end;
        start = end + 1;
        if pair.is_empty() {
            continue;
        }
        let eq = memchr::memchr(b'=', &raw[pair.clone()]).map(|i| pair.start + i);
        let (key_at, value_at) = match eq {
            Some(eq) => ((pair.start, eq), (eq + 1, pair.end)),
            None => ((pair.start, pair.end), (pair.end, pair.end)),
        };
        let (raw_key, key_text) = piece(key_at.0, key_at.1);
        let key = decode_component(raw_key, key_text)
            .map_err(|fault| fault_to_error(fault, clip(&String::from_utf8_lossy(raw_key))))?;
        if key.is_empty() {
            continue;
        }
        let (raw_value, value_text) = piece(value_at.0, value_at.1);
        let value = decode_component(raw_value, value_text)
            .map_err(|fault| fault_to_error(fault, clip(&key)))?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// Reads a JSON-object body as parameters (the lenient third intake format, §1.4).
///
/// String values are taken as they are; numbers and booleans as their JSON text (`1`,
/// `true`); `null` members are skipped (absent); objects and arrays as compact JSON. A `param`
/// sent as a JSON *object* rather than a string is therefore re-serialized compactly, and its
/// signature only verifies if the client signed that compact form.
pub fn parse_json_object(raw: &[u8]) -> Result<Vec<(String, String)>, ParamsError> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(raw).map_err(|_| ParamsError::NotJsonObject)?;
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        pairs.push((key, text));
    }
    Ok(pairs)
}

/// The eight system parameters of an API call, as decoded strings (borrowed from the request
/// where no decoding was needed); `None` = absent.
///
/// `Debug` redacts the access token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SystemParams<'a> {
    /// `appkey`.
    pub appkey: Option<Cow<'a, str>>,
    /// `method`.
    pub method: Option<Cow<'a, str>>,
    /// `access_token`.
    pub access_token: Option<Cow<'a, str>>,
    /// `version`.
    pub version: Option<Cow<'a, str>>,
    /// `signMethod` (wire name).
    pub sign_method: Option<Cow<'a, str>>,
    /// `timestamp`.
    pub timestamp: Option<Cow<'a, str>>,
    /// `param`: the raw JSON string, kept byte for byte for the signature check.
    pub param: Option<Cow<'a, str>>,
    /// `sign`.
    pub sign: Option<Cow<'a, str>>,
}

impl<'a> SystemParams<'a> {
    /// The wire names of the system parameters, in struct order.
    pub const KEYS: [&'static str; 8] = [
        "appkey",
        "method",
        "access_token",
        "version",
        "signMethod",
        "timestamp",
        "param",
        "sign",
    ];

    /// The values that are signed (everything but `sign`).
    pub fn sign_input(&self) -> SignInput<'_> {
        SignInput {
            appkey: self.appkey.as_deref(),
            method: self.method.as_deref(),
            access_token: self.access_token.as_deref(),
            version: self.version.as_deref(),
            sign_method: self.sign_method.as_deref(),
            timestamp: self.timestamp.as_deref(),
            param: self.param.as_deref(),
        }
    }

    /// The first required parameter that is absent or blank, by wire name, in the order
    /// `appkey, method, access_token, version, signMethod, timestamp, sign`.
    ///
    /// `param` is not required: several clients leave it out when there are no business
    /// parameters. Whether `access_token` is required for a given call is the gateway's
    /// decision; this reports it like the others.
    pub fn first_missing(&self) -> Option<&'static str> {
        let required = [
            ("appkey", &self.appkey),
            ("method", &self.method),
            ("access_token", &self.access_token),
            ("version", &self.version),
            ("signMethod", &self.sign_method),
            ("timestamp", &self.timestamp),
            ("sign", &self.sign),
        ];
        required
            .into_iter()
            .find(|(_, value)| value.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(name, _)| name)
    }

    fn slot_mut(&mut self, key: &str) -> Option<&mut Option<Cow<'a, str>>> {
        Some(match key {
            "appkey" => &mut self.appkey,
            "method" => &mut self.method,
            "access_token" => &mut self.access_token,
            "version" => &mut self.version,
            "signMethod" => &mut self.sign_method,
            "timestamp" => &mut self.timestamp,
            "param" => &mut self.param,
            "sign" => &mut self.sign,
            _ => return None,
        })
    }
}

impl fmt::Debug for SystemParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self
            .access_token
            .as_ref()
            .map(|t| format!("<redacted, {} bytes>", t.len()));
        f.debug_struct("SystemParams")
            .field("appkey", &self.appkey)
            .field("method", &self.method)
            .field("access_token", &token)
            .field("version", &self.version)
            .field("sign_method", &self.sign_method)
            .field("timestamp", &self.timestamp)
            .field("param", &self.param)
            .field("sign", &self.sign)
            .finish()
    }
}

/// Merges query-string and body parameters into the system parameters and the rest.
///
/// A key may appear several times (within one source or across both) only with the same
/// value; identical repeats collapse to one. A repeat with a different value is
/// [`ParamsError::Conflicting`], naming the key. Other parameters keep the order of their
/// first appearance, query first.
pub fn merge<'a, K, V>(
    query: impl IntoIterator<Item = (K, V)>,
    body: impl IntoIterator<Item = (K, V)>,
) -> Result<(SystemParams<'a>, Vec<(String, String)>), ParamsError>
where
    K: Into<Cow<'a, str>>,
    V: Into<Cow<'a, str>>,
{
    let mut system = SystemParams::default();
    let mut others: Vec<(String, String)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (key, value) in query.into_iter().chain(body) {
        let (key, value) = (key.into(), value.into());
        if let Some(slot) = system.slot_mut(&key) {
            match slot {
                Some(existing) if *existing != value => {
                    return Err(ParamsError::Conflicting { key: clip(&key) });
                }
                Some(_) => {}
                None => *slot = Some(value),
            }
            continue;
        }
        match seen.get(key.as_ref()) {
            Some(&index) => {
                if others.get(index).is_some_and(|(_, v)| *v != value) {
                    return Err(ParamsError::Conflicting { key: clip(&key) });
                }
            }
            None => {
                seen.insert(key.to_string(), others.len());
                others.push((key.into_owned(), value.into_owned()));
            }
        }
    }
    Ok((system, others))
}

/// A suggested freshness window for `timestamp`: 10 minutes either way. The real platform's
/// window is unknown (§8, question 2); the gateway may configure its own.
pub const SUGGESTED_TIMESTAMP_WINDOW_MS: u64 = 10 * 60 * 1000;

/// Parses `timestamp` into Unix milliseconds.
///
/// Accepts exactly 13 ASCII digits (milliseconds, the documented form) or exactly 10 ASCII
/// digits (seconds, as in some official FAQ samples; multiplied by 1000). Together these
/// cover 2001-09-09 to 2286-11-20. Anything else (signs, spaces, other lengths, fractions) is
/// `None`.
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        13 => s.parse().ok(),
        10 => s.parse::<i64>().ok()?.checked_mul(1000),
        _ => None,
    }
}

/// Whether `timestamp_ms` is within `window_ms` of `now_ms`, in either direction.
pub fn timestamp_in_window(timestamp_ms: i64, now_ms: i64, window_ms: u64) -> bool {
    timestamp_ms.abs_diff(now_ms) <= window_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn decodes_forms() {
        let parsed =
            parse_form(b"a=1&b=x+y&c=%7B%22k%22%3A1%7D&&d&e=&=skip&f=%E5%8A%A0&").expect("ok");
        assert_eq!(
            parsed,
            pairs(&[
                ("a", "1"),
                ("b", "x y"),
                ("c", "{\"k\":1}"),
                ("d", ""),
                ("e", ""),
                ("f", "加"),
            ])
        );
        assert_eq!(parse_form(b"").expect("ok"), vec![]);
        assert_eq!(parse_form(b"a=b=c").expect("ok"), pairs(&[("a", "b=c")]));
        assert_eq!(
            parse_form("k=加".as_bytes()).expect("ok"),
            pairs(&[("k", "加")])
        );
    }

    #[test]
    fn malformed_percent_names_the_key() {
        for (raw, key, found) in [
            (&b"param=%zz"[..], "param", "%zz"),
            (b"x=1&sign=ab%4", "sign", "%4"),
            (b"x=%", "x", "%"),
            (b"ke%y=1", "ke%y", "%y"),
        ] {
            match parse_form(raw) {
                Err(ParamsError::MalformedPercent { key: k, found: f }) => {
                    assert_eq!((k.as_str(), f.as_str()), (key, found));
                }
                other => panic!("{raw:?}: {other:?}"),
            }
        }
        let err = parse_form(b"param=%zz").expect_err("bad");
        assert!(err.to_string().contains("`param`"));
        assert_eq!(err.api_error(), ApiError::MalformedEncoding);
    }

    #[test]
    fn non_utf8_names_the_key() {
        assert_eq!(
            parse_form(b"note=%FF"),
            Err(ParamsError::NotUtf8 { key: "note".into() })
        );
        assert_eq!(
            parse_form(b"note=\xff"),
            Err(ParamsError::NotUtf8 { key: "note".into() })
        );
    }

    #[test]
    fn merges_sources() {
        let query = pairs(&[("appkey", "ks1"), ("method", "open.item.get"), ("x", "1")]);
        let body = pairs(&[("param", "{}"), ("appkey", "ks1"), ("x", "1"), ("y", "2")]);
        let (system, others) = merge(query, body).expect("ok");
        assert_eq!(system.appkey.as_deref(), Some("ks1"));
        assert_eq!(system.param.as_deref(), Some("{}"));
        assert_eq!(system.sign, None);
        assert_eq!(others, pairs(&[("x", "1"), ("y", "2")]));
    }

    #[test]
    fn conflicts_name_the_key() {
        let err = merge(pairs(&[("timestamp", "1")]), pairs(&[("timestamp", "2")]))
            .expect_err("conflict");
        assert_eq!(
            err,
            ParamsError::Conflicting {
                key: "timestamp".into()
            }
        );
        assert_eq!(err.api_error(), ApiError::DuplicateParameter);
        let err = merge(pairs(&[("x", "1"), ("x", "2")]), vec![]).expect_err("conflict");
        assert_eq!(err, ParamsError::Conflicting { key: "x".into() });
    }

    #[test]
    fn first_missing_and_debug() {
        let mut p = SystemParams::default();
        assert_eq!(p.first_missing(), Some("appkey"));
        p.appkey = Some("ks1".into());
        p.method = Some("open.item.get".into());
        p.access_token = Some("SECRET_TOKEN".into());
        p.version = Some("1".into());
        p.sign_method = Some("MD5".into());
        p.timestamp = Some(" ".into());
        assert_eq!(p.first_missing(), Some("timestamp"));
        p.timestamp = Some("1700000000000".into());
        p.sign = Some("x".into());
        assert_eq!(p.first_missing(), None);
        let debug = format!("{p:?}");
        assert!(!debug.contains("SECRET_TOKEN"), "{debug}");
        assert!(debug.contains("ks1"));
    }

    #[test]
    fn json_bodies() {
        let parsed = parse_json_object(
            br#"{"appkey":"ks1","timestamp":1700000000000,"param":{"a":1},"n":null,"b":true}"#,
        )
        .expect("ok");
        let mut parsed = parsed;
        parsed.sort();
        assert_eq!(
            parsed,
            pairs(&[
                ("appkey", "ks1"),
                ("b", "true"),
                ("param", "{\"a\":1}"),
                ("timestamp", "1700000000000"),
            ])
        );
        assert_eq!(parse_json_object(b"[1]"), Err(ParamsError::NotJsonObject));
        assert_eq!(parse_json_object(b""), Err(ParamsError::NotJsonObject));
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp_ms("1700000000000"), Some(1_700_000_000_000));
        assert_eq!(parse_timestamp_ms("1615543836"), Some(1_615_543_836_000));
        for bad in [
            "",
            "170000000000",
            "17000000000000",
            "+700000000000",
            "-700000000000",
            " 1700000000000",
            "1700000000.00",
            "１７００００００００",
        ] {
            assert_eq!(parse_timestamp_ms(bad), None, "{bad:?}");
        }
        assert!(timestamp_in_window(1_000, 2_000, 1_000));
        assert!(!timestamp_in_window(1_000, 2_001, 1_000));
        assert!(!timestamp_in_window(i64::MIN, i64::MAX, u64::MAX - 1));
    }
}
