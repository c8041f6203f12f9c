//! The operator's back-office pages: developer and app search, an app's traffic tiers set from
//! its page (operators only, CSRF-checked, listed values only), and the platform-wide dashboard
//! counting real calls per method and per app.

use reqwest::StatusCode;

use crate::common::*;

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

/// The table row that starts with `marker`.
fn row<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no row {marker}"));
    let end = start + html[start..].find("</tr>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn operators_search_developers_and_apps_and_set_traffic_tiers() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let dev = t.approved_developer(&op, "merchant").await;
    let app = t.approved_app(&op, &dev, "商家后台应用", "自研系统").await;
    let other = t.approved_developer(&op, "third_party").await;
    let page = t.page_session(&op.login, &op.password).await;
    let (_, me) = dev.get("/api/developer").await;
    let (dev_id, email) = (me["id"].as_i64().unwrap(), me["email"].as_str().unwrap());

    // Developers by e-mail, by state; nothing for a stranger.
    let (s, html) = page.get(&format!("/admin/developers?q={email}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&html, "data-developer=\""), 1, "{html}");
    assert!(html.contains(&format!("href=\"/admin/apps?developer={dev_id}\"")));
    let (_, html) = page.get("/admin/developers?q=nobody-like-this").await;
    assert_eq!(count(&html, "data-developer=\""), 0);
    let (_, html) = page.get("/admin/developers?state=approved").await;
    assert_eq!(count(&html, "data-developer=\""), 2);
    let (_, html) = page.get("/admin/developers?state=submitted").await;
    assert_eq!(count(&html, "data-developer=\""), 0);

    // Apps by appKey and by developer.
    let (s, html) = page.get(&format!("/admin/apps?q={}", app.app_key)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(&html, "data-app=\""), 1);
    assert!(html.contains(&format!("href=\"/admin/apps/{}\"", app.id)));
    let (_, mine) = other.get("/api/developer").await;
    let (_, html) = page
        .get(&format!("/admin/apps?developer={}", mine["id"]))
        .await;
    assert_eq!(
        count(&html, "data-app=\""),
        0,
        "the other developer has no app"
    );

    // The tier form sets both tiers.
    let form = format!("/admin/apps/{}/traffic", app.id);
    let tiers = |daily: &'static str, qps: &'static str| [("daily_tier", daily), ("qps_tier", qps)];
    let (s, to, _) = page.post_form(&form, &tiers("500", "300")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.unwrap().contains("notice="));
    let traffic = format!("/api/apps/{}/traffic", app.id);
    let (_, tr) = op.get(&traffic).await;
    assert_eq!(tr["settings"]["daily_tier"], 500, "{tr}");
    assert_eq!(tr["settings"]["qps_tier"], 300);
    assert_eq!(tr["daily_quota"], 5_000_000);
    let (s, html) = page.get(&format!("/admin/apps/{}", app.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("value=\"500\" selected") && html.contains("value=\"300\" selected"));
    assert!(html.contains("5,000,000"), "the page shows the new quota");

    // Only listed values; only with the page's CSRF token; only operators.
    let (s, to, _) = page.post_form(&form, &tiers("123", "")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.unwrap().contains("error="));
    let forged = PageSession {
        csrf: "not-the-token".into(),
        ..page.clone()
    };
    let (s, _, _) = forged.post_form(&form, &tiers("20000", "")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let dev_page = t.page_session(&other.login, &other.password).await;
    let (s, to, _) = dev_page.post_form(&form, &tiers("20000", "5000")).await;
    assert_eq!(
        (s, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/console"))
    );
    let (s, _) = dev_page.get("/admin/dashboard").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, tr) = op.get(&traffic).await;
    assert_eq!(
        (
            tr["settings"]["daily_tier"].as_i64(),
            tr["settings"]["qps_tier"].as_i64()
        ),
        (Some(500), Some(300)),
        "nothing above changed the tiers"
    );

    // Empty choices go back to the defaults.
    let (s, _, _) = page.post_form(&form, &tiers("", "")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, tr) = op.get(&traffic).await;
    assert!(tr["settings"]["daily_tier"].is_null() && tr["settings"]["qps_tier"].is_null());
}

#[tokio::test]
async fn the_dashboard_counts_calls_per_method_and_app() {
    let t = TestServer::start().await;
    let Cast {
        op,
        dev,
        app,
        merchant,
    } = t.cast().await;
    let token = test_user_token(&dev, &app, &merchant).await;
    let client = t.sdk_client(&app);
    let opts = t.hmac_get();
    for _ in 0..3 {
        let env = client
            .send_once("open.user.seller.get", &token, "{}", &opts)
            .await
            .unwrap();
        assert_eq!(env["result"], 1, "{env}");
    }
    for _ in 0..2 {
        let env = client
            .send_once("open.order.detail", &token, r#"{"oid":1}"#, &opts)
            .await
            .unwrap();
        assert_ne!(env["result"], 1, "{env}");
    }
    // The statistics endpoint writes what the recorder holds.
    let (s, _) = op.get(&format!("/api/apps/{}/stats", app.id)).await;
    assert_eq!(s, StatusCode::OK);

    let page = t.page_session(&op.login, &op.password).await;
    let (s, html) = page.get("/admin/dashboard?days=7").await;
    assert_eq!(s, StatusCode::OK);
    let ok = row(&html, "data-method=\"open.user.seller.get\"");
    assert!(ok.contains(">3</td>") && ok.contains(">100%</td>"), "{ok}");
    let bad = row(&html, "data-method=\"open.order.detail\"");
    assert!(bad.contains(">2</td>") && bad.contains(">0%</td>"), "{bad}");
    let top = row(&html, &format!("data-app=\"{}\"", app.id));
    assert!(
        top.contains(">5</td>") && top.contains(">60%</td>"),
        "{top}"
    );
    assert!(
        count(&html, "<svg class=\"chart\"") >= 4,
        "the charts are drawn"
    );
    assert!(html.contains("data-queue=\"outbox\""));

    // The app's own page shows the same calls.
    let (_, html) = page.get(&format!("/admin/apps/{}", app.id)).await;
    assert!(html.contains("<svg class=\"chart\""));
    assert!(html.contains("open.order.detail"));

    // English.
    let (_, en) = page.in_lang("en").get("/admin/dashboard").await;
    assert!(en.contains("Calls per API") && !en.contains("??"));
}
