// The developer's journey through the console, as a person would click it: sign up, fill in
// onboarding, get rejected with a reason, resubmit, get approved, create an app, have it
// approved, reveal its secrets and add a test user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKaifang, launchBrowser, screenshot, logIn } from './harness.mjs';

let k; let browser;
before(async () => { k = await startKaifang(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); k?.stop(); });

test('developer onboarding, review with rejection and resubmission, app creation and approval', async () => {
  const dev = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const op = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const email = `e2e${Date.now()}@example.com`;

  // Sign up.
  await dev.goto(`${k.base}/signup`);
  await screenshot(dev, 'signup');
  await dev.fill('input[name=login]', email);
  await dev.fill('input[name=name]', '王开发');
  await dev.fill('input[name=password]', 'e2e-password-1');
  await dev.click('button.primary');
  await dev.waitForURL(/\/console$/);

  // Agreement, role, qualification; submit.
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

  // The operator rejects with a reason.
  await logIn(op, k.base, k.demo.operator.login, k.demo.operator.password);
  await op.waitForURL(/\/admin/);
  await screenshot(op, 'admin-queues');
  const row = op.locator('#queue-developers .item', { hasText: email });
  await row.locator('input[name=reason]').fill('营业执照照片不清晰，请重新上传');
  await row.locator('button[value=reject]').click();
  await op.waitForSelector('.flash.ok');

  // The developer sees why, edits and resubmits; the operator approves.
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

  // Create an app; the operator approves it; credentials and a test user.
  await dev.goto(`${k.base}/console/apps`);
  await dev.fill('input[name=name]', '端到端打单');
  await dev.selectOption('select[name=category]', '店铺管理/打单发货');
  await dev.fill('input[name=callback_url]', `${k.base}/sandbox/callback`);
  await dev.fill('textarea[name=description]', '打单发货工具');
  await screenshot(dev, 'create-app');
  await dev.click('form[action="/console/apps"] button.primary');
  await dev.waitForSelector('[data-state=in_review]');
  await op.goto(`${k.base}/admin`);
  await op.locator('#queue-apps .item', { hasText: '端到端打单' }).locator('button[value=approve]').click();
  await op.waitForSelector('.flash.ok');
  await dev.reload();
  await dev.waitForSelector('[data-state=developing]');
  const appKey = (await dev.textContent('#app-key')).trim();
  assert.match(appKey, /^ks\d{18}$/);
  assert.equal(await dev.locator('#sign-secret').count(), 0, 'secrets stay hidden until the password is entered');
  await dev.fill('input[name=password]', 'e2e-password-1');
  await dev.click('button:has-text("查看密钥")');
  await dev.waitForSelector('#sign-secret');
  assert.match(await dev.textContent('#sign-secret'), /^[0-9a-f]{32}$/);
  await screenshot(dev, 'app-secrets');
  await dev.goto(`${k.base}/console/apps/${appKey}`);
  await dev.fill('input[name=user_id]', String(k.demo.merchant.user_id));
  await dev.click('form:has(input[value=add_test_user]) button');
  await dev.waitForSelector('.flash.ok');
  assert.match(await dev.textContent('main'), new RegExp(String(k.demo.merchant.user_id)));
  await screenshot(dev, 'test-user-added');

  // English is one click away.
  await dev.click('a[href="/lang/en"]');
  await dev.waitForSelector('text=Test users');
  await screenshot(dev, 'app-english');
});

test('forms reject a missing CSRF token and bad logins are throttled', async () => {
  const r = await fetch(`${k.base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=x&password=yyyyyyyy', redirect: 'manual' });
  assert.equal(r.status, 400);
  const page = await (await browser.newContext()).newPage();
  for (let i = 0; i < 6; i++) await logIn(page, k.base, k.demo.operator.login, 'wrong-password');
  assert.match(await page.textContent('.flash.err'), /too many wrong passwords/);
});
