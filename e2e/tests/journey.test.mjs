// The developer's journey through the console, as a person would click it (issue 7): sign up,
// fill in onboarding, get rejected with a reason, resubmit, get approved, create an app, have
// it approved, add a test user, have the merchant consent on the OAuth page, call
// open.item.list.get from the API test tool, set a push URL (a receiver in this test) and send a
// test message from the message test tool, which the receiver gets and decrypts with the push
// key. Every step leaves a screenshot in e2e/output/, and the main pages once more in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createDecipheriv } from 'node:crypto';
import { startKaifang, launchBrowser, screenshots, logIn, logInToConsent } from './harness.mjs';

const screenshot = screenshots('journey');

let k; let browser; let receiver;
before(async () => { k = await startKaifang(); browser = await launchBrowser(); });
after(async () => { receiver?.close(); await browser?.close(); k?.stop(); });

/** AES-128-CBC, zero IV, PKCS#7, Base64: the push codec (protocol-notes §4.3). */
function decrypt(pushKey, body) {
  const d = createDecipheriv('aes-128-cbc', Buffer.from(pushKey, 'base64'), Buffer.alloc(16));
  return Buffer.concat([d.update(Buffer.from(body.trim(), 'base64')), d.final()]).toString('utf8');
}

/** A push receiver on 127.0.0.1 that keeps every body and answers {"result":1}. */
function startReceiver() {
  const bodies = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      bodies.push({ contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"result":1}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/kwai/push`, bodies, close: () => server.close(),
    }));
  });
}

const viewport = { viewport: { width: 1366, height: 900 } };

test('the developer journey: onboarding to a first API call and a first pushed message', async () => {
  const dev = await (await browser.newContext(viewport)).newPage();
  const op = await (await browser.newContext(viewport)).newPage();
  const shop = await (await browser.newContext(viewport)).newPage();
  const email = `e2e${Date.now()}@example.com`;
  const password = 'e2e-password-1';

  // 1. The developer signs up.
  await dev.goto(`${k.base}/signup`);
  await screenshot(dev, 'signup');
  await dev.fill('input[name=login]', email);
  await dev.fill('input[name=name]', '王开发');
  await dev.fill('input[name=password]', password);
  await dev.click('button.primary');
  await dev.waitForURL(/\/console$/);

  // 2. Agreement, role, qualification; submit.
  await dev.check('input[name=agree]');
  await dev.click('form:has(input[name=agree]) button.primary');
  await dev.waitForSelector('.flash.ok');
  await dev.check('input[name=role][value=third_party]');
  await dev.fill('input[name=legal_person_name]', '王法人');
  await dev.fill('input[name=legal_person_id]', '110101199001011234');
  await dev.fill('input[name=enterprise_name]', '端到端科技有限公司');
  await dev.fill('input[name=licence_number]', `E2E${Date.now()}`);
  await dev.fill('textarea[name=enterprise_description]', 'ERP');
  await dev.fill('input[name=admin_name]', '王管理');
  await dev.fill('input[name=admin_phone]', '13900139000');
  await dev.fill('input[name=admin_email]', email);
  await screenshot(dev, 'onboarding-form');
  await dev.click('button[name=step][value=submit]');
  await dev.waitForSelector('[data-state=submitted]');
  await screenshot(dev, 'onboarding-submitted');

  // 3. The operator rejects with a reason; the developer sees why, edits and resubmits; the
  //    operator approves.
  await logIn(op, k.base, k.demo.operator.login, k.demo.operator.password);
  await op.waitForURL(/\/admin/);
  await screenshot(op, 'admin-queues');
  const row = op.locator('#queue-developers .item', { hasText: email });
  await row.locator('input[name=reason]').fill('营业执照照片不清晰，请重新上传');
  await row.locator('button[value=reject]').click();
  await op.waitForSelector('.flash.ok');
  await dev.reload();
  await dev.waitForSelector('[data-state=rejected]');
  assert.match(await dev.textContent('main'), /营业执照照片不清晰/);
  await screenshot(dev, 'onboarding-rejected');
  await dev.fill('input[name=enterprise_name]', '端到端科技有限公司（更正）');
  await dev.click('button[name=step][value=submit]');
  await dev.waitForSelector('[data-state=submitted]');
  await op.goto(`${k.base}/admin`);
  await op.locator('#queue-developers .item', { hasText: email }).locator('button[value=approve]').click();
  await op.waitForSelector('.flash.ok');
  await dev.reload();
  await dev.waitForSelector('[data-state=approved]');
  await screenshot(dev, 'onboarding-approved');

  // 4. The developer creates an app (an ERP: orders, items, refunds); the operator approves it.
  await dev.goto(`${k.base}/console/apps`);
  await dev.fill('input[name=name]', '端到端ERP');
  await dev.selectOption('select[name=category]', '店铺管理/电商ERP');
  await dev.fill('input[name=callback_url]', `${k.base}/sandbox/callback`);
  await dev.fill('textarea[name=description]', '订单、商品与售后同步');
  await screenshot(dev, 'create-app');
  await dev.click('form[action="/console/apps"] button.primary');
  await dev.waitForSelector('[data-state=in_review]');
  await op.goto(`${k.base}/admin`);
  await op.locator('#queue-apps .item', { hasText: '端到端ERP' }).locator('button[value=approve]').click();
  await op.waitForSelector('.flash.ok');
  await dev.reload();
  await dev.waitForSelector('[data-state=developing]');
  const appKey = (await dev.textContent('#app-key')).trim();
  assert.match(appKey, /^ks\d{18}$/);
  const appUrl = dev.url().split('?')[0];
  const appId = appUrl.split('/').pop();
  assert.equal(await dev.locator('#sign-secret').count(), 0, 'secrets stay hidden until the password is entered');
  await dev.fill('input[name=password]', password);
  await dev.click('button:has-text("查看密钥")');
  await dev.waitForSelector('#sign-secret');
  assert.match(await dev.textContent('#sign-secret'), /^[0-9a-f]{32}$/);
  const pushKey = (await dev.textContent('#push-key')).trim();
  await screenshot(dev, 'app-secrets');

  // 5. The developer adds the demo merchant as a test user and copies the authorization link.
  const merchantId = String(k.demo.merchant.user_id);
  await dev.goto(appUrl);
  await dev.fill('form:has(input[value=add_test_user]) input[name=user_id]', merchantId);
  await dev.click('form:has(input[value=add_test_user]) button');
  await dev.waitForSelector('.flash.ok');
  await dev.waitForSelector(`#test-users tr[data-user="${merchantId}"] [data-authorized=no]`);
  const link = await dev.inputValue('#auth-link');
  assert.match(link, /\/oauth\/authorize\?app_id=ks\d{18}&response_type=code&scope=/);
  await dev.locator('#test-users').scrollIntoViewIfNeeded();
  await screenshot(dev, 'test-user-added');

  // 6. The merchant opens the link, logs in on the consent page and approves.
  await shop.goto(link);
  await screenshot(shop, 'oauth-login');
  await logInToConsent(shop, k.demo.merchant.login, k.demo.merchant.password);
  assert.match(await shop.textContent('main'), /端到端ERP/);
  await screenshot(shop, 'oauth-consent');
  await shop.click('button[value=approve]');
  await shop.waitForURL(/\/sandbox\/callback\?code=/);
  await screenshot(shop, 'oauth-callback');
  await dev.reload();
  await dev.waitForSelector(`#test-users tr[data-user="${merchantId}"] [data-authorized=yes]`);
  await screenshot(dev, 'test-user-authorized');

  // 7. The API test tool: open.item.list.get with a fresh token for the authorized test user.
  await dev.click('nav.subnav a:has-text("API测试")');
  await dev.waitForURL(/\/console\/tools\/api\?app=/);
  await dev.selectOption('select[name=method]', 'open.item.list.get');
  await dev.waitForSelector('#method-doc code:has-text("open.item.list.get")');
  await dev.selectOption('#token-source', `user:${merchantId}`);
  await screenshot(dev, 'api-test-form');
  await dev.click('#send-call');
  await dev.waitForSelector('#result');
  assert.equal(await dev.getAttribute('#result [data-result]', 'data-result'), '1');
  assert.match(await dev.textContent('#string-to-sign'), /&signSecret=\*\*\*$/);
  assert.match(await dev.textContent('#raw-request'), /^GET \/open\/item\/list\/get\?appkey=ks\d{18}&method=open\.item\.list\.get/);
  const response = await dev.textContent('#raw-response');
  assert.match(response, /^HTTP\/1\.1 200 OK/);
  assert.match(response, /"result":1/);
  assert.ok((await dev.inputValue('#access-token')).length > 20, 'the issued token stays in the form for the next call');
  await dev.locator('#result').scrollIntoViewIfNeeded();
  await screenshot(dev, 'api-test-result');
  // A wrong token: the gateway's own error comes back, and the dashboard lists the failure.
  await dev.fill('#access-token', 'an-expired-or-mistyped-token');
  await dev.click('#send-call');
  await dev.waitForSelector('#result');
  assert.equal(await dev.getAttribute('#result [data-result]', 'data-result'), '990301');
  assert.match(await dev.textContent('#raw-response'), /ACCESS_TOKEN_INVALID/);
  await dev.locator('#result').scrollIntoViewIfNeeded();
  await screenshot(dev, 'api-test-error');

  // 8. Push settings: a receiver started by this test; saving sends it {"test":true} first.
  receiver = await startReceiver();
  await dev.goto(`${k.base}/console/apps/${appId}/push`);
  await dev.fill('#push-url', receiver.url);
  await dev.check('#push-enabled');
  await dev.check('input[name=events][value=kwaishop_order_paySuccess]');
  await dev.check('input[name=events][value=kwaishop_order_addOrder]');
  await dev.click('#save-push');
  await dev.waitForSelector('.flash.ok');
  await dev.waitForSelector('[data-push=on]');
  assert.ok(receiver.bodies.length >= 1, 'the URL was tested before it was saved');
  assert.equal(JSON.parse(decrypt(pushKey, receiver.bodies[0].body)).test, true);
  await screenshot(dev, 'push-settings');

  // 9. The message test tool: one paySuccess sample, received and decrypted here.
  await dev.click('nav.subnav a:has-text("消息测试")');
  await dev.waitForURL(/\/console\/tools\/message\?app=/);
  await dev.selectOption('select[name=event]', 'kwaishop_order_paySuccess');
  await dev.waitForSelector('#event-doc code:has-text("kwaishop_order_paySuccess")');
  await screenshot(dev, 'message-test-form');
  const before = receiver.bodies.length;
  await dev.click('#send-message');
  await dev.waitForSelector('#result');
  assert.equal(await dev.getAttribute('#result [data-ok]', 'data-ok'), 'true');
  assert.equal((await dev.textContent('#receiver-status')).trim(), '200');
  assert.equal((await dev.textContent('#receiver-body')).trim(), '{"result":1}');
  const eventId = (await dev.textContent('#event-id')).trim();
  const got = receiver.bodies.slice(before)
    .map((b) => ({ ...b, message: JSON.parse(decrypt(pushKey, b.body)) }))
    .find((b) => b.message.eventId === eventId);
  assert.ok(got, `the receiver got message ${eventId}`);
  assert.equal(got.contentType, 'text/plain;charset=utf-8');
  assert.equal(got.message.event, 'kwaishop_order_paySuccess');
  assert.equal(got.message.appKey, appKey);
  assert.equal(got.message.userId, Number(merchantId));
  assert.equal(JSON.parse(got.message.info).sellerId, Number(merchantId));
  assert.equal((await dev.textContent('#ciphertext')).trim(), got.body);
  await dev.locator('#result').scrollIntoViewIfNeeded();
  await screenshot(dev, 'message-test-result');

  // 10. A buyer orders and pays in the merchant's shop (the sandbox buyer simulator): the real
  //     events reach the receiver and the message log shows them with their attempts.
  const buyer = async (path, body) => {
    const r = await fetch(`${k.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${k.demo.operator.api_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return r.json();
  };
  const order = await buyer('/sandbox/orders', { merchant_user_id: Number(merchantId) });
  await buyer(`/sandbox/orders/${order.oid}/pay`);
  const pushed = (event) => receiver.bodies
    .map((b) => JSON.parse(decrypt(pushKey, b.body)))
    .find((m) => m.event === event && m.bizId === order.oid);
  for (let i = 0; i < 100 && !(pushed('kwaishop_order_addOrder') && pushed('kwaishop_order_paySuccess')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pushed('kwaishop_order_paySuccess'), 'the paid order was pushed');
  await dev.goto(`${k.base}/console/apps/${appId}/messages`);
  for (let i = 0; i < 50 && (await dev.locator('.badge.delivered').count()) < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await dev.reload();
  }
  await dev.locator('a:has-text("详情")').first().click();
  await dev.waitForSelector('#message-detail');
  assert.match(await dev.textContent('#message-detail'), /kwaishop_order_paySuccess/);
  await screenshot(dev, 'message-log');

  // 11. The app's traffic and dashboard after this activity.
  for (const [tab, name] of [['traffic', 'traffic'], ['dashboard', 'dashboard']]) {
    await dev.goto(`${k.base}/console/apps/${appId}/${tab}`);
    await screenshot(dev, name);
  }
  assert.equal((await dev.textContent('#total-calls')).trim(), '2');
  assert.equal((await dev.textContent('#success-rate')).trim(), '50%');
  assert.match(await dev.textContent('#failures'), /open\.item\.list\.get/);

  // 12. The same pages in English.
  await dev.click('a[href="/lang/en"]');
  await dev.waitForSelector('text=Failed calls');
  await screenshot(dev, 'dashboard-en');
  for (const [path, name] of [
    [appUrl, 'app-en'],
    [`${k.base}/console/tools/api?app=${appId}&method=open.item.list.get`, 'api-test-en'],
    [`${k.base}/console/tools/message?app=${appId}`, 'message-test-en'],
    [`${k.base}/console/apps/${appId}/push`, 'push-settings-en'],
    [`${k.base}/console/apps/${appId}/traffic`, 'traffic-en'],
  ]) {
    await dev.goto(path);
    await screenshot(dev, name);
  }
  await dev.waitForSelector('text=Reset today');
  await dev.goto(`${k.base}/console/tools/api?app=${appId}&method=open.item.list.get`);
  await dev.selectOption('#token-source', `user:${merchantId}`);
  await dev.click('#send-call');
  await dev.waitForSelector('#result [data-result="1"]');
  await dev.locator('#result').scrollIntoViewIfNeeded();
  await screenshot(dev, 'api-test-result-en');
});

test('forms reject a missing CSRF token and bad logins are throttled', async () => {
  const r = await fetch(`${k.base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=x&password=yyyyyyyy', redirect: 'manual' });
  assert.equal(r.status, 400);
  const page = await (await browser.newContext()).newPage();
  for (let i = 0; i < 6; i++) await logIn(page, k.base, k.demo.operator.login, 'wrong-password');
  assert.match(await page.textContent('.flash.err'), /too many wrong passwords/);
});
