#!/usr/bin/env node
// Browser test of the fair recruitment pages in headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL=http://127.0.0.1:PORT (CHROMIUM optional).
// Needs the synthetic licence list data/samples/agencies.csv (scripts/check.sh
// tier_browser imports it). Checks an agency by a misspelt name ("Everst
// Overseas": banned, must read "Not licensed"), a licensed one with a typo, the
// sanctioned list and an agency page, then files a cost report through the form
// (with a cost paid by the worker, which is flagged against the no-fee principle)
// and a bad one that comes back with the values kept; the check page in French and
// Spanish. On every page: no horizontal overflow, no request off the server's
// origin. Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

run('en-GB', async (page, offsite) => {
    await check('check a banned agency by a misspelt name', async () => {
      await page.goto(base + '/agencies/check');
      await page.fill('#name', 'Everst Overseas');
      await Promise.all([page.waitForNavigation(), page.click('form[role="search"] button[type="submit"]')]);
      const verdict = await page.locator('[data-verdict]').getAttribute('data-verdict');
      assert(verdict === 'not_licensed', `verdict ${verdict}`);
      const first = page.locator('ul.matches li').first();
      assert((await first.locator('[data-status]').getAttribute('data-status')) === 'banned', 'first match not banned');
      const text = await first.innerText();
      assert(text.includes('Not licensed') && text.includes('Everest Overseas Recruitment'), text);
      assert(!/^Licensed/m.test(text), 'a banned agency reads as licensed');
    });
    await check('check page: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'recruit-01-check-banned.png'), fullPage: true });

    await check('a licensed agency with a typo and in lower case', async () => {
      await page.fill('#name', 'sunrize manpower services');
      await Promise.all([page.waitForNavigation(), page.click('form[role="search"] button[type="submit"]')]);
      assert((await page.locator('[data-verdict]').getAttribute('data-verdict')) === 'licensed', 'not licensed');
      assert((await page.locator('ul.matches li').first().innerText()).includes('DEMO-NPL-0001'), 'wrong agency');
    });

    await check('the agency page shows status and history', async () => {
      await Promise.all([page.waitForNavigation(), page.locator('ul.matches li a').first().click()]);
      assert((await page.locator('h1').innerText()).includes('Sunrise Manpower Services'), 'title');
      assert((await page.locator('table').first().innerText()).includes('DEMO-DOFE-2024-001'), 'decision missing');
    });
    await check('agency page: no horizontal overflow', () => noOverflow(page));

    await check('review the agency through the form (anonymous, moderated)', async () => {
      await page.selectOption('#r-fees', '2');
      await page.selectOption('#r-documents', '4');
      await page.fill('#r-text', 'Browser test review <b>not bold</b>');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.review button[type="submit"]')]);
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((await page.locator('#result').innerText()).includes('moderation'), 'no thank-you');
    });
    await check('review result: no horizontal overflow', () => noOverflow(page));

    await check('the sanctioned list names the banned agency', async () => {
      const resp = await page.goto(base + '/agencies/sanctioned');
      assert(resp.status() === 200, `status ${resp.status()}`);
      const t = await page.locator('main').innerText();
      assert(t.includes('Everest Overseas Recruitment') && !t.includes('Sunrise Manpower Services'), 'list content');
    });
    await check('sanctioned list: no horizontal overflow', () => noOverflow(page));

    await check('the check page in French and Spanish', async () => {
      await page.goto(base + '/agencies/check?lang=fr&name=everest');
      assert((await page.locator('html').getAttribute('lang')) === 'fr', 'lang fr');
      const fr = await page.locator('h1').innerText();
      await page.goto(base + '/agencies/check?lang=es&name=everest');
      const es = await page.locator('h1').innerText();
      assert(fr !== es && !fr.startsWith('Is this'), `${fr} / ${es}`);
      await page.goto(base + '/agencies/check?lang=en');
    });

    await check('file a cost report through the form', async () => {
      await page.goto(base + '/costs/report');
      await page.fill('#origin', 'npl');
      await page.fill('#destination', 'QAT');
      await page.selectOption('#sex', 'F');
      await page.fill('#agency_licence', 'DEMO-NPL-0001');
      await page.fill('#earnings', '1200');
      await page.fill('#earnings_currency', 'QAR');
      await page.fill('#cost_currency', 'NPR');
      await page.fill('#rate', '0.0273');
      await page.fill('#cost_recruitment_fee', '50000');
      await page.fill('#cost_medical', '5000');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.cost button[type="submit"]')]);
      assert(resp.status() === 200, `status ${resp.status()}`);
      const t = await page.locator('#result').innerText();
      // 55000 NPR x 0.0273 = 1501.50 QAR paid by the worker
      assert(t.includes('1501.50'), t);
    });
    await check('report result: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'recruit-02-cost-report.png'), fullPage: true });

    await check('a bad cost report comes back with the values kept', async () => {
      await page.goto(base + '/costs/report');
      await page.fill('#origin', 'NPL');
      await page.fill('#destination', 'QAT');
      await page.fill('#earnings', 'twelve hundred');
      await page.fill('#earnings_currency', 'QAR');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.cost button[type="submit"]')]);
      assert(resp.status() === 400, `status ${resp.status()}`);
      assert((await page.locator('p.error').innerText()).includes('/earnings/amount'), 'error names the field');
      assert((await page.inputValue('#origin')) === 'NPL', 'values kept');
    });
    await check('cost form error: no horizontal overflow', () => noOverflow(page));

    await check('the SDG 10.7.1 table', async () => {
      const resp = await page.goto(base + '/costs');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert(await page.locator('table.sdg').isVisible(), 'no table');
    });
    await check('costs table: no horizontal overflow', () => noOverflow(page));
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
