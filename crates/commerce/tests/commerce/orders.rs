//! Order status machine, shipping rules, cross-merchant access, outbox atomicity.

use crate::common::*;
use kaifang_commerce::orders::{self, Deliver, NoteAuthor, OrderStatus};
use kaifang_commerce::outbox;
use kaifang_wire::errors::ApiError;
use serde_json::Value;

fn deliver(oid: i64, code: i64, no: &str) -> Deliver {
    Deliver {
        order_id: oid,
        express_no: no.into(),
        express_code: code,
        return_address_id: None,
    }
}

#[tokio::test]
async fn order_walks_the_happy_path_with_one_event_per_step() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 2).await;
    assert!((2_600_000_000_000_000..2_700_000_000_000_000).contains(&oid));
    assert_eq!(sku_stock(&e, it.1).await, (10, 2));
    assert_eq!(orders::pay(&e, s, oid).await.unwrap(), OrderStatus::Paid);
    assert_eq!(sku_stock(&e, it.1).await, (8, 0));
    orders::deliver(&e, s, &deliver(oid, 9, "ZT7312345678901"))
        .await
        .unwrap();
    orders::receive(&e, s, oid).await.unwrap();
    assert_eq!(
        orders::complete(&e, s, oid).await.unwrap(),
        OrderStatus::Success
    );
    assert_eq!(
        events(&e, oid).await,
        [
            outbox::ORDER_ADD,
            outbox::ORDER_PAY_SUCCESS,
            outbox::ORDER_DELIVERING,
            outbox::ORDER_DELIVERY_SUCCESS,
            outbox::ORDER_SUCCESS
        ]
    );
    let detail = orders::query::order_detail(&e, s, oid).await.unwrap();
    assert_eq!(detail["orderBaseInfo"]["status"], 70);
    assert_eq!(detail["orderLogisticsInfo"][0]["expressCode"], 9);
    assert_eq!(
        detail["orderLogisticsInfo"][0]["expressNo"],
        "ZT7312345678901"
    );
    assert_eq!(detail["orderItemInfo"]["num"], 2);
    assert_eq!(detail["orderBaseInfo"]["totalFee"], 3980);
}

#[tokio::test]
async fn illegal_moves_are_rejected_with_21_and_change_nothing() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 1).await;
    let before = outbox_count(&e).await;
    let err = orders::deliver(&e, s, &deliver(oid, 9, "ZT7312345678901"))
        .await
        .unwrap_err();
    assert_eq!(err.api, ApiError::OperationRejected);
    assert!(err.message.contains("status 10"), "{}", err.message);
    assert_eq!(
        orders::receive(&e, s, oid).await.unwrap_err().api,
        ApiError::OperationRejected
    );
    assert_eq!(
        orders::complete(&e, s, oid).await.unwrap_err().api,
        ApiError::OperationRejected
    );
    assert_eq!(outbox_count(&e).await, before);
    let pkgs =
        e.db.scalar("SELECT COUNT(*) FROM order_logistics", &[])
            .await
            .unwrap();
    assert_eq!(pkgs, 0);
    orders::pay(&e, s, oid).await.unwrap();
    assert_eq!(
        orders::pay(&e, s, oid).await.unwrap_err().api,
        ApiError::OperationRejected
    );
    let err = orders::close(&e, s, oid).await.unwrap_err();
    assert!(err.message.contains("refund"), "{}", err.message);
}

#[tokio::test]
async fn cancelling_releases_reserved_stock_and_writes_order_fail() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 3).await;
    assert_eq!(sku_stock(&e, it.1).await, (5, 3));
    assert_eq!(
        orders::cancel(&e, s, oid).await.unwrap(),
        OrderStatus::Failed
    );
    assert_eq!(sku_stock(&e, it.1).await, (5, 0));
    assert_eq!(events(&e, oid).await.last().unwrap(), outbox::ORDER_FAIL);
    assert_eq!(
        orders::pay(&e, s, oid).await.unwrap_err().api,
        ApiError::OperationRejected
    );
}

