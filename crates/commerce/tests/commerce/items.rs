//! Items: creation, stock below reserved (K1001), shelf, price, delete, ownership, item events.

use crate::common::*;
use kaifang_commerce::items::{self, EditItem, ItemListParams, StockChange};
use kaifang_commerce::outbox;
use kaifang_wire::errors::ApiError;
use serde_json::Value;

#[tokio::test]
async fn stock_cannot_drop_below_reserved_and_nothing_is_written() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    order(&e, s, it, 6).await;
    let before = outbox_count(&e).await;
    let err = items::update_stock(&e, s, it.0, it.1, 5, StockChange::Reduce)
        .await
        .unwrap_err();
    assert_eq!(err.api, ApiError::OperationRejected);
    assert!(err.message.contains("当前库存不足"), "{}", err.message);
    assert_eq!(sku_stock(&e, it.1).await, (10, 6));
    assert_eq!(
        outbox_count(&e).await,
        before,
        "no event without the change"
    );
    items::update_stock(&e, s, it.0, it.1, 4, StockChange::Reduce)
        .await
        .unwrap();
    assert_eq!(sku_stock(&e, it.1).await, (6, 6));
    assert_eq!(
        outbox_count(&e).await,
        before + 1,
        "no change without its event"
    );
    let rows = outbox::for_biz(&e.db, it.0).await.unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last.event, outbox::ITEM_STOCK_CHANGE);
    let info: Value = serde_json::from_str(&last.info).unwrap();
    assert_eq!(info["skuStock"], 6);
    assert_eq!(info["reserveStock"], 6);
    // Editing a SKU's absolute stock below reserved fails the same way, with no partial write.
    let edit = EditItem {
        title: Some("改过的标题".into()),
        sku_list: Some(vec![items::SkuInput {
            kwai_sku_id: Some(it.1),
            rel_sku_id: None,
            sku_stock: 2,
            sku_sale_price: 100,
            sku_nick: String::new(),
            specification: String::new(),
            sku_market_price: 0,
            gtin_code: String::new(),
            image_url: String::new(),
        }]),
        ..Default::default()
    };
    assert_eq!(
        items::edit_item(&e, s, it.0, &edit).await.unwrap_err().api,
        ApiError::OperationRejected
    );
    let got = items::get_item(&e, s, it.0).await.unwrap();
    assert_eq!(
        got["title"], "测试商品",
        "the title change rolled back with the SKU change"
    );
    assert_eq!(got["skuInfos"][0]["reserveStock"], 6);
}

#[tokio::test]
async fn items_are_created_on_leaves_listed_and_owned() {
    let e = env().await;
    let a = merchant(&e).await;
    let b = merchant(&e).await;
    let it = item(&e, a, 10).await;
    let got = items::get_item(&e, a, it.0).await.unwrap();
    assert_eq!(got["categoryId"], 5101);
    assert_eq!(got["rootCategoryId"], 5000);
    assert_eq!(got["auditStatus"], 2);
    assert_eq!(got["onOfflineStatus"], 1);
    assert_eq!(got["skuInfos"][0]["skuSalePrice"], 1990);
    assert_eq!(items::get_item(&e, b, it.0).await.unwrap_err().code(), 21);
    assert_eq!(
        items::update_price(&e, b, it.0, it.1, 100)
            .await
            .unwrap_err()
            .code(),
        21
    );
    let list = items::list_items(&e, a, &ItemListParams::default())
        .await
        .unwrap();
    assert_eq!(list["totalItemCount"], 1);
    assert_eq!(list["items"][0]["kwaiItemId"], it.0);
    let other = items::list_items(&e, b, &ItemListParams::default())
        .await
        .unwrap();
    assert_eq!(other["totalItemCount"], 0);
    assert!(
        items::category_list()
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["categoryPid"] == 0)
    );
}

#[tokio::test]
async fn shelf_price_and_delete_write_item_events() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    items::set_shelf_status(&e, s, it.0, 0).await.unwrap();
    items::update_price(&e, s, it.0, it.1, 2590).await.unwrap();
    items::delete_item(&e, s, it.0).await.unwrap();
    assert_eq!(
        events(&e, it.0).await,
        [
            outbox::ITEM_ADD,
            outbox::ITEM_SHELF_CHANGE,
            outbox::ITEM_PRICE_CHANGE,
            outbox::ITEM_DELETE
        ]
    );
    assert_eq!(items::get_item(&e, s, it.0).await.unwrap_err().code(), 21);
}

#[tokio::test]
async fn an_off_shelf_item_cannot_be_ordered() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 10).await;
    items::set_shelf_status(&e, s, it.0, 0).await.unwrap();
    let err = kaifang_commerce::orders::create_order(
        &e,
        s,
        &kaifang_commerce::orders::NewOrder {
            buyer_id: 1,
            buyer_nick: "b".into(),
            lines: vec![kaifang_commerce::orders::OrderLine {
                item_id: it.0,
                sku_id: it.1,
                num: 1,
            }],
            consignee: consignee(),
            remark: String::new(),
            express_fee: 0,
            discount_fee: 0,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), 21);
    assert_eq!(
        e.db.scalar("SELECT COUNT(*) FROM orders", &[])
            .await
            .unwrap(),
        0
    );
}
