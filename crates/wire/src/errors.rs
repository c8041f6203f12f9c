//! The one catalogue of error codes (protocol-notes §2.2 and §3.7).
//!
//! Every rejection the platform can send is a variant here, with its numeric `result` code,
//! an UPPER_SNAKE name and a default message that says what to fix. Handlers never invent
//! codes or free-text errors of their own; they pick a variant and, where it helps, pass a more
//! specific message to [`crate::envelope::error`]. The docs pages list [`ApiError::all`].
//!
//! # Codes taken from the real platform
//!
//! | code | name | source |
//! |---|---|---|
//! | 11 | `SHIPPING_RULE_REJECTED` | FAQ K1009 |
//! | 21 | `OPERATION_REJECTED` | FAQ K1006, K1001 (`order operation reject`) |
//! | 24 | `AUTHORIZATION_REVOKED` | FAQ K0006 |
//! | 26 | `MAIN_ACCOUNT_NOT_FOUND` | FAQ K0005 (`主账号不存在`) |
//! | 1017 | `USER_API_QUOTA_EXCEEDED` | FAQ K1008 |
//! | 3401 | `ITEM_EDIT_RESTRICTED` | FAQ K1002 |
//! | 1800608 | `NO_OFFSITE_DISTRIBUTION_PERMISSION` | FAQ K1005 |
//! | 300002–300019 | refund codes, names as in the official table | D-CODES |
//!
//! # Codes chosen by Kaifang
//!
//! The real platform's numbers for the gateway's own rejections are unknown (§8, question 1).
//! Kaifang assigns them in the block **990100–990599**, far from every known code, grouped by
//! pipeline step. These numbers are stable: once published they never change meaning.
//! Where the real platform has a known message phrase (`验签失败`, `鉴权失败`, `TOKEN过期`,
//! `token中无scope权限`, `Exceed quota limit`, `Exceed qps limit`), the default message starts
//! with it, so clients that search `error_msg` for it keep working.
//!
//! | code | name | when |
//! |---|---|---|
//! | 990101 | `MISSING_SYSTEM_PARAMETER` | a required system parameter is absent or blank |
//! | 990102 | `UNSUPPORTED_SIGN_METHOD` | `signMethod` is neither `MD5` nor `HMAC_SHA256` |
//! | 990103 | `UNSUPPORTED_VERSION` | `version` is not `1` |
//! | 990104 | `UNKNOWN_METHOD` | no API has this name |
//! | 990105 | `METHOD_PATH_MISMATCH` | `method` names a different API than the URL path |
//! | 990106 | `MALFORMED_ENCODING` | bad percent-encoding, or not UTF-8 after decoding |
//! | 990107 | `DUPLICATE_PARAMETER` | a key repeated with different values |
//! | 990108 | `BODY_TOO_LARGE` | the request body exceeds the gateway's limit |
//! | 990109 | `PARAM_NOT_JSON` | `param` is not a JSON object |
//! | 990110 | `INVALID_PARAMETER` | a business parameter is missing or invalid |
//! | 990201 | `UNKNOWN_APPKEY` | no app has this `appkey` |
//! | 990202 | `APP_NOT_CALLABLE` | the app exists but its state forbids calls |
//! | 990203 | `SIGNATURE_MISMATCH` | `sign` does not match (验签失败) |
//! | 990204 | `TIMESTAMP_OUT_OF_WINDOW` | `timestamp` unparsable or too far from now |
//! | 990301 | `ACCESS_TOKEN_INVALID` | token unknown or issued to another app (鉴权失败) |
//! | 990302 | `ACCESS_TOKEN_EXPIRED` | token past its lifetime (TOKEN过期) |
//! | 990303 | `SCOPE_NOT_GRANTED` | token lacks the API's scope (token中无scope权限) |
//! | 990304 | `APP_PERMISSION_MISSING` | the app lacks the API's permission package |
//! | 990401 | `APP_DAILY_QUOTA_EXCEEDED` | app's daily quota used up |
//! | 990402 | `TEST_USER_QUOTA_EXCEEDED` | test user passed 2000 calls/day for this app |
//! | 990403 | `APP_QPS_EXCEEDED` | app x API QPS cap hit |
//! | 990404 | `USER_QPS_EXCEEDED` | user x API QPS cap hit |
//! | 990500 | `INTERNAL_ERROR` | a fault on the platform's side |
//!
//! OAuth endpoints use their own documented codes, [`OAuthError`] (100200100–100200107,
//! 100200500).

