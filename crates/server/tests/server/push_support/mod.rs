//! Shared pieces of the push tests: a receiver that decrypts what it gets and answers as told,
//! fixtures (an app with push on and a merchant who authorized it), and outbox events written
//! the way commerce writes them.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use crate::common::{Actor, AppFixture, Cast, TestServer};

/// How the receiver answers real (non-test) messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// HTTP 200 `{"result":1}`.
    Ok,
    /// HTTP 500 on every third message request.
    FailEveryThird,
    /// Answers after this long.
    Hang(Duration),
    /// HTTP 200 with `{"result":0}`.
    WrongBody,
}

/// What the receiver saw.
pub struct ReceiverState {
    key: String,
    pub mode: Mutex<Mode>,
    /// Whether heartbeats and URL tests are answered correctly.
    pub heartbeat_ok: Mutex<bool>,
    /// How long heartbeats and URL tests wait before their answer.
    pub heartbeat_delay: Mutex<Duration>,
    /// Every real message request: (envelope, when, answered ok).
    pub messages: Mutex<Vec<(Value, Instant, bool)>>,
    pub heartbeats: AtomicUsize,
    requests: AtomicUsize,
}

/// A push receiver on 127.0.0.1.
pub struct Receiver {
    pub url: String,
    pub state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(s): State<Arc<ReceiverState>>, body: String) -> (StatusCode, String) {
    let ok = (StatusCode::OK, r#"{"result":1}"#.to_string());
    let Ok(text) = kaifang_wire::push::decrypt_to_string(&s.key, &body) else {
        return (StatusCode::BAD_REQUEST, "cannot decrypt".into());
    };
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if v["test"] == json!(true) && v.get("eventId").is_none() {
        s.heartbeats.fetch_add(1, Ordering::SeqCst);
        let delay = *s.heartbeat_delay.lock().unwrap();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if *s.heartbeat_ok.lock().unwrap() {
            return ok;
        }
        return (StatusCode::SERVICE_UNAVAILABLE, "down".into());
    }
    let n = s.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let mode = *s.mode.lock().unwrap();
    let answer = match mode {
        Mode::Ok => ok,
        Mode::FailEveryThird if n % 3 == 0 => (StatusCode::INTERNAL_SERVER_ERROR, "boom".into()),
        Mode::FailEveryThird => ok,
        Mode::Hang(d) => {
            tokio::time::sleep(d).await;
            ok
        }
        Mode::WrongBody => (StatusCode::OK, r#"{"result":0}"#.into()),
    };
    let good = answer.0 == StatusCode::OK && answer.1.contains(":1");
    s.messages.lock().unwrap().push((v, Instant::now(), good));
    answer
}

impl Receiver {
    fn state(push_key: &str, mode: Mode) -> Arc<ReceiverState> {
        Arc::new(ReceiverState {
            key: push_key.into(),
            mode: Mutex::new(mode),
            heartbeat_ok: Mutex::new(true),
            heartbeat_delay: Mutex::new(Duration::ZERO),
            messages: Mutex::new(Vec::new()),
            heartbeats: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
        })
    }

    /// A receiver that decrypts with `push_key`.
    pub async fn start(push_key: &str, mode: Mode) -> Receiver {
        let state = Self::state(push_key, mode);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/push", listener.local_addr().unwrap());
        let app = Router::new()
            .route("/push", post(receive))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, state, task }
    }

    /// The same receiver behind TLS on `https://127.0.0.1:PORT/push`, with `cert` (see
    /// [`self_signed`]).
    pub async fn start_tls(push_key: &str, mode: Mode, cert: &SelfSigned) -> Receiver {
        let state = Self::state(push_key, mode);
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}/push", tcp.local_addr().unwrap());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der.clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key.clone_key()),
        )
        .unwrap();
        let listener = TlsListener {
            tcp,
            tls: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        };
        let app = Router::new()
            .route("/push", post(receive))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, state, task }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// Real messages received (every attempt).
    pub fn messages(&self) -> Vec<(Value, Instant, bool)> {
        self.state.messages.lock().unwrap().clone()
    }

    /// Messages answered correctly.
    pub fn delivered(&self) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| m.2)
            .map(|m| m.0)
            .collect()
    }
}

