// Drives the web client of a running `codex serve` in headless Chromium (see WebClientBrowserTest).
// Env: BASE, LOGIN_LINK, TOKEN (admin), ALICE (a user token), WORK (the cwd), CHROMIUM, PLAYWRIGHT
// (the playwright-core folder), SHOTS (where screenshots go). Prints "ok: STEP" per step and
// "ok: all steps" at the end; any failure exits non-zero with the reason.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import net from 'node:net';

const env = process.env;
const { chromium } = createRequire(path.join(env.PLAYWRIGHT, 'package.json'))('playwright-core');
const T = 20000;

const browser = await chromium.launch({
  executablePath: env.CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
// A TCP proxy in front of the server whose connections the test can cut, to play a network drop.
const target = new URL(env.BASE);
const piped = new Set();
let down = false;
const proxy = net.createServer((client) => {
  if (down) { client.destroy(); return; }
  const upstream = net.connect(Number(target.port), target.hostname);
  const close = () => { client.destroy(); upstream.destroy(); piped.delete(client); piped.delete(upstream); };
  piped.add(client); piped.add(upstream);
  client.pipe(upstream); upstream.pipe(client);
  for (const s of [client, upstream]) { s.on('error', close); s.on('close', close); }
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const flakyBase = `http://127.0.0.1:${proxy.address().port}`;
const dropNetwork = () => { down = true; for (const s of piped) s.destroy(); };
const restoreNetwork = () => { down = false; };

const step = (name) => console.log(`ok: ${name}`);
const shot = (page, name) => page.screenshot({ path: path.join(env.SHOTS, `${name}.png`), fullPage: false });
const errors = [];

async function newPage(width = 1280, height = 860) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/401|403|404|Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return page;
}

/** The transcript as a list of [kind, text] (what a user reads), to compare before and after a reload. */
async function transcript(page) {
  return page.$$eval('#transcript > *', (els) => els.map((e) => [e.className, e.innerText.trim()]));
}

async function waitText(page, selector, text) {
  await page.waitForFunction(([s, t]) => [...document.querySelectorAll(s)].some((e) => e.innerText.includes(t)), [selector, text], { timeout: T });
}

async function send(page, text) {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

try {
  // 1. Without a cookie: only the login page, and the API answers 401.
  const stranger = await newPage();
  const first = await stranger.goto(env.BASE + '/');
  assert.equal(first.status(), 200);
  const csp = first.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/);
  await stranger.waitForSelector('#login-form', { timeout: T });
  assert.equal(await stranger.locator('#sessions').count(), 0, 'no session list without login');
  const anonymous = await stranger.evaluate(async () => {
    const r = await fetch('/api/v1/sessions');
    return [r.status, await r.text()];
  });
  assert.equal(anonymous[0], 401, 'the API refuses a browser without the cookie');
  assert.doesNotMatch(anonymous[1], /session_id/);
  await stranger.goto(env.BASE + '/sessions/00000000-0000-0000-0000-000000000000');
  await stranger.waitForSelector('#login-form', { timeout: T });
  await shot(stranger, '01-login');
  step('without a cookie: the login page, and 401 from the API');

  // 2. Log in by the link: the code goes, a cookie (HttpOnly: invisible to scripts) stays.
  const page = await newPage();
  await page.goto(env.LOGIN_LINK);
  await page.waitForSelector('#sessions', { timeout: T });
  assert.ok(!page.url().includes('token'), `the code is dropped from the URL: ${page.url()}`);
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
  const cookies = await page.context().cookies();
  const cookie = cookies.find((c) => c.name === 'codex_web');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', JSON.stringify(cookies));
  assert.match(await page.locator('.who').innerText(), /serve-admin/);
  // the link works once
  await stranger.goto(env.LOGIN_LINK);
  await waitText(stranger, '#login-error', 'not valid');
  assert.ok(!stranger.url().includes('token'), 'a used link is dropped from the URL too');
  step('login by the one-time link; a second use is refused');

  // 3. CSRF: the cookie alone does not change state.
  const forged = await page.evaluate(async (work) => {
    const r = await fetch('/api/v1/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cwd: work }) });
    return [r.status, await r.text()];
  }, env.WORK);
  assert.equal(forged[0], 403, `a POST with the cookie but without the CSRF header is refused: ${forged[1]}`);
  step('a state-changing request without the CSRF token is refused');

  // 4. New session, offering only what the ceiling allows.
  await page.click('#new-session-button');
  await page.waitForSelector('#new-session');
  const policies = await page.$$eval('#ns-policy option', (os) => os.map((o) => o.value));
  assert.deepEqual(policies, ['', 'unless-allow-listed', 'on-failure']);
  const perms = await page.$$eval('#new-session input[name=perm]', (is) => is.map((i) => i.value));
  assert.deepEqual(perms, ['disk-full-read-access', 'disk-write-cwd']);
  await page.fill('#ns-cwd', '/');
  await page.click('#new-session button[type=submit]');
  await waitText(page, '#new-session-error', 'workspace_roots');
  await page.fill('#ns-cwd', env.WORK);
  await page.selectOption('#ns-policy', 'unless-allow-listed');
  await page.check('#new-session input[value=disk-full-read-access]');
  await page.check('#new-session input[value=disk-write-cwd]');
  await shot(page, '02-new-session');
  await page.click('#new-session button[type=submit]');
  await page.waitForURL(/\/sessions\/[\w-]+$/, { timeout: T });
  const sessionUrl = page.url();
  const sessionId = sessionUrl.split('/').pop();
  await waitText(page, '#session-meta', 'unless-allow-listed');
  await page.waitForSelector('#connection[data-state=live]', { timeout: T });
  step(`new session ${sessionId} within the ceiling (a cwd outside it is refused, naming the rule)`);

  // 5. Streamed text: part of the answer shows before the model has finished.
  await send(page, 'say hello');
  await waitText(page, '#transcript .prompt', 'say hello');
  await waitText(page, '#transcript .agent', 'Hello from the scripted model');
  assert.equal(await page.locator('#transcript .agent[data-final]').count(), 0, 'the text shows while it streams');
  assert.equal(await page.locator('#session-state').getAttribute('data-state'), 'running');
  await shot(page, '03-streaming');
  await waitText(page, '#transcript .turn-end', 'Turn complete');
  const agent = page.locator('#transcript .agent').last();
  assert.equal(await agent.locator('strong').innerText(), 'scripted');
  assert.equal(await agent.locator('pre code').innerText(), 'code <b>block</b>');
  assert.equal(await page.locator('#transcript img').count(), 0, 'HTML in the model text is shown, never run');
  assert.equal(await page.locator('#transcript a[href^="javascript"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.match(await agent.innerText(), /<img src=x onerror/);
  await waitText(page, '#usage', 'tokens:');
  // the session list shows it, newest first, with its live state
  await waitText(page, '#sessions a[aria-current=page]', 'say hello');
  step('streamed text rendered as sanitised markdown; the list shows the session');

  // 6. A command asks; reload mid-turn shows the same transcript, no duplicates; approve from the card.
  await send(page, 'make a file');
  await page.waitForSelector('.approval[data-kind=exec][data-state=pending]', { timeout: T });
  await waitText(page, '.approval[data-kind=exec]', 'echo from-browser > made.txt');
  await page.waitForSelector('#session-state[data-state=waiting]', { timeout: T });
  await page.waitForFunction(() => document.title.startsWith('(1)'), null, { timeout: T });
  const before = await transcript(page);
  await page.reload();
  await page.waitForSelector('.approval[data-kind=exec][data-state=pending]', { timeout: T });
  await page.waitForFunction((n) => document.querySelectorAll('#transcript > *').length >= n, before.length, { timeout: T });
  await page.waitForTimeout(500);
  const after = await transcript(page);
  assert.deepEqual(after, before, 'a reload shows the same transcript');
  assert.equal(await page.locator('#transcript .prompt').count(), 2, 'each prompt once');
  await shot(page, '04-approval');
  await page.click('.approval[data-kind=exec] button[data-decision=approved]');
  await page.waitForSelector('.cmd[data-state=ok]', { timeout: T });
  const cmd = page.locator('.cmd').last();
  assert.match(await cmd.locator('summary').innerText(), /exit 0/);
  assert.match(await cmd.locator('[data-role=sandbox]').innerText(), /not sandboxed/);
  await waitText(page, '.approval[data-kind=exec]', 'Approved');
  await waitText(page, '#transcript .agent', 'made it');
  await page.waitForSelector('#session-state[data-state=idle]', { timeout: T });
  step('reload mid-turn: same transcript, no duplicates; command approved from the card');

  // 7. A patch: see the diff, deny it.
  await send(page, 'patch it');
  await page.waitForSelector('.approval[data-kind=patch][data-state=pending]', { timeout: T });
  assert.equal(await page.locator('.approval[data-kind=patch] .diff .del').innerText(), '-two');
  assert.equal(await page.locator('.approval[data-kind=patch] .diff .add').innerText(), '+TWO');
  await shot(page, '05-patch');
  await page.click('.approval[data-kind=patch] button[data-decision=denied]');
  await waitText(page, '#transcript .agent', 'ok, leaving a.txt alone');
  await waitText(page, '.approval[data-kind=patch]', 'Denied');
  assert.equal(await page.locator('.patch').count(), 0, 'a denied patch is not applied');
  step('patch denied after seeing its diff');

  // 8. A second browser (logged in with the form) answers; the first one updates.
  const other = await newPage();
  await other.goto(sessionUrl);
  await other.waitForSelector('#login-form', { timeout: T });
  await other.fill('#token', 'wrong-token-wrong-token');
  await other.press('#token', 'Enter');
  await waitText(other, '#login-error', 'not valid');
  await other.fill('#token', env.TOKEN);
  await other.press('#token', 'Enter');
  await waitText(other, '#transcript .agent', 'ok, leaving a.txt alone');
  assert.ok(other.url().endsWith(`/sessions/${sessionId}`), 'the deep link survives the login');
  await send(page, 'second file');
  await other.waitForSelector('.approval[data-kind=exec][data-call=c2][data-state=pending]', { timeout: T });
  await page.waitForSelector('.approval[data-kind=exec][data-call=c2][data-state=pending]', { timeout: T });
  await other.focus('.approval[data-call=c2] button[data-decision=approved]');
  await other.keyboard.press('Enter'); // keyboard alone
  await page.waitForSelector('.approval[data-call=c2][data-state=resolved]', { timeout: T });
  await waitText(page, '.approval[data-call=c2]', 'Approved by serve-admin');
  await page.waitForSelector('.cmd[data-call=c2][data-state=ok]', { timeout: T });
  await waitText(page, '#transcript .agent', 'second done');
  await waitText(other, '#transcript .prompt.other', 'second file'); // the other browser's prompt, by its text
  await page.waitForFunction(() => !document.title.startsWith('('), null, { timeout: T });
  const prompts = await page.$$eval('#transcript .prompt', (ps) => ps.map((p) => p.innerText.trim()));
  assert.deepEqual(prompts, ['say hello', 'make a file', 'patch it', 'second file']);
  const answers = await page.$$eval('#transcript .agent', (as) => as.map((a) => a.innerText.trim().split('\n')[0]));
  assert.deepEqual(answers, ['Hello from the scripted model.', 'made it', 'ok, leaving a.txt alone', 'second done'], 'each answer once');
  const seqs = await page.$$eval('.cmd', (cs) => cs.map((c) => c.dataset.call));
  assert.deepEqual(seqs, ['c1', 'c2'], 'each command once');
  await shot(page, '06-answered-elsewhere');
  step('an approval answered in a second browser updates the first; its prompt shows there with its text');

  // 9. A user identity sees none of the admin's sessions, and a deep link to one is "not found".
  const alice = await newPage();
  await alice.goto(env.BASE + '/');
  await alice.fill('#token', env.ALICE);
  await alice.press('#token', 'Enter');
  await alice.waitForSelector('#sessions', { timeout: T });
  await alice.waitForSelector('#sessions .empty', { timeout: T });
  await alice.goto(sessionUrl);
  await alice.waitForSelector('#connection[data-state=gone]', { timeout: T });
  step('another identity sees neither the session nor its transcript');

  // 10. 375 px wide, keyboard only.
  const narrow = await newPage(375, 740);
  await narrow.goto(env.BASE + '/');
  await narrow.fill('#token', env.TOKEN);
  await narrow.press('#token', 'Enter');
  await narrow.waitForSelector('#sessions', { timeout: T });
  await shot(narrow, '07-narrow-list');
  await narrow.goto(sessionUrl);
  await waitText(narrow, '#transcript .agent', 'second done');
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 375, `no sideways scrolling at 375 px (${overflow})`);
  assert.ok(await narrow.locator('#composer-input').isVisible());
  await shot(narrow, '08-narrow-session');
  await page.setViewportSize({ width: 1280, height: 860 });
  await shot(page, '09-wide');
  step('usable at 375 px');

  // 11. A network drop mid-answer: "reconnecting…", then the missed events replayed once; autoscroll
  // stops when the reader scrolls up.
  const flaky = await newPage();
  await flaky.goto(flakyBase + '/');
  await flaky.fill('#token', env.TOKEN);
  await flaky.press('#token', 'Enter');
  await flaky.waitForSelector('#sessions', { timeout: T });
  await flaky.goto(`${flakyBase}/sessions/${sessionId}`);
  await waitText(flaky, '#transcript .agent', 'second done');
  await flaky.waitForSelector('#connection[data-state=live]', { timeout: T });
  await flaky.fill('#composer-input', 'tell me more');
  await flaky.press('#composer-input', 'Shift+Enter');
  await flaky.type('#composer-input', 'in two parts');
  assert.equal(await flaky.inputValue('#composer-input'), 'tell me more\nin two parts', 'Shift+Enter is a newline');
  await flaky.press('#composer-input', 'Enter');
  await waitText(flaky, '#transcript .agent', 'Part one.');
  await flaky.$eval('#transcript', (t) => { t.scrollTop = 0; t.dispatchEvent(new Event('scroll')); });
  dropNetwork();
  await flaky.waitForSelector('#connection[data-state=reconnecting]', { timeout: T });
  await shot(flaky, '10-reconnecting');
  await flaky.waitForTimeout(2500); // the rest of the answer and the turn's end happen meanwhile
  restoreNetwork();
  await flaky.waitForSelector('#connection[data-state=live]', { timeout: T });
  await waitText(flaky, '#transcript .agent', 'Part one. Part two.');
  await waitText(flaky, '#transcript .turn-end', 'Turn complete');
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript .agent')].some((a) => a.innerText.includes('Part two.')), null, { timeout: T });
  // prompts and approval outcomes read differently in a browser that did not send or answer them
  const agentTexts = (p) => p.$$eval('#transcript > *', (els) => els.map((e) => (e.matches('.prompt, .approval')
    ? [e.className.split(' ')[0], e.dataset.call || e.dataset.submission || ''] : [e.className, e.innerText.trim()])));
  assert.deepEqual(await agentTexts(flaky), await agentTexts(page), 'after the drop: every event once, none missing');
  assert.equal(await flaky.$$eval('#transcript .prompt', (ps) => ps[ps.length - 1].innerText), 'tell me more\nin two parts');
  assert.ok(await flaky.$eval('#transcript', (t) => t.scrollTop < 50), 'scrolled up: new output does not pull the view down');
  assert.ok(await flaky.locator('.jump').isVisible(), 'a jump-to-latest button instead');
  await flaky.click('.jump');
  assert.ok(await flaky.$eval('#transcript', (t) => t.scrollHeight - t.scrollTop - t.clientHeight < 40), 'the button jumps to the end');
  step('network drop: reconnecting shown, replay without duplicates or gaps; autoscroll stops on scroll-up');

  // 12. Queue a prompt while a turn runs, then interrupt the turn: the queued prompt runs next.
  await send(page, 'long task');
  await waitText(page, '#transcript .agent', 'Working on the long task');
  await send(page, 'queued prompt');
  await waitText(page, '#transcript .prompt.queued', 'queued');
  await shot(page, '11-queued');
  await page.focus('#interrupt');
  await page.keyboard.press('Enter');
  await waitText(page, '#transcript .turn-end', 'Turn interrupted');
  await waitText(page, '#transcript .agent', 'queued answer');
  assert.equal(await page.locator('#transcript .prompt.queued').count(), 0);
  await page.waitForSelector('#session-state[data-state=idle]', { timeout: T });
  const last = await page.$$eval('#transcript .prompt', (ps) => ps.slice(-2).map((p) => p.innerText.trim()));
  assert.deepEqual(last, ['long task', 'queued prompt']);
  assert.doesNotMatch(await page.locator('#transcript').innerText(), /never seen/);
  step('a prompt queued while a turn runs; interrupt; the queued prompt runs next');

  // 13. A second session asks while the first is open: the count in the title, answered from the inbox panel.
  await page.click('#new-session-button');
  await page.fill('#ns-cwd', env.WORK);
  await page.selectOption('#ns-policy', 'unless-allow-listed');
  await page.check('#new-session input[value=disk-full-read-access]');
  await page.click('#new-session button[type=submit]');
  await page.waitForURL((u) => /\/sessions\/[\w-]+$/.test(u.pathname) && !u.pathname.endsWith(sessionId), { timeout: T });
  const secondId = page.url().split('/').pop();
  await page.waitForSelector('#connection[data-state=live]', { timeout: T });
  await send(page, 'third file');
  await page.waitForSelector('.approval[data-call=c3][data-state=pending]', { timeout: T });
  await page.click(`#sessions a[data-session="${sessionId}"]`);
  await page.waitForURL((u) => u.pathname.endsWith(sessionId), { timeout: T });
  await page.waitForFunction(() => document.title.startsWith('(1)'), null, { timeout: T });
  await page.click('.inbox');
  await page.waitForSelector('#inbox-panel button[data-decision=approved]', { timeout: T });
  await waitText(page, '#inbox-panel', 'echo third > third.txt');
  await shot(page, '12-inbox');
  await page.click('#inbox-panel button[data-decision=approved]');
  await waitText(page, '#inbox-panel', 'Nothing is waiting');
  await page.waitForFunction(() => !document.title.startsWith('('), null, { timeout: T });
  await page.waitForFunction((id) => document.querySelector('#sessions a')?.dataset.session === id, secondId, { timeout: T });
  await page.click(`#sessions a[data-session="${secondId}"]`);
  await waitText(page, '#transcript .agent', 'third done');
  await waitText(page, '.approval[data-call=c3]', 'Approved by serve-admin');
  step('an approval of another session answered from the inbox panel; the newest session first in the list');

  assert.deepEqual(errors, [], 'no script errors in the pages');
  step('all steps');
} catch (e) {
  console.log(`FAILED: ${e.stack || e}`);
  for (const err of errors) console.log(err);
  process.exitCode = 1;
} finally {
  proxy.close();
  await browser.close();
}
