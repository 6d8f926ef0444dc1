// Scans Inspraak's pages with axe-core in Chromium for WCAG 2.1 A and AA problems, logged out
// and logged in, including a form with errors. scripts/test starts the demo network: a
// municipality at INSPRAAK_URL, the province at INSPRAAK_PROVINCE_URL and the national helpdesk
// at INSPRAAK_HELPDESK_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const base = process.env.INSPRAAK_URL;
const province = process.env.INSPRAAK_PROVINCE_URL;
const helpdesk = process.env.INSPRAAK_HELPDESK_URL;
if (!base || !province || !helpdesk) {
  throw new Error('INSPRAAK_URL, INSPRAAK_PROVINCE_URL or INSPRAAK_HELPDESK_URL is not set: run these tests through scripts/test, which starts the demo network');
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
});

/** A Dutch-speaking visitor. The page CSP forbids scripts, so axe runs with CSP bypassed. */
async function visitor() {
  return browser.newContext({ bypassCSP: true, locale: 'nl-NL', extraHTTPHeaders: { 'Accept-Language': 'nl' } });
}

async function logIn(context, username, on = base) {
  const page = await context.newPage();
  await page.goto(`${on}/login`);
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord').fill('inspraak-demo');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.close();
}

/** Runs axe on the page and fails with a readable list of violations. */
async function assertAccessible(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.equal(problems.length, 0, `${label} has accessibility problems:\n  ${problems.join('\n  ')}`);
  assert.ok(result.passes.length > 10, `${label}: axe ran its checks`);
}

async function scan(context, path, label, on = base) {
  const page = await context.newPage();
  const response = await page.goto(`${on}${path}`);
  assert.ok(response, `${label}: no response`);
  await assertAccessible(page, label);
  await page.close();
}

async function firstProposal() {
  const response = await fetch(`${base}/api/v1/consultations/herinrichting-stationsplein/proposals`);
  const proposals = await response.json();
  assert.ok(proposals.length > 0, 'the demo has proposals');
  return proposals[0].id;
}

async function demoConversation() {
  const response = await fetch(`${base}/consultations/herinrichting-stationsplein`);
  const html = await response.text();
  const match = html.match(/\/conversations\/([0-9a-f-]+)/);
  assert.ok(match, 'the demo consultation has a conversation');
  return match[1];
}

