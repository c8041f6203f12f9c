//! User and shop APIs (protocol-notes §5.5): who authorized the app, and their shop.
//!
//! Data comes from the platform's accounts and shops; `openId` is the token's open id.

use std::sync::Arc;

use kaifang_platform::accounts::{Account, Role};
use serde::Serialize;
use serde_json::{Value, json};

use crate::gateway::catalogue::{ApiMethod, Reply, field};
use crate::gateway::error::GatewayError;
use crate::gateway::pipeline::CallCtx;
use crate::handler;

/// The declarations of this module.
pub const METHODS: &[ApiMethod] = &[
    ApiMethod {
        name: "open.user.info.get",
        version: 1,
        http: "GET",
        scope: "user_info",
        needs_user: true,
        app_qps: None,
        user_qps: None,
        user_daily_cap: None,
        summary: "Basic information of the user who authorized the app.",
        request: &[],
        response: &[
            field("name", "string", true, "display name"),
            field("sex", "string", true, "M, F or U (unknown)"),
            field("head", "string", true, "avatar URL"),
            field("bigHead", "string", true, "large avatar URL"),
            field("openId", "string", true, "the user's open id for this app"),
        ],
        top_level: None,
        handler: handler!(user_info),
    },
    ApiMethod {
        name: "open.user.seller.get",
        version: 1,
        http: "GET",
        scope: "merchant_user",
        needs_user: true,
        app_qps: None,
        user_qps: None,
        user_daily_cap: None,
        summary: "The merchant (seller) who authorized the app, and the staff account if a staff member consented.",
        request: &[],
        response: &[
            field("name", "string", true, "the merchant's name"),
            field("sex", "string", true, "M, F or U (unknown)"),
            field("head", "string", true, "avatar URL"),
            field("bigHead", "string", true, "large avatar URL"),
            field("sellerId", "long", true, "the merchant's user id"),
            field("openId", "string", true, "the user's open id for this app"),
            field(
                "staffInfo",
                "object",
                false,
                "{staffId, openId, name} when a staff sub-account authorized; null otherwise",
            ),
        ],
        top_level: None,
        handler: handler!(seller),
    },
    ApiMethod {
        name: "open.shop.info.get",
        version: 1,
        http: "GET",
        scope: "merchant_user",
        needs_user: true,
        app_qps: None,
        user_qps: None,
        user_daily_cap: None,
        summary: "The authorizing merchant's shop. Send param={}.",
        request: &[],
        response: &[
            field("shopName", "string", true, "shop name"),
            field(
                "shopType",
                "int",
                true,
                "1 flagship, 2 franchise, 3 specialty, 4 mall flagship, 5 regular enterprise, 6 individual, 7 sole proprietor, 151-154 cross-border",
            ),
            field(
                "shopScoreInfo",
                "object",
                true,
                "{shopExpScoreStr, productQualityScoreStr, serviceScoreStr, logisticsScoreStr}",
            ),
        ],
        top_level: None,
        handler: handler!(shop),
    },
];

/// The account that consented (merchant or staff), as the handlers need it.
async fn consenting_account(ctx: &CallCtx<'_>) -> Result<Arc<Account>, GatewayError> {
    let id = ctx
        .account_id()
        .or(ctx.user_id())
        .ok_or(GatewayError::plain(
            kaifang_wire::ApiError::MainAccountNotFound,
        ))?;
    ctx.directory
        .account(ctx.platform, id)
        .await?
        .ok_or(GatewayError::plain(
            kaifang_wire::ApiError::MainAccountNotFound,
        ))
}

/// The profile fields `open.user.info.get` and `open.user.seller.get` share (the platform keeps
/// no sex or avatar for an account: `U` and empty URLs).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Profile<'a> {
    name: &'a str,
    sex: &'static str,
    head: &'static str,
    big_head: &'static str,
    open_id: &'a str,
}

impl<'a> Profile<'a> {
    fn new(name: &'a str, open_id: &'a str) -> Self {
        Profile {
            name,
            sex: "U",
            head: "",
            big_head: "",
            open_id,
        }
    }
}

/// `open.user.seller.get`'s `data`: the main account's profile fields, then the seller's
/// (spelled out rather than `#[serde(flatten)]`, which goes through serde's map serializer on
/// every call).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Seller<'a> {
    name: &'a str,
    sex: &'static str,
    head: &'static str,
    big_head: &'static str,
    open_id: &'a str,
    seller_id: i64,
    staff_info: Option<Staff<'a>>,
}

/// The staff account that consented, in `open.user.seller.get`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Staff<'a> {
    staff_id: i64,
    open_id: &'a str,
    name: &'a str,
}

/// `open.user.info.get`.
pub async fn user_info(ctx: &CallCtx<'_>, _param: Value) -> Result<Reply, GatewayError> {
    let account = consenting_account(ctx).await?;
    Reply::serialize(&Profile::new(&account.name, ctx.open_id()))
}

/// `open.user.seller.get`.
pub async fn seller(ctx: &CallCtx<'_>, _param: Value) -> Result<Reply, GatewayError> {
    let account = consenting_account(ctx).await?;
    let seller_id = ctx.merchant_id()?;
    let main = if account.role == Role::Staff {
        ctx.directory
            .account(ctx.platform, seller_id)
            .await?
            .ok_or(GatewayError::plain(
                kaifang_wire::ApiError::MainAccountNotFound,
            ))?
    } else {
        account.clone()
    };
    let profile = Profile::new(&main.name, ctx.open_id());
    Reply::serialize(&Seller {
        name: profile.name,
        sex: profile.sex,
        head: profile.head,
        big_head: profile.big_head,
        open_id: profile.open_id,
        seller_id,
        staff_info: (account.role == Role::Staff).then(|| Staff {
            staff_id: account.id,
            open_id: ctx.open_id(),
            name: &account.name,
        }),
    })
}

/// `open.shop.info.get`.
pub async fn shop(ctx: &CallCtx<'_>, _param: Value) -> Result<Value, GatewayError> {
    let merchant = ctx.merchant_id()?;
    let shop = ctx
        .directory
        .shop_of(ctx.platform, merchant)
        .await?
        .ok_or(GatewayError::plain(
            kaifang_wire::ApiError::MainAccountNotFound,
        ))?;
    Ok(json!({
        "shopName": shop.name,
        "shopType": shop.shop_type,
        "shopScoreInfo": {
            "shopExpScoreStr": "-",
            "productQualityScoreStr": "-",
            "serviceScoreStr": "-",
            "logisticsScoreStr": "-"
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seller_fields_keep_the_profile_first() {
        let seller = Seller {
            name: "Shop",
            sex: "U",
            head: "",
            big_head: "",
            open_id: "o1",
            seller_id: 7,
            staff_info: Some(Staff {
                staff_id: 9,
                open_id: "o1",
                name: "Clerk",
            }),
        };
        assert_eq!(
            serde_json::to_string(&seller).unwrap(),
            r#"{"name":"Shop","sex":"U","head":"","bigHead":"","openId":"o1","sellerId":7,"staffInfo":{"staffId":9,"openId":"o1","name":"Clerk"}}"#
        );
    }
}