use std::fmt;

/// First code of the block Kaifang assigns to errors whose real number is unknown.
pub const KAIFANG_CODE_MIN: i64 = 990_100;
/// Last code of that block.
pub const KAIFANG_CODE_MAX: i64 = 990_599;

macro_rules! api_errors {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $code:literal, $name:literal, $message:literal;
    )*) => {
        /// A gateway or business error, as sent in the API envelope's `result`.
        ///
        /// See the [module docs](self) for the full table and where each code comes from.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ApiError {
            $(
                $(#[doc = $doc])*
                $variant,
            )*
        }

        impl ApiError {
            const ALL: &'static [ApiError] = &[$(ApiError::$variant,)*];

            /// The numeric code sent as `result`.
            pub fn code(&self) -> i64 {
                match self {
                    $(ApiError::$variant => $code,)*
                }
            }

            /// The UPPER_SNAKE name, e.g. `"AUTHORIZATION_REVOKED"` (sent as `sub_code`).
            pub fn name(&self) -> &'static str {
                match self {
                    $(ApiError::$variant => $name,)*
                }
            }

            /// The default `error_msg`: what went wrong and how to fix it.
            pub fn message(&self) -> &'static str {
                match self {
                    $(ApiError::$variant => $message,)*
                }
            }
        }
    };
}

