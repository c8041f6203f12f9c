// The docs centre, the operator's dashboard and tier setting, and the merchant's consent and
// authorized-apps pages, in a real browser against `kaifang demo`, in Chinese and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { startKaifang, launchBrowser, screenshots, logIn, logInToConsent } from './harness.mjs';
import { demoToken, call } from './calls.mjs';

const screenshot = screenshots('docs');

const EXAMPLE_SIGN_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const viewport = { width: 1366, height: 860 };

let k; let browser;
before(async () => { k = await startKaifang(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); k?.stop(); });

test('docs centre: index, an API page with a verifiable signature, events, error codes, carriers', async () => {
  const page = await (await browser.newContext({ viewport })).newPage();
  const catalogue = await (await fetch(`${k.base}/api/catalogue`)).json();

  // Public: no log-in, reachable from the navigation.
  await page.goto(`${k.base}/login`);
  await page.click('header nav a[href="/docs"]');
  await page.waitForURL(/\/docs$/);
  assert.equal(await page.locator('tr[data-method]').count(), catalogue.methods.length);
  await screenshot(page, 'docs-index');

  // An API page: parameters, limits, and an example whose signature checks out.
  await page.click('tr[data-method="open.item.list.get"] a');
  await page.waitForSelector('#string-to-sign');
  assert.equal(await page.textContent('#scope'), 'merchant_item');
  const signed = await page.textContent('#string-to-sign');
  assert.ok(signed.endsWith(`&signSecret=${EXAMPLE_SIGN_SECRET}`));
  const hmac = createHmac('sha256', EXAMPLE_SIGN_SECRET).update(signed, 'utf8').digest('base64');
  assert.equal(await page.textContent('#sign'), hmac);
  assert.ok((await page.textContent('#get-url')).includes(`sign=${encodeURIComponent(hmac)}`));
  await screenshot(page, 'docs-api');
  await page.click('.seg a:has-text("MD5")');
  await page.waitForURL(/sign=md5/);
  const md5Signed = await page.textContent('#string-to-sign');
  assert.equal(await page.textContent('#sign'), createHash('md5').update(md5Signed, 'utf8').digest('hex'));

  // An event page with its push envelope.
  await page.goto(`${k.base}/docs/events`);
  await screenshot(page, 'docs-events');
  await page.click('tr[data-event="kwaishop_order_paySuccess"] a');
  await page.waitForSelector('#plaintext');
  assert.match(await page.textContent('#plaintext'), /"event": "kwaishop_order_paySuccess"/);
  await screenshot(page, 'docs-event');

  // The error codes and the 154 carriers.
  await page.click('.docs-nav a[href="/docs/errors"]');
  await page.waitForSelector('#api-errors');
  assert.ok(await page.locator('tr[data-code="990203"]').count() === 1);
  assert.ok(await page.locator('tr[data-code="100200105"]').count() === 1);
  await screenshot(page, 'docs-errors');
  await page.click('.docs-nav a[href="/docs/carriers"]');
  await page.waitForSelector('#carriers');
  assert.equal(await page.locator('[data-carrier]').count(), 154);
  await screenshot(page, 'docs-carriers');
  await page.goto(`${k.base}/docs/start`);
  await screenshot(page, 'docs-start');

  // The same pages in English, one click away.
  await page.goto(`${k.base}/docs/api/open.order.cursor.list`);
  await page.click('a[href="/lang/en"]');
  await page.waitForSelector('text=Business parameters');
  assert.match(page.url(), /open\.order\.cursor\.list/);
  await screenshot(page, 'docs-api-en');
  await page.goto(`${k.base}/docs/errors`);
  await screenshot(page, 'docs-errors-en');
  await page.goto(`${k.base}/docs`);
  await screenshot(page, 'docs-index-en');
});

