/* nhv web UI: one page, routed by the URL's #fragment, talking to /api/v1 (docs/api.md). */
'use strict';

const state = { csrf: null, term: null, ws: null, vm: null, poll: null };
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

function busy(text) {
  $('#busy-text').textContent = text;
  $('#busy').hidden = false;
}
function idle() { $('#busy').hidden = true; }

function flash(text, ok) {
  const f = $('#flash');
  f.textContent = text;
  f.className = ok ? 'ok' : '';
  f.hidden = false;
  clearTimeout(flash.t);
  flash.t = setTimeout(() => { f.hidden = true; }, ok ? 4000 : 15000);
}

async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') opts.headers['X-CSRF-Token'] = state.csrf || '';
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  const type = r.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await r.json() : await r.text();
  if (r.status === 401 && path !== '/api/v1/login') {
    showLogin();
    throw new Error('Your session has ended: log in again.');
  }
  if (!r.ok) throw new Error((data && data.error) || `${r.status} ${r.statusText}`);
  return data;
}

function showPage(name) {
  document.querySelectorAll('.page').forEach((p) => { p.hidden = p.id !== `${name}-page`; });
  document.querySelectorAll('header nav a').forEach((a) => {
    a.classList.toggle('active', a.dataset.page === name);
  });
}

function showLogin() {
  state.csrf = null;
  closeConsole();
  $('#top').hidden = true;
  showPage('login');
  $('#password').focus();
}

function dl(box, rows) {
  box.replaceChildren();
  for (const [k, v, id] of rows) {
    box.append(el('dt', {}, k));
    const dd = el('dd', id ? { id } : {}, v === null || v === undefined || v === '' ? '—' : String(v));
    box.append(dd);
  }
}

function verdictNode(check, id) {
  return el('span', { class: `verdict ${check.verdict}`, id }, check.verdict);
}

function listOf(items, field) {
  if (!items || !items.length) return null;
  return el('ul', {}, ...items.map((i) => el('li', {}, typeof i === 'string' ? i : i[field || 'text'])));
}

/* ---- dashboard ---- */
async function dashboard() {
  showPage('dashboard');
  busy('Reading the appliance status and running nhv-check…');
  const [st, id, ck] = await Promise.allSettled([
    api('GET', '/api/v1/status'), api('GET', '/api/v1/identity'), api('GET', '/api/v1/check')]);
  idle();
  const vbox = $('#verdict-box');
  vbox.replaceChildren();
  if (ck.status === 'fulfilled') {
    const c = ck.value;
    vbox.append(verdictNode(c, 'verdict'), el('p', {}, `confidence ${c.confidence}`));
    if (c.reasons.length) vbox.append(el('h2', {}, 'Why'), listOf(c.reasons));
    if (c.remediation.length) vbox.append(el('h2', {}, 'Remedy'), el('div', { id: 'remedy' }, listOf(c.remediation)));
    dl($('#host-box'), [
      ['hypervisor', c.hypervisor, 'hypervisor'], ['product', c.hypervisor_product],
      ['platform', c.hypervisor_platform], ['detected by', c.hypervisor_rule],
      ['VT-x / AMD-V', c.hw.virt], ['EPT / NPT', c.hw.nested_paging]]);
  } else {
    vbox.append(el('p', { class: 'error' }, ck.reason.message));
  }
  if (st.status === 'fulfilled') {
    const items = st.value.items;
    const get = (k) => (items.find((i) => i.key === k) || {}).value;
    dl($('#nic-box'), [['hostname', get('hostname')],
      ...items.filter((i) => i.key.startsWith('nic')).map((i) => [i.key.replace(/^nic\s*/, ''), i.value]),
      ['TLS SHA-256', st.value.tls_sha256, 'tls-fingerprint']]);
    $('#status-block').textContent = st.value.block;
    state.systemUuid = get('system uuid');
  } else {
    $('#status-block').textContent = st.reason.message;
  }
  if (id.status === 'fulfilled') {
    const i = id.value;
    dl($('#identity-box'), [
      ['system UUID', state.systemUuid || i.hardware_uuid, 'system-uuid'],
      ['appliance UUID', i.appliance_uuid, 'appliance-uuid'], ['hostname', i.hostname],
      ['machine-id', i.machine_id], ['this boot', i.decision, 'decision'],
      ['cloned this boot', i.decision === 'cloned' ? 'yes' : 'no', 'cloned'], ['why', i.reason]]);
  } else {
    dl($('#identity-box'), [['error', id.reason.message]]);
  }
}

