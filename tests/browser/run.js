#!/usr/bin/env node
// Browser test of the lmis web pages in headless Chromium at phone size.
//
// The caller starts a server and creates an account, then runs:
//   LMIS_URL=http://127.0.0.1:PORT LMIS_USER=alice LMIS_PASSWORD=... node tests/browser/run.js
// Optional: CHROMIUM (default /usr/bin/chromium).
//
// Logs in through the form, searches ISCO-08 for "nurse", opens unit group 2221,
// checks its title and breadcrumb, switches to French and Spanish, opens an ESCO
// occupation, logs out; on every page checks that nothing is wider than the
// 360 px viewport and that no request leaves the server's origin. Screenshots go
// to tests/browser/screenshots/. Prints "browser: N passed, N failed" and exits
// non-zero when anything failed.
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

const user = process.env.LMIS_USER;
const password = process.env.LMIS_PASSWORD;

async function shot(page, name) {
  await page.screenshot({ path: path.join(shotDir, name), fullPage: true });
}

if (!user || !password) {
  console.error('usage: LMIS_URL=http://HOST:PORT LMIS_USER=NAME LMIS_PASSWORD=SECRET node run.js');
  process.exit(2);
}

run('en-GB', async (page, offsite) => {
    // Everything the pages load must come from the server itself (CSP default-src 'self').
    const consoleErrors = [];
    page.on('console', (msg) => {
      // The 401 and 404 this test asks for on purpose are logged as errors too.
      if (msg.type() === 'error' && !/status of (401|404)/.test(msg.text())) consoleErrors.push(msg.text());
    });
    // ---- home
    await check('home page loads', async () => {
      const resp = await page.goto(base + '/');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((await page.locator('html').getAttribute('lang')) === 'en', 'html lang is not en');
      assert(await page.locator('h1').isVisible(), 'no h1');
      assert((await page.locator('footer').innerText()).includes('ESCO classification of the European Commission'),
        'ESCO attribution missing');
    });
    await check('home: no horizontal overflow', () => noOverflow(page));
    await shot(page, '01-home.png');

    await check('style sheet served as text/css', async () => {
      const resp = await page.request.get(base + '/static/style.css');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((resp.headers()['content-type'] || '').startsWith('text/css'), 'content type');
      assert(resp.headers()['cache-control'], 'no Cache-Control');
    });

    // ---- log in: a wrong password first, then the right one
    await check('login: wrong password is refused with 401', async () => {
      await page.goto(base + '/login');
      await page.fill('#username', user);
      await page.fill('#password', password + '-wrong');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
      assert(resp.status() === 401, `status ${resp.status()}`);
      assert(await page.locator('[role=alert]').isVisible(), 'no error message');
    });
    await shot(page, '02-login-error.png');
    await check('login: right password opens the account page', async () => {
      await page.fill('#username', user);
      await page.fill('#password', password);
      await Promise.all([page.waitForURL(/\/account$/), page.click('form.login button[type=submit]')]);
      const text = await page.locator('main').innerText();
      assert(text.includes(user), 'username not shown');
    });
    await check('account: no horizontal overflow', () => noOverflow(page));
    await shot(page, '03-account.png');

    // ---- search
    await check('search "nurse" lists 2221 among the first results', async () => {
      await page.goto(base + '/isco');
      await page.fill('#q', 'nurse');
      await Promise.all([page.waitForURL(/[?&]q=nurse/), page.click('form.search button[type=submit]')]);
      const items = await page.locator('ol.results > li').allInnerTexts();
      assert(items.length > 0, 'no results');
      const first = items.slice(0, 5);
      assert(first.some((t) => t.includes('2221')), `2221 not in the first 5: ${JSON.stringify(first)}`);
      return `${items.length} results`;
    });
    await check('search: no horizontal overflow', () => noOverflow(page));
    await shot(page, '04-search-nurse.png');

    // ---- ISCO-08 unit group 2221
    await check('open 2221 from the results', async () => {
      const link = page.locator('a[href="/isco/2221"]').first();
      if (await link.count()) await Promise.all([page.waitForURL(/\/isco\/2221/), link.click()]);
      else await page.goto(base + '/isco/2221');
      assert((await page.locator('h1').innerText()).includes('Nursing professionals'), 'title');
    });
    await check('2221: breadcrumb 2 > 22 > 222 > 2221', async () => {
      const crumb = page.locator('nav.breadcrumb');
      for (const c of ['2', '22', '222']) {
        assert(await crumb.locator(`a[href="/isco/${c}"]`).count() === 1, `no breadcrumb link to ${c}`);
      }
      assert((await crumb.locator('[aria-current=page]').innerText()).includes('2221'), 'current step');
    });
    await check('2221: skill level, definition and ESCO occupations', async () => {
      const text = await page.locator('main').innerText();
      assert(/Skill level 4/.test(text), 'skill level 4');
      assert(await page.locator('.definition p').count() > 0, 'definition paragraphs');
      assert(await page.locator('ul.occupations a[href^="/esco/occupation/"]').count() > 0, 'ESCO occupations');
    });
    await check('2221: no horizontal overflow', () => noOverflow(page));
    await shot(page, '05-isco-2221.png');

    // ---- French
    await check('switch to French: French title', async () => {
      await Promise.all([page.waitForURL(/lang=fr/), page.click('nav.lang a[hreflang=fr]')]);
      assert((await page.locator('html').getAttribute('lang')) === 'fr', 'html lang');
      assert((await page.locator('h1').innerText()).includes('Cadres infirmiers'), 'French title');
      assert((await page.locator('nav.main-nav').innerText()).includes('Accueil'), 'French navigation');
    });
    await check('French: no horizontal overflow', () => noOverflow(page));
    await shot(page, '06-isco-2221-fr.png');
    await check('French is remembered without ?lang', async () => {
      await page.goto(base + '/isco');
      assert((await page.locator('html').getAttribute('lang')) === 'fr', 'html lang');
      assert(await page.locator('ul.groups > li').count() === 10, 'ten major groups');
    });
    await check('major groups (French): no horizontal overflow', () => noOverflow(page));
    await shot(page, '07-isco-index-fr.png');

    // ---- an ESCO occupation below 2221
    await check('ESCO occupation page', async () => {
      await page.goto(base + '/isco/2221');
      const link = page.locator('ul.occupations a').first();
      await Promise.all([page.waitForURL(/\/esco\/occupation\/\d+/), link.click()]);
      assert((await page.locator('h1').innerText()).trim().length > 0, 'title');
      assert(await page.locator('nav.breadcrumb a[href="/isco/2221"]').count() === 1, 'link to 2221');
      assert((await page.locator('main').innerText()).includes('Compétences essentielles'), 'essential skills');
    });
    await check('ESCO occupation: no horizontal overflow', () => noOverflow(page));
    await shot(page, '08-esco-occupation-fr.png');

    // ---- Spanish
    await check('Spanish title of 2221', async () => {
      await page.goto(base + '/isco/2221?lang=es');
      assert((await page.locator('h1').innerText()).includes('Profesionales de enfermería'), 'Spanish title');
    });
    await shot(page, '09-isco-2221-es.png');

    // ---- statistics: an indicator from the sample survey, then a corridor
    await check('statistics: indicator table, chart with intervals, downloads', async () => {
      await page.goto(base + '/statistics?lang=en');
      const link = page.locator('ul.indicators a[href*="UNE_DEAP_SEX_AGE_CBR_RT"]');
      await Promise.all([page.waitForURL(/\/statistics\/indicator\/UNE_DEAP_SEX_AGE_CBR_RT/), link.click()]);
      assert((await page.locator('h1').innerText()).includes('Unemployment rate'), 'title');
      assert(await page.locator('svg.chart rect').count() > 10, 'bars');
      assert(await page.locator('svg.chart path.ci').count() > 10, 'confidence intervals');
      assert(await page.locator('table.estimates tbody tr').count() >= 21, 'table rows');
      assert(await page.locator('ul.downloads a[href*="format=sdmx-ml"]').count() === 1, 'SDMX-ML download');
    });
    await check('statistics indicator: no horizontal overflow', () => noOverflow(page));
    await shot(page, '11-indicator.png');
    await check('statistics: SDMX-CSV download', async () => {
      const resp = await page.request.get(base + '/api/v1/indicators/UNE_DEAP_SEX_AGE_CBR_RT?survey=lfs-demo&format=sdmx-csv');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((await resp.text()).startsWith('DATAFLOW,REF_AREA'), 'SDMX-CSV header');
    });
    await check('statistics: corridor form shows published figures', async () => {
      await page.goto(base + '/statistics?lang=fr');
      await page.fill('form.corridor input[name="code"]', 'ITA');
      await page.fill('form.corridor input[name="counterpart"]', 'PHL');
      await Promise.all([page.waitForURL(/\/statistics\/area\/ITA\?counterpart=PHL/), page.click('form.corridor button')]);
      assert(await page.locator('table tbody tr').count() > 0, 'rows');
    });
    await check('corridor: no horizontal overflow', () => noOverflow(page));
    await shot(page, '12-corridor-fr.png');

    // ---- unknown group, then log out
    await check('unknown group gives 404', async () => {
      const resp = await page.goto(base + '/isco/9999');
      assert(resp.status() === 404, `status ${resp.status()}`);
    });
    await check('log out', async () => {
      await page.goto(base + '/account?lang=en');
      await Promise.all([page.waitForURL(base + '/'), page.click('form[action="/logout"] button')]);
      assert(await page.locator('nav.main-nav a[href="/login"]').count() === 1, 'no log-in link after logout');
    });
    await shot(page, '10-logged-out.png');

    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
    await check('no console errors (CSP, missing files)', () => {
      assert(consoleErrors.length === 0, consoleErrors.slice(0, 3).join(' | '));
    });
});
