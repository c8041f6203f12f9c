//! The API gateway end to end: signed calls over every transport, every rejection in order,
//! sign debugging, timestamps, limits with the clock moved, revocation, scopes, statistics,
//! bad input. Calls go through the Rust SDK (`kaifang-sdk`) or raw reqwest.

use crate::common::*;
use kaifang_sdk::{CallOptions, Client, Credentials, FilePart, SignMethod, Transport};
use kaifang_server::config::Settings;
use serde_json::{Value, json};

/// A server with an approved merchant-developer app, a test user and its token.
struct World {
    t: TestServer,
    op: Actor,
    dev: Actor,
    app: AppFixture,
    merchant: Actor,
    token: String,
    client: Client,
}

async fn world() -> World {
    world_with(|_| {}).await
}

async fn world_with(adjust: impl FnOnce(&mut Settings)) -> World {
    let t = TestServer::start_with(adjust).await;
    let Cast {
        op,
        dev,
        app,
        merchant,
    } = t.cast().await;
    let token = test_user_token(&dev, &app, &merchant).await;
    let client = t.sdk_client(&app);
    World {
        t,
        op,
        dev,
        app,
        merchant,
        token,
        client,
    }
}

impl World {
    fn opts(&self, transport: Transport, sign_method: SignMethod) -> CallOptions {
        CallOptions {
            transport,
            sign_method: Some(sign_method),
            timestamp_ms: Some(self.t.clock.now()),
            files: Vec::new(),
        }
    }

    /// One call with `param={}`; the whole envelope.
    async fn call(&self, method: &str) -> Value {
        self.call_as(method, &self.token).await
    }

    async fn call_as(&self, method: &str, token: &str) -> Value {
        self.client
            .send_once(
                method,
                token,
                "{}",
                &self.opts(Transport::Get, SignMethod::Md5),
            )
            .await
            .unwrap()
    }

    /// The signed system parameters for a call, to send by hand.
    fn signed(&self, method: &str, token: &str, param: &str) -> Vec<(&'static str, String)> {
        kaifang_sdk::signed_params(
            self.client.credentials(),
            method,
            token,
            param,
            SignMethod::Md5,
            self.t.clock.now(),
        )
    }

    async fn raw(&self, req: reqwest::RequestBuilder) -> Value {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["requestId"].as_str().is_some_and(|r| !r.is_empty()),
            "{body}"
        );
        body
    }
}

fn code(envelope: &Value) -> i64 {
    envelope["result"]
        .as_i64()
        .unwrap_or_else(|| panic!("no result in {envelope}"))
}