api_errors! {
    // ---- Kaifang-assigned: request intake (9901xx) ----
    /// A required system parameter (`appkey`, `method`, `version`, `access_token`,
    /// `timestamp`, `signMethod` or `sign`) is absent or blank.
    MissingSystemParameter = 990101, "MISSING_SYSTEM_PARAMETER",
        "a required system parameter is missing: send appkey, method, version, param, access_token, timestamp, signMethod and sign with every call";
    /// `signMethod` is not one of `MD5` / `HMAC_SHA256`.
    UnsupportedSignMethod = 990102, "UNSUPPORTED_SIGN_METHOD",
        "signMethod is not supported: send MD5 or HMAC_SHA256 (HMAC_SHA256 is recommended)";
    /// `version` is not `1`.
    UnsupportedVersion = 990103, "UNSUPPORTED_VERSION",
        "version is not supported: send version=1";
    /// No API in the catalogue has this method name.
    UnknownMethod = 990104, "UNKNOWN_METHOD",
        "no API has this method name: check the spelling, and call it at /open/... with every dot replaced by a slash";
    /// The `method` parameter and the URL path name different APIs.
    MethodPathMismatch = 990105, "METHOD_PATH_MISMATCH",
        "the method parameter does not match the URL path: call method=open.a.b.c at /open/a/b/c";
    /// The query string or body is not valid `application/x-www-form-urlencoded` UTF-8.
    MalformedEncoding = 990106, "MALFORMED_ENCODING",
        "the request is not valid form-urlencoded UTF-8: percent-encode every value (a literal % as %25) and use UTF-8";
    /// The same key was sent more than once with different values (within or across the
    /// query string and the body). Identical repeats are accepted.
    DuplicateParameter = 990107, "DUPLICATE_PARAMETER",
        "a parameter was sent more than once with different values: send each parameter once";
    /// The request body exceeds the gateway's size limit.
    BodyTooLarge = 990108, "BODY_TOO_LARGE",
        "the request body is too large: send fewer entries per call, and put only param (not files) in form bodies";
    /// `param` is not a JSON object string.
    ParamNotJson = 990109, "PARAM_NOT_JSON",
        "param is not a JSON object: send the business parameters as one JSON object string, or {} when there are none";
    /// A business parameter inside `param` is missing, of the wrong type, or out of range.
    InvalidParameter = 990110, "INVALID_PARAMETER",
        "a business parameter is missing or invalid: check param against this API's documentation";

    // ---- Kaifang-assigned: app and signature (9902xx) ----
    /// No app has this `appkey`.
    UnknownAppkey = 990201, "UNKNOWN_APPKEY",
        "appkey is unknown: use the appkey shown for your app in the developer console";
    /// The app exists but its state (in review, offline, deleted, developer cleared) forbids
    /// API calls.
    AppNotCallable = 990202, "APP_NOT_CALLABLE",
        "this app cannot call APIs in its current state: check the app's status in the developer console";
    /// `sign` does not match the signature computed over the request (验签失败).
    SignatureMismatch = 990203, "SIGNATURE_MISMATCH",
        "验签失败: sign does not match; sign the sorted system parameters plus &signSecret=<signSecret> (the signSecret, not the appSecret), using param exactly as sent";
    /// `timestamp` is not a Unix time in milliseconds close enough to the server's clock.
    TimestampOutOfWindow = 990204, "TIMESTAMP_OUT_OF_WINDOW",
        "timestamp is missing, malformed or too far from the current time: send the current Unix time in milliseconds and keep your clock in sync";

    // ---- Kaifang-assigned: token and permission (9903xx) ----
    /// The access token is unknown, was revoked by a newer grant, or belongs to another app
    /// (鉴权失败).
    AccessTokenInvalid = 990301, "ACCESS_TOKEN_INVALID",
        "鉴权失败: access_token is unknown or was issued to another app; get a token through /oauth2/access_token";
    /// The access token is past its lifetime (TOKEN过期).
    AccessTokenExpired = 990302, "ACCESS_TOKEN_EXPIRED",
        "TOKEN过期: access_token has expired; get a new one through /oauth2/refresh_token";
    /// The token's scopes do not cover the API's permission group (token中无scope权限).
    ScopeNotGranted = 990303, "SCOPE_NOT_GRANTED",
        "token中无scope权限: the token's scopes do not cover this API; have the merchant authorize again with the API's scope in scope=";
    /// The app has not been granted the permission package this API belongs to.
    AppPermissionMissing = 990304, "APP_PERMISSION_MISSING",
        "this app has not been granted the permission package this API belongs to: request it in the developer console";

    // ---- Kaifang-assigned: traffic limits (9904xx) ----
    /// The app's daily call quota is used up.
    AppDailyQuotaExceeded = 990401, "APP_DAILY_QUOTA_EXCEEDED",
        "Exceed quota limit: this app's daily call quota is used up; wait until tomorrow or apply for a higher traffic tier";
    /// A test user passed 2000 calls today for this app.
    TestUserQuotaExceeded = 990402, "TEST_USER_QUOTA_EXCEEDED",
        "Exceed quota limit: this test user has used its 2000 calls for today with this app; wait until tomorrow";
    /// The app's QPS cap for this API was hit.
    AppQpsExceeded = 990403, "APP_QPS_EXCEEDED",
        "Exceed qps limit: this app calls this API too often per second; slow down and retry";
    /// The per-user QPS cap for this API was hit.
    UserQpsExceeded = 990404, "USER_QPS_EXCEEDED",
        "Exceed qps limit: this API is called too often per second for this user; slow down and retry";

    // ---- Kaifang-assigned: platform (9905xx) ----
    /// A fault on the platform's side; nothing the caller did wrong.
    InternalError = 990500, "INTERNAL_ERROR",
        "internal error: retry later; if it persists, report the requestId";

    // ---- Real platform codes ----
    /// The shipping-rule check blocked a deliver call: bad waybill number or carrier code,
    /// address mismatch, and similar (FAQ K1009).
    ShippingRuleRejected = 11, "SHIPPING_RULE_REJECTED",
        "the shipping rule check rejected this delivery: check the waybill number (expressNo), the carrier code (expressCode) and the address";
    /// A generic business reject: the object does not belong to the token's merchant
    /// (`order operation reject`, FAQ K1006) or its state forbids the change (stock, K1001).
    OperationRejected = 21, "OPERATION_REJECTED",
        "order operation reject: the object does not belong to the authorized merchant, or its current state does not allow this operation";
    /// The merchant cancelled the authorization, the 10-day test authorization expired, or the
    /// service-market subscription ended (FAQ K0006).
    AuthorizationRevoked = 24, "AUTHORIZATION_REVOKED",
        "the merchant's authorization for this app was cancelled or has expired (test authorizations last 10 days): have the merchant authorize again";
    /// A client_credentials token was used on an API that needs a merchant's authorization, or
    /// the sub-account was deleted (主账号不存在, FAQ K0005).
    MainAccountNotFound = 26, "MAIN_ACCOUNT_NOT_FOUND",
        "主账号不存在: this API needs a merchant's authorization; use a token from the authorization-code flow, not client_credentials";
    /// The per-user daily cap for one API is used up (FAQ K1008).
    UserApiQuotaExceeded = 1017, "USER_API_QUOTA_EXCEEDED",
        "exceed quota limit: this user's daily cap for this API is used up; wait until tomorrow";
    /// The item can only be edited in the shop's own back office (FAQ K1002).
    ItemEditRestricted = 3401, "ITEM_EDIT_RESTRICTED",
        "该商品仅支持在快手小店PC/APP进行编辑: this item can only be edited in the shop's own PC or mobile back office";
    /// The merchant lacks off-site distribution rights (FAQ K1005).
    NoOffsiteDistributionPermission = 1800608, "NO_OFFSITE_DISTRIBUTION_PERMISSION",
        "暂无站外分销推广权限: the merchant has no off-site distribution permission";

    // ---- Real platform codes: refunds (D-CODES) ----
    /// REFUND ORDER TYPE IS ERROR.
    RefundOrderTypeError = 300002, "REFUND_ORDER_TYPE_IS_ERROR",
        "the refund type is invalid: check the type parameter against the API's documentation";
    /// ENDTIME MUST AFTER BEGINTIME.
    RefundEndTimeBeforeBeginTime = 300003, "ENDTIME_MUST_AFTER_BEGINTIME",
        "endTime must be after beginTime";
    /// SEARCH TIME RANGE EXPAND 7 DAYS.
    RefundSearchRangeOver7Days = 300004, "SEARCH_TIME_RANGE_EXPAND_7_DAYS",
        "the search time range is longer than 7 days: query at most 7 days per call";
    /// CAN NOT SEARCH BEFORE 90 DAYS.
    RefundSearchBefore90Days = 300005, "CAN_NOT_SEARCH_BEFORE_90_DAYS",
        "cannot search more than 90 days back: set beginTime within the last 90 days";
    /// REFUND ID IS BLANK.
    RefundIdBlank = 300006, "REFUND_ID_IS_BLANK",
        "refundId is blank: send the refund's id";
    /// APPLY ENTRY DESC IS BLANK.
    RefundDescBlank = 300007, "APPLY_ENTRY_DESC_IS_BLANK",
        "the description is blank: send a non-empty description";
    /// HANDING WAY ERROR (sic).
    RefundHandlingWayError = 300008, "HANDING_WAY_ERROR",
        "the handling way is invalid: use 1 (return and refund), 10 (refund only), 3 (exchange), 4 (re-ship) or 5 (repair)";
    /// REFUND AMOUNT IS ZERO.
    RefundAmountZero = 300009, "REFUND_AMOUNT_IS_ZERO",
        "the refund amount is zero: send a positive amount in fen";
    /// REFUND ORDER STATUS ERROR.
    RefundStatusError = 300010, "REFUND_ORDER_STATUS_ERROR",
        "the refund's status does not allow this operation: fetch the refund again and check its status";
    /// REFUND ORDER NOT FOUND.
    RefundNotFound = 300011, "REFUND_ORDER_NOT_FOUND",
        "refund not found: check refundId";
    /// REFUND ORDER OPERATION REJECT: the refund belongs to another merchant.
    RefundOperationRejected = 300012, "REFUND_ORDER_OPERATION_REJECT",
        "refund order operation reject: this refund does not belong to the authorized merchant";
    /// BUYER CANCEL REFUND.
    RefundCancelledByBuyer = 300013, "BUYER_CANCEL_REFUND",
        "the buyer has cancelled this refund: nothing left to do";
    /// REFUND ORDER UPDATED: changed since the caller read it.
    RefundUpdated = 300014, "REFUND_ORDER_UPDATED",
        "the refund changed since you read it: fetch it again and retry with its current updateTime as refundVersion";
    /// APPLY ENTRY MAX IMAGE SIZE IS 3.
    RefundTooManyImages = 300015, "APPLY_ENTRY_MAX_IMAGE_SIZE_IS_3",
        "too many images: attach at most 3";
    /// NEGOTIATE STATUS INVALID.
    RefundNegotiateStatusInvalid = 300016, "NEGOTIATE_STATUS_INVALID",
        "negotiateStatus is invalid: check the value against the API's documentation";
    /// REFUND NEGOTIATE STATUS CHANGED.
    RefundNegotiateStatusChanged = 300017, "REFUND_NEGOTIATE_STATUS_CHANGED",
        "the refund's negotiation status changed since you read it: fetch the refund again";
    /// REFUND ORDER STATUS NOT ALLOW.
    RefundStatusNotAllowed = 300018, "REFUND_ORDER_STATUS_NOT_ALLOW",
        "the refund's current status does not allow this operation";
    /// SEARCH TIME RANGE EXPAND LIMIT.
    RefundSearchRangeOverLimit = 300019, "SEARCH_TIME_RANGE_EXPAND_LIMIT",
        "the search time range is longer than allowed: narrow beginTime and endTime";
}