/// Polls `cond` (real time, for work the server does in the background) for up to `secs`.
pub async fn eventually(secs: u64, what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if cond().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// An app whose developer configured push, and a merchant (a test user) who authorized it.
pub struct Fixture {
    pub op: Actor,
    pub dev: Actor,
    pub app: AppFixture,
    pub merchant_id: i64,
}

/// An ERP app (order, item and refund packages) with the merchant authorized over all of them.
pub async fn fixture(t: &TestServer) -> Fixture {
    let Cast {
        op,
        dev,
        app,
        merchant,
    } = t.cast().await;
    authorize(&dev, &app, merchant.account_id).await;
    Fixture {
        op,
        dev,
        app,
        merchant_id: merchant.account_id,
    }
}

/// [`fixture`] in production mode (an https callback URL).
pub async fn production_fixture(t: &TestServer) -> Fixture {
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let input = crate::common::app_input(
        &format!("App {}", crate::common::unique()),
        "商家后台应用",
        "自研系统",
        "https://erp.example.com/cb",
    );
    let (s, app) = dev.post("/api/apps", input).await;
    assert_eq!(s, 200, "{app}");
    let id = app["id"].as_i64().unwrap();
    let (s, b) = op
        .post(
            &format!("/api/admin/apps/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, c) = dev
        .post(&format!("/api/apps/{id}/credentials/reveal"), json!({}))
        .await;
    assert_eq!(s, 200, "{c}");
    let app = AppFixture {
        id,
        app_key: c["app_key"].as_str().unwrap().into(),
        app_secret: c["app_secret"].as_str().unwrap().into(),
        sign_secret: c["sign_secret"].as_str().unwrap().into(),
        push_key: c["push_key"].as_str().unwrap().into(),
    };
    let merchant = t.merchant(&op).await;
    authorize(&dev, &app, merchant.account_id).await;
    Fixture {
        op,
        dev,
        app,
        merchant_id: merchant.account_id,
    }
}

/// Lists `merchant_id` as a test user of `app` and gives it an authorization over every package.
pub async fn authorize(dev: &Actor, app: &AppFixture, merchant_id: i64) {
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/test-users", app.id),
            json!({"user_id": merchant_id}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/test-users/{merchant_id}/token", app.id),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

/// Push on at `url` for `events`.
pub async fn enable(dev: &Actor, app: &AppFixture, url: &str, events: &[&str]) {
    let (s, b) = dev
        .put(
            &format!("/api/apps/{}/push", app.id),
            json!({"url": url, "enabled": true, "events": events}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

pub const PAY: &str = "kwaishop_order_paySuccess";
pub const ADD_ORDER: &str = "kwaishop_order_addOrder";
pub const ADD_REFUND: &str = "kwaishop_aftersales_addRefund";

/// Writes an order-status event into the outbox as commerce would.
pub async fn emit(t: &TestServer, event: &str, seller_id: i64, biz_id: i64) {
    let (scope, info, buyer) = match event {
        ADD_ORDER => (
            "merchant_order",
            json!({"oid": biz_id, "sellerId": seller_id, "openId": "", "buyerOpenId": "", "createTime": 1, "customizedInfo": {}}),
            Some(seller_id),
        ),
        ADD_REFUND => (
            "merchant_refund",
            json!({"orderId": biz_id, "refundId": biz_id, "handlingWay": 10, "specialRefundType": 0, "status": 10, "createTime": 1}),
            None,
        ),
        _ => (
            "merchant_order",
            json!({"oid": biz_id, "sellerId": seller_id, "status": 30, "updateTime": 1}),
            None,
        ),
    };
    let p = &t.server.platform;
    p.db.execute(
        "INSERT INTO outbox (event, scope, biz_id, seller_id, buyer_id, info, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &kaifang_store::args![event, scope, biz_id, seller_id, buyer, info.to_string(), p.now()],
    )
    .await
    .unwrap();
}

/// The app's message log.
pub async fn log(dev: &Actor, app: &AppFixture, query: &str) -> Vec<Value> {
    let (s, b) = dev
        .get(&format!("/api/apps/{}/messages{query}", app.id))
        .await;
    assert_eq!(s, 200, "{b}");
    b.as_array().unwrap().clone()
}

/// Settings that make the worker quick to notice a moved clock.
pub fn quick(s: &mut kaifang_server::config::Settings) {
    s.rules.push_tick_ms = Some(20);
    s.rules.push_poll_ms = Some(5);
}

/// A self-signed certificate for 127.0.0.1 and its key.
pub struct SelfSigned {
    pub pem: String,
    der: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivatePkcs8KeyDer<'static>,
}

/// A fresh self-signed certificate for the IP address 127.0.0.1 (ring).
pub fn self_signed() -> SelfSigned {
    let c = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    SelfSigned {
        pem: c.cert.pem(),
        der: c.cert.der().clone(),
        key: rustls::pki_types::PrivatePkcs8KeyDer::from(c.signing_key.serialize_der()),
    }
}

/// TCP plus a TLS handshake per connection, for `axum::serve`. A failed handshake (a client
/// that does not trust the certificate) is skipped.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    tls: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            if let Ok(Ok(tls)) =
                tokio::time::timeout(Duration::from_secs(5), self.tls.accept(tcp)).await
            {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