fn set(pairs: &mut [(&'static str, String)], key: &str, value: &str) {
    for (k, v) in pairs.iter_mut() {
        if *k == key {
            *v = value.to_string();
        }
    }
}

#[tokio::test]
async fn signed_calls_succeed_over_every_transport() {
    let w = world().await;
    for sm in [SignMethod::Md5, SignMethod::HmacSha256] {
        for transport in [
            Transport::Get,
            Transport::PostForm,
            Transport::PostMultipart,
            Transport::PostJson,
        ] {
            let mut opts = w.opts(transport, sm);
            if transport == Transport::PostMultipart {
                opts.files.push(FilePart {
                    field: "imgBytes".into(),
                    file_name: "a.png".into(),
                    content_type: "image/png".into(),
                    bytes: vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3],
                });
            }
            let env = w
                .client
                .send_once("open.user.seller.get", &w.token, "{}", &opts)
                .await
                .unwrap();
            assert_eq!(code(&env), 1, "{sm:?} {transport:?}: {env}");
            assert_eq!(env["data"]["sellerId"], json!(w.merchant.account_id));
            assert!(
                env["data"]["openId"]
                    .as_str()
                    .is_some_and(|o| !o.is_empty())
            );
        }
    }
    // Split across query and body (the system parameters in the URL, param and sign in the body),
    // with a repeated key that agrees.
    let params = w.signed("open.shop.info.get", &w.token, r#"{"a": 1}"#);
    let (query, body): (Vec<_>, Vec<_>) = params
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .partition(|(k, _)| !matches!(*k, "param" | "sign"));
    let mut body = body;
    body.push(("appkey", &w.app.app_key));
    let env = w
        .raw(
            w.t.http
                .post(format!(
                    "{}/open/shop/info/get?{}",
                    w.t.base,
                    kaifang_sdk::form_encode(&query)
                ))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(kaifang_sdk::form_encode(&body)),
        )
        .await;
    assert_eq!(code(&env), 1, "{env}");
    assert_eq!(env["data"]["shopName"], "小店");
    assert_eq!(env["data"]["shopType"], 6);
    // The SDK's own decoding of data.
    let info = w
        .client
        .call_with(
            "open.user.info.get",
            &w.token,
            "{}",
            &w.opts(Transport::PostForm, SignMethod::HmacSha256),
        )
        .await
        .unwrap();
    assert_eq!(info["data"]["name"], "商家");
}

#[tokio::test]
async fn rejections_come_in_order_each_with_its_code() {
    let w = world().await;
    let url = |path: &str| format!("{}{path}", w.t.base);
    let get = |pairs: &[(&'static str, String)], path: &str| {
        let q: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.t.http
            .get(format!("{}?{}", url(path), kaifang_sdk::form_encode(&q)))
    };
    let path = "/open/user/seller/get";
    let good = w.signed("open.user.seller.get", &w.token, "{}");

    // A missing system parameter comes first, whatever else is wrong.
    let mut p = good.clone();
    p.retain(|(k, _)| *k != "timestamp");
    set(&mut p, "appkey", "ks000");
    let env = w.raw(get(&p, path)).await;
    assert_eq!(code(&env), 990101, "{env}");
    assert!(env["error_msg"].as_str().unwrap().contains("`timestamp`"));

    // Bad signMethod, version, method/path.
    let mut p = good.clone();
    set(&mut p, "signMethod", "SHA1");
    assert_eq!(code(&w.raw(get(&p, path)).await), 990102);
    let mut p = good.clone();
    set(&mut p, "version", "2");
    assert_eq!(code(&w.raw(get(&p, path)).await), 990103);
    assert_eq!(
        code(&w.raw(get(&good, "/open/user/info/get")).await),
        990105
    );

    // Unknown appkey before the signature.
    let mut p = good.clone();
    set(&mut p, "appkey", "ks999999999999999999");
    assert_eq!(code(&w.raw(get(&p, path)).await), 990201);

    // A bad signature with an unknown token reports the signature, not the token.
    let mut p = w.signed("open.user.seller.get", "no-such-token", "{}");
    set(&mut p, "sign", "0123456789abcdef0123456789abcdef");
    let env = w.raw(get(&p, path)).await;
    assert_eq!(code(&env), 990203, "{env}");
    assert_eq!(env["sub_code"], "SIGNATURE_MISMATCH");

    // Then the timestamp (signed correctly but 11 minutes old).
    let old = kaifang_sdk::signed_params(
        w.client.credentials(),
        "open.user.seller.get",
        "no-such-token",
        "{}",
        SignMethod::Md5,
        w.t.clock.now() - 11 * 60_000,
    );
    assert_eq!(code(&w.raw(get(&old, path)).await), 990204);

    // Then the method, then param, then the token.
    let p = w.signed("open.no.such.api", "no-such-token", "{}");
    assert_eq!(code(&w.raw(get(&p, "/open/no/such/api")).await), 990104);
    let p = w.signed("open.user.seller.get", "no-such-token", "not json");
    assert_eq!(code(&w.raw(get(&p, path)).await), 990109);
    let p = w.signed("open.user.seller.get", "no-such-token", "{}");
    let env = w.raw(get(&p, path)).await;
    assert_eq!(code(&env), 990301);
    assert!(env["error_msg"].as_str().unwrap().contains("鉴权失败"));

    // A token of another app is unknown to this one.
    let other =
        w.t.approved_app(&w.op, &w.dev, "商家后台应用", "自研系统")
            .await;
    let other_token = test_user_token(&w.dev, &other, &w.merchant).await;
    assert_eq!(
        code(&w.call_as("open.user.seller.get", &other_token).await),
        990301
    );

    // The token expires after 48 hours.
    w.t.clock.advance(48 * 3_600_000 + 1);
    let env = w.call("open.user.seller.get").await;
    assert_eq!(code(&env), 990302, "{env}");
    assert!(env["error_msg"].as_str().unwrap().contains("TOKEN过期"));
}

#[tokio::test]
async fn client_credentials_token_on_a_user_api_is_26_and_missing_scope_is_reported() {
    let w = world().await;
    let app_token = w.client.client_credentials().await.unwrap().access_token;
    let env = w.call_as("open.user.seller.get", &app_token).await;
    assert_eq!(code(&env), 26, "{env}");
    assert!(env["error_msg"].as_str().unwrap().contains("主账号不存在"));

    // A user token without merchant_user.
    let p = &w.t.server.platform;
    p.db.execute(
        "UPDATE oauth_tokens SET scopes = 'user_base,user_info'",
        &[],
    )
    .await
    .unwrap();
    p.bump_generation();
    let env = w.call("open.user.seller.get").await;
    assert_eq!(code(&env), 990303, "{env}");
    assert!(
        env["error_msg"]
            .as_str()
            .unwrap()
            .contains("token中无scope权限")
    );
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
}

#[tokio::test]
async fn revocation_takes_effect_on_the_next_call() {
    let w = world().await;
    assert_eq!(code(&w.call("open.user.seller.get").await), 1);
    assert_eq!(code(&w.call("open.user.seller.get").await), 1, "cached");
    let (s, list) = w.merchant.get("/api/merchant/authorizations").await;
    assert_eq!(s, 200, "{list}");
    let id = list
        .as_array()
        .and_then(|l| l.first())
        .map(|a| a["id"].as_i64().unwrap())
        .expect("one authorization");
    let (s, b) = w
        .merchant
        .delete(&format!("/api/merchant/authorizations/{id}"))
        .await;
    assert_eq!(s, 200, "{b}");
    let env = w.call("open.user.seller.get").await;
    assert_eq!(code(&env), 24, "{env}");
    assert_eq!(env["sub_code"], "AUTHORIZATION_REVOKED");
}

#[tokio::test]
async fn test_authorization_ends_after_ten_days_even_for_a_cached_token() {
    let w = world().await;
    assert_eq!(code(&w.call("open.user.seller.get").await), 1);
    // The cached grant is re-checked against the clock: the authorization's end wins over the
    // token's own (earlier) expiry.
    w.t.clock.advance(10 * 86_400_000 + 1);
    let env = w.call("open.user.seller.get").await;
    assert_eq!(code(&env), 24, "{env}");
}

#[tokio::test]
async fn sign_debug_shows_the_signed_string_in_sandbox_only() {
    let w = world().await;
    let mut p = w.signed("open.user.seller.get", &w.token, "{}");
    set(&mut p, "sign", "bad");
    let q: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let env = w
        .raw(w.t.http.get(format!(
            "{}/open/user/seller/get?{}",
            w.t.base,
            kaifang_sdk::form_encode(&q)
        )))
        .await;
    assert_eq!(code(&env), 990203);
    let s = env["string_to_sign"].as_str().expect("sandbox shows it");
    assert!(s.starts_with("access_token="), "{s}");
    assert!(s.ends_with("&signSecret=***"), "{s}");
    assert!(!s.contains(&w.app.sign_secret));

    // Production: off by default, on when the developer turns it on.
    let t = TestServer::start_with(|s| s.sandbox = false).await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let (st, app) = dev
        .post(
            "/api/apps",
            app_input(
                "Prod app",
                "商家后台应用",
                "自研系统",
                "https://example.com/cb",
            ),
        )
        .await;
    assert_eq!(st, 200, "{app}");
    let id = app["id"].as_i64().unwrap();
    let (st, b) = op
        .post(
            &format!("/api/admin/apps/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let (_, c) = dev
        .post(&format!("/api/apps/{id}/credentials/reveal"), json!({}))
        .await;
    let creds = Credentials {
        app_key: c["app_key"].as_str().unwrap().into(),
        app_secret: c["app_secret"].as_str().unwrap().into(),
        sign_secret: "wrong-secret".into(),
    };
    let client = Client::new(t.base.clone(), creds);
    let opts = t.hmac_get();
    let env = client
        .send_once("open.user.seller.get", "tok", "{}", &opts)
        .await
        .unwrap();
    assert_eq!(code(&env), 990203, "{env}");
    assert!(env.get("string_to_sign").is_none(), "{env}");
    let (st, b) = dev
        .put(
            &format!("/api/apps/{id}/sign-debug"),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["sign_debug"], true);
    let env = client
        .send_once("open.user.seller.get", "tok", "{}", &opts)
        .await
        .unwrap();
    assert!(
        env["string_to_sign"]
            .as_str()
            .is_some_and(|s| s.contains("signMethod=HMAC_SHA256") && s.ends_with("***")),
        "{env}"
    );
    // Another developer cannot switch it.
    let other = t.approved_developer(&op, "merchant").await;
    let (st, _) = other
        .put(
            &format!("/api/apps/{id}/sign-debug"),
            json!({"enabled": false}),
        )
        .await;
    assert!(st.is_client_error());
}

#[tokio::test]
async fn second_resolution_timestamps_are_accepted() {
    let w = world().await;
    let mut opts = w.opts(Transport::Get, SignMethod::Md5);
    // The SDK sends what it is given; 10 digits are seconds.
    opts.timestamp_ms = Some(w.t.clock.now() / 1000);
    let env = w
        .client
        .send_once("open.user.seller.get", &w.token, "{}", &opts)
        .await
        .unwrap();
    assert_eq!(code(&env), 1, "{env}");
}

#[tokio::test]
async fn test_user_daily_cap_is_2000_and_resets_at_midnight() {
    let w = world_with(|s| s.rules.test_user_daily_calls = Some(2000)).await;
    for i in 0..2000 {
        let env = w.call("open.user.info.get").await;
        assert_eq!(code(&env), 1, "call {i}: {env}");
    }
    let env = w.call("open.user.info.get").await;
    assert_eq!(code(&env), 990402, "{env}");
    assert_eq!(
        env["error_msg"],
        format!(
            "Exceed quota limit, KEY [appkey:{};primaryUserId:{}]",
            w.app.app_key, w.merchant.account_id
        )
    );
    // 2026-11-27T00:00Z is 08:00 in Shanghai: midnight there is 16 hours later.
    w.t.clock.advance(16 * 3_600_000);
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
}

#[tokio::test]
async fn app_daily_quota_and_the_reset_rule() {
    let w = world_with(|s| s.rules.prelaunch_daily_calls = Some(5)).await;
    let traffic = format!("/api/apps/{}/traffic", w.app.id);
    // Below 60 %: no reset.
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
    let (s, b) = w.dev.post(&format!("{traffic}/reset"), json!({})).await;
    assert_eq!(s, 409, "{b}");
    for _ in 0..4 {
        assert_eq!(code(&w.call("open.user.info.get").await), 1);
    }
    let env = w.call("open.user.info.get").await;
    assert_eq!(code(&env), 990401, "{env}");
    assert_eq!(
        env["error_msg"],
        format!("Exceed quota limit, KEY [appkey:{}]", w.app.app_key)
    );
    let (s, b) = w.dev.get(&traffic).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["used_today"], 5);
    assert_eq!(b["daily_quota"], 5);
    assert_eq!(b["resets_left"], 3);
    // Three resets, each adding a day's quota; a fourth is refused.
    for n in 1..=3 {
        let (s, b) = w.dev.post(&format!("{traffic}/reset"), json!({})).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["quota_today"], 5 * (1 + n));
        for _ in 0..5 {
            assert_eq!(code(&w.call("open.user.info.get").await), 1);
        }
        assert_eq!(code(&w.call("open.user.info.get").await), 990401);
    }
    let (s, b) = w.dev.post(&format!("{traffic}/reset"), json!({})).await;
    assert_eq!(s, 409, "{b}");
    // An operator raises the tier; developers cannot.
    let (s, _) = w
        .dev
        .put(
            &format!("/api/admin/apps/{}/traffic", w.app.id),
            json!({"daily_tier": 100}),
        )
        .await;
    assert!(s.is_client_error());
    let (s, b) =
        w.op.put(
            &format!("/api/admin/apps/{}/traffic", w.app.id),
            json!({"daily_tier": 7}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) =
        w.op.put(
            &format!("/api/admin/apps/{}/traffic", w.app.id),
            json!({"daily_tier": 100, "qps_tier": 300}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["daily_quota"], 1_000_000);
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
    // The next day starts from zero.
    w.op.put(
        &format!("/api/admin/apps/{}/traffic", w.app.id),
        json!({"daily_tier": null}),
    )
    .await;
    w.t.clock.advance(86_400_000);
    let (_, b) = w.dev.get(&traffic).await;
    assert_eq!(b["used_today"], 0);
    assert_eq!(b["resets_left"], 3);
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
}

#[tokio::test]
async fn qps_limit_uses_the_clock() {
    let w = world_with(|s| s.rules.qps_floor = Some(0)).await;
    for i in 0..100 {
        assert_eq!(code(&w.call("open.user.seller.get").await), 1, "call {i}");
    }
    let env = w.call("open.user.seller.get").await;
    assert_eq!(code(&env), 990403, "{env}");
    assert_eq!(
        env["error_msg"],
        format!(
            "Exceed qps limit, KEY [apiId:open.user.seller.get;appkey:{}], MAX_QPS [100.0]",
            w.app.app_key
        )
    );
    // Another API has its own window.
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
    w.t.clock.advance(1000);
    assert_eq!(code(&w.call("open.user.seller.get").await), 1);
}

#[tokio::test]
async fn per_user_daily_cap_of_one_api_answers_1017() {
    let w = world_with(|s| {
        s.rules.user_api_daily_caps = Some([("open.user.info.get".to_string(), 2)].into());
    })
    .await;
    for i in 0..2 {
        assert_eq!(code(&w.call("open.user.info.get").await), 1, "call {i}");
    }
    let env = w.call("open.user.info.get").await;
    assert_eq!(code(&env), 1017, "{env}");
    assert_eq!(env["sub_code"], "USER_API_QUOTA_EXCEEDED");
    assert_eq!(
        env["error_msg"],
        format!(
            "[1017] exceed quota limit,[apiId:open.user.info.get;primaryUserId:{}]",
            w.merchant.account_id
        )
    );
    // The cap is the user's on this API only, and for one calendar day.
    assert_eq!(code(&w.call("open.user.seller.get").await), 1);
    w.t.clock.advance(24 * 3600 * 1000);
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
}

#[tokio::test]
async fn a_cap_on_an_unknown_api_stops_the_start() {
    let dir = kaifang_store::testing::TempDir::new().unwrap();
    let mut settings = Settings::new(dir.0.clone());
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.rules.user_api_daily_caps = Some([("open.no.such.api".to_string(), 1)].into());
    let clock = std::sync::Arc::new(kaifang_platform::clock::Clock::fixed(START_MS));
    let err = kaifang_server::start(&settings, clock)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("`open.no.such.api`"), "{err}");
}

#[tokio::test]
async fn stats_and_failures_after_calls() {
    let w = world().await;
    for _ in 0..3 {
        assert_eq!(code(&w.call("open.user.seller.get").await), 1);
    }
    assert_eq!(
        code(&w.call_as("open.user.seller.get", "nope").await),
        990301
    );
    let (s, b) = w
        .dev
        .get(&format!("/api/apps/{}/stats?days=7", w.app.id))
        .await;
    assert_eq!(s, 200, "{b}");
    let m = b["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == "open.user.seller.get")
        .cloned()
        .unwrap_or_else(|| panic!("{b}"));
    assert_eq!(m["calls"], 4);
    assert_eq!(m["success"], 3);
    assert_eq!(m["success_rate"], 0.75);
    let day = &b["by_day"][0];
    assert_eq!(day["day"], "2026-11-27");
    assert_eq!(day["calls"], 4);
    let (s, f) = w
        .dev
        .get(&format!("/api/apps/{}/stats/failures", w.app.id))
        .await;
    assert_eq!(s, 200, "{f}");
    let first = &f["failures"][0];
    assert_eq!(first["code"], 990301);
    assert_eq!(first["sub_code"], "ACCESS_TOKEN_INVALID");
    assert_eq!(first["method"], "open.user.seller.get");
    assert!(first["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    // Other developers see nothing of it.
    let other = w.t.approved_developer(&w.op, "merchant").await;
    let (s, _) = other.get(&format!("/api/apps/{}/stats", w.app.id)).await;
    assert!(s.is_client_error());
    // Metrics count calls by outcome, including one answered just before the page is read
    // (the recorder's task counts them; the page takes them in first). The registry is the
    // process's, shared with tests running beside this one: they can only add.
    let series =
        r#"kaifang_api_calls_total{method="open.shop.info.get",outcome="ACCESS_TOKEN_INVALID"}"#;
    let before = metric(&w, series).await;
    assert_eq!(code(&w.call_as("open.shop.info.get", "nope").await), 990301);
    assert!(metric(&w, series).await >= before + 1.0);
    assert!(
        metric(
            &w,
            "kaifang_gateway_cache_lookups_total{cache=\"app\",outcome=\"hit\"}"
        )
        .await
            >= 1.0
    );
}

/// The value of one series on `/metrics` (0 when absent).
async fn metric(w: &World, series: &str) -> f64 {
    let text =
        w.t.http
            .get(w.t.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn bad_input_gets_an_envelope_never_a_5xx() {
    let w = world().await;
    let base = &w.t.base;
    let good = w.signed("open.user.seller.get", &w.token, "{}");
    let q: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let query = kaifang_sdk::form_encode(&q);
    let path = format!("{base}/open/user/seller/get");
    let cases: Vec<(&str, reqwest::RequestBuilder, i64)> = vec![
        (
            "malformed percent",
            w.t.http.get(format!("{path}?{query}&x=%zz")),
            990106,
        ),
        (
            "non-UTF-8",
            w.t.http.get(format!("{path}?{query}&x=%FF%FE")),
            990106,
        ),
        (
            "conflicting duplicate",
            w.t.http.get(format!("{path}?{query}&version=2")),
            990107,
        ),
        (
            "conflicting across query and body",
            w.t.http
                .post(format!("{path}?{query}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("method=open.other"),
            990107,
        ),
        (
            "JSON body that is not an object",
            w.t.http
                .post(&path)
                .header("content-type", "application/json")
                .body("[1,2]"),
            990106,
        ),
        (
            "broken multipart",
            w.t.http
                .post(&path)
                .header("content-type", "multipart/form-data; boundary=xyz")
                .body(
                    "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue-without-end",
                ),
            990106,
        ),
        (
            "giant body",
            w.t.http
                .post(&path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(vec![b'a'; 16 * 1024 * 1024 + 1]),
            990108,
        ),
        ("nothing at all", w.t.http.get(&path), 990101),
        (
            "unknown path",
            w.t.http.get(format!("{base}/open/a//b")),
            990104,
        ),
        ("root", w.t.http.post(format!("{base}/open/")), 990104),
        (
            "unknown method",
            w.t.http.get(format!("{base}/open/nope?{query}")),
            990105,
        ),
    ];
    for (name, req, want) in cases {
        let env = w.raw(req).await;
        assert_eq!(code(&env), want, "{name}: {env}");
        assert!(env["error_msg"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(env["data"], Value::Null);
    }
    // Extra business fields are ignored; `[]` (PHP's empty array) means no parameters.
    for param in [r#"{"extra":1}"#, "[]"] {
        let p = w.signed("open.user.seller.get", &w.token, param);
        let q: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let env = w
            .raw(
                w.t.http
                    .get(format!("{path}?{}", kaifang_sdk::form_encode(&q))),
            )
            .await;
        assert_eq!(code(&env), 1, "{param}: {env}");
    }
    // `param` as a JSON string that is not an object.
    let p = w.signed("open.user.seller.get", &w.token, "42");
    let q: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let env = w
        .raw(
            w.t.http
                .get(format!("{path}?{}", kaifang_sdk::form_encode(&q))),
        )
        .await;
    assert_eq!(code(&env), 990109);
}

#[tokio::test]
async fn the_catalogue_lists_every_method() {
    let t = TestServer::start().await;
    let b: Value = t
        .http
        .get(t.url("/api/catalogue"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = b["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    for m in [
        "open.user.info.get",
        "open.user.seller.get",
        "open.shop.info.get",
    ] {
        assert!(names.contains(&m), "{names:?}");
    }
    let seller = b["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "open.user.seller.get")
        .unwrap();
    assert_eq!(seller["scope"], "merchant_user");
    assert_eq!(seller["path"], "/open/user/seller/get");
    assert_eq!(seller["needs_user"], true);
    assert!(seller["response"].as_array().unwrap().len() >= 6);
}

#[tokio::test]
async fn daily_usage_is_written_in_batches_and_read_back() {
    let w = world().await;
    for _ in 0..4 {
        assert_eq!(code(&w.call("open.user.info.get").await), 1);
    }
    // Reading statistics flushes the recorder (usage counters included).
    let (s, _) = w.dev.get(&format!("/api/apps/{}/stats", w.app.id)).await;
    assert_eq!(s, 200);
    let p = &w.t.server.platform;
    let used =
        p.db.scalar(
            "SELECT used FROM traffic_usage WHERE app_id = $1 AND subject = ''",
            &kaifang_store::args![w.app.id],
        )
        .await
        .unwrap();
    assert_eq!(used, 4);
    let per_user =
        p.db.scalar(
            "SELECT used FROM traffic_usage WHERE app_id = $1 AND subject = $2",
            &kaifang_store::args![w.app.id, format!("u:{}", w.merchant.account_id)],
        )
        .await
        .unwrap();
    assert_eq!(per_user, 4, "the test user's calls are counted too");
    // A second flush adds only what is new.
    assert_eq!(code(&w.call("open.user.info.get").await), 1);
    w.dev.get(&format!("/api/apps/{}/stats", w.app.id)).await;
    let used =
        p.db.scalar(
            "SELECT used FROM traffic_usage WHERE app_id = $1 AND subject = ''",
            &kaifang_store::args![w.app.id],
        )
        .await
        .unwrap();
    assert_eq!(used, 5);
}

#[tokio::test]
async fn a_graceful_stop_writes_the_last_calls_statistics_and_usage() {
    let w = world().await;
    for _ in 0..3 {
        assert_eq!(code(&w.call("open.user.info.get").await), 1);
    }
    // No statistics read, no flush tick: the calls are only in the recorder's buffer.
    let World { t, app, .. } = w;
    let TestServer {
        server,
        dir,
        database_url,
        ..
    } = t;
    server.stop().await;
    let db = TestServer::reopen_db(&dir, database_url.as_deref()).await;
    let used = db
        .scalar(
            "SELECT used FROM traffic_usage WHERE app_id = $1 AND subject = ''",
            &kaifang_store::args![app.id],
        )
        .await
        .unwrap();
    assert_eq!(used, 3);
    let calls = db
        .scalar(
            "SELECT calls FROM call_stats WHERE app_id = $1 AND method = 'open.user.info.get'",
            &kaifang_store::args![app.id],
        )
        .await
        .unwrap();
    assert_eq!(calls, 3);
    db.close().await;
}

#[tokio::test]
async fn a_declared_per_user_qps_cap_is_enforced_before_the_app_cap() {
    // open.item.delete is declared 100 per app / 50 per user (protocol-notes §6.4).
    let w = world_with(|s| s.rules.qps_floor = Some(0)).await;
    let delete = || async {
        w.client
            .send_once(
                "open.item.delete",
                &w.token,
                r#"{"kwaiItemId":1}"#,
                &w.opts(Transport::PostForm, SignMethod::Md5),
            )
            .await
            .unwrap()
    };
    for i in 0..50 {
        // The item does not exist: the call fails in the handler, after taking its QPS slot.
        let env = delete().await;
        assert_ne!(code(&env), 990404, "call {i}: {env}");
        assert_ne!(code(&env), 990403, "call {i}: {env}");
    }
    let env = delete().await;
    assert_eq!(code(&env), 990404, "{env}");
    assert_eq!(
        env["error_msg"],
        format!(
            "Exceed qps limit, KEY [apiId:open.item.delete;appkey:{};primaryUserId:{}], MAX_QPS [50.0]",
            w.app.app_key, w.merchant.account_id
        )
    );
    w.t.clock.advance(1000);
    assert_ne!(code(&delete().await), 990404);
}
