//! Developer onboarding over HTTP: sign-up, agreement, role, qualification, review, rejection
//! and resubmission, and the uniqueness rules.

use crate::common::{TestServer, profile, unique};
use serde_json::json;

#[tokio::test]
async fn sign_up_submit_reject_resubmit_approve() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let email = format!("d{}@test.dev", unique());
    let (s, b) = t
        .post_anon(
            "/api/signup",
            json!({"email": email, "password": "developer-pass", "name": "D"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["developer"]["state"], "draft");
    let dev = t.log_in(&email, "developer-pass").await;

    // Submitting before the agreement and the data says what is missing.
    let (s, b) = dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("agreement"),
        "{b}"
    );
    let (s, b) = dev
        .post("/api/developer/agreement", json!({"version": "1999-01-01"}))
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, _) = dev
        .post("/api/developer/agreement", json!({"version": "2023-09-12"}))
        .await;
    assert_eq!(s, 200);
    let (s, b) = dev
        .put("/api/developer/profile", json!({"role": "third_party"}))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 400);
    let msg = b["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("enterprise.licence_number") && msg.contains("administrator.phone"),
        "{msg}"
    );

    let (s, b) = dev
        .put("/api/developer/profile", profile("third_party", "LIC-A"))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["admin_phone_masked"], "138****8000");
    assert!(b.get("admin_phone").is_none() && b["legal_person_id_on_file"] == true);
    let (s, b) = dev.post("/api/developer/submit", json!({})).await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("submitted")));
    let id = b["id"].as_i64().unwrap();

    // While submitted it cannot be edited; the operator sees it in the queue.
    let (s, _) = dev
        .put("/api/developer/profile", profile("third_party", "LIC-A"))
        .await;
    assert_eq!(s, 409);
    let (_, q) = op.get("/api/admin/developers?state=submitted").await;
    assert!(q.as_array().unwrap().iter().any(|d| d["id"] == id));

    // A developer cannot review; a rejection needs a reason.
    let (s, _) = dev
        .post(
            &format!("/api/admin/developers/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, b) = op
        .post(
            &format!("/api/admin/developers/{id}/review"),
            json!({"approve": false}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = op
        .post(
            &format!("/api/admin/developers/{id}/review"),
            json!({"approve": false, "reason": "营业执照不清晰"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["state"], "rejected");
    assert_eq!(b["reject_reason"], "营业执照不清晰");
    let (_, notes) = dev.get("/api/notifications").await;
    assert!(
        notes[0]["body"]
            .as_str()
            .unwrap()
            .contains("营业执照不清晰"),
        "{notes}"
    );

    // Edit and resubmit, then approve; the role is fixed afterwards.
    let (s, _) = dev
        .put("/api/developer/profile", profile("third_party", "LIC-A"))
        .await;
    assert_eq!(s, 200);
    let (s, _) = dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 200);
    let (s, b) = op
        .post(
            &format!("/api/admin/developers/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!((s.as_u16(), b["state"].as_str()), (200, Some("approved")));
    let (s, _) = dev
        .put("/api/developer/profile", profile("partner", "LIC-A"))
        .await;
    assert_eq!(s, 409);
    let (s, _) = op
        .post(
            &format!("/api/admin/developers/{id}/review"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, 409, "an approved application cannot be reviewed again");
    let (_, notes) = dev.get("/api/notifications").await;
    assert_eq!(notes[0]["kind"], "developer.approved");
}

#[tokio::test]
async fn uniqueness_and_role_rules() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let email = format!("u{}@test.dev", unique());
    let (s, _) = t
        .post_anon(
            "/api/signup",
            json!({"email": email, "password": "developer-pass", "name": "U"}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = t
        .post_anon(
            "/api/signup",
            json!({"email": email, "password": "developer-pass", "name": "U2"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    let (s, b) = t
        .post_anon(
            "/api/signup",
            json!({"email": "not-an-email", "password": "developer-pass", "name": "U"}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = t
        .post_anon(
            "/api/signup",
            json!({"email": "short@pw.dev", "password": "short", "name": "U"}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, b) = t
        .post_anon("/api/signup", json!({"email": "x@y.dev"}))
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("password"),
        "{b}"
    );

    // The same enterprise and administrator may hold two roles, not the same role twice.
    let a = t.log_in(&email, "developer-pass").await;
    for dev in [&a] {
        dev.post("/api/developer/agreement", json!({"version": "2023-09-12"}))
            .await;
        dev.put("/api/developer/profile", profile("third_party", "SAME-LIC"))
            .await;
        let (s, _) = dev.post("/api/developer/submit", json!({})).await;
        assert_eq!(s, 200);
    }
    let second = format!("u{}@test.dev", unique());
    t.post_anon(
        "/api/signup",
        json!({"email": second, "password": "developer-pass", "name": "U"}),
    )
    .await;
    let b_dev = t.log_in(&second, "developer-pass").await;
    b_dev
        .post("/api/developer/agreement", json!({"version": "2023-09-12"}))
        .await;
    b_dev
        .put("/api/developer/profile", profile("third_party", "SAME-LIC"))
        .await;
    let (s, b) = b_dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 409, "{b}");
    b_dev
        .put("/api/developer/profile", profile("distributor", "SAME-LIC"))
        .await;
    let (s, b) = b_dev.post("/api/developer/submit", json!({})).await;
    assert_eq!(s, 200, "{b}");

    // A merchant developer must be a merchant; a merchant cannot be a third-party developer.
    let (s, b) = b_dev
        .put("/api/developer/profile", profile("merchant", "X"))
        .await;
    assert_eq!(s, 409, "submitted applications are locked: {b}");
    let third = format!("u{}@test.dev", unique());
    t.post_anon(
        "/api/signup",
        json!({"email": third, "password": "developer-pass", "name": "U"}),
    )
    .await;
    let c = t.log_in(&third, "developer-pass").await;
    let (s, b) = c
        .put("/api/developer/profile", profile("merchant", "X"))
        .await;
    assert_eq!(s, 400, "{b}");
    let m = t.merchant(&op).await;
    let (s, b) = m
        .post(
            "/api/developer",
            json!({"email": format!("m{}@test.dev", unique())}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = m
        .put("/api/developer/profile", profile("third_party", "Y"))
        .await;
    assert_eq!(s, 400, "{b}");
    let (s, _) = m
        .put("/api/developer/profile", profile("merchant", "Y"))
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn authentication_is_required_and_checked() {
    let t = TestServer::start().await;
    let resp = t.http.get(t.url("/api/me")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let resp = t
        .http
        .get(t.url("/api/me"))
        .bearer_auth("kft_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let (s, _) = t
        .post_anon(
            "/api/session",
            json!({"login": "nobody", "password": "whatever-pass"}),
        )
        .await;
    assert_eq!(s, 401);
    // A session cookie without the CSRF header cannot change anything.
    let op = t.operator().await;
    let resp = t
        .http
        .post(t.url("/api/session"))
        .json(&json!({"login": op.login, "password": op.password}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let resp = t
        .http
        .post(t.url("/api/tokens"))
        .header("cookie", &cookie)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = t
        .http
        .get(t.url("/api/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = t.http.get(t.url("/api/nowhere")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["error"]["message"].is_string());
}

#[tokio::test]
async fn framework_rejections_use_the_json_error_format() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    for (req, status) in [
        (
            t.http
                .get(t.url("/api/admin/developers?state=submitted&state=x")),
            400,
        ),
        (t.http.patch(t.url("/api/apps")), 405),
        (
            t.http.post(t.url("/api/uploads")).body("not multipart"),
            400,
        ),
        (
            t.http
                .post(t.url("/api/tokens"))
                .header("content-type", "text/plain")
                .body("x"),
            400,
        ),
    ] {
        let resp = req.bearer_auth(&op.token).send().await.unwrap();
        assert_eq!(resp.status(), status);
        let body: serde_json::Value = resp.json().await.expect("a JSON body");
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "{body}"
        );
    }
}
