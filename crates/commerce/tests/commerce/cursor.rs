//! `open.order.cursor.list` and the refund pcursor list: keyset paging in both sorts and both
//! query types, view-status filters, time-range errors 300003–300005.

use std::collections::HashSet;

use crate::common::*;
use kaifang_commerce::orders::{self, query::CursorListParams};
use kaifang_commerce::refunds::{self, NewRefund, query::RefundListParams};
use kaifang_platform::clock::{DAY, HOUR};
use serde_json::Value;

fn params(
    view: i64,
    sort: i64,
    query_type: i64,
    begin: i64,
    end: i64,
    cursor: &str,
) -> CursorListParams {
    CursorListParams {
        order_view_status: view,
        page_size: 7,
        sort: Some(sort),
        query_type: Some(query_type),
        begin_time: begin,
        end_time: end,
        cps_type: None,
        cursor: cursor.into(),
    }
}

async fn all_pages(e: &Env, s: i64, mut q: CursorListParams) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pages = 0;
    loop {
        let page = orders::query::order_cursor_list(e, s, &q).await.unwrap();
        let list = page["orderList"].as_array().unwrap();
        assert!(list.len() <= q.page_size as usize);
        out.extend(list.iter().cloned());
        let cursor = page["cursor"].as_str().unwrap().to_string();
        pages += 1;
        assert!(pages < 100, "paging does not end");
        if cursor == "nomore" {
            break;
        }
        q.cursor = cursor;
    }
    out
}

#[tokio::test]
async fn cursor_pages_cover_every_order_once_in_both_sorts_and_query_types() {
    let e = env().await;
    let s = merchant(&e).await;
    let other = merchant(&e).await;
    let it = item(&e, s, 1000).await;
    let io = item(&e, other, 10).await;
    order(&e, other, io, 1).await;
    let mut oids = Vec::new();
    for i in 0..40 {
        // Several orders share a millisecond so that ties are broken by id.
        if i % 3 == 0 {
            e.clock.advance(HOUR);
        }
        oids.push(order(&e, s, it, 1).await);
    }
    // Touch the oldest orders later, so update-time order differs from create-time order.
    for oid in &oids[..10] {
        e.clock.advance(1000);
        orders::pay(&e, s, *oid).await.unwrap();
    }
    let (begin, end) = (START, e.now() + 1);
    for query_type in [1, 2] {
        let key = if query_type == 1 {
            "createTime"
        } else {
            "updateTime"
        };
        for sort in [1, 2] {
            let got = all_pages(&e, s, params(1, sort, query_type, begin, end, "")).await;
            assert_eq!(got.len(), 40, "type {query_type} sort {sort}");
            let ids: HashSet<i64> = got
                .iter()
                .map(|o| o["orderBaseInfo"]["oid"].as_i64().unwrap())
                .collect();
            assert_eq!(ids, oids.iter().copied().collect::<HashSet<_>>());
            let keys: Vec<(i64, i64)> = got
                .iter()
                .map(|o| {
                    (
                        o["orderBaseInfo"][key].as_i64().unwrap(),
                        o["orderBaseInfo"]["oid"].as_i64().unwrap(),
                    )
                })
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if sort == 1 {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "type {query_type} sort {sort}");
        }
    }
    let paid = all_pages(&e, s, params(3, 1, 1, begin, end, "")).await;
    assert_eq!(paid.len(), 10);
    let unpaid = all_pages(&e, s, params(2, 2, 1, begin, end, "")).await;
    assert_eq!(unpaid.len(), 30);
    let none = all_pages(&e, s, params(6, 1, 1, begin, end, "")).await;
    assert!(none.is_empty());
    // Time window filters.
    let window = all_pages(&e, s, params(1, 1, 1, START + HOUR, START + HOUR + 1, "")).await;
    assert_eq!(window.len(), 3);
}