/** The demo conversation's report once the background analysis has run (it runs every 2 s). */
async function analysedReport() {
  const path = `/conversations/${await demoConversation()}/report`;
  for (let i = 0; i < 50; i++) {
    const html = await (await fetch(`${base}${path}`)).text();
    if (html.includes('id="plain-summary"')) return path;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail('the demo conversation was never analysed');
}

test('the conversation report: summary, maps and bars, on screen and in print', async () => {
  const context = await visitor();
  const page = await context.newPage();
  await page.goto(`${base}${await analysedReport()}`);
  await assertAccessible(page, 'conversation report with the opinion map, bars and statement map');
  assert.ok(await page.locator('polygon.hull').count() >= 2, 'group regions on the map');
  assert.ok(await page.locator('svg.bar').count() > 0, 'agree / disagree / pass bars');
  await page.emulateMedia({ media: 'print' });
  for (const nav of await page.locator('.site-header nav').all()) {
    assert.equal(await nav.isVisible(), false, 'no navigation on paper');
  }
  assert.ok(await page.locator('svg.bar').first().isVisible(), 'bars are printed');
  assert.ok(await page.locator('#opinion-map svg').isVisible(), 'the map is printed');
  assert.equal(await page.locator('#figures-download-title').isVisible(), false, 'no download links on paper');
  await page.close();
  await context.close();
});

test('public pages', async () => {
  const context = await visitor();
  for (const [path, label] of [
    ['/', 'home'],
    ['/consultations', 'consultation list'],
    ['/consultations/herinrichting-stationsplein', 'consultation with proposals and comments'],
    ['/consultations/begroting-2027-waar-gaat-het-geld-heen', 'consultation with a poll'],
    [`/proposals/${await firstProposal()}`, 'proposal'],
    ['/nearby', 'nearby consultations of other instances'],
    [`/conversations/${await demoConversation()}`, 'conversation (logged out)'],
    ['/login', 'log-in form'],
    ['/register', 'registration form'],
    ['/bestaat-niet', 'error page'],
  ]) {
    await scan(context, path, label);
  }
  await context.close();
});

/** The demo's budgets: Begroting 2027 (voting now) and the finished one in Verkeersplan. */
async function demoBudget(slug) {
  const html = await (await fetch(`${base}/consultations/${slug}`)).text();
  const match = html.match(/data-budget="([0-9a-f-]+)"/);
  assert.ok(match, `${slug} has a budget`);
  return match[1];
}

test('participatory budgets', async () => {
  const open = await demoBudget('begroting-2027-waar-gaat-het-geld-heen');
  const finished = await demoBudget('verkeersplan-binnenstad');
  const context = await visitor();
  for (const [path, label] of [
    [`/budgets/${open}`, 'budget with its projects (logged out)'],
    [`/budgets/${finished}/outcome`, 'budget outcome with explanations'],
  ]) {
    await scan(context, path, label);
  }
  const page = await context.newPage();
  await page.goto(`${base}/budgets/${finished}/outcome`);
  const project = await page.locator('.outcome-table a').first().getAttribute('href');
  await page.close();
  await scan(context, project, 'budget project page');
  await logIn(context, 'erik');
  await scan(context, `/budgets/${open}`, 'budget ballot form');
  const ballot = await context.newPage();
  await ballot.goto(`${base}/budgets/${open}`);
  for (const box of await ballot.locator('#ballot-form input[name="project"]').all()) {
    await box.check();
  }
  await ballot.getByRole('button', { name: 'Bereken totaal' }).click();
  await ballot.waitForSelector('#ballot-problems');
  await assertAccessible(ballot, 'budget ballot over budget, with its problems');
  await ballot.locator('#ballot-form input[name="project"]').first().uncheck();
  for (const box of (await ballot.locator('#ballot-form input[name="project"]').all()).slice(1, 3)) {
    await box.uncheck();
  }
  await ballot.getByRole('button', { name: 'Verder naar controleren' }).click();
  await ballot.waitForSelector('#review-table');
  await assertAccessible(ballot, 'budget ballot confirmation step');
  await context.close();
});

test('the budget script updates the total live under the content security policy', async () => {
  const open = await demoBudget('begroting-2027-waar-gaat-het-geld-heen');
  const context = await browser.newContext({ locale: 'nl-NL', extraHTTPHeaders: { 'Accept-Language': 'nl' } });
  await logIn(context, 'fatima');
  const page = await context.newPage();
  const blocked = [];
  page.on('console', (message) => {
    if (message.type() === 'error') blocked.push(message.text());
  });
  await page.goto(`${base}/budgets/${open}`);
  const totals = page.locator('#ballot-totals');
  const before = await totals.textContent();
  // A click toggles the box whether or not it was on the stored ballot.
  await page.locator('#ballot-form input[name="project"]').first().click();
  await page.waitForFunction((text) => document.querySelector('#ballot-totals').textContent !== text, before);
  assert.match(await totals.textContent(), /€/);
  assert.deepEqual(blocked, [], 'no script was blocked');
  await context.close();
});

test('a form with errors', async () => {
  const context = await visitor();
  const page = await context.newPage();
  await page.goto(`${base}/register`);
  await page.getByRole('button', { name: 'Account aanmaken' }).last().click();
  await page.waitForSelector('.error-summary');
  await assertAccessible(page, 'registration form with errors');
  await context.close();
});

test('a resident taking part', async () => {
  const context = await visitor();
  await logIn(context, 'anna');
  for (const [path, label] of [
    ['/account', 'account page'],
    ['/consultations/herinrichting-stationsplein', 'consultation with comment form'],
    [`/conversations/${await demoConversation()}`, 'conversation with a statement to vote on'],
    ['/consultations/begroting-2027-waar-gaat-het-geld-heen', 'poll with voting form'],
    [`/proposals/${await firstProposal()}`, 'proposal with support button'],
    ['/consultations/herinrichting-stationsplein/proposals/new', 'new proposal form'],
  ]) {
    await scan(context, path, label);
  }
  await context.close();
});

test('staff pages', async () => {
  const context = await visitor();
  await logIn(context, 'beheerder');
  for (const [path, label] of [
    ['/admin', 'admin dashboard'],
    ['/admin/consultations/new', 'new consultation form'],
    ['/admin/accounts', 'accounts'],
    ['/admin/verification-codes', 'verification codes'],
    ['/admin/audit', 'audit log'],
    ['/admin/areas', 'areas (districts)'],
    [`/admin/budgets/${await demoBudget('begroting-2027-waar-gaat-het-geld-heen')}`, 'budget management: projects and the project form'],
    ['/admin/federation', 'federation: following, queue, blocks, CSV import and export'],
    ['/admin/blocklists', 'blocklists: subscriptions and suggestions'],
    ['/admin/templates/import', 'reuse a process: template upload'],
    ['/admin/deals', 'province deals: our memberships and the apply form'],
    ['/admin/joint-votes', 'joint votes: an invitation with take-part and decline'],
    ['/admin/forwards', 'forwarded proposals: what we sent'],
    ['/admin/helpdesk', 'registration with the national helpdesk'],
    ['/guides', 'guides received from the helpdesk'],
    ['/consultations/herinrichting-stationsplein', 'consultation with the reuse form'],
    ['/moderation', 'moderation queue'],
  ]) {
    await scan(context, path, label);
  }
  await context.close();
});

test('the province: deals and their dashboard', async () => {
  const context = await visitor();
  const deals = await (await fetch(`${province}/api/v1/deals`)).json();
  assert.ok(deals.items.length > 0, 'the demo network has a deal');
  const deal = deals.items[0];
  for (const [path, label] of [
    ['/deals', 'deal list'],
    [`/deals/${deal.slug}`, 'deal dashboard: figures, trend, reuse graph'],
  ]) {
    await scan(context, path, label, province);
  }
  const votes = await (await fetch(`${province}/api/v1/deals/${deal.id}/joint-votes`)).json();
  assert.ok(votes.items.length > 0, 'the demo deal has a joint vote');
  await scan(context, `/joint-votes/${votes.items[0].id}`, 'joint vote: per member and total', province);
  await logIn(context, 'beheerder', province);
  const queue = await context.newPage();
  await queue.goto(`${province}/admin/forwards`);
  assert.ok(await queue.locator('[data-forward-state="pending"]').count() > 0, 'the demo network forwarded a proposal to the province');
  await queue.close();
  for (const [path, label] of [
    ['/admin/deals', 'province admin: deals and the new-deal form'],
    [`/admin/deals/${deal.id}`, 'province admin: members, joint votes and the joint-vote form'],
    ['/admin/forwards', 'province admin: a forwarded proposal in the queue with accept and decline forms'],
    ['/admin/blocklists', 'province admin: the recommended blocklist and its form'],
  ]) {
    await scan(context, path, label, province);
  }
  await context.close();
});

test('the national helpdesk', async () => {
  const context = await visitor();
  await logIn(context, 'beheerder', helpdesk);
  // A guide to scan, written through the form as staff would.
  const page = await context.newPage();
  await page.goto(`${helpdesk}/admin/guides`);
  await page.getByLabel('Titel').fill('Een goede vraag stellen');
  await page.getByLabel('Tekst').fill('Begin **klein**:\n\n- één vraag\n- een [voorbeeld](https://example.nl)');
  await page.getByRole('button', { name: 'Publiceren' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/guides/'));
  const guide = new URL(page.url()).pathname;
  await page.close();
  for (const [path, label] of [
    ['/catalogue', 'catalogue'],
    ['/catalogue?q=%3Cscript%3E&phase=upcoming', 'catalogue with a search'],
    [`/catalogue?q=${'x'.repeat(201)}`, 'catalogue with a search that does not fit'],
    ['/guides', 'guides'],
    [guide, 'a guide'],
    ['/admin/guides', 'writing guides'],
    ['/admin', 'helpdesk admin home with its guides'],
  ]) {
    await scan(context, path, label, helpdesk);
  }
  await context.close();
});

test('the scan catches a known problem (control)', async () => {
  const context = await visitor();
  const page = await context.newPage();
  await page.setContent('<html><body><img src="plein.png"><input type="text"></body></html>');
  await assert.rejects(assertAccessible(page, 'broken page'), /image-alt|label|html-has-lang/);
  await context.close();
});
