// Opens PAGE_URL in headless Chromium through Playwright, waits until the page's script has
// made its fetch() calls (document.title becomes "done"), and saves what the browser recorded
// as a HAR 1.2 file with the bodies embedded.
//
// usage: node record_har.js PAGE_URL OUT.har CHROMIUM   (run by record-har, which installs
// playwright-core beside this file)
'use strict';
const {chromium} = require('playwright-core');

async function main() {
  const [pageUrl, out, executablePath] = process.argv.slice(2);
  if (!pageUrl || !out || !executablePath) {
    throw new Error('usage: node record_har.js PAGE_URL OUT.har CHROMIUM');
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 60000,
  });
  try {
    const context = await browser.newContext({recordHar: {path: out, content: 'embed'}});
    const page = await context.newPage();
    await page.goto(pageUrl, {timeout: 30000});
    await page.waitForFunction(() => document.title !== 'loading', null, {timeout: 30000});
    const title = await page.title();
    if (title !== 'done') throw new Error('the page says: ' + title);
    process.stdout.write(await page.textContent('#log'));
    await context.close();  // writes the HAR
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error('record_har.js: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
