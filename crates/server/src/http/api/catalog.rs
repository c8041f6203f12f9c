//! Read-only catalogues the console and developers need: categories, permission packages,
//! developer roles.

use axum::Json;
use kaifang_platform::apps::category::{CATEGORIES, Category};
use kaifang_platform::developers::DeveloperRole;
use kaifang_platform::scopes::{SCOPES, Scope};
use serde::Serialize;
use utoipa::ToSchema;

/// App categories with the role that may use each and its default packages.
#[utoipa::path(get, path = "/api/categories", tag = "catalog", responses((status = 200, body = [Category])))]
pub async fn categories() -> Json<&'static [Category]> {
    Json(CATEGORIES)
}

/// Permission packages (scopes).
#[utoipa::path(get, path = "/api/scopes", tag = "catalog", responses((status = 200, body = [Scope])))]
pub async fn scopes() -> Json<&'static [Scope]> {
    Json(SCOPES)
}

/// A developer role explained.
#[derive(Serialize, ToSchema)]
pub struct RoleInfo {
    /// Stored name.
    pub role: &'static str,
    /// Chinese name.
    pub title_zh: &'static str,
    /// Who it is for and how its apps are authorized.
    pub description: &'static str,
    /// Whether its apps are self-use (authorized-user list) rather than sold in the market.
    pub self_use: bool,
}

/// The five developer roles.
#[utoipa::path(get, path = "/api/roles", tag = "catalog", responses((status = 200, body = [RoleInfo])))]
pub async fn roles() -> Json<Vec<RoleInfo>> {
    Json(
        DeveloperRole::ALL
            .into_iter()
            .map(|r| {
                let (title_zh, description) = match r {
                    DeveloperRole::ThirdParty => (
                        "第三方开发者",
                        "An enterprise ISV (not a merchant) that sells service-market apps; merchants authorize by ordering.",
                    ),
                    DeveloperRole::Merchant => (
                        "商家开发者",
                        "A merchant building a merchant-backend app for its own shops; users on its authorized-user list authorize.",
                    ),
                    DeveloperRole::Distributor => ("快分销团长", "A distribution leader building a Kuaifenxiao app."),
                    DeveloperRole::Affiliate => ("快赚客", "An affiliate building a Kuaizhuanke app."),
                    DeveloperRole::Partner => ("平台合作伙伴", "A platform partner (by invitation) integrating its platform."),
                };
                RoleInfo { role: r.as_str(), title_zh, description, self_use: r.self_use() }
            })
            .collect(),
    )
}
