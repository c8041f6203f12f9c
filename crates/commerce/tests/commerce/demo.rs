//! Demo data and the bulk generator.

use std::collections::HashSet;

use crate::common::*;
use kaifang_commerce::{demo, orders, seed};
use kaifang_store::args;

#[tokio::test]
async fn seed_shop_fills_every_status_once_with_events() {
    let e = env().await;
    let s = merchant(&e).await;
    assert!(demo::seed_shop(&e, s, 120).await.unwrap());
    let statuses: HashSet<i64> =
        e.db.fetch_all(
            "SELECT DISTINCT status FROM orders WHERE seller_id = $1",
            &args![s],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.i64("status").unwrap())
        .collect();
    assert_eq!(statuses, HashSet::from([10, 30, 40, 50, 70, 80]));
    let orders =
        e.db.scalar("SELECT COUNT(*) FROM orders", &[])
            .await
            .unwrap();
    assert_eq!(orders, 120);
    let recent =
        e.db.scalar(
            "SELECT COUNT(*) FROM orders WHERE create_time > $1",
            &args![START - 86_400_000],
        )
        .await
        .unwrap();
    assert!(recent > 0);
    let refunds =
        e.db.scalar("SELECT COUNT(*) FROM refunds", &[])
            .await
            .unwrap();
    assert!(refunds > 0);
    let add_events =
        e.db.scalar(
            "SELECT COUNT(*) FROM outbox WHERE event = 'kwaishop_order_addOrder'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        add_events, 120,
        "made through the domain functions, so each order has its event"
    );
    // Every change went through a path that re-renders the order's stored view; so do notes
    // and package changes, which the demo does not make.
    let shipped: Vec<i64> =
        e.db.fetch_all(
            "SELECT id FROM orders WHERE status = 40 ORDER BY id LIMIT 3",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.i64("id").unwrap())
        .collect();
    let author = orders::NoteAuthor {
        staff_id: 0,
        name: "shop".into(),
    };
    // One order per change, so a later change cannot hide a forgotten re-rendering.
    orders::add_note(&e, s, shipped[0], "fragile", Some(1), &author)
        .await
        .unwrap();
    orders::append_logistics(&e, s, shipped[1], 4, "YT0000000001")
        .await
        .unwrap();
    orders::update_logistics(&e, s, shipped[2], 2, "SF0000000002", None)
        .await
        .unwrap();
    assert_eq!(
        orders::view::stale(&e.db).await.unwrap(),
        Vec::<i64>::new(),
        "every order's stored view matches a fresh rendering"
    );
    assert!(
        !demo::seed_shop(&e, s, 120).await.unwrap(),
        "second call does nothing"
    );
    assert_eq!(
        e.db.scalar("SELECT COUNT(*) FROM orders", &[])
            .await
            .unwrap(),
        120
    );
}

#[tokio::test]
async fn bulk_orders_are_consistent_sealed_and_listable() {
    let e = env().await;
    let s = merchant(&e).await;
    let mut seen = Vec::new();
    let stats = seed::bulk_orders(&e, s, 10_450, |n| seen.push(n))
        .await
        .unwrap();
    assert_eq!(stats.orders, 10_450);
    assert_eq!(seen, [10_000, 10_450]);
    assert_eq!(
        e.db.scalar("SELECT COUNT(*) FROM orders", &[])
            .await
            .unwrap(),
        10_450
    );
    assert_eq!(
        e.db.scalar("SELECT COUNT(*) FROM order_items", &[])
            .await
            .unwrap(),
        10_450
    );
    let shipped =
        e.db.scalar(
            "SELECT COUNT(*) FROM orders WHERE send_time IS NOT NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(shipped as u64, stats.packages);
    assert_eq!(
        orders::view::stale(&e.db).await.unwrap(),
        Vec::<i64>::new(),
        "the views the loader rendered from its own values match the database's"
    );
    let bad = e
        .db
        .scalar(
            "SELECT COUNT(*) FROM orders WHERE (status = 10 AND pay_time IS NOT NULL) OR (status = 70 AND success_time IS NULL) OR update_time < create_time",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(bad, 0);
    // Ids grow with creation time, as on the platform (and the indexes are appended to).
    let out_of_order = e
        .db
        .scalar(
            "SELECT COUNT(*) FROM orders a JOIN orders b ON b.id = a.id + 1 WHERE b.create_time < a.create_time",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(out_of_order, 0);
    // Personal data is sealed: masked forms only, and the decrypt API opens it.
    let r =
        // A paid or shipped order: a successful one may be past the 14-day decrypt window.
        e.db.fetch_one("SELECT * FROM orders WHERE status IN (30, 40) ORDER BY id LIMIT 1", &[])
            .await
            .unwrap();
    assert!(r.text("mobile_masked").unwrap().contains("****"));
    let oid = r.i64("id").unwrap();
    let d = kaifang_commerce::orders::query::order_detail(&e, s, oid)
        .await
        .unwrap();
    let token = d["orderAddress"]["encryptedMobile"]
        .as_str()
        .unwrap()
        .to_string();
    let out = kaifang_commerce::vault::decrypt(
        &e,
        kaifang_commerce::vault::Decryptor {
            seller_id: s,
            app_id: None,
            operator_id: None,
        },
        &[kaifang_commerce::vault::DecryptItem {
            biz_id: oid.to_string(),
            encrypted_data: token,
        }],
    )
    .await
    .unwrap();
    assert_eq!(out[0].error_code, 1);
    assert_eq!(out[0].decrypted_data.as_ref().unwrap().len(), 11);
}

#[tokio::test]
async fn orders_from_before_stored_views_get_them_at_start() {
    let e = env().await;
    let s = merchant(&e).await;
    assert!(demo::seed_shop(&e, s, 20).await.unwrap());
    // A data directory from before migration 6: orders without views, the backfill pending.
    e.db.execute("DELETE FROM order_views", &[]).await.unwrap();
    e.db.execute(
        "INSERT INTO order_views_backfill (after_id) VALUES (0)",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(orders::view::stale(&e.db).await.unwrap().len(), 20);
    assert_eq!(orders::view::backfill(&e.db).await.unwrap(), 20);
    assert_eq!(orders::view::stale(&e.db).await.unwrap(), Vec::<i64>::new());
    assert_eq!(
        orders::view::backfill(&e.db).await.unwrap(),
        0,
        "done once; later starts do nothing"
    );
}
