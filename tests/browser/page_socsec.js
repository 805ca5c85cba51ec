#!/usr/bin/env node
// Browser test of the pension calculator (/socsec) in headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL=http://127.0.0.1:PORT (CHROMIUM optional).
// Needs the shipped data/socsec (loaded by `lmis init`). Fills in the form as a
// migrant would (10 years in example country A, 8 in B, the illustrative agreement),
// submits, checks the total (worked example 6 of docs/socsec.md: 300.00 + 160.00 =
// 460.00 EUR) and the explanation of every step, then the same in Spanish, and a bad
// date coming back on the form. On every page: no horizontal overflow, no request
// off the server's origin. Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

async function fillWorker(page) {
  await page.fill('#birth_year', '1962');
  await page.selectOption('#sex', 'M');
  await page.check('input[name="instrument"][value="EXAMPLE-ABC"]');
  await page.fill('#country1', 'XAA');
  await page.fill('#from1', '2000-01-01');
  await page.fill('#to1', '2009-12-31');
  await page.fill('#earnings1', '2000');
  await page.fill('#country2', 'XBB');
  await page.fill('#from2', '2010-01-01');
  await page.fill('#to2', '2017-12-31');
}

run('en-GB', async (page, offsite) => {
    await check('calculator form loads', async () => {
      const resp = await page.goto(base + '/socsec?lang=en');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((await page.locator('h1').textContent()).includes('Pension calculator'), 'title');
      assert(await page.locator('input[name="instrument"][value="MERCOSUR-1997"]').count() === 1, 'MERCOSUR listed');
    });
    await check('form: no horizontal overflow', () => noOverflow(page));

    await check('fill in and submit', async () => {
      await fillWorker(page);
      await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      assert(await page.locator('#result').isVisible(), 'no result section');
    });
    await check('result: total 460.00 EUR', async () => {
      const t = await page.locator('#result .total').textContent();
      assert(t.includes('460.00 EUR'), t);
    });
    await check('result: every step explained for both countries', async () => {
      const steps = await page.locator('#result ol.steps').count();
      assert(steps === 2, `${steps} lists of steps`);
      const pro = await page.locator('#result li[data-step="pro_rata"]').allTextContents();
      assert(pro.length === 2, 'two pro-rata steps');
      assert(pro[0].includes('540.00 EUR x 120 / 216 = 300.00 EUR'), pro[0]);
      assert(pro[1].includes('360.00 EUR x 96 / 216 = 160.00 EUR'), pro[1]);
      const right = await page.locator('#result li[data-step="independent_right"]').first().textContent();
      assert(right.includes('not met'), right);
    });
    await check('result: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'socsec-1-result.png'), fullPage: true });

    await check('Spanish: the same result explained in Spanish', async () => {
      await page.goto(base + '/socsec?lang=es');
      assert((await page.locator('h1').textContent()).includes('Calculadora de pensiones'), 'Spanish title');
      await fillWorker(page);
      await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      const t = await page.locator('#result .total').textContent();
      assert(t.includes('Total al mes') && t.includes('460.00 EUR'), t);
      const pro = await page.locator('#result li[data-step="pro_rata"]').first().textContent();
      assert(pro.includes('Prestación a prorrata'), pro);
    });
    await check('Spanish result: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'socsec-2-result-es.png'), fullPage: true });

    await check('a bad date comes back on the form with an error', async () => {
      await page.goto(base + '/socsec?lang=en');
      await fillWorker(page);
      await page.fill('#country3', 'XBB');
      await page.fill('#from3', '2018-01-01');
      // type="date" refuses an impossible date; remove the end date instead
      await page.fill('#to3', '');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      assert(resp.status() === 400, `status ${resp.status()}`);
      const err = await page.locator('p.error').textContent();
      assert(err.includes('Period 3'), err);
      assert((await page.inputValue('#country1')) === 'XAA', 'values kept');
    });
    await check('error page: no horizontal overflow', () => noOverflow(page));
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
