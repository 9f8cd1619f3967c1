// ws-stall.js HOST PORT COOKIE VM - WebSocket clients that never read: opens
// 8 consoles of VM and never reads from them, then checks that a 9th is
// refused (503), that the API still answers meanwhile, and that the
// appliance's console stays usable after they go.  Prints TAP.
'use strict';
const tls = require('tls');
const https = require('https');

const [host, port, cookie, vm] = process.argv.slice(2);
const { ok, done } = require('./tap.js');

function upgrade(readAnswer) {
  return new Promise((resolve) => {
    const s = tls.connect({ host, port: Number(port), rejectUnauthorized: false }, () => {
      s.write(`GET /api/v1/vms/${vm}/console HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        `Origin: https://${host}:${port}\r\nCookie: ${cookie}\r\n\r\n`);
      if (!readAnswer) {
        // Read the 101 answer, then never read again.
        s.once('data', (d) => { s.pause(); resolve({ s, head: d.toString('latin1') }); });
      } else {
        let got = '';
        s.on('data', (d) => { got += d.toString('latin1'); });
        setTimeout(() => { resolve({ s, head: got }); }, 5000);
      }
    });
    s.on('error', (e) => resolve({ s, head: `error ${e.message}` }));
  });
}

function get(pathname) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const req = https.get({ host, port: Number(port), path: pathname, rejectUnauthorized: false,
      headers: { Cookie: cookie }, timeout: 20000 }, (r) => {
      let body = '';
      r.on('data', (d) => { body += d; });
      r.on('end', () => resolve({ status: r.statusCode, body, ms: Date.now() - t0 }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ status: 0, body: 'timed out', ms: Date.now() - t0 }); });
    req.on('error', (e) => resolve({ status: 0, body: e.message, ms: Date.now() - t0 }));
  });
}

(async () => {
  const stalled = [];
  for (let i = 0; i < 8; i++) stalled.push(await upgrade(false));
  const upgraded = stalled.filter((c) => c.head.startsWith('HTTP/1.1 101')).length;
  ok(upgraded === 8, `8 console WebSockets open (${upgraded} answered 101)`, stalled.map((c) => c.head.split('\r\n')[0]).join('\n'));
  const ninth = await upgrade(true);
  ok(/^HTTP\/1\.1 503/.test(ninth.head), 'a 9th console is refused with 503', ninth.head.slice(0, 300));
  ninth.s.destroy();
  const r = await get('/api/v1/vms');
  ok(r.status === 200 && r.body.includes(vm), `the API answers while 8 clients never read (${r.status} in ${r.ms} ms)`, r.body.slice(0, 300));
  const st = await get('/');
  ok(st.status === 200, `a page is served meanwhile (${st.status})`);
  for (const c of stalled) c.s.destroy();
  await new Promise((res) => setTimeout(res, 3000));
  const again = await upgrade(true);
  ok(/^HTTP\/1\.1 101/.test(again.head) && again.head.includes("[connected to " + vm + "'s console"),
    'after they went, a console opens again and is connected to the VM', JSON.stringify(again.head.slice(0, 300)));
  again.s.destroy();
  done();
})();
