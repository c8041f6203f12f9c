//! Demo data: a shop with a category spread of items and a few hundred orders in every status,
//! made through the same domain functions as real traffic (so every step wrote its event).
//! Also the random buyers the sandbox simulator and the generator use.

use kaifang_platform::Platform;
use kaifang_platform::clock::{DAY, HOUR, MINUTE};
use kaifang_store::args;
use serde_json::Value;

use crate::Result;
use crate::items::{self, NewItem, SkuInput};
use crate::orders::{self, Deliver, NewOrder, OrderAction, OrderLine};
use crate::refunds::{self, NewRefund};
use crate::vault::Consignee;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "子涵", "雨桐", "浩然",
];
const PREFIXES: &[&str] = &[
    "138", "139", "137", "136", "135", "150", "151", "152", "158", "159", "186", "187", "188",
    "177", "199",
];
/// (province, code, city, code, district, code)
const REGIONS: &[(&str, i64, &str, i64, &str, i64)] = &[
    ("北京市", 110000, "北京市", 110100, "朝阳区", 110105),
    ("上海市", 310000, "上海市", 310100, "浦东新区", 310115),
    ("广东省", 440000, "广州市", 440100, "天河区", 440106),
    ("广东省", 440000, "深圳市", 440300, "南山区", 440305),
    ("浙江省", 330000, "杭州市", 330100, "西湖区", 330106),
    ("江苏省", 320000, "南京市", 320100, "鼓楼区", 320106),
    ("四川省", 510000, "成都市", 510100, "武侯区", 510107),
    ("湖北省", 420000, "武汉市", 420100, "洪山区", 420111),
    ("山东省", 370000, "济南市", 370100, "历下区", 370102),
    ("陕西省", 610000, "西安市", 610100, "雁塔区", 610113),
];
const STREETS: &[&str] = &[
    "建国路",
    "人民路",
    "解放路",
    "中山路",
    "长江路",
    "文三路",
    "科技园路",
    "天府大道",
    "珞喻路",
    "高新路",
];
const ESTATES: &[&str] = &[
    "阳光花园",
    "锦绣家园",
    "幸福里",
    "翠湖苑",
    "金色家园",
    "书香苑",
    "万科城",
    "碧桂园",
];

fn pick<T: Copy>(list: &[T]) -> T {
    list[fastrand::usize(..list.len())]
}

/// A realistic random delivery address in mainland China.
pub fn random_consignee() -> Consignee {
    let (province, province_code, city, city_code, district, district_code) = pick(REGIONS);
    Consignee {
        name: format!("{}{}", pick(SURNAMES), pick(GIVEN)),
        mobile: format!("{}{:08}", pick(PREFIXES), fastrand::u32(0..100_000_000)),
        province: province.into(),
        province_code,
        city: city.into(),
        city_code,
        district: district.into(),
        district_code,
        town: String::new(),
        town_code: 0,
        detail: format!(
            "{}{}号{}{}栋{}单元{}室",
            pick(STREETS),
            fastrand::u32(1..999),
            pick(ESTATES),
            fastrand::u32(1..30),
            fastrand::u32(1..6),
            fastrand::u32(101..2802)
        ),
    }
}

/// A random buyer nickname.
pub fn random_buyer_nick() -> String {
    format!("快手用户{}", fastrand::u64(1_000_000_000..9_999_999_999))
}

/// A random buyer user id (buyers are not accounts of this platform).
pub fn random_buyer_id() -> i64 {
    fastrand::i64(1_000_000_000..3_000_000_000)
}

