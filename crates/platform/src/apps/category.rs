//! App categories per developer role and the permission packages each grants by default
//! (protocol-notes §6.3; the platform publishes the 17 second-level categories only as a
//! screenshot, so this list is ours: the service-market categories under the five first-level
//! ones, chosen and documented here).

use crate::developers::DeveloperRole;

/// A category an app is created under.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Category {
    /// The role whose apps use it.
    #[schema(value_type = String)]
    pub role: DeveloperRole,
    /// First level.
    pub l1: &'static str,
    /// Second level.
    pub l2: &'static str,
    /// Packages granted on creation, besides `user_base` and `user_info`.
    pub default_scopes: &'static [&'static str],
}

const ORDER: &[&str] = &["merchant_user", "merchant_order", "merchant_logistics"];
const ORDER_REFUND: &[&str] = &[
    "merchant_user",
    "merchant_order",
    "merchant_refund",
    "merchant_logistics",
];
const ERP: &[&str] = &[
    "merchant_user",
    "merchant_order",
    "merchant_item",
    "merchant_refund",
    "merchant_logistics",
];
const ITEM: &[&str] = &["merchant_user", "merchant_item"];
const CS: &[&str] = &["merchant_user", "merchant_cs", "merchant_order"];

macro_rules! tp {
    ($l1:literal, $l2:literal, $scopes:expr) => {
        Category {
            role: DeveloperRole::ThirdParty,
            l1: $l1,
            l2: $l2,
            default_scopes: $scopes,
        }
    };
}

/// Every category.
pub const CATEGORIES: &[Category] = &[
    tp!("店铺管理", "打单发货", ORDER),
    tp!("店铺管理", "订单管理", ORDER_REFUND),
    tp!("店铺管理", "电商ERP", ERP),
    tp!("店铺管理", "商品管理", ITEM),
    tp!(
        "店铺管理",
        "售后管理",
        &["merchant_user", "merchant_order", "merchant_refund"]
    ),
    tp!("店铺管理", "物流管理", ORDER),
    tp!("店铺管理", "客户管理", &["merchant_user", "merchant_order"]),
    tp!(
        "店铺管理",
        "数据分析",
        &["merchant_user", "merchant_order", "merchant_item"]
    ),
    tp!(
        "店铺管理",
        "财务管理",
        &["merchant_user", "merchant_order", "merchant_refund"]
    ),
    tp!(
        "营销管理",
        "促销工具",
        &["merchant_user", "merchant_item", "merchant_promotion"]
    ),
    tp!(
        "营销管理",
        "分销管理",
        &["merchant_user", "merchant_item", "merchant_distribution"]
    ),
    tp!("营销管理", "短信营销", &["merchant_user", "merchant_order"]),
    tp!("客服管理", "智能客服", CS),
    tp!("客服管理", "客服绩效", CS),
    tp!("客服管理", "客服质检", CS),
    tp!("装修市场", "店铺装修", ITEM),
    tp!(
        "店铺服务",
        "代运营服务",
        &["merchant_user", "merchant_item", "merchant_order"]
    ),
    Category {
        role: DeveloperRole::Merchant,
        l1: "商家后台应用",
        l2: "自研系统",
        default_scopes: ERP,
    },
    Category {
        role: DeveloperRole::Distributor,
        l1: "快分销应用",
        l2: "快分销",
        default_scopes: &["merchant_user", "merchant_item", "merchant_distribution"],
    },
    Category {
        role: DeveloperRole::Affiliate,
        l1: "快赚客应用",
        l2: "快赚客",
        default_scopes: &["merchant_user", "merchant_distribution"],
    },
    Category {
        role: DeveloperRole::Partner,
        l1: "平台对接应用",
        l2: "平台对接",
        default_scopes: &["merchant_user"],
    },
];

/// The category `(l1, l2)` if it exists.
pub fn find(l1: &str, l2: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.l1 == l1 && c.l2 == l2)
}

/// The categories open to a role.
pub fn for_role(role: DeveloperRole) -> impl Iterator<Item = &'static Category> {
    CATEGORIES.iter().filter(move |c| c.role == role)
}
