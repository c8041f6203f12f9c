//! Refund state machine, ownership (300012), events, order closure.

use crate::common::*;
use kaifang_commerce::orders::{self, Deliver};
use kaifang_commerce::outbox;
use kaifang_commerce::refunds::{self, NewRefund, RefundStatus, Reject};
use kaifang_wire::errors::ApiError;
use serde_json::Value;

fn req(oid: i64, handling_way: i64) -> NewRefund {
    NewRefund {
        oid,
        handling_way,
        reason: 1,
        reason_desc: "不想要了".into(),
        desc: "拍错了".into(),
        refund_fee: None,
    }
}

async fn shipped_order(e: &Env, s: i64) -> i64 {
    let it = item(e, s, 10).await;
    let oid = order(e, s, it, 1).await;
    orders::pay(e, s, oid).await.unwrap();
    orders::deliver(
        e,
        s,
        &Deliver {
            order_id: oid,
            express_no: format!("ZT{}", oid),
            express_code: 9,
            return_address_id: None,
        },
    )
    .await
    .unwrap();
    oid
}

#[tokio::test]
async fn refund_only_before_shipping_refunds_and_closes_the_order() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 1).await;
    orders::pay(&e, s, oid).await.unwrap();
    let (rid, st) = refunds::open_refund(&e, s, &req(oid, 10)).await.unwrap();
    assert_eq!(st, RefundStatus::RefundRequested);
    assert_eq!(
        refunds::approve(&e, s, rid, 0).await.unwrap_err().api,
        ApiError::RefundAmountZero
    );
    assert_eq!(
        refunds::approve(&e, s, rid, 1990).await.unwrap(),
        RefundStatus::Refunded
    );
    let d = orders::query::order_detail(&e, s, oid).await.unwrap();
    assert_eq!(d["orderBaseInfo"]["status"], 80);
    assert_eq!(d["orderRefundList"][0]["refundId"], rid);
    assert_eq!(d["orderRefundList"][0]["refundStatus"], 60);
    assert_eq!(events(&e, oid).await.last().unwrap(), outbox::ORDER_FAIL);
    assert_eq!(
        events(&e, rid).await,
        [outbox::REFUND_ADD, outbox::REFUND_UPDATE]
    );
    // A closed refund cannot be approved again.
    let err = refunds::approve(&e, s, rid, 1990).await.unwrap_err();
    assert_eq!(err.api, ApiError::RefundStatusError);
    assert!(err.message.contains("closed"), "{}", err.message);
}

#[tokio::test]
async fn return_and_refund_goes_through_return_and_receipt() {
    let e = env().await;
    let s = merchant(&e).await;
    let oid = shipped_order(&e, s).await;
    let (rid, st) = refunds::open_refund(&e, s, &req(oid, 1)).await.unwrap();
    assert_eq!(st, RefundStatus::ReturnRequested);
    assert_eq!(
        refunds::approve(&e, s, rid, 100).await.unwrap_err().api,
        ApiError::RefundStatusError
    );
    assert_eq!(
        refunds::confirm_receipt(&e, s, rid).await.unwrap_err().api,
        ApiError::RefundStatusError
    );
    assert_eq!(
        refunds::approve_return(&e, s, rid, 1990, None)
            .await
            .unwrap(),
        RefundStatus::AwaitingReturn
    );
    assert_eq!(
        refunds::buyer_return(&e, s, rid, 9, "ZT9999999999")
            .await
            .unwrap(),
        RefundStatus::AwaitingSellerReceipt
    );
    assert_eq!(
        refunds::confirm_receipt(&e, s, rid).await.unwrap(),
        RefundStatus::Refunded
    );
    let d = refunds::query::refund_detail(&e, s, rid).await.unwrap();
    assert_eq!(d["status"], 60);
    assert_eq!(d["negotiateStatus"], 2);
    assert_eq!(d["receiptStatus"], 2);
    assert_eq!(d["handlingWay"], 1);
    assert_eq!(d["logisticsInfo"]["expressCode"], 9);
    let rows = outbox::for_biz(&e.db, rid).await.unwrap();
    let add: Value = serde_json::from_str(&rows[0].info).unwrap();
    let mut keys: Vec<_> = add.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "createTime",
            "handlingWay",
            "orderId",
            "refundId",
            "specialRefundType",
            "status"
        ]
    );
    let upd: Value = serde_json::from_str(&rows[1].info).unwrap();
    let mut keys: Vec<_> = upd.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "eventType",
            "handlingWay",
            "orderId",
            "refundId",
            "specialRefundType",
            "status",
            "updateTime"
        ]
    );
    assert_eq!(rows[0].scope, "merchant_refund");
    // The order itself stays shipped: goods went out and came back.
    let od = orders::query::order_detail(&e, s, oid).await.unwrap();
    assert_eq!(od["orderBaseInfo"]["status"], 40);
}

