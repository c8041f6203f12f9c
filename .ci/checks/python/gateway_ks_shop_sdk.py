"""Signed API calls from the PyPI package ks-shop-python-sdk (module ks_shop_api) to Kaifang.

Usage: gateway_ks_shop_sdk.py BASE_URL DEMO_JSON

How the SDK is pointed at Kaifang, and what is patched at run time:
* `RestApi.base_url` is an instance attribute (default https://openapi.kwaixiaodian.com); it is
  set on each request object. No host constant is patched for API calls.
* The SDK signs every call with MD5 (`ks_shop_api.base.sign`), whatever `signMethod` says. For
  the HMAC-SHA256 calls the module-level `sign` function is replaced with an HMAC-SHA256 signer
  over the same string (`k=v&...&signSecret=<secret>`, Base64), and `signMethod` is set to
  `HMAC_SHA256` on the request object.
* None of the SDK's classes for user/shop APIs use POST; a subclass overrides `set_httpmethod`
  to send `open.user.seller.get` as a POST form body (Kaifang accepts both on every method).

The access token is a test user's, minted with the console helper
POST /api/apps/{app_key}/test-users/{user_id}/token and the demo developer's API token.
"""

import base64
import hashlib
import hmac
import json
import sys
import urllib.request

import ks_shop_api.base as ks_base
from ks_shop_api.shop.request import OpenShopInfoGetRequest
from ks_shop_api.user.request import OpenUserSellerGetRequest

BASE = sys.argv[1].rstrip("/")
DEMO = json.load(open(sys.argv[2], encoding="utf-8"))
APP = DEMO["app"]
MERCHANT_ID = DEMO["merchant"]["user_id"]

MD5_SIGN = ks_base.sign


def hmac_sign(secret, parameters):
    keys = sorted(parameters.keys())
    text = "&".join(f"{k}={parameters[k]}" for k in keys) + f"&signSecret={secret}"
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class SellerViaPost(OpenUserSellerGetRequest):
    def set_httpmethod(self):
        self.httpmethod = "POST"


def console_token():
    req = urllib.request.Request(
        f"{BASE}/api/apps/{APP['app_key']}/test-users/{MERCHANT_ID}/token",
        data=b"{}",
        method="POST",
        headers={
            "Authorization": f"Bearer {DEMO['developer']['api_token']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]


def call(cls, token, sign_method):
    api = cls(APP["app_key"], APP["app_secret"], APP["sign_secret"])
    api.base_url = BASE
    api.signMethod = sign_method
    ks_base.sign = hmac_sign if sign_method == "HMAC_SHA256" else MD5_SIGN
    return api.getResponse(token)


def main():
    token = console_token()
    failures = []
    for cls, http in ((OpenShopInfoGetRequest, "GET"), (SellerViaPost, "POST")):
        for sign_method in ("MD5", "HMAC_SHA256"):
            body = call(cls, token, sign_method)
            name = cls(APP["app_key"], "", "").get_api_name()
            ok = body.get("result") == 1
            print(f"{name} {http} {sign_method}: result={body.get('result')} {body.get('error_msg', '')}")
            if not ok:
                failures.append((name, http, sign_method, body))
            elif name == "open.user.seller.get" and body["data"]["sellerId"] != MERCHANT_ID:
                failures.append((name, http, sign_method, body))
    # A wrong secret must fail with the signature error, not succeed.
    api = OpenShopInfoGetRequest(APP["app_key"], APP["app_secret"], "not-the-secret")
    api.base_url = BASE
    ks_base.sign = MD5_SIGN
    body = api.getResponse(token)
    if body.get("result") != 990203:
        failures.append(("wrong secret", "GET", "MD5", body))
    if failures:
        for f in failures:
            print("FAILED:", f, file=sys.stderr)
        sys.exit(1)
    print("gateway: ks-shop-python-sdk calls OK")


if __name__ == "__main__":
    main()
