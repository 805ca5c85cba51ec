#!/usr/bin/env node
// Browser test of job matching in headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL, LMIS_USER (a migrant), LMIS_PASSWORD (CHROMIUM
// optional). Needs the sample vacancies (scripts/check.sh tier_browser imports
// data/samples/vacancies.jsonl). Logs in as the migrant, opens "Jobs for me" (no
// profile yet), fills in the profile form with a bad language level (the form comes
// back with the error and the values kept), corrects it, and sees the best
// vacancies with their explanations, in English and in French; then the public
// needs page with its chart. On every page: no horizontal overflow, no request off
// the server's origin. Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

const user = process.env.LMIS_USER;
const password = process.env.LMIS_PASSWORD;

run('en-GB', async (page, offsite) => {
    await check('log in as the migrant', async () => {
      await page.goto(base + '/login?lang=en');
      await page.fill('#username', user);
      await page.fill('#password', password);
      await Promise.all([page.waitForURL(/\/account$/), page.click('form.login button[type=submit]')]);
    });
    await check('jobs for me: no profile yet, a link to create it', async () => {
      const resp = await page.goto(base + '/jobs/me');
      assert(resp.status() === 200, `status ${resp.status()}`);
      const body = await page.locator('main').textContent();
      if (body.includes('Best vacancies for you')) return 'profile exists already (rerun)';
      assert(await page.locator('a[href="/jobs/me/edit"]').count() === 1, 'no link to the form');
    });
    await check('profile form: no horizontal overflow', async () => {
      await page.goto(base + '/jobs/me/edit');
      return noOverflow(page);
    });
    await check('profile form: a bad language level comes back named, values kept', async () => {
      await page.selectOption('#f-sex', 'F');
      await page.fill('#f-citizenship', 'PH');
      await page.fill('#f-residence', 'PH');
      await page.selectOption('#f-isced', '6');
      await page.fill('#f-occupations', '2221||6');
      await page.fill('#f-languages', 'en|C1\nde|Z9');
      await page.fill('#f-destinations', 'DE\nSA\nGB');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.record button[type=submit]')]);
      assert(resp.status() === 400, `status ${resp.status()}`);
      const err = await page.locator('p.error').textContent();
      assert(err.includes('/languages/1/level'), err);
      assert((await page.inputValue('#f-citizenship')) === 'PH', 'values kept');
    });
    await check('profile saved: the best vacancies with explanations', async () => {
      await page.fill('#f-languages', 'en|C1\nde|B1');
      await Promise.all([page.waitForURL(/\/jobs\/me$/), page.click('form.record button[type=submit]')]);
      assert((await page.locator('h2').first().textContent()).includes('Best vacancies'), 'no results heading');
      const n = await page.locator('ol.results > li').count();
      assert(n > 0, 'no vacancy listed');
      const first = await page.locator('ol.results > li .snippet').first().textContent();
      assert(/essential skills/.test(first), first);
      return `${n} vacancies`;
    });
    await page.screenshot({ path: path.join(shotDir, 'match-jobs-me.png'), fullPage: true });
    await check('jobs for me: no horizontal overflow', () => noOverflow(page));
    await check('jobs for me in French', async () => {
      await page.goto(base + '/jobs/me?lang=fr');
      const h1 = await page.locator('h1').textContent();
      assert(h1.includes('Emplois pour moi'), h1);
      const first = await page.locator('ol.results > li .snippet').first().textContent();
      assert(/compétences essentielles/.test(first), first);
    });
    await check('a migrant cannot open the candidate lists', async () => {
      const resp = await page.goto(base + '/vacancies/1?lang=en');
      assert(resp.status() === 403, `status ${resp.status()}`);
    });
    await check('needs page: table and SVG chart', async () => {
      const resp = await page.goto(base + '/needs?isco=1&lang=en');
      assert(resp.status() === 200, `status ${resp.status()}`);
      assert(await page.locator('figure.chart svg').count() === 1, 'no chart');
      assert(await page.locator('table tbody tr').count() > 0, 'no rows');
    });
    await check('needs page: no horizontal overflow', () => noOverflow(page));
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
