// tap.js - TAP output for the web tests' node scripts (browser.js, ws-stall.js).
'use strict';
let n = 0;
let failed = 0;

// One result; diag is printed as '# ' lines when it failed.
function ok(cond, name, diag) {
  n++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (diag) console.log(String(diag).split('\n').map((l) => `# ${l}`).join('\n'));
  }
}

// The plan, and the exit status: 1 when anything failed.
function done() {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}

module.exports = { ok, done };
