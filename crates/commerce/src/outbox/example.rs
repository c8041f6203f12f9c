//! An example `info` for every declared event, built from the declaration's field names, so
//! the docs' event pages and the console's message test tool start from one sample that always
//! has exactly the declared fields.
//!
//! Values are made up but typed and shaped like real ones (16-digit order ids, ms times, the
//! status that the event implies).

use serde_json::{Value, json};

use super::EventDecl;

/// The example time of every sample: 2023-11-14T22:13:20Z.
pub const EXAMPLE_TIME: i64 = 1_700_000_000_000;
/// The example merchant (seller) id.
pub const EXAMPLE_SELLER: i64 = 10_001;

/// The example `bizId` of an event: an order, refund or item id.
pub fn biz_id(decl: &EventDecl) -> i64 {
    match decl.scope {
        super::Scope::Order => 2_607_602_240_240_301,
        super::Scope::Refund => 2_712_345_678_901_234,
        super::Scope::Item => 20_000_000_001,
    }
}

/// A sample `info` carrying exactly `decl.info_fields`.
pub fn info(decl: &EventDecl) -> Value {
    let mut map = serde_json::Map::new();
    for f in decl.info_fields {
        map.insert((*f).to_string(), value(decl, f));
    }
    Value::Object(map)
}

/// The order status an order event implies.
fn order_status(event: &str) -> i64 {
    match event {
        super::ORDER_PAY_SUCCESS => 30,
        super::ORDER_DELIVERING => 40,
        super::ORDER_DELIVERY_SUCCESS => 50,
        super::ORDER_SUCCESS => 70,
        super::ORDER_FAIL => 80,
        _ => 10,
    }
}

fn value(decl: &EventDecl, field: &str) -> Value {
    match field {
        "oid" | "orderId" | "bizId" => json!(2_607_602_240_240_301_i64),
        "refundId" => json!(2_712_345_678_901_234_i64),
        "itemId" => json!(20_000_000_001_i64),
        "skuId" => json!(30_000_000_001_i64),
        "relItemId" => json!("T-001"),
        "sellerId" | "seller_id" => json!(EXAMPLE_SELLER),
        "openId" => json!("f1b6c0d8e2a94b7c9d3e5f7a1b2c3d4e"),
        "buyerOpenId" => json!("9a8b7c6d5e4f30211f2e3d4c5b6a7980"),
        "createTime" | "updateTime" | "auditTime" => json!(EXAMPLE_TIME),
        "customizedInfo" => {
            json!({"customizedItemType": 0, "customizedUrl": "", "customizedCode": ""})
        }
        "status" if decl.scope == super::Scope::Refund => {
            json!(if decl.name == super::REFUND_ADD {
                10
            } else {
                30
            })
        }
        "status" => json!(order_status(decl.name)),
        "totalFee" => json!(5_900),
        "beforeTotalFee" => json!(6_900),
        "expressFee" => json!(0),
        "beforeExpressFee" => json!(1_000),
        "eventType" => json!(2),
        "operatorName" => json!("店长"),
        "operatorType" => json!(1),
        "note" => json!("加急"),
        "type" => json!(1),
        "flag" => json!(1),
        "auditStatus" => json!(10),
        "handlingWay" => json!(10),
        "specialRefundType" => json!(0),
        "shelfStatus" => json!(1),
        "skuStock" => json!(100),
        "reserveStock" => json!(2),
        "price" => json!(5_900),
        "beforePrice" => json!(6_900),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::super::EVENTS;
    use super::*;

    #[test]
    fn every_event_has_a_typed_sample_with_exactly_its_fields() {
        for e in EVENTS {
            let info = info(e);
            let map = info.as_object().expect("object");
            assert_eq!(map.len(), e.info_fields.len(), "{}", e.name);
            for f in e.info_fields {
                assert!(
                    !map[*f].is_null(),
                    "{}.{f} has no example value: add one in outbox/example.rs",
                    e.name
                );
            }
        }
        let paid = super::super::declaration(super::super::ORDER_PAY_SUCCESS).unwrap();
        assert_eq!(info(paid)["status"], 30);
    }
}
