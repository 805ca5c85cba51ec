// Shared by the browser tests (run.js and page_*.js).
//
// Each test file calls run(locale, async (page, offsite) => { ... }) with checks
// made by check(name, fn). The page is a 360 x 740 phone in headless Debian
// chromium; offsite collects every request that leaves the server's origin. The
// summary line "browser: N passed, N failed" is what scripts/check.sh reads.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const WIDTH = 360;
const HEIGHT = 740;
const base = (process.env.LMIS_URL || '').replace(/\/+$/, '');
const shotDir = path.join(__dirname, 'screenshots');
let nPass = 0;
let nFail = 0;

function log(ok, name, detail) {
  if (ok) nPass++;
  else nFail++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
}

// Run one named check; an exception or a false result is a failure.
async function check(name, fn) {
  try {
    const r = await fn();
    if (r === false) log(false, name, 'condition false');
    else log(true, name, typeof r === 'string' ? r : '');
  } catch (e) {
    log(false, name, (e && e.message ? e.message : String(e)).split('\n')[0]);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function noOverflow(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(w <= WIDTH, `page is ${w} px wide, more than ${WIDTH}`);
  return `scrollWidth ${w}`;
}

// Open the phone, run body(page, offsite), close, print the summary.
function run(locale, body) {
  if (!base) {
    console.error(`usage: LMIS_URL=http://HOST:PORT node ${path.basename(process.argv[1] || 'test.js')}`);
    process.exit(2);
  }
  const main = async () => {
    fs.mkdirSync(shotDir, { recursive: true });
    const origin = new URL(base).origin;
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    const offsite = [];
    page.on('request', (req) => {
      const u = req.url();
      if (!u.startsWith('data:') && new URL(u).origin !== origin) offsite.push(u);
    });
    try {
      await body(page, offsite);
    } finally {
      await browser.close();
    }
  };
  main()
    .catch((e) => log(false, 'browser test crashed', e && e.message ? e.message : String(e)))
    .finally(() => {
      console.log(`browser: ${nPass} passed, ${nFail} failed`);
      process.exitCode = nFail > 0 ? 1 : 0;
    });
}

module.exports = { WIDTH, base, shotDir, check, assert, noOverflow, run };