impl ApiError {
    /// Every catalogued error, Kaifang-assigned codes first, then the platform's own.
    pub fn all() -> &'static [ApiError] {
        Self::ALL
    }

    /// The variant with this `result` code, if any (for SDKs reading responses).
    pub fn from_code(code: i64) -> Option<ApiError> {
        Self::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// Whether the code is one Kaifang chose (the real platform's number is unknown).
    pub fn is_kaifang_assigned(&self) -> bool {
        (KAIFANG_CODE_MIN..=KAIFANG_CODE_MAX).contains(&self.code())
    }
}

/// Every catalogued [`ApiError`]; the same as [`ApiError::all`].
pub fn all() -> &'static [ApiError] {
    ApiError::all()
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.code(), self.name(), self.message())
    }
}

impl std::error::Error for ApiError {}

// ---- Exact message formats of the real platform's rate limits (FAQ K1008, D-TRAFFIC) ----

/// `Exceed quota limit, KEY [appkey:<appkey>]`, for [`ApiError::AppDailyQuotaExceeded`].
pub fn app_quota_exceeded_message(appkey: &str) -> String {
    format!("Exceed quota limit, KEY [appkey:{appkey}]")
}

/// `Exceed quota limit, KEY [appkey:<appkey>;primaryUserId:<uid>]`, for
/// [`ApiError::TestUserQuotaExceeded`].
pub fn test_user_quota_exceeded_message(appkey: &str, primary_user_id: &str) -> String {
    format!("Exceed quota limit, KEY [appkey:{appkey};primaryUserId:{primary_user_id}]")
}

