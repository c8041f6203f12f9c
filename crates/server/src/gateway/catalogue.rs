//! The API catalogue: one declaration per method. The gateway dispatches from it; the docs,
//! the API test tool and `GET /api/catalogue` read it.
//!
//! Adding a method is one [`ApiMethod`] in its module's `METHODS` list plus a handler
//! `async fn(&CallCtx, serde_json::Value) -> Result<serde_json::Value, GatewayError>` (or
//! `Result<Reply, _>` for `data` it serialized itself) wrapped with [`handler!`](crate::handler). A new module adds its list to [`GROUPS`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;

use serde_json::{Value, json};

use super::error::GatewayError;
use super::methods;
use super::pipeline::CallCtx;

/// What a handler answers with.
#[derive(Debug)]
pub enum Reply {
    /// `data` as a JSON value (most handlers: `Ok(value)` converts).
    Json(Value),
    /// `data` already serialized, valid JSON the handler wrote itself; for large pages
    /// (`open.order.cursor.list`) rendered straight from the rows without a JSON tree.
    RawJson(Vec<u8>),
}

impl Reply {
    /// `data` serialized straight from a typed value (no JSON tree on the way).
    pub fn serialize(data: &impl serde::Serialize) -> Result<Reply, GatewayError> {
        serde_json::to_vec(data).map(Reply::RawJson).map_err(|e| {
            tracing::error!(error = %e, "gateway: a reply could not be serialized");
            GatewayError::plain(kaifang_wire::ApiError::InternalError)
        })
    }
}

impl From<Value> for Reply {
    fn from(v: Value) -> Self {
        Reply::Json(v)
    }
}

/// What a handler returns.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply, GatewayError>> + Send + 'a>>;
/// A handler: the call's context and its parsed `param`, independent of HTTP.
pub type Handler = for<'a> fn(&'a CallCtx<'a>, Value) -> HandlerFuture<'a>;

/// Wraps `async fn(&CallCtx, Value) -> Result<T, GatewayError>` as a [`Handler`], where `T` is
/// a [`Value`] or a [`Reply`].
#[macro_export]
macro_rules! handler {
    ($f:path) => {{
        fn boxed<'a>(
            ctx: &'a $crate::gateway::CallCtx<'a>,
            param: ::serde_json::Value,
        ) -> $crate::gateway::catalogue::HandlerFuture<'a> {
            Box::pin(async move { $f(ctx, param).await.map(::core::convert::Into::into) })
        }
        boxed as $crate::gateway::catalogue::Handler
    }};
}

/// One documented field of a request or response.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// JSON name.
    pub name: &'static str,
    /// Type as documented: `string`, `long`, `int`, `boolean`, `object`, `array`.
    pub ty: &'static str,
    /// Whether a request must carry it (responses: always present).
    pub required: bool,
    /// What it means.
    pub description: &'static str,
    /// An example value as JSON text (`""` when none is declared); the docs' example request
    /// and the API test tool's starting `param` use it. Set with [`Field::eg`].
    pub example: &'static str,
}

impl Field {
    /// The same field with an example value (JSON text, e.g. `"20000000001"` or `"\"SF123\""`).
    pub const fn eg(self, example: &'static str) -> Field {
        Field { example, ..self }
    }

    /// The example as JSON: the declared one, or a neutral value of the field's type.
    pub fn example_value(&self) -> Value {
        if let Ok(v) = serde_json::from_str(self.example) {
            return v;
        }
        match self.ty {
            "string" => json!(""),
            "boolean" => json!(false),
            "array" => json!([]),
            "object" => json!({}),
            _ => json!(0),
        }
    }
}

/// Shorthand for a [`Field`].
pub const fn field(
    name: &'static str,
    ty: &'static str,
    required: bool,
    description: &'static str,
) -> Field {
    Field {
        name,
        ty,
        required,
        description,
        example: "",
    }
}

/// One API method.
#[derive(Debug, Clone, Copy)]
pub struct ApiMethod {
    /// `open.user.seller.get`.
    pub name: &'static str,
    /// Always 1.
    pub version: u32,
    /// The documented HTTP method (both GET and POST are accepted).
    pub http: &'static str,
    /// The permission package (scope) the token and the app must hold.
    pub scope: &'static str,
    /// Whether it needs a merchant's authorization (a user token, not client_credentials).
    pub needs_user: bool,
    /// Per-app QPS cap for this API (`None`: the app's tier, default 100).
    pub app_qps: Option<u32>,
    /// Per-user QPS cap for this API (`None`: no per-user cap).
    pub user_qps: Option<u32>,
    /// Per-user daily cap for this API (`None`: none), error 1017 when used up.
    pub user_daily_cap: Option<u64>,
    /// One line on what it does.
    pub summary: &'static str,
    /// Business parameters inside `param`.
    pub request: &'static [Field],
    /// Fields of `data`.
    pub response: &'static [Field],
    /// `Some(name)`: the handler's result also goes at the top level of the envelope under
    /// `name`, next to `data` (protocol-notes §2.1: `open.order.decrypt.batch` answers
    /// `batchDecryptResultList` there). `data` then carries `{name: result}` as well, for
    /// clients that only read `data`.
    pub top_level: Option<&'static str>,
    /// The implementation.
    pub handler: Handler,
}

