// browser.js URL PASSWORD SHOTDIR - the web UI in headless Chromium (Debian's
// chromium, driven by puppeteer-core): log in, see the system UUID and the
// HV verdict on the dashboard, open the nhv-check page, the VM list and the
// create page, start the default guest on its page, see `nhv-l2: init` in
// the console pane, stop it.  Prints TAP; a screenshot of every page goes
// to SHOTDIR (laptop size, and the dashboard at phone size).
'use strict';
const path = require('path');
const puppeteer = require(path.join(process.env.NHV_WEB_NPM, 'node_modules', 'puppeteer-core'));

const [url, password, shots, uuid] = process.argv.slice(2);
const { ok, done } = require('./tap.js');

async function text(page, sel) {
  return page.$eval(sel, (e) => e.textContent).catch(() => '');
}

async function waitText(page, sel, re, ms) {
  try {
    await page.waitForFunction((s, src) => {
      const e = document.querySelector(s);
      return e && new RegExp(src).test(e.textContent);
    }, { timeout: ms, polling: 500 }, sel, re.source);
    return true;
  } catch (e) {
    return false;
  }
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--ignore-certificate-errors', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('wss://') && !r.url().startsWith('data:')) external.push(r.url()); });
  await page.setViewport({ width: 1280, height: 860 });
  try {
    await page.goto(`${url}/`, { waitUntil: 'load', timeout: 60000 });
    await page.waitForSelector('#password', { visible: true, timeout: 30000 });
    await page.screenshot({ path: `${shots}/login.png` });
    await page.type('#password', 'wrong-password');
    await page.click('#login-button');
    ok(await waitText(page, '#login-error', /wrong password/, 20000), 'a wrong password is refused on the login page',
      await text(page, '#login-error'));
    await page.$eval('#password', (e) => { e.value = ''; });
    await page.type('#password', password);
    await page.click('#login-button');
    ok(await waitText(page, '#verdict', /ready|degraded|not-capable/, 120000),
      'after logging in, the dashboard shows the HV verdict', await text(page, 'main'));
    ok(await waitText(page, '#system-uuid', new RegExp(uuid, 'i'), 30000),
      `the dashboard shows the system UUID ${uuid}`, await text(page, '#identity-box'));
    const verdict = await text(page, '#verdict');
    const remedy = await text(page, '#verdict-box');
    ok(verdict === 'ready' || remedy.includes('Remedy'), `the verdict (${verdict}) comes with a remedy when it is not ready`, remedy);
    ok((await text(page, '#tls-fingerprint')).match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) !== null,
      'the dashboard shows the certificate fingerprint', await text(page, '#nic-box'));
    await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });
    await page.setViewport({ width: 390, height: 844, isMobile: true });	// reloads the page
    await waitText(page, '#verdict', /ready|degraded|not-capable/, 120000);
    await page.screenshot({ path: `${shots}/dashboard-phone.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    ok(overflow <= 1, `on a phone-sized screen the dashboard does not scroll sideways (${overflow} px)`);
    await page.setViewport({ width: 1280, height: 860 });

    await page.goto(`${url}/#/check`);
    ok(await waitText(page, '#check-verdict', /ready|degraded|not-capable/, 120000), 'the nhv-check page shows the report',
      await text(page, '#check-report'));
    const href = await page.$eval('#check-download', (a) => a.getAttribute('href') + ' ' + a.getAttribute('download'));
    ok(href === '/api/v1/check nhv-check.json', `the nhv-check page offers the JSON as a download (${href})`);
    await page.screenshot({ path: `${shots}/check.png`, fullPage: true });

    await page.goto(`${url}/#/create`);
    await page.waitForSelector('#create-vmx', { visible: true });
    await page.$eval('#create-vmx', (t) => { t.value = 'displayName = "broken"\nmemsize = "lots"\n'; t.dispatchEvent(new Event('input')); });
    await page.$eval('#create-name', (i) => { i.value = 'broken'; });
    await page.click('#create-button');
    ok(await waitText(page, '#create-error', /broken\.vmx:2/, 30000), 'a .vmx error is shown with its FILE:LINE',
      await text(page, '#create-error'));
    await page.screenshot({ path: `${shots}/create.png`, fullPage: true });

    await page.goto(`${url}/#/vms`);
    ok(await waitText(page, '#vm-table tbody', /default/, 30000), 'the VM list shows the default guest', await text(page, '#vm-table'));
    await page.screenshot({ path: `${shots}/vms.png`, fullPage: true });

    await page.goto(`${url}/#/vm/default`);
    await page.waitForSelector('#vm-actions button[data-action="start"]', { visible: true, timeout: 30000 });
    await page.click('#vm-actions button[data-action="start"]');
    ok(await waitText(page, '#busy-text', /Starting default|default is booting/, 20000) ||
       await waitText(page, '#vm-state', /running/, 1000), 'starting the guest shows progress');
    ok(await waitText(page, '#terminal .xterm-rows', /nhv-l2: init/, 240000), 'the console pane shows `nhv-l2: init`',
      await text(page, '#terminal .xterm-rows'));
    ok(await waitText(page, '#vm-state', /running/, 60000), 'the VM page says running', await text(page, '#vm-state'));
    // The guest's shell flushes what came before it started: wait for its prompt.
    await waitText(page, '#terminal .xterm-rows', /\/ # /, 60000);
    let echoed = false;
    for (let i = 0; i < 3 && !echoed; i++) {
      await page.click('#terminal');
      await page.keyboard.type('echo typed-in-the-browser-$((6*7))\n', { delay: 20 });
      echoed = await waitText(page, '#terminal .xterm-rows', /typed-in-the-browser-42/, 20000);
    }
    ok(echoed, 'keys typed in the console pane reach the guest, and its answer comes back',
      await text(page, '#terminal .xterm-rows'));
    await page.screenshot({ path: `${shots}/vm-console.png`, fullPage: true });
    await page.waitForSelector('#vm-actions button[data-action="stop"]', { visible: true, timeout: 30000 });
    await page.click('#vm-actions button[data-action="stop"]');
    ok(await waitText(page, '#vm-state', /^off$/, 120000), 'after Stop the VM page says off', await text(page, '#vm-state'));
    await page.screenshot({ path: `${shots}/vm-stopped.png`, fullPage: true });
    ok(external.length === 0, 'no request left the appliance', external.join('\n'));
  } catch (e) {
    ok(false, 'the browser run finished', e.stack);
    await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
  }
  await browser.close();
  done();
})();
