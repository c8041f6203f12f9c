//! The OpenAPI document of the console and admin API, served at `/api/openapi.json`.

use axum::Json;
use utoipa::OpenApi;

use super::api;

/// The API description, assembled from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kaifang console and admin API",
        description = "Developers, apps, permission packages, test users, reviews. Authenticate with `Authorization: Bearer <API token>` or a console session cookie plus `X-CSRF-Token`."
    ),
    paths(
        api::accounts::sign_up,
        api::accounts::log_in,
        api::accounts::log_out,
        api::accounts::me,
        api::accounts::create_token,
        api::accounts::list_tokens,
        api::accounts::revoke_token,
        api::accounts::notifications,
        api::accounts::read_notification,
        api::uploads::upload,
        api::uploads::download,
        api::catalog::categories,
        api::catalog::scopes,
        api::catalog::roles,
        api::developers::mine,
        api::developers::enroll,
        api::developers::accept_agreement,
        api::developers::save_profile,
        api::developers::submit,
        api::apps::list,
        api::apps::create,
        api::apps::get,
        api::apps::update,
        api::apps::delete,
        api::apps::lifecycle,
        api::apps::reveal,
        api::apps::rotate,
        api::apps::packages,
        api::apps::apply_package,
        api::apps::test_users,
        api::apps::add_test_user,
        api::apps::remove_test_user,
        api::apps::authorized_users,
        api::apps::add_authorized_user,
        api::apps::remove_authorized_user,
        api::merchants::list_staff,
        api::merchants::create_staff,
        api::merchants::update_staff,
        api::admin::developers,
        api::admin::developer,
        api::admin::review_developer,
        api::admin::apps,
        api::admin::review_app,
        api::admin::review_launch,
        api::admin::app_lifecycle,
        api::admin::pending_packages,
        api::admin::review_package,
        api::admin::create_merchant,
        super::oauth::console::test_user_code,
        super::oauth::console::test_user_token,
        super::oauth::console::end_test_authorization,
        super::oauth::console::list,
        super::oauth::console::revoke,
        super::sandbox::clock,
        super::sandbox::advance,
        super::sandbox_buyer::create_order,
        super::sandbox_buyer::order_step,
        super::sandbox_buyer::open_refund,
        super::sandbox_buyer::return_goods,
        super::push::get_settings,
        super::push::save_settings,
        super::push::messages,
        super::push::message,
        super::push::repush,
        super::push::repush_failed,
        super::push::stats,
        crate::gateway::console::get_traffic,
        crate::gateway::console::reset_traffic,
        crate::gateway::console::set_traffic,
        crate::gateway::console::set_sign_debug,
        crate::gateway::console::stats,
        crate::gateway::console::failures,
        crate::gateway::tester::try_call_json,
        super::push::test_message,
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