/// `Exceed qps limit, KEY [apiId:<api>;appkey:<appkey>], MAX_QPS [300.0]`, for
/// [`ApiError::AppQpsExceeded`].
pub fn app_qps_exceeded_message(api: &str, appkey: &str, max_qps: u32) -> String {
    format!("Exceed qps limit, KEY [apiId:{api};appkey:{appkey}], MAX_QPS [{max_qps}.0]")
}

/// `Exceed qps limit, KEY [apiId:<api>;appkey:<appkey>;primaryUserId:<uid>], MAX_QPS [n.0]`,
/// for [`ApiError::UserQpsExceeded`]. The real format for this case was not observed; this
/// one extends the per-app format by the user key.
pub fn user_qps_exceeded_message(
    api: &str,
    appkey: &str,
    primary_user_id: &str,
    max_qps: u32,
) -> String {
    format!(
        "Exceed qps limit, KEY [apiId:{api};appkey:{appkey};primaryUserId:{primary_user_id}], MAX_QPS [{max_qps}.0]"
    )
}

/// `[1017] exceed quota limit,[apiId:<api>;primaryUserId:<uid>]`, for
/// [`ApiError::UserApiQuotaExceeded`].
pub fn user_api_quota_exceeded_message(api: &str, primary_user_id: &str) -> String {
    format!("[1017] exceed quota limit,[apiId:{api};primaryUserId:{primary_user_id}]")
}

// ---- OAuth ----

