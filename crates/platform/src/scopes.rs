//! The permission-package (scope) catalogue, protocol-notes §6.1.
//!
//! A scope names a group of APIs and events. Every app holds [`BASE_SCOPES`]; its category adds
//! defaults (see `apps::category`); anything else is applied for and reviewed.

/// One permission package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Scope {
    /// The wire name, e.g. `merchant_order`.
    pub name: &'static str,
    /// The name shown to people, in Chinese.
    pub title_zh: &'static str,
    /// The name shown to people, in English.
    pub title_en: &'static str,
}

/// Scopes every app holds from creation.
pub const BASE_SCOPES: &[&str] = &["user_base", "user_info"];

/// Every scope the platform knows.
pub const SCOPES: &[Scope] = &[
    Scope {
        name: "user_base",
        title_zh: "用户基础信息",
        title_en: "Basic user identity",
    },
    Scope {
        name: "user_info",
        title_zh: "用户信息",
        title_en: "User information",
    },
    Scope {
        name: "merchant_user",
        title_zh: "商家用户信息",
        title_en: "Merchant user information",
    },
    Scope {
        name: "merchant_item",
        title_zh: "商品API和商品消息",
        title_en: "Item APIs and item events",
    },
    Scope {
        name: "merchant_order",
        title_zh: "订单API和订单消息",
        title_en: "Order APIs and order events",
    },
    Scope {
        name: "merchant_refund",
        title_zh: "售后API和售后消息",
        title_en: "Refund APIs and refund events",
    },
    Scope {
        name: "merchant_logistics",
        title_zh: "物流",
        title_en: "Logistics",
    },
    Scope {
        name: "merchant_distribution",
        title_zh: "分销",
        title_en: "Distribution",
    },
    Scope {
        name: "merchant_promotion",
        title_zh: "营销",
        title_en: "Promotion",
    },
    Scope {
        name: "merchant_servicemarket",
        title_zh: "服务市场",
        title_en: "Service market",
    },
    Scope {
        name: "merchant_comment",
        title_zh: "评价",
        title_en: "Reviews",
    },
    Scope {
        name: "merchant_cs",
        title_zh: "客服",
        title_en: "Customer service",
    },
];

/// Looks a scope up by its wire name.
pub fn find(name: &str) -> Option<&'static Scope> {
    SCOPES.iter().find(|s| s.name == name)
}