/* ---- nhv-check ---- */
async function checkPage() {
  showPage('check');
  const box = $('#check-report');
  busy('Running nhv-check…');
  try {
    const c = await api('GET', '/api/v1/check');
    const hw = Object.entries(c.hw).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, String(v))));
    const probes = Object.entries(c.probes).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)));
    box.replaceChildren(
      el('div', { class: 'card' }, el('h2', {}, 'Verdict'), verdictNode(c, 'check-verdict'),
        el('p', {}, `confidence ${c.confidence}, exit code ${c.exit_code}`),
        listOf(c.reasons), c.costs.length ? el('h2', {}, 'Costs') : null, listOf(c.costs),
        c.notes.length ? el('h2', {}, 'Notes') : null, listOf(c.notes),
        c.remediation.length ? el('h2', {}, 'Remedy') : null, listOf(c.remediation)),
      el('div', { class: 'grid' },
        el('div', { class: 'card' }, el('h2', {}, 'Outer hypervisor'),
          el('p', {}, `${c.hypervisor} ${c.hypervisor_product || ''}`), el('p', { class: 'hint' }, c.hypervisor_rule || ''),
          el('h2', {}, 'Evidence'), listOf(c.hypervisor_evidence) || el('p', {}, 'none')),
        el('div', { class: 'card' }, el('h2', {}, 'Hardware virtualization'), el('table', {}, el('tbody', {}, ...hw))),
        el('div', { class: 'card' }, el('h2', {}, 'Probes'), el('table', {}, el('tbody', {}, ...probes)))));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  } finally {
    idle();
  }
}

/* ---- VMs ---- */
function num(v) { return typeof v === 'number' && v >= 0; }
function fmtS(v) { return num(v) ? `${v.toFixed(1)} s` : '—'; }

async function vmAction(name, action, after) {
  const words = { start: 'Starting', stop: 'Stopping', shutdown: 'Shutting down', reset: 'Resetting', rm: 'Removing' };
  busy(`${words[action]} ${name}…`);
  try {
    if (action === 'rm') await api('DELETE', `/api/v1/vms/${encodeURIComponent(name)}`);
    else await api('POST', `/api/v1/vms/${encodeURIComponent(name)}/${action}`);
    if (action === 'start') await waitForInit(name);
    flash(`${name}: ${action} done`, true);
  } catch (e) {
    flash(`${name}: ${action} failed: ${e.message}`);
  } finally {
    idle();
  }
  if (after) after();
}

