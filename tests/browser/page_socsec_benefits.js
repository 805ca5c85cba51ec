#!/usr/bin/env node
// Browser test of invalidity and survivors' pensions on the calculator (/socsec) in
// headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL=http://127.0.0.1:PORT (CHROMIUM optional).
// Needs the shipped data/socsec. Chooses "Survivors' pension", enters the deceased's
// periods (15 years in example country A, 9.5 in B), the date of death, the spouse
// and two children (worked example S1 of docs/socsec.md: 915.00 + 190.00 = 1105.00
// EUR), then an invalidity pension (worked example I1: 300.00 + 500.00 = 800.00 EUR),
// then an invalidity pension without a degree coming back with an error. On every
// page: no horizontal overflow, no request off the server's origin.
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

run('en-GB', async (page, offsite) => {
    await check('form: benefit choice and fields present', async () => {
      const resp = await page.goto(base + '/socsec?lang=en');
      assert(resp.status() === 200, `status ${resp.status()}`);
      for (const v of ['old_age', 'invalidity', 'survivors'])
        assert(await page.locator(`input[name="benefit"][value="${v}"]`).count() === 1, `benefit ${v}`);
      assert(await page.locator('input[name="benefit"][value="old_age"]').isChecked(), 'old age by default');
      for (const id of ['#onset', '#degree', '#state', '#death', '#spouse_birth', '#child1'])
        assert(await page.locator(id).isVisible(), `${id} visible`);
    });
    await check('form: no horizontal overflow', () => noOverflow(page));

    await check('survivors: fill in and submit', async () => {
      await page.fill('#birth_year', '1970');
      await page.selectOption('#sex', 'M');
      await page.check('input[name="instrument"][value="EXAMPLE-ABC"]');
      await page.check('input[name="benefit"][value="survivors"]');
      await page.fill('#country1', 'XAA');
      await page.fill('#from1', '1995-01-01');
      await page.fill('#to1', '2009-12-31');
      await page.fill('#earnings1', '2500');
      await page.fill('#country2', 'XBB');
      await page.fill('#from2', '2010-01-01');
      await page.fill('#to2', '2019-06-30');
      await page.fill('#death', '2019-06-30');
      await page.fill('#spouse_birth', '1972-03-10');
      await page.fill('#child1', '2005-09-01');
      await page.fill('#child2', '1999-01-15');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      assert(resp.status() === 200, `status ${resp.status()}`);
    });
    await check('survivors: total 1105.00 EUR and every share explained', async () => {
      const t = await page.locator('#result .total').textContent();
      assert(t.includes('1105.00 EUR'), t);
      const shares = await page.locator('#result li[data-step="survivor"]').allTextContents();
      assert(shares.length === 6, `${shares.length} survivor steps`);
      assert(shares[0].includes('60.00% of 1143.75 EUR = 686.25 EUR'), shares[0]);
      assert(shares[2].includes('age limit is 18'), shares[2]);
      assert(await page.locator('input[name="benefit"][value="survivors"]').isChecked(), 'choice kept');
    });
    await check('survivors result: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'socsec-3-survivors.png'), fullPage: true });

    await check('invalidity: type A and type B countries', async () => {
      await page.goto(base + '/socsec?lang=en');
      await page.fill('#birth_year', '1975');
      await page.check('input[name="instrument"][value="EXAMPLE-ABC"]');
      await page.check('input[name="benefit"][value="invalidity"]');
      await page.fill('#country1', 'XBB');
      await page.fill('#from1', '2005-01-01');
      await page.fill('#to1', '2014-12-31');
      await page.fill('#country2', 'XAA');
      await page.fill('#from2', '2015-01-01');
      await page.fill('#to2', '2018-12-31');
      await page.fill('#earnings2', '2000');
      await page.fill('#onset', '2019-01-01');
      await page.fill('#degree', '70');
      await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      const t = await page.locator('#result .total').textContent();
      assert(t.includes('800.00 EUR'), t);
      const proj = await page.locator('#result li[data-step="projection"]').textContent();
      assert(proj.includes('252 months'), proj);
      assert(await page.locator('#result ul.notes li').count() === 2, 'two notes');
    });
    await check('invalidity result: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'socsec-4-invalidity.png'), fullPage: true });

    await check('invalidity without a degree comes back with an error', async () => {
      await page.fill('#degree', '');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.socsec button[type="submit"]')]);
      assert(resp.status() === 400, `status ${resp.status()}`);
      const err = await page.locator('p.error').textContent();
      assert(err.includes('Degree of incapacity'), err);
      assert((await page.inputValue('#onset')) === '2019-01-01', 'values kept');
    });
    await check('error page: no horizontal overflow', () => noOverflow(page));
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