#[tokio::test]
async fn exchange_ends_waiting_for_the_buyer() {
    let e = env().await;
    let s = merchant(&e).await;
    let oid = shipped_order(&e, s).await;
    let (rid, _) = refunds::open_refund(&e, s, &req(oid, 3)).await.unwrap();
    refunds::approve_return(&e, s, rid, 1990, None)
        .await
        .unwrap();
    refunds::buyer_return(&e, s, rid, 9, "ZT8888888888")
        .await
        .unwrap();
    assert_eq!(
        refunds::confirm_receipt(&e, s, rid).await.unwrap(),
        RefundStatus::AwaitingBuyerReceipt
    );
}

#[tokio::test]
async fn reject_needs_a_reason_and_the_current_version() {
    let e = env().await;
    let s = merchant(&e).await;
    let oid = shipped_order(&e, s).await;
    let (rid, _) = refunds::open_refund(&e, s, &req(oid, 10)).await.unwrap();
    let version = refunds::query::refund_detail(&e, s, rid).await.unwrap()["updateTime"]
        .as_i64()
        .unwrap();
    let mut r = Reject {
        refund_id: rid,
        reason_code: 5,
        refund_version: version,
        reject_desc: String::new(),
        reject_images: vec![],
    };
    assert_eq!(
        refunds::reject(&e, s, &r).await.unwrap_err().api,
        ApiError::RefundDescBlank
    );
    r.reject_desc = "已发货".into();
    r.refund_version = version - 1;
    assert_eq!(
        refunds::reject(&e, s, &r).await.unwrap_err().api,
        ApiError::RefundUpdated
    );
    r.reason_code = 99;
    r.refund_version = version;
    assert_eq!(
        refunds::reject(&e, s, &r).await.unwrap_err().api,
        ApiError::InvalidParameter
    );
    r.reason_code = 5;
    assert_eq!(
        refunds::reject(&e, s, &r).await.unwrap(),
        RefundStatus::Failed
    );
    assert_eq!(
        refunds::query::refund_detail(&e, s, rid).await.unwrap()["negotiateStatus"],
        3
    );
    assert_eq!(
        refunds::reject(&e, s, &r).await.unwrap_err().api,
        ApiError::RefundStatusError
    );
    assert_eq!(refunds::reject_reasons(&e, s, rid).await.unwrap().len(), 5);
}

#[tokio::test]
async fn another_merchants_refund_is_rejected_with_300012() {
    let e = env().await;
    let a = merchant(&e).await;
    let b = merchant(&e).await;
    let oid = shipped_order(&e, a).await;
    let (rid, _) = refunds::open_refund(&e, a, &req(oid, 10)).await.unwrap();
    let errs = [
        refunds::query::refund_detail(&e, b, rid).await.unwrap_err(),
        refunds::approve(&e, b, rid, 100).await.unwrap_err(),
        refunds::approve_return(&e, b, rid, 100, None)
            .await
            .unwrap_err(),
        refunds::confirm_receipt(&e, b, rid).await.unwrap_err(),
        refunds::reject_reasons(&e, b, rid).await.unwrap_err(),
    ];
    for err in errs {
        assert_eq!(err.code(), 300012, "{}", err.message);
    }
    assert_eq!(
        refunds::query::refund_detail(&e, a, 2_799_999_999_999_999)
            .await
            .unwrap_err()
            .code(),
        300011
    );
    // And another merchant cannot open a case on this order.
    assert_eq!(
        refunds::open_refund(&e, b, &req(oid, 10))
            .await
            .unwrap_err()
            .code(),
        21
    );
}

#[tokio::test]
async fn bad_handling_ways_and_unpaid_orders_are_rejected() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    let oid = order(&e, s, it, 1).await;
    assert_eq!(
        refunds::open_refund(&e, s, &req(oid, 10))
            .await
            .unwrap_err()
            .code(),
        21
    );
    orders::pay(&e, s, oid).await.unwrap();
    assert_eq!(
        refunds::open_refund(&e, s, &req(oid, 7))
            .await
            .unwrap_err()
            .code(),
        300008
    );
    assert_eq!(
        refunds::open_refund(&e, s, &req(oid, 1))
            .await
            .unwrap_err()
            .code(),
        300008
    );
    refunds::open_refund(&e, s, &req(oid, 10)).await.unwrap();
    assert_eq!(
        refunds::open_refund(&e, s, &req(oid, 10))
            .await
            .unwrap_err()
            .code(),
        21
    );
}
