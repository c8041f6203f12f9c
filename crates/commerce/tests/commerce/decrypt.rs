//! The decrypt rules: batch size, 14 days after success, free while a refund is open, each order
//! once per day against the merchant's quota, audit rows, decrypt rate.

use crate::common::*;
use kaifang_commerce::orders::{self, Deliver};
use kaifang_commerce::refunds::{self, NewRefund};
use kaifang_commerce::vault::{self, DecryptItem, Decryptor};
use kaifang_platform::clock::DAY;
use kaifang_store::args;

async fn tokens(e: &Env, s: i64, oid: i64) -> [String; 3] {
    let d = orders::query::order_detail(e, s, oid).await.unwrap();
    let a = &d["orderAddress"];
    ["encryptedConsignee", "encryptedMobile", "encryptedAddress"]
        .map(|k| a[k].as_str().unwrap().to_string())
}

fn item_of(oid: i64, t: &str) -> DecryptItem {
    DecryptItem {
        biz_id: oid.to_string(),
        encrypted_data: t.into(),
    }
}

fn who(s: i64) -> Decryptor {
    Decryptor {
        seller_id: s,
        app_id: Some(42),
        operator_id: Some(s),
    }
}

async fn charged_today(e: &Env, s: i64) -> i64 {
    e.db.scalar(
        "SELECT COUNT(*) FROM decrypt_usage WHERE seller_id = $1 AND charged = 1",
        &args![s],
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn decrypt_returns_plaintext_counts_once_per_day_and_audits() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 1).await;
    let t = tokens(&e, s, oid).await;
    let list: Vec<_> = t.iter().map(|x| item_of(oid, x)).collect();
    let out = vault::decrypt(&e, who(s), &list).await.unwrap();
    let plain: Vec<_> = out
        .iter()
        .map(|r| r.decrypted_data.clone().unwrap())
        .collect();
    assert_eq!(plain, ["张三丰", "13800138000", "文三路398号东信大厦7楼"]);
    assert!(out.iter().all(|r| r.error_code == 1));
    vault::decrypt(&e, who(s), &list).await.unwrap();
    assert_eq!(charged_today(&e, s).await, 1, "one order, once per day");
    let audit =
        e.db.fetch_all("SELECT * FROM decrypt_audit ORDER BY id", &[])
            .await
            .unwrap();
    assert_eq!(audit.len(), 6);
    assert_eq!(audit[0].i64("app_id").unwrap(), 42);
    assert_eq!(audit[0].i64("order_id").unwrap(), oid);
    assert_eq!(audit[0].i64("operator_id").unwrap(), s);
    assert_eq!(audit[0].text("field").unwrap(), "consignee");
    assert_eq!(audit[0].i64("created_at").unwrap(), START);
    e.clock.advance(DAY);
    vault::decrypt(&e, who(s), &list[..1]).await.unwrap();
    assert_eq!(charged_today(&e, s).await, 2, "counted again on a new day");
}

#[tokio::test]
async fn the_daily_quota_stops_new_orders_but_not_ones_already_decrypted_today() {
    let e = env().await;
    let s = merchant(&e).await;
    vault::set_daily_decrypt_quota(&e, s, 2).await.unwrap();
    let it = item(&e, s, 10).await;
    let mut o = Vec::new();
    for _ in 0..3 {
        o.push(order(&e, s, it, 1).await);
    }
    for oid in &o[..2] {
        let t = tokens(&e, s, *oid).await;
        assert_eq!(
            vault::decrypt(&e, who(s), &[item_of(*oid, &t[1])])
                .await
                .unwrap()[0]
                .error_code,
            1
        );
    }
    let t = tokens(&e, s, o[2]).await;
    let r = vault::decrypt(&e, who(s), &[item_of(o[2], &t[1])])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 1017);
    assert!(r[0].decrypted_data.is_none());
    assert!(r[0].error_msg.contains("quota"), "{}", r[0].error_msg);
    let t0 = tokens(&e, s, o[0]).await;
    assert_eq!(
        vault::decrypt(&e, who(s), &[item_of(o[0], &t0[0])])
            .await
            .unwrap()[0]
            .error_code,
        1
    );
    // Free while an after-sales case is open.
    orders::pay(&e, s, o[2]).await.unwrap();
    refunds::open_refund(
        &e,
        s,
        &NewRefund {
            oid: o[2],
            handling_way: 10,
            reason: 1,
            reason_desc: "r".into(),
            desc: "d".into(),
            refund_fee: None,
        },
    )
    .await
    .unwrap();
    let r = vault::decrypt(&e, who(s), &[item_of(o[2], &t[1])])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 1, "{}", r[0].error_msg);
    assert_eq!(charged_today(&e, s).await, 2);
    assert_eq!(vault::daily_decrypt_quota(&e, s).await.unwrap(), 2);
    let fresh = merchant(&e).await;
    assert_eq!(
        vault::daily_decrypt_quota(&e, fresh).await.unwrap(),
        vault::DEFAULT_DAILY_DECRYPT_QUOTA
    );
}

