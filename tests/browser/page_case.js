#!/usr/bin/env node
// Browser test of the complaint pages in headless Chromium at phone width (360 px).
//
// Same environment as run.js (LMIS_URL). Without an account, in Spanish: files an
// anonymous complaint, reads the receipt code off the page, follows the complaint
// with it (typed in lower case with spaces, as people do), and checks that a wrong
// code is refused. On every page: no horizontal overflow, no request off the origin.
// Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

run('es-ES', async (page, offsite) => {
    let receipt = null;
    await check('complaint form opens in Spanish from the browser language', async () => {
      const resp = await page.goto(base + '/complaint');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert((await page.locator('html').getAttribute('lang')) === 'es', 'html lang is not es');
      assert((await page.locator('h1').innerText()).includes('queja'), 'title not in Spanish');
    });
    await check('complaint form: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'case-01-form-es.png'), fullPage: true });

    await check('an anonymous complaint is filed and a receipt code shown', async () => {
      await page.selectOption('#category', 'recruitment_fees');
      await page.fill('#description', 'La agencia me cobró 900 dólares y se quedó con mi pasaporte.');
      await page.selectOption('#language', 'es');
      await page.fill('#occurred_from', '2026-03-01');
      await page.fill('#employer_country', 'ARE');
      await page.fill('#agency_name', 'Agencia Ejemplo');
      await page.selectOption('#contact_method', 'none');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
      assert(resp.status() === 200, `status ${resp.status()}`);
      receipt = (await page.locator('#receipt').innerText()).trim();
      assert(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(receipt), `receipt "${receipt}"`);
      return receipt;
    });
    await check('receipt page: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'case-02-receipt.png'), fullPage: true });

    await check('the complaint is followed with its receipt code, typed loosely', async () => {
      await page.click('a[href="/complaint/track"]');
      await page.fill('#receipt', receipt.toLowerCase().replace(/-/g, ' '));
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
      assert(resp.status() === 200, `status ${resp.status()}`);
      const text = await page.locator('main').innerText();
      assert(text.includes('Recibida'), 'state "Recibida" not shown');
      assert(text.includes('900 dólares'), 'own description not shown');
      assert(text.includes('anónimo'), 'not shown as anonymous');
    });
    await check('tracking page: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'case-03-track.png'), fullPage: true });

    await check('a wrong receipt code is refused with a message', async () => {
      await page.goto(base + '/complaint/track');
      await page.fill('#receipt', 'AAAA-BBBB-CCCC-DDDD');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.stack button[type=submit]')]);
      assert(resp.status() === 404, `status ${resp.status()}`);
      assert(await page.locator('[role=alert]').isVisible(), 'no error message');
    });
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
