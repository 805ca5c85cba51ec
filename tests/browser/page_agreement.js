#!/usr/bin/env node
// Browser test of the agreements pages in headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL=http://127.0.0.1:PORT (CHROMIUM optional).
// Needs the starter set of data/agreements (loaded by `lmis init`). Searches
// agreements in Spanish ("trabajador" finds "trabajadores", marked), follows a facet,
// opens the MERCOSUR agreement (the assessment and the text stack on a phone), opens
// the corridor Philippines -> Germany and the world table of ratifications, and checks
// that a search for markup shows it as text. On every page: no horizontal overflow,
// no request off the server's origin. Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

run('en-GB', async (page, offsite) => {
    await check('agreements: search "trabajador" finds the Spanish agreements, matches marked', async () => {
      await page.goto(base + '/agreements');
      await page.fill('#q', 'trabajador');
      await Promise.all([page.waitForURL(/q=trabajador/), page.click('form.search button[type=submit]')]);
      const items = page.locator('ol.agreements > li');
      assert(await items.count() === 2, `${await items.count()} results`);
      const marks = await page.locator('ol.agreements mark').allInnerTexts();
      assert(marks.includes('trabajadores'), `marks: ${marks.join(', ')}`);
    });
    await check('agreements: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'agreement-01-search.png'), fullPage: true });

    await check('agreements: a facet narrows the results', async () => {
      await page.goto(base + '/agreements');
      await Promise.all([page.waitForURL(/status=in/), page.click('section.facets a[href*="status=in"]')]);
      assert(await page.locator('ol.agreements > li').count() === 1, 'not one agreement in force');
    });

    await check('agreements: markup in the query is shown as text', async () => {
      await page.goto(base + '/agreements?q=' + encodeURIComponent('<img src=x onerror=alert(1)> social'));
      assert(await page.locator('main img').count() === 0, 'an img element was injected');
      assert((await page.inputValue('#q')).includes('<img'), 'query not kept as text');
    });

    await check('agreement: the MERCOSUR agreement with its assessment', async () => {
      await page.goto(base + '/agreements?q=social+security');
      await Promise.all([page.waitForURL(/\/agreements\/mercosur/), page.click('a[href="/agreements/mercosur-social-security-1997"]')]);
      assert((await page.locator('h1').innerText()).includes('MERCOSUR'), 'title');
      const row = page.locator('table.criteria tr.rating-met');
      assert(await row.count() === 1, 'no met criterion');
      assert((await row.innerText()).includes('Social security'), 'social security not met');
    });
    await check('agreement: assessment and text stack at 360 px', async () => {
      const a = await page.locator('section.assessment').boundingBox();
      const t = await page.locator('section.agreement-text').boundingBox();
      assert(a && t && t.y >= a.y + a.height - 1, 'text is not below the assessment');
      return noOverflow(page);
    });
    await page.screenshot({ path: path.join(shotDir, 'agreement-02-mercosur.png'), fullPage: true });

    await check('corridor: Philippines -> Germany, gaps and statistics', async () => {
      await page.goto(base + '/agreements');
      await page.fill('input[name=origin]', 'PH');
      await page.fill('input[name=dest]', 'DE');
      await Promise.all([page.waitForURL(/\/corridor\/PH\/DE$/), page.click('form.corridor button[type=submit]')]);
      assert((await page.locator('h1').innerText()).includes('Germany'), 'h1');
      const gaps = await page.locator('ul.gaps').innerText();
      assert(gaps.includes('No social security agreement'), 'social security gap');
      assert(gaps.includes('has not ratified the UN Migrant Workers Convention'), 'ICMW gap');
      assert(await page.locator('table').count() >= 2, 'ratifications and statistics tables');
    });
    await check('corridor: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'agreement-03-corridor.png'), fullPage: true });

    await check('ratifications: world table, C189 of the Philippines', async () => {
      const resp = await page.goto(base + '/ratifications');
      assert(resp.status() === 200, `status ${resp.status()}`);
      const row = page.locator('table.ratifications tr', { hasText: 'Philippines' });
      assert((await row.innerText()).includes('2012'), 'no 2012');
    });
    await check('ratifications: no horizontal overflow (the table scrolls inside)', () => noOverflow(page));
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
