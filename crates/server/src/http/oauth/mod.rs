//! The OAuth 2.0 surfaces (protocol-notes §3): the authorization page, the token endpoints,
//! and the console's JSON helpers around authorizations.
//!
//! | route | what |
//! |---|---|
//! | `GET/POST /oauth/authorize`, `/oauth2/authorize` | the consent page ([`page`]) |
//! | `GET/POST /oauth2/access_token` | code exchange, `client_credentials` ([`token`]) |
//! | `GET/POST /oauth2/refresh_token` | refresh rotation ([`token`]) |
//! | `POST /api/apps/{app}/test-users/{user_id}/code`, `/token` | 刷新code / 复制token ([`console`]) |
//! | `DELETE /api/apps/{app}/test-users/{user_id}/authorization` | a developer ends a test authorization |
//! | `GET /api/merchant/authorizations`, `DELETE …/{id}` | a merchant's authorizations |

pub mod console;
pub(crate) mod html;
pub mod page;
pub mod token;

use axum::Router;
use axum::routing::{delete, get, post};

use super::Ctx;

/// Every OAuth route.
pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/oauth/authorize", get(page::show).post(page::submit))
        .route("/oauth2/authorize", get(page::show).post(page::submit))
        .route(
            "/oauth2/access_token",
            get(token::access_token).post(token::access_token),
        )
        .route(
            "/oauth2/refresh_token",
            get(token::refresh_token).post(token::refresh_token),
        )
        .route(
            "/api/apps/{app}/test-users/{user_id}/code",
            post(console::test_user_code),
        )
        .route(
            "/api/apps/{app}/test-users/{user_id}/token",
            post(console::test_user_token),
        )
        .route(
            "/api/apps/{app}/test-users/{user_id}/authorization",
            delete(console::end_test_authorization),
        )
        .route("/api/merchant/authorizations", get(console::list))
        .route("/api/merchant/authorizations/{id}", delete(console::revoke))
}
