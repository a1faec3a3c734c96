// Drives the explorer page of a running `ae serve` in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
// through playwright-core, and exits 1 naming what failed:
//   node test/explorer.test.mjs URL EXPECTED_POINTS SCREENSHOT.png
// Checks: the page loads with no console error; the scatter has one point per test item; a click in an empty part
// of the plane changes the decoded image; a slider changes it again; UMAP lays out the same points; the screenshot
// is not blank (far larger than a blank page's at the same size, and the plane has coloured pixels).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const [url, expectedText, screenshotPath] = process.argv.slice(2);
if (!url || !expectedText || !screenshotPath) {
  console.error('usage: node test/explorer.test.mjs URL EXPECTED_POINTS SCREENSHOT.png');
  process.exit(2);
}
const expected = Number(expectedText);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));

  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  const points = Number(await page.getAttribute('#plane', 'data-points'));
  check(points === expected, `one point per test item (${points} drawn, ${expected} items)`);

  const version = async () => Number(await page.getAttribute('#decoded', 'data-version'));
  const image = () => page.evaluate(() => document.getElementById('decoded').toDataURL());
  const waitVersion = (v) => page.waitForFunction((n) => Number(document.getElementById('decoded').dataset.version) > n, v, { timeout: 30000 });

  await waitVersion(0);
  const chosen = await image();
  let v = await version();
  // The plane's edge: padded by 5% beyond the outermost point, so no point is under it.
  await page.click('#plane', { position: { x: 6, y: 6 } });
  await waitVersion(v);
  const clicked = await image();
  check(clicked !== chosen, 'a click in the plane changes the decoded image');

  v = await version();
  await page.$eval('#sliders input', (input) => { input.value = input.max; input.dispatchEvent(new Event('input')); });
  await waitVersion(v);
  const slid = await image();
  check(slid !== clicked, 'a slider changes the decoded image again');

  const neighbours = await page.$$eval('#neighbours canvas', (c) => c.length);
  check(neighbours === 8, `the chosen item shows its 8 nearest neighbours (${neighbours})`);

  const coloured = await page.evaluate(() => {
    const c = document.getElementById('plane');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) n++;
    return n;
  });
  check(coloured >= expected, `the plane has coloured pixels (${coloured})`);
  const histogram = await page.isVisible('#histogram');
  check(histogram, 'the detector\'s score histogram is shown');

  const shot = await page.screenshot({ fullPage: false });
  writeFileSync(screenshotPath, shot);
  const blank = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const blankShot = await blank.screenshot();
  check(shot.length > 5 * blankShot.length, `the screenshot is not blank (${shot.length} bytes; a blank page ${blankShot.length})`);

  await page.selectOption('#view', 'umap');
  await page.waitForFunction(() => document.getElementById('viewNote').textContent.includes('UMAP'), null, { timeout: 120000 });
  const umapPoints = Number(await page.getAttribute('#plane', 'data-points'));
  check(umapPoints === expected, `UMAP (umap-js) lays out every item (${umapPoints})`);

  check(errors.length === 0, `no console error${errors.length ? `: ${errors.join(' | ')}` : ''}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`explorer: ${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