#[tokio::test]
async fn time_ranges_and_parameters_are_checked() {
    let e = env().await;
    let s = merchant(&e).await;
    e.clock.advance(100 * DAY);
    let now = e.now();
    let code = |r: Result<Value, kaifang_commerce::Error>| r.unwrap_err().code();
    assert_eq!(
        code(orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now, now - 1, "")).await),
        300003
    );
    assert_eq!(
        code(orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now, now, "")).await),
        300003
    );
    assert_eq!(
        code(
            orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now - 8 * DAY, now, "")).await
        ),
        300004
    );
    assert_eq!(
        code(
            orders::query::order_cursor_list(
                &e,
                s,
                &params(1, 1, 1, now - 91 * DAY, now - 90 * DAY, "")
            )
            .await
        ),
        300005
    );
    orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now - 7 * DAY, now, ""))
        .await
        .unwrap();
    assert_eq!(
        code(orders::query::order_cursor_list(&e, s, &params(8, 1, 1, now - DAY, now, "")).await),
        990110
    );
    assert_eq!(
        code(orders::query::order_cursor_list(&e, s, &params(1, 3, 1, now - DAY, now, "")).await),
        990110
    );
    assert_eq!(
        code(
            orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now - DAY, now, "garbage!"))
                .await
        ),
        990110
    );
    let mut big = params(1, 1, 1, now - DAY, now, "");
    big.page_size = 51;
    assert_eq!(
        code(orders::query::order_cursor_list(&e, s, &big).await),
        990110
    );
    let done = orders::query::order_cursor_list(&e, s, &params(1, 1, 1, now - DAY, now, "nomore"))
        .await
        .unwrap();
    assert_eq!(done["cursor"], "nomore");
    assert_eq!(done["orderList"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn refund_pcursor_list_pages_and_filters() {
    let e = env().await;
    let s = merchant(&e).await;
    let it = item(&e, s, 100).await;
    let mut rids = Vec::new();
    for _ in 0..12 {
        e.clock.advance(1000);
        let oid = order(&e, s, it, 1).await;
        orders::pay(&e, s, oid).await.unwrap();
        let (rid, _) = refunds::open_refund(
            &e,
            s,
            &NewRefund {
                oid,
                handling_way: 10,
                reason: 1,
                reason_desc: "r".into(),
                desc: "d".into(),
                refund_fee: None,
            },
        )
        .await
        .unwrap();
        rids.push(rid);
    }
    refunds::approve(&e, s, rids[0], 1990).await.unwrap();
    let mut q = RefundListParams {
        begin_time: START,
        end_time: e.now() + 1,
        r#type: Some(9),
        page_size: 5,
        current_page: None,
        sort: Some(2),
        query_type: None,
        negotiate_status: None,
        pcursor: String::new(),
        status: None,
        order_id: None,
    };
    let mut seen = Vec::new();
    loop {
        let page = refunds::query::refund_pcursor_list(&e, s, &q)
            .await
            .unwrap();
        assert_eq!(page["totalSize"], 12);
        for r in page["refundOrderInfoList"].as_array().unwrap() {
            seen.push(r["refundId"].as_i64().unwrap());
        }
        let c = page["pcursor"].as_str().unwrap().to_string();
        if c == "nomore" {
            break;
        }
        q.pcursor = c;
    }
    assert_eq!(seen, rids, "oldest first, each once");
    q.r#type = Some(8);
    q.pcursor = String::new();
    q.page_size = 100;
    let waiting = refunds::query::refund_pcursor_list(&e, s, &q)
        .await
        .unwrap();
    assert_eq!(waiting["refundOrderInfoList"].as_array().unwrap().len(), 11);
    q.r#type = Some(3);
    assert_eq!(
        refunds::query::refund_pcursor_list(&e, s, &q)
            .await
            .unwrap_err()
            .code(),
        300002
    );
    q.r#type = Some(9);
    q.end_time = q.begin_time - 1;
    assert_eq!(
        refunds::query::refund_pcursor_list(&e, s, &q)
            .await
            .unwrap_err()
            .code(),
        300003
    );
    let other = merchant(&e).await;
    q.end_time = e.now();
    let none = refunds::query::refund_pcursor_list(&e, other, &q)
        .await
        .unwrap();
    assert_eq!(none["totalSize"], 0);
}