#[tokio::test]
async fn unknown_and_retired_carriers_are_rejected() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 1).await;
    orders::pay(&e, s, oid).await.unwrap();
    for (code, hint) in [
        (16, "not a known"),
        (77777, "not a known"),
        (1, "109"),
        (13, "use 6"),
    ] {
        let err = orders::deliver(&e, s, &deliver(oid, code, "ZT7312345678901"))
            .await
            .unwrap_err();
        assert_eq!(err.api, ApiError::ShippingRuleRejected, "code {code}");
        assert!(err.message.contains(hint), "{code}: {}", err.message);
    }
    let err = orders::deliver(&e, s, &deliver(oid, 9, "x"))
        .await
        .unwrap_err();
    assert_eq!(err.api, ApiError::ShippingRuleRejected);
    assert_eq!(kaifang_commerce::logistics::carriers::CARRIERS.len(), 154);
    orders::deliver(&e, s, &deliver(oid, 109, "JT0001234567890"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_waybill_used_by_another_merchant_is_rejected() {
    let e = env().await;
    let a = merchant(&e).await;
    let b = merchant(&e).await;
    let ia = item(&e, a, 5).await;
    let ib = item(&e, b, 5).await;
    let oa = order(&e, a, ia, 1).await;
    let ob = order(&e, b, ib, 1).await;
    let oa2 = order(&e, a, ia, 1).await;
    for (s, o) in [(a, oa), (b, ob), (a, oa2)] {
        orders::pay(&e, s, o).await.unwrap();
    }
    orders::deliver(&e, a, &deliver(oa, 4, "SF1234567890123"))
        .await
        .unwrap();
    let err = orders::deliver(&e, b, &deliver(ob, 4, "SF1234567890123"))
        .await
        .unwrap_err();
    assert_eq!(err.api, ApiError::ShippingRuleRejected);
    assert_eq!(
        events(&e, ob).await.len(),
        2,
        "no delivering event for the rejected delivery"
    );
    // The same merchant may put two orders in one parcel.
    orders::deliver(&e, a, &deliver(oa2, 4, "SF1234567890123"))
        .await
        .unwrap();
}

#[tokio::test]
async fn another_merchants_order_is_rejected_with_21() {
    let e = env().await;
    let a = merchant(&e).await;
    let b = merchant(&e).await;
    let it = item(&e, a, 5).await;
    let oid = order(&e, a, it, 1).await;
    let author = NoteAuthor {
        staff_id: 0,
        name: "b".into(),
    };
    let errs = [
        orders::query::order_detail(&e, b, oid).await.unwrap_err(),
        orders::pay(&e, b, oid).await.unwrap_err(),
        orders::close(&e, b, oid).await.unwrap_err(),
        orders::add_note(&e, b, oid, "x", None, &author)
            .await
            .unwrap_err(),
        orders::deliver(&e, b, &deliver(oid, 9, "ZT7312345678901"))
            .await
            .unwrap_err(),
    ];
    for err in errs {
        assert_eq!(err.api, ApiError::OperationRejected);
        assert_eq!(err.code(), 21);
        assert!(
            err.message.starts_with("order operation reject"),
            "{}",
            err.message
        );
    }
}

#[tokio::test]
async fn logistics_update_and_append_change_packages() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 1).await;
    assert_eq!(
        orders::append_logistics(&e, s, oid, 9, "ZT7312345678901")
            .await
            .unwrap_err()
            .api,
        ApiError::OperationRejected
    );
    orders::pay(&e, s, oid).await.unwrap();
    orders::deliver(&e, s, &deliver(oid, 9, "ZT7312345678901"))
        .await
        .unwrap();
    orders::update_logistics(&e, s, oid, 11, "YD4312345678901", None)
        .await
        .unwrap();
    let second = orders::append_logistics(&e, s, oid, 4, "SF1234567890999")
        .await
        .unwrap();
    let d = orders::query::order_detail(&e, s, oid).await.unwrap();
    let pk = d["orderLogisticsInfo"].as_array().unwrap();
    assert_eq!(pk.len(), 2);
    assert_eq!(pk[0]["expressCode"], 11);
    assert_eq!(pk[1]["logisticsId"], second);
    assert_eq!(
        orders::update_logistics(&e, s, oid, 1, "YD4312345678901", None)
            .await
            .unwrap_err()
            .api,
        ApiError::ShippingRuleRejected
    );
}

