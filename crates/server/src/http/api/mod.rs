//! The console and admin JSON API under `/api`. Developers see only their own; operators see
//! all; merchants manage their staff. Documented at `/api/openapi.json`.

pub mod accounts;
pub mod admin;
pub mod apps;
pub mod catalog;
pub mod developers;
pub mod merchants;
pub mod uploads;

use axum::Router;
use axum::routing::{delete, get, post, put};

use super::Ctx;

/// Acknowledgement for operations that return nothing else.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Done {
    /// Always true.
    pub ok: bool,
}

pub(crate) const DONE: Done = Done { ok: true };

/// Every `/api` route.
pub fn routes() -> Router<Ctx> {
    Router::new()
        // accounts
        .route("/api/signup", post(accounts::sign_up))
        .route(
            "/api/session",
            post(accounts::log_in).delete(accounts::log_out),
        )
        .route("/api/me", get(accounts::me))
        .route(
            "/api/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/api/tokens/{id}", delete(accounts::revoke_token))
        .route("/api/notifications", get(accounts::notifications))
        .route(
            "/api/notifications/{id}/read",
            post(accounts::read_notification),
        )
        .route("/api/uploads", post(uploads::upload))
        .route("/api/uploads/{id}", get(uploads::download))
        // catalogues
        .route("/api/categories", get(catalog::categories))
        .route("/api/scopes", get(catalog::scopes))
        .route("/api/roles", get(catalog::roles))
        // developer onboarding
        .route(
            "/api/developer",
            get(developers::mine).post(developers::enroll),
        )
        .route(
            "/api/developer/agreement",
            post(developers::accept_agreement),
        )
        .route("/api/developer/profile", put(developers::save_profile))
        .route("/api/developer/submit", post(developers::submit))
        // apps
        .route("/api/apps", get(apps::list).post(apps::create))
        .route(
            "/api/apps/{app}",
            get(apps::get).put(apps::update).delete(apps::delete),
        )
        .route("/api/apps/{app}/lifecycle", post(apps::lifecycle))
        .route("/api/apps/{app}/credentials/reveal", post(apps::reveal))
        .route("/api/apps/{app}/credentials/rotate", post(apps::rotate))
        .route(
            "/api/apps/{app}/packages",
            get(apps::packages).post(apps::apply_package),
        )
        .route(
            "/api/apps/{app}/test-users",
            get(apps::test_users).post(apps::add_test_user),
        )
        .route(
            "/api/apps/{app}/test-users/{user_id}",
            delete(apps::remove_test_user),
        )
        .route(
            "/api/apps/{app}/authorized-users",
            get(apps::authorized_users).post(apps::add_authorized_user),
        )
        .route(
            "/api/apps/{app}/authorized-users/{user_id}",
            delete(apps::remove_authorized_user),
        )
        // merchants
        .route(
            "/api/merchant/staff",
            get(merchants::list_staff).post(merchants::create_staff),
        )
        .route("/api/merchant/staff/{id}", put(merchants::update_staff))
        // operators
        .route("/api/admin/developers", get(admin::developers))
        .route("/api/admin/developers/{id}", get(admin::developer))
        .route(
            "/api/admin/developers/{id}/review",
            post(admin::review_developer),
        )
        .route("/api/admin/apps", get(admin::apps))
        .route("/api/admin/apps/{app}/review", post(admin::review_app))
        .route(
            "/api/admin/apps/{app}/launch-review",
            post(admin::review_launch),
        )
        .route(
            "/api/admin/apps/{app}/lifecycle",
            post(admin::app_lifecycle),
        )
        .route("/api/admin/packages", get(admin::pending_packages))
        .route(
            "/api/admin/apps/{app}/packages/{scope}/review",
            post(admin::review_package),
        )
        .route("/api/admin/merchants", post(admin::create_merchant))
}
