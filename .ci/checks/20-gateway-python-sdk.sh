#!/usr/bin/env bash
# The API gateway with a real third-party client: PyPI ks-shop-python-sdk (module ks_shop_api)
# calls a GET and a POST method, signed with MD5 and with HMAC-SHA256, against `kaifang demo`
# on a free loopback port, with a test-user token minted through the console API. The SDK only
# signs MD5 and defaults to the production host; the Python script sets `base_url` on each
# request object and swaps in an HMAC-SHA256 signer at run time (see its docstring).
exec bash "$(dirname "$0")/lib/python-sdk-against-demo.sh" .ci/checks/python/gateway_ks_shop_sdk.py