/// `error_msg` for a refresh token that does not exist (with [`OAuthError::AccessDenied`]).
pub const OAUTH_MSG_INVALID_REFRESH_TOKEN: &str = "invalid refresh_token";
/// `error_msg` for a refresh token already used once (with [`OAuthError::AccessDenied`]).
pub const OAUTH_MSG_REFRESH_TOKEN_DISCARDED: &str = "refreshToken.discarded";
/// `error_msg` for a refresh token whose authorization the user revoked
/// (with [`OAuthError::AccessDenied`]).
pub const OAUTH_MSG_REFRESH_TOKEN_REVOKED: &str = "refreshToken.revokedAuthorization";

/// An OAuth endpoint error (§3.7): sent flat as `result` + `error` + `error_msg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OAuthError {
    /// 100200100 `invalid_request`: a required parameter is missing.
    InvalidRequest,
    /// 100200101 `unauthorized_client`: unknown app, wrong app secret, app or developer in a
    /// wrong state, or (on the consent page) service not subscribed.
    UnauthorizedClient,
    /// 100200102 `access_denied`: refresh-token problem; `error_msg` is one of the
    /// `OAUTH_MSG_*` constants.
    AccessDenied,
    /// 100200103 `unsupported_response_type`: `response_type` is not `code`.
    UnsupportedResponseType,
    /// 100200104 `unsupported_grant_type`: `grant_type` is not `code`, `refresh_token` or
    /// `client_credentials`.
    UnsupportedGrantType,
    /// 100200105 `invalid_grant`: the code is unknown, expired (2 minutes) or already used.
    InvalidGrant,
    /// 100200106 `invalid_scope`: a scope the app does not hold, or the user cancelled.
    InvalidScope,
    /// 100200107 `invalid_openid`: the openid is invalid.
    InvalidOpenid,
    /// 100200500 `server_error`: a fault on the platform's side.
    ServerError,
}

impl OAuthError {
    const ALL: &'static [OAuthError] = &[
        OAuthError::InvalidRequest,
        OAuthError::UnauthorizedClient,
        OAuthError::AccessDenied,
        OAuthError::UnsupportedResponseType,
        OAuthError::UnsupportedGrantType,
        OAuthError::InvalidGrant,
        OAuthError::InvalidScope,
        OAuthError::InvalidOpenid,
        OAuthError::ServerError,
    ];

    /// Every OAuth error, in code order.
    pub fn all() -> &'static [OAuthError] {
        Self::ALL
    }

    /// The numeric `result`.
    pub fn result(&self) -> i64 {
        match self {
            OAuthError::InvalidRequest => 100_200_100,
            OAuthError::UnauthorizedClient => 100_200_101,
            OAuthError::AccessDenied => 100_200_102,
            OAuthError::UnsupportedResponseType => 100_200_103,
            OAuthError::UnsupportedGrantType => 100_200_104,
            OAuthError::InvalidGrant => 100_200_105,
            OAuthError::InvalidScope => 100_200_106,
            OAuthError::InvalidOpenid => 100_200_107,
            OAuthError::ServerError => 100_200_500,
        }
    }

    /// The OAuth `error` string, e.g. `"invalid_request"`.
    pub fn error(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::UnauthorizedClient => "unauthorized_client",
            OAuthError::AccessDenied => "access_denied",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::InvalidOpenid => "invalid_openid",
            OAuthError::ServerError => "server_error",
        }
    }

    /// A default `error_msg` that says what to fix, used when the caller has nothing better.
    pub fn default_message(&self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => {
                "a required parameter is missing: send app_id, app_secret and grant_type, plus code or refresh_token"
            }
            OAuthError::UnauthorizedClient => {
                "the app is unknown, the app_secret is wrong, or the app cannot be authorized in its current state"
            }
            OAuthError::AccessDenied => OAUTH_MSG_INVALID_REFRESH_TOKEN,
            OAuthError::UnsupportedResponseType => "response_type must be code",
            OAuthError::UnsupportedGrantType => {
                "grant_type must be code, refresh_token or client_credentials"
            }
            OAuthError::InvalidGrant => {
                "the code is unknown, expired (codes last 2 minutes) or already used: authorize again"
            }
            OAuthError::InvalidScope => {
                "a requested scope is not held by the app, or the user cancelled the authorization"
            }
            OAuthError::InvalidOpenid => "the openid is invalid",
            OAuthError::ServerError => "internal error: retry later",
        }
    }

    /// The variant with this `result`, if any.
    pub fn from_result(result: i64) -> Option<OAuthError> {
        Self::ALL.iter().copied().find(|e| e.result() == result)
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}: {}",
            self.result(),
            self.error(),
            self.default_message()
        )
    }
}