test('operator: dashboard across all apps, search, and an app\'s traffic tier', async () => {
  // Real traffic first: signed calls from the demo app, some of them failing.
  const token = await demoToken(k);
  for (let i = 0; i < 12; i++) assert.equal((await call(k, token, 'open.item.list.get', '{"pageSize":20}')).result, 1);
  for (let i = 0; i < 5; i++) assert.equal((await call(k, token, 'open.user.seller.get')).result, 1);
  for (let i = 0; i < 3; i++) assert.notEqual((await call(k, token, 'open.order.detail', '{"oid":1}')).result, 1);
  // The statistics endpoint writes what the gateway's recorder holds.
  const auth = { authorization: `Bearer ${k.demo.operator.api_token}` };
  assert.ok((await fetch(`${k.base}/api/apps/${k.demo.app.app_key}/stats`, { headers: auth })).ok);

  const op = await (await browser.newContext({ viewport })).newPage();
  await logIn(op, k.base, k.demo.operator.login, k.demo.operator.password);
  await op.click('.subnav a[href="/admin/dashboard"]');
  await op.waitForSelector('#by-method');
  const row = op.locator('#by-method tr[data-method="open.item.list.get"]');
  assert.match(await row.textContent(), /12/);
  assert.match(await op.locator(`#top-apps tr[data-app="${k.demo.app.id}"]`).textContent(), /85%/);
  assert.ok(await op.locator('svg.chart').count() >= 4);
  await screenshot(op, 'admin-dashboard');

  // Developer search, then the app by its appKey, then its tier.
  await op.click('.subnav a[href="/admin/developers"]');
  await op.fill('input[name=q]', 'demo');
  await op.click('form.search button');
  await op.waitForSelector('#developers');
  await screenshot(op, 'admin-developers');
  await op.click('.subnav a[href="/admin/apps"]');
  await op.fill('input[name=q]', k.demo.app.app_key);
  await op.click('form.search button');
  await op.waitForSelector(`tr[data-app="${k.demo.app.id}"]`);
  assert.equal(await op.locator('tr[data-app]').count(), 1);
  await op.click(`tr[data-app="${k.demo.app.id}"] a`);
  await op.waitForSelector('#traffic');
  await op.selectOption('select[name=daily_tier]', '1000');
  await op.selectOption('select[name=qps_tier]', '500');
  await op.click('.tier-form button.primary');
  await op.waitForSelector('.flash.ok');
  assert.match(await op.textContent('#daily-quota'), /10,000,000/);
  await screenshot(op, 'admin-app-tier');
  const traffic = await (await fetch(`${k.base}/api/apps/${k.demo.app.app_key}/traffic`, { headers: auth })).json();
  assert.equal(traffic.settings.daily_tier, 1000);
  assert.equal(traffic.settings.qps_tier, 500);

  // English.
  await op.click('a[href="/lang/en"]');
  await op.waitForSelector('text=Traffic tiers');
  await screenshot(op, 'admin-app-tier-en');
  await op.goto(`${k.base}/admin/dashboard`);
  await screenshot(op, 'admin-dashboard-en');
});

test('merchant: consent page with scopes in words, then the authorized apps and staff page', async () => {
  const m = await (await browser.newContext({ viewport })).newPage();
  await m.goto(k.demo.oauth.authorize_url);
  await m.waitForSelector('input[name=password]');
  assert.match(await m.textContent('ul.scopes'), /读取订单/);
  await screenshot(m, 'consent-login');
  await logInToConsent(m, k.demo.merchant.login, k.demo.merchant.password);
  await screenshot(m, 'consent');
  await m.click('a[href="/lang/en"]');
  await m.waitForSelector('button[value=approve]:has-text("Approve")');
  await screenshot(m, 'consent-en');
  await m.click('button[value=approve]');
  await m.waitForURL(/\/sandbox\/callback\?code=/);

  await m.goto(`${k.base}/merchant`);
  await m.waitForSelector('#authorized-apps');
  assert.match(await m.textContent('#authorized-apps'), new RegExp(k.demo.app.name));
  await screenshot(m, 'merchant-en');
  await m.click('a[href="/lang/zh"]');
  await m.waitForSelector('text=已授权应用');
  await screenshot(m, 'merchant');
});
