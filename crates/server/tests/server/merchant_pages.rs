//! The merchant's side in the browser: the consent page in the console's layout and language,
//! scopes explained in words; "my authorized apps" with revoke (the app's token stops at once);
//! staff sub-accounts created from the page.

use reqwest::StatusCode;

use crate::common::*;

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn consent_page_speaks_the_readers_language_and_explains_scopes() {
    let t = TestServer::start().await;
    let Cast {
        dev, app, merchant, ..
    } = t.cast().await;
    let (s, b) = dev
        .post(
            &format!("/api/apps/{}/test-users", app.id),
            serde_json::json!({"user_id": merchant.account_id}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let path = format!(
        "/oauth/authorize?app_id={}&response_type=code&scope=merchant_order&redirect_uri={}&state=s",
        app.app_key,
        enc(&t.url("/cb"))
    );

    // Not logged in: the login form, in Chinese by default, on the console's stylesheet.
    let (s, zh) = t.visitor().get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(zh.contains("/assets/console.css") && zh.contains("lang=\"zh-CN\""));
    assert!(zh.contains("name=\"login_csrf\"") && zh.contains("登录商家账号"));
    assert!(zh.contains("读取订单"), "merchant_order explained in words");
    let (_, en) = t.visitor().in_lang("en").get(&path).await;
    assert!(en.contains("Log in with your shop account") && en.contains("Read orders"));
    assert!(!en.contains("??") && !zh.contains("??"));

    // Logged in as the merchant: approve / decline in the reader's language.
    let page = t.page_session(&merchant.login, &merchant.password).await;
    let (s, html) = page.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("value=\"approve\">同意授权") && html.contains("value=\"decline\">拒绝"));
    let (_, html) = page.in_lang("en").get(&path).await;
    assert!(html.contains("value=\"approve\">Approve") && html.contains(&merchant.login));

    // An error page keeps the layout and the code.
    let (s, html) = t
        .visitor()
        .get(&format!(
            "/oauth/authorize?app_id={}&response_type=token",
            app.app_key
        ))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("授权失败") && html.contains("/assets/console.css"));
}

#[tokio::test]
async fn merchants_revoke_apps_and_add_staff_from_their_page() {
    let t = TestServer::start().await;
    let Cast {
        dev, app, merchant, ..
    } = t.cast().await;
    let token = test_user_token(&dev, &app, &merchant).await;
    let client = t.sdk_client(&app);
    let opts = t.hmac_get();
    let env = client
        .send_once("open.user.seller.get", &token, "{}", &opts)
        .await
        .unwrap();
    assert_eq!(env["result"], 1, "{env}");

    // The page lists the app with its packages in words and a revoke button.
    let page = t.page_session(&merchant.login, &merchant.password).await;
    let (s, html) = page.get("/merchant").await;
    assert_eq!(s, StatusCode::OK);
    let (_, list) = merchant.get("/api/merchant/authorizations").await;
    let id = list[0]["id"].as_i64().unwrap();
    assert!(
        html.contains(&format!("data-authorization=\"{id}\"")),
        "{html}"
    );
    assert!(html.contains("订单API和订单消息") && html.contains("测试用户"));
    assert!(html.contains("value=\"revoke\""));

    // Revoke without the CSRF token: refused; with it: the token stops at once.
    let forged = PageSession {
        csrf: String::new(),
        ..page.clone()
    };
    let id_text = id.to_string();
    let revoke = [("action", "revoke"), ("id", id_text.as_str())];
    let (s, _, _) = forged.post_form("/merchant/action", &revoke).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, to, _) = page.post_form("/merchant/action", &revoke).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.unwrap().contains("notice="));
    let env = client
        .send_once("open.user.seller.get", &token, "{}", &opts)
        .await
        .unwrap();
    assert_eq!(env["result"], 24, "{env}");
    let (_, html) = page.get("/merchant").await;
    assert!(!html.contains("value=\"revoke\"") && html.contains("已取消"));

    // A staff account from the form, listed and able to log in.
    let login = format!("staff{}", unique());
    let (s, _, _) = page
        .post_form(
            "/merchant/action",
            &[
                ("action", "create_staff"),
                ("login", login.as_str()),
                ("name", "店员小王"),
                ("password", "staff-password-1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = page.in_lang("en").get("/merchant").await;
    assert!(html.contains(&login) && html.contains("店员小王") && html.contains("Active"));
    let staff = t.page_session(&login, "staff-password-1").await;
    let (s, html) = staff.get("/merchant").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("你正以子账号登录"));
}

/// The navigation's links of a page, and whether the page shows the developer's ones.
fn developer_links(html: &str) -> bool {
    let nav = html
        .split("<nav>")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("the page has a navigation");
    let apps = nav.contains("href=\"/console/apps\"");
    let tools = nav.contains("href=\"/console/tools/api\"");
    assert_eq!(apps, tools, "the developer's links come together: {nav}");
    apps
}

#[tokio::test]
async fn each_role_sees_only_its_own_links_and_notices_in_its_language() {
    let t = TestServer::start().await;
    let op = t.operator().await;
    let merchant = t.merchant(&op).await;
    let merchant_dev = t.approved_developer(&op, "merchant").await;
    let dev = t.submitted_developer("third_party").await;

    // A merchant who is not a developer: the merchant centre only, and a way to become one.
    let shop = t.page_session(&merchant.login, &merchant.password).await;
    let (_, html) = shop.get("/merchant").await;
    assert!(!developer_links(&html), "{html}");
    assert!(html.contains("href=\"/merchant\"") && html.contains("id=\"become-developer\""));
    let (s, to, _) = shop
        .in_lang("en")
        .post_form(
            "/merchant/action",
            &[
                ("action", "create_staff"),
                ("login", &format!("staff{}", unique())),
                ("name", "Staff"),
                ("password", "staff-password-1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("notice=Saved"));

    // A merchant developer: both.
    let both = t
        .page_session(&merchant_dev.login, &merchant_dev.password)
        .await;
    let (_, html) = both.get("/merchant").await;
    assert!(developer_links(&html) && html.contains("href=\"/merchant\""));
    assert!(!html.contains("id=\"become-developer\""));

    // A developer: the developer's links, no merchant centre; the docs pages agree.
    let d = t.page_session(&dev.login, &dev.password).await;
    for path in ["/console", "/docs"] {
        let (_, html) = d.get(path).await;
        assert!(
            developer_links(&html) && !html.contains("href=\"/merchant\""),
            "{path}"
        );
    }

    // The operator: the back office only; a decision's notice in the operator's language.
    let back_office = t.page_session(&op.login, &op.password).await;
    let (_, html) = back_office.get("/admin").await;
    assert!(!developer_links(&html) && html.contains("href=\"/admin\""));
    let (_, me) = dev.get("/api/developer").await;
    let id = me["id"].as_i64().unwrap().to_string();
    for (lang, decision, said) in [("en", "reject", "Rejected"), ("zh", "approve", "已通过")] {
        let (s, to, _) = back_office
            .in_lang(lang)
            .post_form(
                "/admin/decide",
                &[
                    ("subject", "developer"),
                    ("id", &id),
                    ("decision", decision),
                    ("reason", "licence unreadable"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let notice = to.split("notice=").nth(1).expect("a notice");
        let notice = percent_encoding::percent_decode_str(notice).decode_utf8_lossy();
        assert_eq!(notice, said);
        if decision == "reject" {
            // Back to submitted, so that it can be decided again.
            let (s, b) = dev
                .post("/api/developer/submit", serde_json::json!({}))
                .await;
            assert_eq!(s, 200, "{b}");
        }
    }
}