impl std::error::Error for OAuthError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<i64> = ApiError::all().iter().map(ApiError::code).collect();
        let names: HashSet<&str> = ApiError::all().iter().map(ApiError::name).collect();
        assert_eq!(codes.len(), ApiError::all().len());
        assert_eq!(names.len(), ApiError::all().len());
        assert!(!codes.contains(&1), "1 means success");
    }

    #[test]
    fn names_are_upper_snake_and_messages_present() {
        for e in ApiError::all() {
            let name = e.name();
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
            assert!(!name.starts_with('_') && !name.ends_with('_'), "{name}");
            assert!(e.message().len() > 10, "{name}");
            assert_eq!(ApiError::from_code(e.code()), Some(*e));
        }
    }

    #[test]
    fn known_codes_are_kept() {
        assert_eq!(ApiError::ShippingRuleRejected.code(), 11);
        assert_eq!(ApiError::OperationRejected.code(), 21);
        assert_eq!(ApiError::AuthorizationRevoked.code(), 24);
        assert_eq!(
            ApiError::AuthorizationRevoked.name(),
            "AUTHORIZATION_REVOKED"
        );
        assert_eq!(ApiError::MainAccountNotFound.code(), 26);
        assert_eq!(ApiError::UserApiQuotaExceeded.code(), 1017);
        assert_eq!(ApiError::ItemEditRestricted.code(), 3401);
        assert_eq!(ApiError::NoOffsiteDistributionPermission.code(), 1_800_608);
        let refunds: Vec<i64> = ApiError::all()
            .iter()
            .map(ApiError::code)
            .filter(|c| (300_000..301_000).contains(c))
            .collect();
        assert_eq!(refunds, (300_002..=300_019).collect::<Vec<_>>());
    }

    #[test]
    fn chosen_codes_stay_in_their_block() {
        let known = [11, 21, 24, 26, 1017, 3401, 1_800_608];
        for e in ApiError::all() {
            let c = e.code();
            assert!(
                e.is_kaifang_assigned() || known.contains(&c) || (300_002..=300_019).contains(&c),
                "{} = {c}",
                e.name()
            );
        }
    }

    #[test]
    fn oauth_codes() {
        let results: Vec<i64> = OAuthError::all().iter().map(OAuthError::result).collect();
        assert_eq!(
            results,
            vec![
                100_200_100,
                100_200_101,
                100_200_102,
                100_200_103,
                100_200_104,
                100_200_105,
                100_200_106,
                100_200_107,
                100_200_500
            ]
        );
        assert_eq!(OAuthError::InvalidRequest.error(), "invalid_request");
        assert_eq!(OAuthError::InvalidOpenid.error(), "invalid_openid");
        for e in OAuthError::all() {
            assert_eq!(OAuthError::from_result(e.result()), Some(*e));
            assert!(!e.default_message().is_empty());
        }
    }

    #[test]
    fn rate_limit_formats() {
        assert_eq!(
            app_qps_exceeded_message("open.order.desensitise.batch", "ks1", 300),
            "Exceed qps limit, KEY [apiId:open.order.desensitise.batch;appkey:ks1], MAX_QPS [300.0]"
        );
        assert_eq!(
            app_quota_exceeded_message("ks1"),
            "Exceed quota limit, KEY [appkey:ks1]"
        );
        assert_eq!(
            test_user_quota_exceeded_message("ks1", "42"),
            "Exceed quota limit, KEY [appkey:ks1;primaryUserId:42]"
        );
        assert_eq!(
            user_api_quota_exceeded_message("open.item.category.suggested.get", "42"),
            "[1017] exceed quota limit,[apiId:open.item.category.suggested.get;primaryUserId:42]"
        );
    }
}
