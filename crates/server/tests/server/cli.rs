//! The `kaifang` binary itself: `sign` on the protocol's worked vectors, `demo` start-up,
//! credentials and idempotent restarts, `serve` with a config file and environment overrides,
//! `seed` filling the demo shop that `demo` then serves.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kaifang");
const SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn sign(extra: &[&str]) -> Value {
    let mut args = vec![
        "sign",
        "--json",
        "--appkey",
        "ks700000000000000001",
        "--access-token",
        "TEST_ACCESS_TOKEN",
        "--timestamp",
        "1700000000000",
        "--version",
        "1",
        "--sign-secret",
        SECRET,
    ];
    args.extend_from_slice(extra);
    let out = Command::new(BIN).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sign_reproduces_the_worked_vectors() {
    let md5 = sign(&[
        "--method",
        "open.item.get",
        "--sign-method",
        "MD5",
        "--param",
        r#"{"kwaiItemId":20000000001}"#,
    ]);
    assert_eq!(
        md5["string_to_sign"],
        r#"access_token=TEST_ACCESS_TOKEN&appkey=ks700000000000000001&method=open.item.get&param={"kwaiItemId":20000000001}&signMethod=MD5&timestamp=1700000000000&version=1&signSecret=a1b2c3d4e5f60718293a4b5c6d7e8f90"#
    );
    assert_eq!(md5["sign"], "f34cdc2268068c6b6fdc14d3dbe14187");
    let hmac = sign(&[
        "--method",
        "open.item.get",
        "--sign-method",
        "HMAC_SHA256",
        "--param",
        r#"{"kwaiItemId":20000000001}"#,
    ]);
    assert_eq!(hmac["sign"], "UBtsDwkKHw0mohtS86IP0pekCEO/FYnXt790JuEhaq8=");
    let spaced = sign(&[
        "--method",
        "open.item.get",
        "--sign-method",
        "MD5",
        "--param",
        r#"{"kwaiItemId": 20000000001}"#,
    ]);
    assert_eq!(spaced["sign"], "b9439f3605b8b0808c478945a7a95239");
    let absent = sign(&["--method", "open.item.get", "--sign-method", "MD5"]);
    assert_eq!(absent["sign"], "7ac8d97d35be0acbf4967c385e743380");
    assert!(
        !absent["string_to_sign"]
            .as_str()
            .unwrap()
            .contains("param=")
    );
    let note = sign(&[
        "--method",
        "open.seller.order.note.add",
        "--sign-method",
        "MD5",
        "--param",
        r#"{"orderId":2600000000000001,"note":"加急"}"#,
    ]);
    assert_eq!(note["sign"], "7af7bba2a0fe2b0310f68a778961361e");

    let out = Command::new(BIN)
        .args([
            "sign",
            "--json",
            "--sign-method",
            "SHA1",
            "--sign-secret",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("MD5 or HMAC_SHA256"));
}

/// A child process killed when dropped, so a failing test leaves no server behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(args: &[&str], envs: &[(&str, &str)]) -> (Running, String) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .args(["--listen", &listen])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    (Running(cmd.spawn().unwrap()), format!("http://{listen}"))
}

async fn wait_healthy(base: &str, within: Duration) {
    let start = Instant::now();
    while start.elapsed() < within {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base}/healthz did not answer within {within:?}");
}

async fn wait_file(path: &std::path::Path) -> Value {
    for _ in 0..400 {
        if let Ok(b) = std::fs::read(path)
            && let Ok(v) = serde_json::from_slice::<Value>(&b)
        {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} was not written", path.display());
}

async fn get(base: &str, path: &str, token: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn demo_starts_fast_with_working_credentials_and_restarts_idempotently() {
    let dir = kaifang_store::testing::TempDir::new().unwrap();
    let data = dir.0.to_str().unwrap().to_string();
    let demo_json = dir.0.join("demo.json");
    let (server, base) = start(&["demo", "--data-dir", &data], &[]);
    wait_healthy(&base, Duration::from_secs(10)).await;
    let first = wait_file(&demo_json).await;
    assert_eq!(first["base_url"], base.as_str());
    for who in ["operator", "developer"] {
        for key in ["login", "password", "api_token"] {
            assert!(
                first[who][key].is_string(),
                "{who}.{key} missing in {first}"
            );
        }
    }
    for key in ["app_key", "app_secret", "sign_secret", "push_key"] {
        assert!(first["app"][key].is_string(), "app.{key}");
    }
    assert!(first["merchant"]["user_id"].is_i64());

    // The credentials work: the operator sees every queue filled; the developer reveals the
    // same secrets; the merchant is a test user of the app.
    let op = first["operator"]["api_token"].as_str().unwrap();
    let (s, devs) = get(&base, "/api/admin/developers?state=submitted", op).await;
    assert_eq!((s, devs.as_array().map(Vec::len)), (200, Some(1)));
    let (_, apps) = get(&base, "/api/admin/apps?state=in_review", op).await;
    assert_eq!(apps.as_array().unwrap().len(), 1);
    let (_, pk) = get(&base, "/api/admin/packages", op).await;
    assert_eq!(pk.as_array().unwrap().len(), 1);
    let dev = first["developer"]["api_token"].as_str().unwrap();
    let app_key = first["app"]["app_key"].as_str().unwrap();
    let r = reqwest::Client::new()
        .post(format!("{base}/api/apps/{app_key}/credentials/reveal"))
        .bearer_auth(dev)
        .send()
        .await
        .unwrap();
    let creds: Value = r.json().await.unwrap();
    assert_eq!(creds["sign_secret"], first["app"]["sign_secret"]);
    let (_, users) = get(&base, &format!("/api/apps/{app_key}/test-users"), dev).await;
    assert_eq!(users[0]["user_id"], first["merchant"]["user_id"]);
    let (_, pk) = get(&base, &format!("/api/apps/{app_key}/packages"), dev).await;
    let held: Vec<&str> = pk
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["state"] == "granted")
        .map(|p| p["scope"].as_str().unwrap())
        .collect();
    for s in [
        "merchant_order",
        "merchant_item",
        "merchant_refund",
        "merchant_logistics",
        "merchant_user",
    ] {
        assert!(held.contains(&s), "{s}");
    }
    drop(server);

    // Restart on another port: nothing duplicated, the same app, the same tokens.
    let (_server, base2) = start(&["demo", "--data-dir", &data], &[]);
    wait_healthy(&base2, Duration::from_secs(10)).await;
    let second = loop {
        let v = wait_file(&demo_json).await;
        if v["base_url"] == base2.as_str() {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(second["app"]["app_key"], first["app"]["app_key"]);
    assert_eq!(
        second["operator"]["api_token"],
        first["operator"]["api_token"]
    );
    let (_, apps) = get(&base2, "/api/admin/apps", op).await;
    assert_eq!(apps.as_array().unwrap().len(), 2, "{apps}");
    let (_, app) = get(&base2, &format!("/api/apps/{app_key}"), dev).await;
    assert_eq!(app["callback_url"], format!("{base2}/sandbox/callback"));
}

#[tokio::test]
async fn serve_reads_config_file_and_environment() {
    let dir = kaifang_store::testing::TempDir::new().unwrap();
    let cfg = dir.0.join("kaifang.toml");
    std::fs::write(
        &cfg,
        "workers = 2\n[rules]\nmax_test_users = 1\nforbidden_name_words = [\"测试词\"]\n",
    )
    .unwrap();
    let data = dir.0.join("data");
    let (_server, base) = start(
        &[
            "serve",
            "--sandbox",
            "--config",
            cfg.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ],
        &[
            ("KAIFANG_OPERATOR_LOGIN", "root@ops.dev"),
            ("KAIFANG_OPERATOR_PASSWORD", "root-password-1"),
        ],
    );
    wait_healthy(&base, Duration::from_secs(10)).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/api/session"))
        .json(&serde_json::json!({"login": "root@ops.dev", "password": "root-password-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the configured operator exists");
    assert!(data.join("kaifang.db").exists() && data.join("vault.key").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("vault.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the vault key is private");
    }

    // A bad config file stops start-up with a message instead of running half-configured.
    std::fs::write(&cfg, "[rules]\nmax_test_user = 1\n").unwrap();
    let out = Command::new(BIN)
        .args([
            "serve",
            "--config",
            cfg.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("max_test_user"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // So does a server with no thread to serve on.
    let out = Command::new(BIN)
        .args(["serve", "--data-dir", data.to_str().unwrap()])
        .args(["--listen", "127.0.0.1:0"])
        .env("KAIFANG_WORKERS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("workers: set at least 1 thread"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn seed_fills_the_demo_shop_that_demo_then_serves() {
    let dir = kaifang_store::testing::TempDir::new().unwrap();
    let data = dir.0.to_str().unwrap().to_string();
    let out = Command::new(BIN)
        .args(["seed", "--orders", "1200", "--data-dir", &data])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merchant: i64 = text
        .split("for merchant ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no merchant in {text:?}"));
    assert!(text.starts_with("wrote 1200 orders"), "{text}");

    // On one thread, as the bench runs it.
    let (_server, base) = start(&["demo", "--data-dir", &data], &[("KAIFANG_WORKERS", "1")]);
    wait_healthy(&base, Duration::from_secs(10)).await;
    let demo = wait_file(&dir.0.join("demo.json")).await;
    assert_eq!(demo["merchant"]["user_id"], merchant, "{demo}");
    let dev = demo["developer"]["api_token"].as_str().unwrap();
    let app_key = demo["app"]["app_key"].as_str().unwrap();
    let r = reqwest::Client::new()
        .post(format!(
            "{base}/api/apps/{app_key}/test-users/{merchant}/token"
        ))
        .bearer_auth(dev)
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let client = kaifang_sdk::Client::new(
        base.clone(),
        kaifang_sdk::Credentials {
            app_key: app_key.into(),
            app_secret: demo["app"]["app_secret"].as_str().unwrap().into(),
            sign_secret: demo["app"]["sign_secret"].as_str().unwrap().into(),
        },
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let day = 24 * 3600 * 1000;
    // About 140 of the 1200 orders fall in any week of the 60 days: three pages of 50.
    let mut cursor = String::new();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let page = client
            .call(
                "open.order.cursor.list",
                &token,
                &serde_json::json!({"orderViewStatus": 1, "pageSize": 50, "beginTime": now - 7 * day, "endTime": now, "cursor": cursor}),
            )
            .await
            .unwrap();
        for o in page["orderList"].as_array().unwrap() {
            seen.push(o["orderBaseInfo"]["createTime"].as_i64().unwrap());
        }
        cursor = page["cursor"].as_str().unwrap().to_string();
        if cursor == "nomore" {
            break;
        }
    }
    assert_eq!(cursor, "nomore");
    assert!(seen.len() > 50, "{} orders in the last week", seen.len());
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "newest first");
}
