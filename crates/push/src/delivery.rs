//! One delivery attempt: encrypt the envelope with the app's push key, POST it as
//! `text/plain;charset=utf-8`, and judge the answer (HTTP 200 and `{"result":1}` within the
//! timeout, protocol-notes §4.1). Every failure carries a reason for the message log.

use std::time::{Duration, Instant};

use kaifang_wire::push::{CONTENT_TYPE, PushKey, is_receipt_ok};

use crate::ssrf::{self, Policy};

/// The largest receipt body read; a receipt is a few bytes.
const MAX_RECEIPT_BYTES: usize = 4096;

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

/// What went over the wire in one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The encrypted body sent (Base64).
    pub body: String,
    /// The answer's body (up to 4 KiB), when an answer came.
    pub receipt: Option<String>,
}

/// The HTTP side of delivery: one client (connection pool) shared by every endpoint.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    timeout: Duration,
    policy: Policy,
}

impl Sender {
    /// A sender with the receipt timeout and the SSRF policy of the platform's mode.
    pub fn new(timeout_ms: u64, policy: Policy) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(256)
            .dns_resolver(ssrf::resolver(policy))
            .user_agent("kaifang-push/1")
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Sender {
            client,
            timeout: Duration::from_millis(timeout_ms),
            policy,
        }
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
        if let Some(ip) = reqwest::Url::parse(url).ok().and_then(|u| {
            u.host_str()
                .and_then(|h| h.trim_matches(['[', ']']).parse().ok())
        }) && let Some(why) = self.policy.refuses(ip)
        {
            return fail(None, format!("refused: the push URL points to {why}"));
        }
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .body(body)
            .send();
        let answer = tokio::time::timeout(self.timeout, async {
            let mut resp = request.await?;
            let status = resp.status().as_u16();
            let mut buf = Vec::new();
            while let Some(chunk) = resp.chunk().await? {
                buf.extend_from_slice(&chunk);
                if buf.len() > MAX_RECEIPT_BYTES {
                    break;
                }
            }
            Ok::<_, reqwest::Error>((status, buf))
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
            Ok(Err(e)) => fail(e.status().map(|s| s.as_u16()), describe(&e)),
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

/// A transport error in words, with its causes (reqwest's top line alone says little).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "could not connect"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_redirect() {
        "redirects are not followed"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
