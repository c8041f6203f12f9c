// Signed API calls from the test, the way an app would make them (HMAC_SHA256 over the seven
// system parameters, protocol-notes §1.5), to put real traffic on the dashboards.
import { createHmac } from 'node:crypto';

/** A 48-hour token of the demo merchant for the demo app (the console's "copy token"). */
export async function demoToken(k) {
  const r = await fetch(`${k.base}/api/apps/${k.demo.app.app_key}/test-users/${k.demo.merchant.user_id}/token`, {
    method: 'POST', headers: { authorization: `Bearer ${k.demo.developer.api_token}` },
  });
  if (!r.ok) throw new Error(`token: ${r.status} ${await r.text()}`);
  return (await r.json()).access_token;
}

/** One signed GET call; returns the parsed envelope. */
export async function call(k, token, method, param = '{}', signSecret = k.demo.app.sign_secret) {
  const p = {
    access_token: token, appkey: k.demo.app.app_key, method, param,
    signMethod: 'HMAC_SHA256', timestamp: String(Date.now()), version: '1',
  };
  const text = Object.keys(p).sort().map((key) => `${key}=${p[key]}`).join('&') + `&signSecret=${signSecret}`;
  p.sign = createHmac('sha256', signSecret).update(text, 'utf8').digest('base64');
  const r = await fetch(`${k.base}/open/${method.split('.').slice(1).join('/')}?${new URLSearchParams(p)}`);
  return r.json();
}
