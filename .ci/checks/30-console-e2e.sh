#!/usr/bin/env bash
# The web console in a real browser: headless Debian Chromium driven by playwright-core
# against a real `kaifang demo`. Screenshots of every step land in e2e/output/.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
cargo build -p kaifang-server --locked
(cd e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)
