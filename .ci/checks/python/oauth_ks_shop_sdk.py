"""OAuth against a running `kaifang demo`, through the PyPI client ks-shop-python-sdk.

Usage: python oauth_ks_shop_sdk.py BASE_URL DEMO_JSON

The SDK's OAuth helpers (ks_shop_api.utils.get_access_token_by_code / refresh_access_token)
hard-code https://openapi.kwaixiaodian.com inside the functions, with no setting to change it.
So this script swaps the `httpx` module those helpers see for a shim that rewrites that host to
BASE_URL and passes everything else (method, query string, form body) through unchanged: the
requests on the wire are exactly the SDK's.
"""

import json
import sys

import httpx
import ks_shop_api.utils as ks_utils
from ks_shop_api.base import RestApi

PRODUCTION = "https://openapi.kwaixiaodian.com"
BASE = sys.argv[1].rstrip("/")
DEMO = json.load(open(sys.argv[2], encoding="utf-8"))
SEEN = []


class HostRewrite:
    """The part of httpx the SDK's helpers use, pointed at the sandbox."""

    @staticmethod
    def _url(method, url):
        assert url.startswith(PRODUCTION), url
        SEEN.append(f"{method} {url[len(PRODUCTION):]}")
        return BASE + url[len(PRODUCTION):]

    def get(self, url, **kw):
        return httpx.get(self._url("GET", url), **kw)

    def post(self, url, **kw):
        return httpx.post(self._url("POST", url), **kw)


ks_utils.httpx = HostRewrite()

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def console(path, token, body=None):
    r = httpx.post(BASE + path, json=body or {}, headers={"Authorization": f"Bearer {token}"})
    r.raise_for_status()
    return r.json()


app = DEMO["app"]
merchant_id = DEMO["merchant"]["user_id"]
dev_token = DEMO["developer"]["api_token"]
op_token = DEMO["operator"]["api_token"]
api = RestApi(app["app_key"], app["app_secret"], app["sign_secret"])

# 刷新code: a code as if the demo merchant (a test user) had just consented.
code = console(f"/api/apps/{app['app_key']}/test-users/{merchant_id}/code", dev_token)["code"]
check("console mints a 72-hex code", len(code) == 72, code)

tok = api.get_access_token_first(code)
check("code exchange succeeds", tok.get("result") == 1, tok)
check("access and refresh tokens", bool(tok.get("access_token")) and bool(tok.get("refresh_token")), tok)
check("expires_in is 48 h", tok.get("expires_in") == 172800, tok)
check("refresh lasts 180 days", tok.get("refresh_token_expires_in") == 180 * 86400, tok)
check("open_id present", bool(tok.get("open_id")), tok)
check("scopes is a list with the app's packages", isinstance(tok.get("scopes"), list) and "merchant_order" in tok["scopes"], tok)
check("the SDK used GET /oauth2/access_token", SEEN[-1] == "GET /oauth2/access_token", SEEN)

again = api.get_access_token_first(code)
check("a code works once", again.get("result") == 100200105 and again.get("error") == "invalid_grant" and again.get("error_msg"), again)

new = api.refresh_access_token(tok["refresh_token"])
check("refresh succeeds", new.get("result") == 1, new)
check("refresh rotates the refresh token", new.get("refresh_token") not in (None, tok["refresh_token"]), new)
check("refresh returns a new access token", new.get("access_token") not in (None, tok["access_token"]), new)
check("refresh keeps open_id and scopes", new.get("open_id") == tok["open_id"] and new.get("scopes") == tok["scopes"], new)
check("the refresh expiry is inherited", 0 < new.get("refresh_token_expires_in", 0) <= tok["refresh_token_expires_in"], new)
check("the SDK used POST /oauth2/refresh_token", SEEN[-1] == "POST /oauth2/refresh_token", SEEN)

retry = api.refresh_access_token(tok["refresh_token"])
check("a retry within the grace window gets the same pair", retry.get("refresh_token") == new["refresh_token"], retry)

# Past the 5-minute grace window (sandbox clock), the old refresh token is discarded.
clock = console("/sandbox/clock/advance", op_token, {"seconds": 301})
check("operator moves the sandbox clock", clock.get("offset_ms", 0) >= 301000, clock)
old = api.refresh_access_token(tok["refresh_token"])
check(
    "old refresh token: refreshToken.discarded",
    old == {"result": 100200102, "error": "access_denied", "error_msg": "refreshToken.discarded"},
    old,
)
newer = api.refresh_access_token(new["refresh_token"])
check("the new refresh token still works", newer.get("result") == 1, newer)

wrong = RestApi(app["app_key"], "not-the-secret", app["sign_secret"]).refresh_access_token(newer["refresh_token"])
check("a wrong secret: unauthorized_client", wrong.get("result") == 100200101 and wrong.get("error") == "unauthorized_client", wrong)

cc = api.get_access_token_first("", grant_type="client_credentials")
check("client_credentials through the same helper", cc.get("result") == 1 and "refresh_token" not in cc and "open_id" not in cc, cc)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
