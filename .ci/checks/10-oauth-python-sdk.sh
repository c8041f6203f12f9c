#!/usr/bin/env bash
# OAuth with a real third-party client: PyPI ks-shop-python-sdk (module ks_shop_api) exchanges
# a console-minted code and refreshes against `kaifang demo` on a free loopback port.
# The SDK hard-codes the production host in its OAuth helpers; the Python script redirects
# that host to the sandbox at run time (see its docstring).
exec bash "$(dirname "$0")/lib/python-sdk-against-demo.sh" .ci/checks/python/oauth_ks_shop_sdk.py
