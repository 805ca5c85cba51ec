#!/usr/bin/env node
// Browser test of the notification outbox page (/admin/notifications) in headless
// Chromium at phone width (360 px).
//
// Same environment as run.js (LMIS_URL), plus LMIS_BIN and LMIS_DB (set by
// scripts/check.sh) to create an administrator and a complaint whose complainant
// chose email. The server has no email or SMS channel: the page must say so, list
// the message as queued without its address, fit 360 px, and queue it again from
// its button. Prints "browser: N passed, N failed".
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { base, shotDir, check, assert, noOverflow, run } = require('./lib');

const bin = process.env.LMIS_BIN;
const db = process.env.LMIS_DB;
const admin = 'notify-admin';
const password = 'notify-admin-pass-2026';
const address = 'browser.complainant@example.org';

run('fr-FR', async (page, offsite) => {
    let caseNumber = null;
    await check('setup: an administrator and a complaint that chose email', async () => {
      assert(bin && db, 'LMIS_BIN and LMIS_DB are needed');
      execFileSync(bin, ['user', 'add', admin, '--role', 'admin', '--password-stdin', '--db', db],
        { input: password + '\n' });
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lmis-notify-')), 'c.json');
      fs.writeFileSync(file, JSON.stringify({
        category: 'unpaid_wages', language: 'fr', description: 'Salaire impayé <script>x</script>',
        anonymous: false, complainant: { name: 'Personne Test', email: address },
        contact: { method: 'email' } }));
      caseNumber = JSON.parse(execFileSync(bin, ['case', 'file', file, '--json', '--db', db])).case;
      return caseNumber;
    });
    await check('log in as the administrator', async () => {
      await page.goto(base + '/login');
      await page.fill('#username', admin);
      await page.fill('#password', password);
      await Promise.all([page.waitForURL(/\/account$/), page.click('form.login button[type=submit]')]);
    });
    await check('the outbox lists the receipt as queued, without the address', async () => {
      const resp = await page.goto(base + '/admin/notifications');
      assert(resp.status() === 200, `status ${resp.status()}`);
      const text = await page.locator('main').innerText();
      assert(text.includes(caseNumber), `${caseNumber} not listed`);
      assert(!text.includes(address), 'the address is shown');
      assert(!text.includes('Personne Test'), 'the name is shown');
      assert(await page.locator('main p.error').count() === 1, 'no notice that no channel is configured');
    });
    await check('outbox page: no horizontal overflow', () => noOverflow(page));
    await page.screenshot({ path: path.join(shotDir, 'notify-01-outbox.png'), fullPage: true });
    await check('"send again" queues it again and shows the queued messages', async () => {
      const row = page.locator('tbody tr', { hasText: caseNumber }).first();
      await Promise.all([page.waitForURL(/state=queued$/), row.locator('button[type=submit]').click()]);
      assert((await page.locator('main').innerText()).includes(caseNumber), 'not in the queued list');
    });
    await check('queued list: no horizontal overflow', () => noOverflow(page));
    await check('no request left the origin', async () => {
      assert(offsite.length === 0, offsite.join(', '));
    });
});