/// A SKU of the demo catalogue: (specification, price fen, market price fen).
type DemoSku = (&'static str, i64, i64);

/// The demo catalogue: (leaf category, title, SKUs).
const CATALOGUE: &[(i64, &str, &[DemoSku])] = &[
    (
        1101,
        "法式复古碎花连衣裙 夏季新款",
        &[
            ("颜色:蓝色;尺码:S", 15900, 29900),
            ("颜色:蓝色;尺码:M", 15900, 29900),
            ("颜色:白色;尺码:M", 16900, 29900),
        ],
    ),
    (
        1102,
        "纯棉宽松短袖T恤 男女同款",
        &[
            ("颜色:黑色;尺码:L", 4990, 9900),
            ("颜色:白色;尺码:L", 4990, 9900),
        ],
    ),
    (
        1201,
        "商务免烫长袖衬衫",
        &[
            ("颜色:白色;尺码:40", 12900, 25900),
            ("颜色:浅蓝;尺码:41", 12900, 25900),
        ],
    ),
    (
        2101,
        "每日坚果混合装 750g 30袋",
        &[("规格:750g", 8990, 12900)],
    ),
    (
        2102,
        "手工曲奇饼干礼盒 500g",
        &[("口味:原味", 5900, 7900), ("口味:抹茶", 6200, 7900)],
    ),
    (
        2201,
        "明前龙井绿茶 250g 罐装",
        &[("规格:250g", 19800, 36800)],
    ),
    (2202, "正山小种红茶 礼盒装", &[("规格:200g", 15800, 26800)]),
    (3101, "玻尿酸保湿面霜 50ml", &[("规格:50ml", 12900, 19900)]),
    (
        3102,
        "烟酰胺美白精华液 30ml",
        &[("规格:30ml", 16900, 26900)],
    ),
    (
        4101,
        "桌面收纳盒 三件套",
        &[("颜色:白色", 2990, 5900), ("颜色:灰色", 2990, 5900)],
    ),
    (4102, "防滑无痕衣架 20只装", &[("规格:20只", 1990, 3990)]),
    (
        5101,
        "快充数据线 Type-C 2米",
        &[("长度:1米", 1590, 2990), ("长度:2米", 1990, 3590)],
    ),
    (5102, "磨砂防摔手机壳", &[("型号:通用款", 2590, 4900)]),
];

/// Creates the demo catalogue (one item per [`CATALOGUE`] entry) with `stock` units per SKU;
/// returns the created item ids.
pub async fn create_catalogue(p: &Platform, seller_id: i64, stock: i64) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for (n, (category, title, skus)) in CATALOGUE.iter().enumerate() {
        let req = NewItem {
            title: (*title).into(),
            rel_item_id: Some(format!("DEMO-{:04}", n + 1)),
            category_id: *category,
            image_urls: vec![format!("https://img.demo.kaifang.dev/items/{}.jpg", n + 1)],
            sku_list: skus
                .iter()
                .enumerate()
                .map(|(k, (spec, price, market))| SkuInput {
                    kwai_sku_id: None,
                    rel_sku_id: Some(format!("DEMO-{:04}-{}", n + 1, k + 1)),
                    sku_stock: stock,
                    sku_sale_price: *price,
                    sku_nick: format!("SKU{:04}{}", n + 1, k + 1),
                    specification: (*spec).into(),
                    sku_market_price: *market,
                    gtin_code: String::new(),
                    image_url: String::new(),
                })
                .collect(),
            details: format!("{title}，品质保证，七天无理由退换。"),
            detail_image_urls: vec![format!(
                "https://img.demo.kaifang.dev/items/{}-detail.jpg",
                n + 1
            )],
            express_template_id: 1,
            purchase_limit: false,
            limit_count: 0,
            item_remark: String::new(),
        };
        out.push(items::new_item(p, seller_id, &req).await?);
    }
    Ok(out)
}

/// The (item, sku) pairs of the shop that are on sale with stock available.
pub async fn sellable(p: &Platform, seller_id: i64) -> Result<Vec<(i64, i64)>> {
    let rows = p
        .db
        .fetch_all(
            "SELECT s.item_id, s.id FROM skus s JOIN items i ON i.id = s.item_id WHERE i.seller_id = $1 AND i.item_status = 1 AND i.shelf_status = 1 AND s.stock > s.reserved ORDER BY s.id",
            &args![seller_id],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.i64("item_id").ok()?, r.i64("id").ok()?)))
        .collect())
}

/// A random waybill number that looks like a carrier's.
pub fn random_waybill() -> String {
    format!("KF{}", fastrand::u64(100_000_000_000..999_999_999_999))
}