impl ApiMethod {
    /// The same declaration with the fields of `data` documented (for declarations built by a
    /// helper that leaves `response` empty).
    pub const fn returns(self, response: &'static [Field]) -> ApiMethod {
        ApiMethod { response, ..self }
    }

    /// The same declaration with its own QPS caps per app and per user (protocol-notes §6.4
    /// lists them for a few methods; the others use the app's tier).
    pub const fn qps(self, app: u32, user: u32) -> ApiMethod {
        ApiMethod {
            app_qps: Some(app),
            user_qps: Some(user),
            ..self
        }
    }

    /// An example `param`: every required field, and every optional one with a declared example,
    /// as compact JSON in declaration order. The docs sign it; the API test tool starts from it.
    pub fn example_param(&self) -> String {
        let mut out = String::from("{");
        for f in self
            .request
            .iter()
            .filter(|f| f.required || !f.example.is_empty())
        {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&Value::from(f.name).to_string());
            out.push(':');
            out.push_str(&f.example_value().to_string());
        }
        out.push('}');
        out
    }

    /// The declaration as JSON (everything but the handler).
    pub fn to_json(&self) -> Value {
        let fields = |fs: &[Field]| -> Value {
            fs.iter()
                .map(|f| json!({"name": f.name, "type": f.ty, "required": f.required, "description": f.description, "example": f.example_value()}))
                .collect()
        };
        json!({
            "name": self.name,
            "path": kaifang_wire::path::method_to_path(self.name),
            "version": self.version,
            "http": self.http,
            "scope": self.scope,
            "needs_user": self.needs_user,
            "app_qps": self.app_qps,
            "user_qps": self.user_qps,
            "user_daily_cap": self.user_daily_cap,
            "summary": self.summary,
            "request": fields(self.request),
            "response": fields(self.response),
            "example_param": self.example_param(),
            "top_level": self.top_level,
        })
    }
}

/// Every module's declarations.
pub const GROUPS: &[&[ApiMethod]] = &[methods::user::METHODS, methods::commerce::METHODS];

/// A method with its stable index (used to key per-method counters).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Position in [`all`].
    pub index: u32,
    /// The declaration.
    pub method: &'static ApiMethod,
}

static ALL: LazyLock<Vec<&'static ApiMethod>> =
    LazyLock::new(|| GROUPS.iter().flat_map(|g| g.iter()).collect());

/// Looked up on every call with the client's `method` text; never grown after it is built, so
/// foldhash (as the caches use) is safe here and several times cheaper than std's SipHash.
static BY_NAME: LazyLock<HashMap<&'static str, Entry, foldhash::quality::RandomState>> =
    LazyLock::new(|| {
        ALL.iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.name,
                    Entry {
                        index: u32::try_from(i).unwrap_or(u32::MAX),
                        method: m,
                    },
                )
            })
            .collect()
    });

/// Every declared method, in declaration order.
pub fn all() -> &'static [&'static ApiMethod] {
    &ALL
}

/// The method with this name.
pub fn find(name: &str) -> Option<Entry> {
    BY_NAME.get(name).copied()
}

/// `GET /api/catalogue`: every method's declaration.
pub async fn list() -> axum::Json<Value> {
    axum::Json(json!({ "methods": all().iter().map(|m| m.to_json()).collect::<Vec<_>>() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_valid_and_scoped() {
        let mut seen = std::collections::HashSet::new();
        for m in all() {
            assert!(seen.insert(m.name), "{} declared twice", m.name);
            assert!(kaifang_wire::path::is_valid_method(m.name), "{}", m.name);
            assert!(
                kaifang_platform::scopes::find(m.scope).is_some(),
                "{}: unknown scope {}",
                m.name,
                m.scope
            );
            assert_eq!(m.version, 1);
            assert_eq!(find(m.name).map(|e| e.method.name), Some(m.name));
        }
        assert!(find("open.user.seller.get").is_some());
        assert!(find("open.nope").is_none());
    }

    #[test]
    fn every_method_is_documented_with_parseable_examples() {
        for m in all() {
            assert!(!m.summary.is_empty(), "{}: no summary", m.name);
            for f in m.request.iter().chain(m.response) {
                assert!(!f.description.is_empty(), "{}.{}", m.name, f.name);
                assert!(
                    f.example.is_empty() || serde_json::from_str::<Value>(f.example).is_ok(),
                    "{}.{}: example {:?} is not JSON",
                    m.name,
                    f.name,
                    f.example
                );
            }
            let param: Value = serde_json::from_str(&m.example_param()).expect("param is JSON");
            let required = m.request.iter().filter(|f| f.required).count();
            assert!(
                param.as_object().is_some_and(|o| o.len() >= required),
                "{}",
                m.name
            );
        }
        let get = find("open.item.get").unwrap().method;
        assert_eq!(get.example_param(), r#"{"kwaiItemId":20000000001}"#);
    }
}