/* A start returns when the VMM runs; the guest's init follows (seconds). */
async function waitForInit(name) {
  for (let t = 0; t < 180; t++) {
    const vms = await api('GET', '/api/v1/vms');
    const v = vms.find((x) => x.name === name);
    if (!v || v.state !== 'running') throw new Error(`${name} stopped: ${v ? v.reason : 'gone'}`);
    if (num(v.init_s)) return;
    busy(`${name} is booting (${t} s)…`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function actionButtons(v, after) {
  const b = (label, action, cls) => el('button', {
    class: cls || 'secondary', 'data-action': action,
    onclick: (ev) => { ev.target.disabled = true; vmAction(v.name, action, after); },
  }, label);
  if (v.state === 'running') {
    return [b('Shut down', 'shutdown'), b('Stop', 'stop', 'danger'), b('Reset', 'reset')];
  }
  return [b('Start', 'start', ''), b('Remove', 'rm', 'danger')];
}

// A VM's addresses as `nhv vm list --json` gives them: each NIC's IP (the
// DHCP lease or the reservation in NAT mode), else its MAC, else a dash.
function fmtNics(v) {
  const nics = Array.isArray(v.nics) ? v.nics : [];
  return nics.map((n) => n.ip || n.mac).filter(Boolean).join(', ') || '—';
}

async function vmsPage() {
  showPage('vms');
  const body = $('#vm-table tbody');
  try {
    const vms = await api('GET', '/api/v1/vms');
    body.replaceChildren(...vms.map((v) => el('tr', { 'data-vm': v.name },
      el('td', {}, el('a', { href: `#/vm/${encodeURIComponent(v.name)}` }, v.name)),
      el('td', {}, el('span', { class: `state ${v.state}` }, v.state), v.state === 'invalid' ? el('div', { class: 'error' }, v.reason) : null),
      el('td', {}, String(v.vcpus)), el('td', {}, `${v.memsize_mib} MiB`), el('td', {}, fmtNics(v)),
      el('td', {}, fmtS(v.uptime_s)), el('td', {}, fmtS(v.init_s)),
      el('td', { class: 'actions' }, ...actionButtons(v, vmsPage)))));
    $('#vm-empty').hidden = vms.length > 0;
  } catch (e) {
    flash(e.message);
  }
}

/* ---- one VM and its console ---- */
function closeConsole() {
  if (state.ws) { state.ws.onclose = null; state.ws.close(); state.ws = null; }
  if (state.poll) { clearInterval(state.poll); state.poll = null; }
}

function terminal() {
  if (!state.term) {
    state.term = new Terminal({ rows: 24, cols: 80, fontSize: 13, scrollback: 5000, convertEol: false });
    state.term.open($('#terminal'));
    state.term.onData((d) => { if (state.ws && state.ws.readyState === 1) state.ws.send(d); });
  }
  return state.term;
}

/* The log so far, then the live stream (what arrives meanwhile is kept and written after). */
async function openConsole(name) {
  const term = terminal();
  closeConsole();
  term.reset();
  const pending = [];
  let live = false;
  const ws = new WebSocket(`wss://${location.host}/api/v1/vms/${encodeURIComponent(name)}/console`);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (m) => {
    const data = typeof m.data === 'string' ? m.data : new Uint8Array(m.data);
    if (live) term.write(data); else pending.push(data);
  };
  ws.onclose = () => { term.write('\r\n[console closed]\r\n'); state.ws = null; };
  state.ws = ws;
  try {
    term.write(await api('GET', `/api/v1/vms/${encodeURIComponent(name)}/log`));
  } catch (e) {
    term.write(`[no log: ${e.message}]\r\n`);
  }
  for (const d of pending) term.write(d);
  live = true;
}

async function vmPage(name) {
  showPage('vm');
  $('#vm-name').textContent = name;
  const refresh = async () => {
    const [vm, vms] = await Promise.all([
      api('GET', `/api/v1/vms/${encodeURIComponent(name)}`), api('GET', '/api/v1/vms')]);
    const v = vms.find((x) => x.name === name) || { name, state: 'unknown' };
    $('#vm-state').textContent = v.state;
    $('#vm-state').className = `state ${v.state}`;
    $('#vm-vmx').textContent = vm.vmx;
    dl($('#vm-info'), [['state', v.state], ['vCPUs', v.vcpus], ['memory', `${v.memsize_mib} MiB`],
      ['addresses', fmtNics(v)], ['uptime', fmtS(v.uptime_s)], ['to init', fmtS(v.init_s)], ['resets', num(v.resets) ? v.resets : '—'],
      ['last exit', num(v.last_exit) ? v.last_exit : '—'], ['reason', v.reason],
      ['accel', vm.status ? vm.status.accel : '—']]);
    $('#vm-actions').replaceChildren(...actionButtons(v, async () => {
      const now = await refresh();
      if (now.state === 'running') openConsole(name);
    }));
    return v;
  };
  try {
    const v = await refresh();
    terminal().reset();
    if (v.state === 'running') openConsole(name);
    else {
      try { terminal().write(await api('GET', `/api/v1/vms/${encodeURIComponent(name)}/log`)); } catch (e) { /* never ran */ }
    }
  } catch (e) {
    flash(e.message);
  }
}

/* ---- create ---- */
function vmxTemplate() {
  return [`displayName = "${$('#create-name').value}"`, `memsize = "${$('#create-mem').value}"`,
    `numvcpus = "${$('#create-cpus').value}"`, 'nhv.kernel = "/usr/lib/nhv/l2/vmlinuz"',
    'nhv.initrd = "/usr/lib/nhv/l2/initrd.img"', 'nhv.cmdline = "console=ttyS0 quiet panic=-1"', ''].join('\n');
}

function createPage() {
  showPage('create');
  $('#create-error').hidden = true;
  if (!state.vmxEdited) $('#create-vmx').value = vmxTemplate();
}

async function createSubmit(ev) {
  ev.preventDefault();
  const name = $('#create-name').value;
  $('#create-error').hidden = true;
  $('#create-button').disabled = true;
  busy(`Defining ${name}…`);
  try {
    await api('POST', '/api/v1/vms', { name, vmx: $('#create-vmx').value });
    state.vmxEdited = false;
    flash(`${name} defined`, true);
    location.hash = `#/vm/${encodeURIComponent(name)}`;
  } catch (e) {
    $('#create-error').textContent = e.message;
    $('#create-error').hidden = false;
  } finally {
    $('#create-button').disabled = false;
    idle();
  }
}

/* ---- routing and log-in ---- */
async function route() {
  if (!state.csrf) return showLogin();
  $('#top').hidden = false;
  closeConsole();
  const [, page, arg] = (location.hash || '#/dashboard').split('/');
  try {
    if (page === 'check') await checkPage();
    else if (page === 'vms') await vmsPage();
    else if (page === 'vm' && arg) await vmPage(decodeURIComponent(arg));
    else if (page === 'create') createPage();
    else await dashboard();
  } catch (e) {
    idle();
    flash(e.message);
  }
}

async function login(ev) {
  ev.preventDefault();
  const err = $('#login-error');
  err.hidden = true;
  $('#login-button').disabled = true;
  try {
    const s = await api('POST', '/api/v1/login', { password: $('#password').value });
    state.csrf = s.csrf;
    $('#password').value = '';
    route();
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
    $('#password').value = '';
    $('#password').focus();
  } finally {
    $('#login-button').disabled = false;
  }
}

async function logout() {
  try { await api('DELETE', '/api/v1/session'); } catch (e) { /* gone already */ }
  showLogin();
}

window.addEventListener('hashchange', route);
$('#login-form').addEventListener('submit', login);
$('#logout').addEventListener('click', logout);
$('#create-form').addEventListener('submit', createSubmit);
['#create-name', '#create-mem', '#create-cpus'].forEach((s) => $(s).addEventListener('input', () => {
  if (!state.vmxEdited) $('#create-vmx').value = vmxTemplate();
}));
$('#create-vmx').addEventListener('input', () => { state.vmxEdited = true; });

(async () => {
  try {
    const r = await fetch('/api/v1/session', { credentials: 'same-origin' });
    if (r.ok) state.csrf = (await r.json()).csrf;
  } catch (e) { /* not logged in */ }
  route();
})();