/// The carriers the demo ships with.
pub const DEMO_CARRIERS: &[i64] = &[9, 4, 3, 6, 11, 109, 2, 14];

/// Fills a shop with a catalogue and `orders` orders in every status, created over the last
/// 30 days (about a tenth in the last 24 hours). Does nothing and returns `false` when the shop
/// already has items (so it is safe to call on every start).
pub async fn seed_shop(p: &Platform, seller_id: i64, orders: usize) -> Result<bool> {
    let existing =
        p.db.scalar(
            "SELECT COUNT(*) FROM items WHERE seller_id = $1",
            &args![seller_id],
        )
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    create_catalogue(p, seller_id, 100_000).await?;
    let skus = sellable(p, seller_id).await?;
    let now = p.now();
    let mut starts: Vec<i64> = (0..orders)
        .map(|i| {
            if i % 10 == 0 {
                now - fastrand::i64(MINUTE..DAY)
            } else {
                now - fastrand::i64(DAY..30 * DAY)
            }
        })
        .collect();
    starts.sort_unstable();
    for (i, t0) in starts.into_iter().enumerate() {
        let (item_id, sku_id) = skus[fastrand::usize(..skus.len())];
        let order = NewOrder {
            buyer_id: random_buyer_id(),
            buyer_nick: random_buyer_nick(),
            lines: vec![OrderLine {
                item_id,
                sku_id,
                num: fastrand::i64(1..4),
            }],
            consignee: random_consignee(),
            remark: if i % 7 == 0 {
                "请尽快发货".into()
            } else {
                String::new()
            },
            express_fee: if i % 3 == 0 { 800 } else { 0 },
            discount_fee: if i % 5 == 0 { 500 } else { 0 },
        };
        let oid = orders::create_order_at(p, seller_id, &order, t0).await?;
        // The fate of the order: 0 unpaid, 1 cancelled, 2 paid, 3 shipped, 4 received, 5+ completed.
        let fate = i % 10;
        if fate == 0 {
            continue;
        }
        if fate == 1 {
            orders::step_at(
                p,
                seller_id,
                oid,
                OrderAction::Cancel,
                (t0 + 20 * MINUTE).min(now),
            )
            .await?;
            continue;
        }
        let steps = [
            (t0 + 5 * MINUTE, 2),
            (t0 + 20 * HOUR, 3),
            (t0 + 3 * DAY, 4),
            (t0 + 5 * DAY, 5),
        ];
        for (at, stage) in steps {
            if at > now || stage > fate {
                break;
            }
            match stage {
                2 => {
                    orders::step_at(p, seller_id, oid, OrderAction::Pay, at).await?;
                }
                3 => {
                    let d = Deliver {
                        order_id: oid,
                        express_no: random_waybill(),
                        express_code: DEMO_CARRIERS[fastrand::usize(..DEMO_CARRIERS.len())],
                        return_address_id: None,
                    };
                    orders::deliver_at(p, seller_id, &d, at).await?;
                }
                4 => {
                    orders::step_at(p, seller_id, oid, OrderAction::Receive, at).await?;
                }
                _ => {
                    orders::step_at(p, seller_id, oid, OrderAction::Complete, at).await?;
                }
            }
        }
        // A few after-sales cases on paid and received orders.
        if i % 17 == 2 || i % 23 == 4 {
            let handling_way = if i % 17 == 2 {
                refunds::REFUND_ONLY
            } else {
                refunds::RETURN_AND_REFUND
            };
            let req = NewRefund {
                oid,
                handling_way,
                reason: 1,
                reason_desc: "不想要了".into(),
                desc: "拍错了规格".into(),
                refund_fee: None,
            };
            // Only orders in a status that allows the case get one; the rest stay as they are.
            if let Err(e) = refunds::open_refund_at(p, seller_id, &req, now.min(t0 + 6 * DAY)).await
                && e.api == kaifang_wire::errors::ApiError::InternalError
            {
                return Err(e);
            }
        }
    }
    Ok(true)
}
