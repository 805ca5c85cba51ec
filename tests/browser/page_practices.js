#!/usr/bin/env node
// Browser test of the good-practice pages in headless Chromium at 360 px.
//
// Same environment as run.js: LMIS_URL=http://127.0.0.1:PORT (CHROMIUM optional).
// Needs the starter set of data/agreements (loaded by `lmis init`). Opens the list of
// good practices from the main navigation, searches it for a word of one description
// only ("maritime"; marked in the snippet), narrows the list with the theme filter,
// opens a practice and follows its countries and related agreements, finds practices
// from the agreements search, and checks that markup in the query is shown as text.
// On every page: no horizontal overflow, no request off the server's origin.
// Prints "browser: N passed, N failed".
'use strict';

const path = require('path');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

run('en-GB', async (page, offsite) => {
    await check('practices: the list is in the main navigation', async () => {
      await page.goto(base + '/');
      await Promise.all([page.waitForURL(/\/practices$/), page.click('nav.main-nav a[href="/practices"]')]);
      assert((await page.locator('h1').innerText()).includes('Good practices'), 'h1');
      const n = await page.locator('ol.practices > li').count();
      assert(n >= 10, `${n} practices listed`);
    });
    await check('practices: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'practices-01-list.png'), fullPage: true });

    await check('practices: search "maritime" finds the one practice whose description has it, marked', async () => {
      await page.fill('#q', 'maritime');
      await Promise.all([page.waitForURL(/q=maritime/), page.click('form.search button[type=submit]')]);
      const items = page.locator('ol.practices > li');
      assert(await items.count() === 1, `${await items.count()} results`);
      assert((await items.first().innerText()).includes('former employer'), 'not the Panama practice');
      const marks = await page.locator('ol.practices mark').allInnerTexts();
      assert(marks.includes('maritime'), `marks: ${marks.join(', ')}`);
    });
    await check('practices: search results, no horizontal overflow', () => noOverflow(page));

    await check('practices: the theme filter narrows the list', async () => {
      await page.goto(base + '/practices');
      await page.selectOption('select[name=theme]', 'regularization');
      await Promise.all([page.waitForURL(/theme=regularization/), page.click('form.search button[type=submit]')]);
      assert(await page.locator('ol.practices > li').count() === 3, 'not 3 regularization practices');
      // a facet link keeps the theme and adds the country
      await Promise.all([page.waitForURL(/country=CO/), page.click('section.facets a[href*="country=CO"]')]);
      assert(/theme=regularization/.test(page.url()), `theme dropped: ${page.url()}`);
      assert(await page.locator('ol.practices > li').count() === 1, 'not one practice for Colombia');
    });

    await check('practice: open the Philippines tripartite boards from a search', async () => {
      await page.goto(base + '/practices?q=tripartite');
      await Promise.all([page.waitForURL(/\/practices\/ph-tripartite-boards$/),
        page.click('ol.practices a[href="/practices/ph-tripartite-boards"]')]);
      assert((await page.locator('h1').innerText()).includes('Tripartite boards'), 'h1');
      assert((await page.locator('p.source').innerText()).includes('para 105'), 'source not cited');
      assert(await page.locator('a[href="/api/v1/practices/ph-tripartite-boards"]').count() === 1, 'no JSON link');
      const related = await page.locator('section.related').innerText();
      assert(related.includes('Saudi Arabia'), 'the Philippines-Saudi Arabia agreement is not related');
    });
    await check('practice: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'practices-02-practice.png'), fullPage: true });

    await check('practice: a related agreement opens', async () => {
      await Promise.all([page.waitForURL(/\/agreements\/ph-sa-domestic-workers-2013$/),
        page.click('section.related a[href="/agreements/ph-sa-domestic-workers-2013"]')]);
      assert(await page.locator('table.criteria').count() === 1, 'agreement page without its assessment');
    });

    await check('agreements search lists practices linked to their pages', async () => {
      await page.goto(base + '/agreements?q=regularization');
      const link = page.locator('ol.practices a[href="/practices/ar-mercosur-regularization-2006"]');
      assert(await link.count() === 1, 'no link to the Argentine practice');
      await Promise.all([page.waitForURL(/\/practices\/ar-mercosur/), link.click()]);
      assert((await page.locator('p.evidence').innerText()).includes('500,000'), 'evidence');
    });

    await check('practices: markup in the query is shown as text', async () => {
      await page.goto(base + '/practices?q=' + encodeURIComponent('<img src=x onerror=alert(1)> skills'));
      assert(await page.locator('main img').count() === 0, 'an img element was injected');
      assert((await page.inputValue('#q')).includes('<img'), 'query not kept as text');
    });

    await check('practice: an unknown one is a 404 with a message', async () => {
      const resp = await page.goto(base + '/practices/no-such-practice');
      assert(resp.status() === 404, `status ${resp.status()}`);
      assert((await page.locator('main').innerText()).includes('no good practice with id no-such-practice'), 'message');
    });
    await check('no request left the server origin', () => {
      assert(offsite.length === 0, offsite.slice(0, 3).join(', '));
    });
});
