// ws-stall.js HOST PORT COOKIE VM - console WebSockets that never read.
// With VM running: one console that reads, three that never read (the
// most there may be is 4); a 5th is refused (503); the reading one makes
// the guest print 2 MB and still gets all of it to its end mark; the API
// answers meanwhile; after they all go, a console opens again.  Prints TAP.
'use strict';
const tls = require('tls');
const https = require('https');
const { ok, done } = require('./tap.js');

const [host, port, cookie, vm] = process.argv.slice(2);

// A WebSocket client by hand: the upgrade, then unmasked server frames.
function connect(read) {
  return new Promise((resolve) => {
    const c = { head: '', text: '', buf: Buffer.alloc(0), upgraded: false };
    c.s = tls.connect({ host, port: Number(port), rejectUnauthorized: false }, () => {
      c.s.write(`GET /api/v1/vms/${vm}/console HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        `Origin: https://${host}:${port}\r\nCookie: ${cookie}\r\n\r\n`);
    });
    c.s.on('data', (d) => {
      c.buf = Buffer.concat([c.buf, d]);
      if (!c.upgraded) {
        const end = c.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        c.head = c.buf.slice(0, end).toString('latin1');
        c.buf = c.buf.slice(end + 4);
        c.upgraded = true;
        resolve(c);
        if (!read) { c.s.pause(); return; }
      }
      frames(c);
    });
    c.s.on('error', (e) => { c.head = c.head || `error ${e.message}`; resolve(c); });
    c.s.on('close', () => resolve(c));
  });
}

function frames(c) {
  for (;;) {
    if (c.buf.length < 2) return;
    let len = c.buf[1] & 0x7f;
    let off = 2;
    if (len === 126) { if (c.buf.length < 4) return; len = c.buf.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (c.buf.length < 10) return; len = Number(c.buf.readBigUInt64BE(2)); off = 10; }
    if (c.buf.length < off + len) return;
    const op = c.buf[0] & 0x0f;
    if (op === 1 || op === 2 || op === 0) c.text += c.buf.slice(off, off + len).toString('latin1');
    c.buf = c.buf.slice(off + len);
  }
}

function send(c, text) {
  const p = Buffer.from(text);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const hdr = p.length < 126 ? Buffer.from([0x81, 0x80 | p.length]) : Buffer.from([0x81, 0xfe, p.length >> 8, p.length & 0xff]);
  const body = Buffer.from(p.map((b, i) => b ^ mask[i % 4]));
  c.s.write(Buffer.concat([hdr, mask, body]));
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(cond, ms) {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(250)) if (cond()) return true;
  return cond();
}

(async () => {
  // The guest's shell first: its init line, then a prompt.
  let booted = false;
  for (let t = 0; t < 240 && !booted; t++) {
    const r = await get('/api/v1/vms');
    booted = r.status === 200 && JSON.parse(r.body).some((v) => v.name === vm && typeof v.init_s === 'number');
    if (!booted) await sleep(1000);
  }
  const reader = await connect(true);
  let prompt = false;
  for (let i = 0; i < 30 && !prompt; i++) {
    send(reader, '\r');
    // busybox's prompt, maybe followed by its cursor-position query (ESC [6n)
    prompt = await until(() => /# (\x1b\[6n)?\s*$/.test(reader.text), 2000);
  }
  ok(booted && prompt, `${vm} runs and its console gives a shell prompt`, JSON.stringify(reader.text.slice(-300)));
  const stalled = [];
  for (let i = 0; i < 3; i++) stalled.push(await connect(false));
  const upgraded = [reader, ...stalled].filter((c) => c.head.startsWith('HTTP/1.1 101')).length;
  ok(upgraded === 4, `4 console WebSockets open, 3 of them never read (${upgraded} answered 101)`,
    stalled.map((c) => c.head.split('\r\n')[0]).join('\n'));
  const fifth = await connect(true);
  ok(/^HTTP\/1\.1 503/.test(fifth.head), 'a 5th console is refused with 503', fifth.head.slice(0, 300));
  fifth.s.destroy();
  send(reader, 'yes nhv-web-flood | head -c 3000; echo; echo flood-$((6*7))-done\r');
  const r = await get('/api/v1/vms');
  ok(r.status === 200 && r.body.includes(vm), `the API answers during the flood (${r.status} in ${r.ms} ms)`, r.body.slice(0, 300));
  const st = await get('/');
  ok(st.status === 200, `a page is served meanwhile (${st.status})`);
  const got = await until(() => reader.text.includes('flood-42-done'), 300000);
  const floods = (reader.text.match(/nhv-web-flood/g) || []).length;
  ok(got, `the reading console got all the guest printed, to its end mark, while 3 others never read (${floods} lines)`,
    JSON.stringify(reader.text.slice(-300)));
  for (const c of [reader, ...stalled]) c.s.destroy();
  await sleep(3000);
  const again = await connect(true);
  await until(() => again.text.includes('connected to'), 5000);
  ok(/^HTTP\/1\.1 101/.test(again.head) && again.text.includes(`[connected to ${vm}'s console`),
    'after they went, a console opens again and is connected to the VM', JSON.stringify(again.head + again.text.slice(0, 200)));
  again.s.destroy();
  done();
})();
