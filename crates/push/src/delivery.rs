//! One delivery attempt: encrypt the envelope with the app's push key, POST it as
//! `text/plain;charset=utf-8`, and judge the answer (HTTP 200 and `{"result":1}` within the
//! timeout, protocol-notes §4.1). Every failure carries a reason for the message log.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use kaifang_platform::{Platform, Result};
use kaifang_wire::push::{CONTENT_TYPE, PushKey, is_receipt_ok};

use crate::ssrf::{self, GuardedResolver, Policy};
use crate::tls;

/// The largest receipt body read; a receipt is a few bytes.
const MAX_RECEIPT_BYTES: usize = 4096;

/// Idle connections kept per receiver (connection reuse: a delivery on a kept connection costs
/// no TCP or TLS handshake).
const IDLE_PER_HOST: usize = 256;

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receipt was correct.
    pub ok: bool,
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// From sending to the end of the answer (or the failure), ms.
    pub latency_ms: i64,
    /// Why it failed.
    pub reason: Option<String>,
}

type Connector = HttpsConnector<HttpConnector<GuardedResolver>>;

/// What went over the wire in one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The encrypted body sent (Base64).
    pub body: String,
    /// The answer's body (up to 4 KiB), when an answer came.
    pub receipt: Option<String>,
}

/// The HTTP side of delivery: one client (connection pool) shared by every endpoint. Plain
/// hyper over rustls: no redirects followed, no proxy, names resolved through the SSRF guard.
#[derive(Debug, Clone)]
pub struct Sender {
    client: Client<Connector, Full<Bytes>>,
    timeout: Duration,
    policy: Policy,
}

impl Sender {
    /// A sender with the receipt timeout, the SSRF policy of the platform's mode and a TLS
    /// configuration (see [`tls::client_config`]).
    pub fn new(timeout_ms: u64, policy: Policy, tls: rustls::ClientConfig) -> Self {
        let mut http = HttpConnector::new_with_resolver(ssrf::resolver(policy));
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(Duration::from_millis(timeout_ms)));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(IDLE_PER_HOST)
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_timer(TokioTimer::new())
            .build(connector);
        Sender {
            client,
            timeout: Duration::from_millis(timeout_ms),
            policy,
        }
    }

    /// The sender of a platform: its receipt timeout, its mode's SSRF policy, Mozilla's roots
    /// plus the configured extra roots.
    pub fn for_platform(p: &Platform) -> Result<Self> {
        let extra = match &p.rules.push.tls_roots {
            Some(path) => tls::read_roots(path)?,
            None => Vec::new(),
        };
        Ok(Sender::new(
            p.rules.push.timeout_ms,
            Policy::for_sandbox(p.rules.sandbox),
            tls::client_config(&extra)?,
        ))
    }

    /// Sends `plaintext` encrypted with `key` to `url` once.
    pub async fn send(&self, url: &str, key: &PushKey, plaintext: &str) -> Outcome {
        self.deliver(url, key.encrypt(plaintext.as_bytes()), None)
            .await
    }

    /// [`Sender::send`], also returning what went over the wire (the message test tool shows it).
    pub async fn exchange(&self, url: &str, key: &PushKey, plaintext: &str) -> (Outcome, Exchange) {
        let body = key.encrypt(plaintext.as_bytes());
        let mut receipt = None;
        let outcome = self.deliver(url, body.clone(), Some(&mut receipt)).await;
        (outcome, Exchange { body, receipt })
    }

    async fn deliver(
        &self,
        url: &str,
        body: String,
        receipt: Option<&mut Option<String>>,
    ) -> Outcome {
        let started = Instant::now();
        let fail = |status: Option<u16>, reason: String| Outcome {
            ok: false,
            http_status: status,
            latency_ms: elapsed_ms(started),
            reason: Some(reason),
        };
        // Names are checked by the resolver at connect time; address literals never reach it.
        let uri: hyper::Uri = match url.parse() {
            Ok(u) => u,
            Err(e) => return fail(None, format!("the push URL is not a valid URL: {e}")),
        };
        if let Some(ip) = uri
            .host()
            .and_then(|h| h.trim_matches(['[', ']']).parse().ok())
            && let Some(why) = self.policy.refuses(ip)
        {
            return fail(None, format!("refused: the push URL points to {why}"));
        }
        let request = match hyper::Request::post(uri)
            .header(hyper::header::CONTENT_TYPE, CONTENT_TYPE)
            .header(hyper::header::USER_AGENT, "kaifang-push/1")
            .body(Full::new(Bytes::from(body)))
        {
            Ok(r) => r,
            Err(e) => return fail(None, format!("the push URL cannot be requested: {e}")),
        };
        let answer = tokio::time::timeout(self.timeout, async {
            let resp = self
                .client
                .request(request)
                .await
                .map_err(Failure::Request)?;
            let status = resp.status().as_u16();
            let mut body = resp.into_body();
            let mut buf = Vec::new();
            while let Some(frame) = body.frame().await {
                if let Ok(chunk) = frame.map_err(Failure::Body)?.into_data() {
                    buf.extend_from_slice(&chunk);
                }
                if buf.len() > MAX_RECEIPT_BYTES {
                    break;
                }
            }
            Ok::<_, Failure>((status, buf))
        })
        .await;
        if let (Some(slot), Ok(Ok((_, bytes)))) = (receipt, &answer) {
            *slot = Some(String::from_utf8_lossy(bytes).into_owned());
        }
        match answer {
            Err(_) => fail(
                None,
                format!("no receipt within {} ms", self.timeout.as_millis()),
            ),
            Ok(Err(e)) => fail(None, e.describe()),
            Ok(Ok((status, body))) if status != 200 => fail(
                Some(status),
                format!("HTTP {status} instead of 200: {}", snippet(&body)),
            ),
            Ok(Ok((status, body))) if !is_receipt_ok(&body) => fail(
                Some(status),
                format!(
                    "HTTP 200 but the body is not {{\"result\":1}}: {}",
                    snippet(&body)
                ),
            ),
            Ok(Ok((status, _))) => Outcome {
                ok: true,
                http_status: Some(status),
                latency_ms: elapsed_ms(started),
                reason: None,
            },
        }
    }
}

fn elapsed_ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// The start of a body, for the log.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    if text.trim().is_empty() {
        "(empty body)".into()
    } else {
        text.into_owned()
    }
}

/// Why a request produced no complete answer.
enum Failure {
    /// No answer: connection, TLS handshake, or the request itself.
    Request(hyper_util::client::legacy::Error),
    /// The answer broke off.
    Body(hyper::Error),
}

impl Failure {
    /// In words, with its causes (the top line alone says little: "client error (Connect)").
    fn describe(&self) -> String {
        let (kind, top): (&str, &dyn std::error::Error) = match self {
            Failure::Request(e) if e.is_connect() => ("could not connect", e),
            Failure::Request(e) => ("request failed", e),
            Failure::Body(e) => ("the answer broke off", e),
        };
        let mut text = kind.to_string();
        let mut source = top.source();
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }
}