#[tokio::test]
async fn orders_more_than_14_days_after_success_cannot_be_decrypted() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 1).await;
    orders::pay(&e, s, oid).await.unwrap();
    orders::deliver(
        &e,
        s,
        &Deliver {
            order_id: oid,
            express_no: "ZT1234567890".into(),
            express_code: 9,
            return_address_id: None,
        },
    )
    .await
    .unwrap();
    orders::receive(&e, s, oid).await.unwrap();
    orders::complete(&e, s, oid).await.unwrap();
    let t = tokens(&e, s, oid).await;
    e.clock.advance(14 * DAY);
    assert_eq!(
        vault::decrypt(&e, who(s), &[item_of(oid, &t[0])])
            .await
            .unwrap()[0]
            .error_code,
        1
    );
    e.clock.advance(1);
    let r = vault::decrypt(&e, who(s), &[item_of(oid, &t[0])])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 21);
    assert!(r[0].error_msg.contains("14 days"), "{}", r[0].error_msg);
}

#[tokio::test]
async fn batch_limits_foreign_orders_and_foreign_tokens() {
    let e = env().await;
    let a = merchant(&e).await;
    let b = merchant(&e).await;
    let ia = item(&e, a, 10).await;
    let oa = order(&e, a, ia, 1).await;
    let oa2 = order(&e, a, ia, 1).await;
    let t = tokens(&e, a, oa).await;
    let many: Vec<_> = (0..101).map(|_| item_of(oa, &t[0])).collect();
    assert_eq!(
        vault::decrypt(&e, who(a), &many).await.unwrap_err().code(),
        990110
    );
    assert_eq!(
        vault::decrypt(&e, who(a), &many[..100])
            .await
            .unwrap()
            .len(),
        100
    );
    let r = vault::decrypt(&e, who(b), &[item_of(oa, &t[0])])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 21, "another merchant's order");
    let r = vault::decrypt(&e, who(a), &[item_of(oa2, &t[0])])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 990110, "a token of another order");
    let r = vault::decrypt(&e, who(a), &[item_of(oa, "not-a-token")])
        .await
        .unwrap();
    assert_eq!(r[0].error_code, 990110);
}

#[tokio::test]
async fn decrypt_rate_is_decrypted_over_shipped_orders() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 100).await;
    let mut oids = Vec::new();
    for i in 0..4 {
        let oid = order(&e, s, it, 1).await;
        orders::pay(&e, s, oid).await.unwrap();
        orders::deliver(
            &e,
            s,
            &Deliver {
                order_id: oid,
                express_no: format!("ZT12345678{i}"),
                express_code: 9,
                return_address_id: None,
            },
        )
        .await
        .unwrap();
        oids.push(oid);
    }
    let t = tokens(&e, s, oids[0]).await;
    vault::decrypt(
        &e,
        who(s),
        &[item_of(oids[0], &t[0]), item_of(oids[0], &t[1])],
    )
    .await
    .unwrap();
    let rate = vault::decrypt_rate(&e, 42, START, START + DAY)
        .await
        .unwrap();
    assert_eq!(rate.decrypted_orders, 1);
    assert_eq!(rate.shipped_orders, 4);
    assert!((rate.rate - 0.25).abs() < 1e-9);
}