#[tokio::test]
async fn notes_and_flags_write_add_note_with_its_exact_fields() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 1).await;
    let author = NoteAuthor {
        staff_id: 0,
        name: "店主".into(),
    };
    orders::add_note(&e, s, oid, "加急", Some(1), &author)
        .await
        .unwrap();
    let long = "长".repeat(201);
    assert_eq!(
        orders::add_note(&e, s, oid, &long, None, &author)
            .await
            .unwrap_err()
            .api,
        ApiError::InvalidParameter
    );
    let rows = outbox::for_biz(&e.db, oid).await.unwrap();
    let note = rows
        .iter()
        .find(|r| r.event == outbox::ORDER_ADD_NOTE)
        .unwrap();
    let info: Value = serde_json::from_str(&note.info).unwrap();
    let mut keys: Vec<_> = info.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "bizId",
            "eventType",
            "flag",
            "note",
            "operatorName",
            "operatorType",
            "type",
            "updateTime"
        ]
    );
    assert_eq!(info["note"], "加急");
    assert_eq!(info["flag"], 1);
    let d = orders::query::order_detail(&e, s, oid).await.unwrap();
    assert_eq!(d["orderNote"]["sellerNote"][0], "加急");
    assert_eq!(d["orderFlag"]["flag"][0], 1);
}

#[tokio::test]
async fn order_events_carry_exactly_their_declared_info_fields() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 1).await;
    orders::pay(&e, s, oid).await.unwrap();
    let rows = outbox::for_biz(&e.db, oid).await.unwrap();
    let add: Value = serde_json::from_str(&rows[0].info).unwrap();
    let mut keys: Vec<_> = add.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "buyerOpenId",
            "createTime",
            "customizedInfo",
            "oid",
            "openId",
            "sellerId"
        ]
    );
    assert_eq!(add["oid"], oid);
    assert_eq!(add["sellerId"], s);
    assert_eq!(add["createTime"], START);
    let pay: Value = serde_json::from_str(&rows[1].info).unwrap();
    assert_eq!(
        pay,
        serde_json::json!({"oid": oid, "sellerId": s, "status": 30, "updateTime": START})
    );
    assert_eq!(rows[1].scope, "merchant_order");
    assert_eq!(rows[1].seller_id, s);
    for decl in outbox::EVENTS {
        assert!(decl.name.starts_with("kwaishop_"));
    }
    assert_eq!(outbox::EVENTS.len(), 18);
}

#[tokio::test]
async fn personal_data_is_never_stored_in_plaintext() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 5).await;
    let oid = order(&e, s, it, 1).await;
    let r =
        e.db.fetch_one(
            "SELECT * FROM orders WHERE id = $1",
            &kaifang_store::args![oid],
        )
        .await
        .unwrap();
    let c = consignee();
    for col in ["consignee_enc", "mobile_enc", "address_enc"] {
        let raw = r.bytes(col).unwrap();
        for plain in [&c.name, &c.mobile, &c.detail] {
            assert!(
                !raw.windows(plain.len()).any(|w| w == plain.as_bytes()),
                "{col} holds plaintext"
            );
        }
    }
    for col in [
        "consignee_masked",
        "mobile_masked",
        "address_masked",
        "buyer_nick",
        "remark",
    ] {
        let text = r.text(col).unwrap();
        for plain in [&c.name, &c.mobile, &c.detail] {
            assert!(!text.contains(plain.as_str()), "{col} holds plaintext");
        }
    }
    let all_outbox: Vec<String> = outbox::for_biz(&e.db, oid)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.info)
        .collect();
    assert!(all_outbox.iter().all(|i| !i.contains("13800138000")));
    let d = orders::query::order_detail(&e, s, oid).await.unwrap();
    let a = &d["orderAddress"];
    assert_eq!(a["desensitiseConsignee"], "张**");
    assert_eq!(a["desensitiseMobile"], "138****8000");
    assert_eq!(a["desensitiseAddress"], "浙江省杭州市西湖区****");
    assert!(a["consignee"].is_null() && a["mobile"].is_null() && a["address"].is_null());
    let token = a["encryptedMobile"].as_str().unwrap();
    assert!(token.starts_with('#') && token.ends_with('#'));
    assert!(!d.to_string().contains("13800138000"));
}
