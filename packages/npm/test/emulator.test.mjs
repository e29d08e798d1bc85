// The installed npm packages (telnyx-account-emulator + its linux-x64 binary package) with the
// official `telnyx` SDK, in a scratch project (packages/npm/test/run.sh sets it up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Telnyx from 'telnyx';
import { startEmulator, connectEmulator, EmulatorError, PLATFORMS } from 'telnyx-account-emulator';

const require = createRequire(import.meta.url);

/** True while the process exists and is not a zombie (Linux: /proc state). */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Polls `cond` until true; a minute is a hung test, not a timing assertion. */
async function eventually(what, cond) {
  const deadline = Date.now() + 60_000;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function collect(iter) {
  const all = [];
  for await (const x of iter) all.push(x);
  return all;
}

test('balance, for-await paging and an advance that closes a month into an invoice', async () => {
  const emu = await startEmulator({ startTime: '2026-01-15T00:00:00Z', seed: 7 });
  try {
    assert.match(emu.baseURL, /^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    assert.match(emu.publicKey, /^[A-Za-z0-9+/]{43}=$/);
    const client = new Telnyx({ apiKey: emu.apiKey, baseURL: emu.baseURL });

    const balance = await client.balance.retrieve();
    assert.equal(typeof balance.data.balance, 'string');
    assert.match(balance.data.balance, /^-?\d+\.\d{2,}$/);

    const audit = await collect(client.auditEvents.list({ page: { size: 3 } }));
    assert.equal(audit.length, 20, 'every seeded audit event, 3 a page');
    assert.equal(new Set(audit.map((e) => e.id)).size, 20, 'no page repeats');

    const before = await collect(client.invoices.list({ page: { size: 5 } }));
    const report = await emu.advance('31d');
    assert.equal(report.invoices_closed, 1, JSON.stringify(report));
    assert.equal(report.from, '2026-01-15T00:00:00Z');
    assert.equal(report.to, '2026-02-15T00:00:00Z');
    assert.ok(report.usage_records > 0);
    const after = await collect(client.invoices.list({ page: { size: 5 }, sort: '-period_start' }));
    assert.equal(after.length, before.length + 1);
    assert.equal(after[0].period_start.slice(0, 10), '2026-01-01', JSON.stringify(after[0]));
    assert.equal((await client.balance.retrieve()).data.balance, report.balance);
    assert.equal((await emu.now()).toISOString(), '2026-02-15T00:00:00.000Z');
  } finally {
    await emu.stop();
  }
});

test('a triggered webhook arrives signed with the emulator public key', async () => {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  const emu = await startEmulator({ webhookUrl: url, startTime: '2026-03-01T00:00:00Z' });
  try {
    const client = new Telnyx({ apiKey: emu.apiKey, baseURL: emu.baseURL, publicKey: emu.publicKey });
    const sent = await emu.trigger('message.finalized');
    assert.equal(sent.url, url);
    await eventually('the webhook POST', () => received.length > 0);
    const { headers, body } = received[0];
    const event = await client.webhooks.unwrap(body, { headers });
    assert.equal(event.data.event_type, 'message.finalized');
    assert.equal(event.data.id, sent.event_id);
    // A changed body does not verify, nor does another account's key.
    await assert.rejects(client.webhooks.unwrap(body.replace('finalized', 'sent'), { headers }));
    const other = await emu.newAccount();
    assert.notEqual(other.publicKey, emu.publicKey);
    await assert.rejects(client.webhooks.unwrap(body, { headers, key: other.publicKey }));

    await eventually('the delivery is recorded', async () => (await emu.deliveries()).some((d) => d.id === sent.delivery_id));
    const made = await emu.deliveries();
    assert.equal(made.length, 1, 'only the delivery made, not the seeded history');
    assert.equal(made[0].status, 'delivered');
    const viaSdk = await client.webhookDeliveries.retrieve(sent.delivery_id);
    assert.equal(viaSdk.data.status, 'delivered');
  } finally {
    await emu.stop();
    server.close();
  }
});

test('newAccount and reset: accounts never see each other', async () => {
  const emu = await startEmulator({ startTime: '2026-01-15T00:00:00Z' });
  try {
    const a = await emu.newAccount();
    const b = await emu.newAccount();
    assert.notEqual(a.apiKey, b.apiKey);
    await a.setTraffic({ messaging: 1000 });
    await a.advance(10);
    assert.equal((await a.now()).toISOString(), '2026-01-25T00:00:00.000Z');
    assert.equal((await b.now()).toISOString(), '2026-01-15T00:00:00.000Z', 'b keeps its own clock');
    const ca = new Telnyx({ apiKey: a.apiKey, baseURL: a.baseURL });
    const cb = new Telnyx({ apiKey: b.apiKey, baseURL: b.baseURL });
    assert.notEqual((await ca.balance.retrieve()).data.balance, (await cb.balance.retrieve()).data.balance);
    await a.reset();
    assert.equal((await a.now()).toISOString(), '2026-01-15T00:00:00.000Z', 'reset forgets the advance');
    assert.equal((await ca.balance.retrieve()).data.balance, (await cb.balance.retrieve()).data.balance);
    await assert.rejects(a.setTraffic({ messaging: -1 }), (e) => {
      assert.ok(e instanceof EmulatorError);
      assert.equal(e.status, 400);
      assert.match(e.message, /'messaging' must be an integer/);
      return true;
    });
    // A handle from the base URL alone (a Jest/Vitest globalSetup passes only that).
    const c = await connectEmulator(emu.baseURL);
    assert.notEqual(c.apiKey, emu.apiKey);
    assert.equal(c.publicKey.length, 44);
    assert.equal((await c.now()).toISOString(), '2026-01-15T00:00:00.000Z');
  } finally {
    await emu.stop();
  }
});

test('no emulator process is left after stop()', async () => {
  const emu = await startEmulator();
  assert.ok(alive(emu.pid));
  const exit = await emu.stop();
  assert.equal(exit.code, 0, `graceful exit: ${JSON.stringify(exit)}\n${emu.stderr}`);
  assert.equal(alive(emu.pid), false);
  await assert.rejects(fetch(`${emu.controlURL}/health`));
  assert.deepEqual(await emu.stop(), exit, 'stop() twice is fine');
});

test('no emulator process is left after its parent is SIGKILLed', async () => {
  const script = `
    const { startEmulator } = require('telnyx-account-emulator');
    startEmulator().then((emu) => { console.log(JSON.stringify({ pid: emu.pid })); setInterval(() => {}, 1000); });
  `;
  const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    parent.on('exit', (code) => reject(new Error(`the parent exited (${code}) before starting the emulator`)));
  });
  const { pid } = JSON.parse(line);
  assert.ok(alive(pid), 'the emulator runs while its parent does');
  parent.kill('SIGKILL');
  await eventually(`emulator ${pid} exits after its parent is killed`, () => !alive(pid));
});

test('a binary that fails to start surfaces its stderr', async () => {
  await assert.rejects(startEmulator({ args: ['--rate-limit', '0/s'] }), (e) => {
    assert.ok(e instanceof EmulatorError);
    assert.match(e.message, /did not start: it exited \(status 2\)/);
    assert.match(e.message, /--rate-limit/, 'clap names the flag');
    assert.match(e.stderr, /positive number of requests per second/);
    return true;
  });
});

test('TELNYX_EMULATOR_BINARY that does not exist is a clear error', () => {
  const { binaryPath } = require('telnyx-account-emulator');
  assert.throws(() => binaryPath({ TELNYX_EMULATOR_BINARY: '/nonexistent/telnyx-emulator' }), /TELNYX_EMULATOR_BINARY is set to \/nonexistent/);
});

test('a platform with no package names the platforms that exist', () => {
  const r = spawnSync(process.execPath, ['-e', `
    Object.defineProperty(process, 'platform', { value: 'aix' });
    try { require('telnyx-account-emulator').binaryPath({}); } catch (e) { console.log(e.message); }
  `], { encoding: 'utf8' });
  assert.match(r.stdout, /no binary for this platform \(aix-/);
  for (const key of Object.keys(PLATFORMS)) assert.ok(r.stdout.includes(key), `${key} in: ${r.stdout}`);
});

test('CommonJS and ESM are one module', async () => {
  const cjs = require('telnyx-account-emulator');
  assert.equal(cjs.startEmulator, startEmulator);
});

test('npx telnyx-emulator --help runs the binary', () => {
  const r = spawnSync('npx', ['--no-install', 'telnyx-emulator', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--ready-json/);
  assert.match(r.stdout, /--exit-on-stdin-close/);
  const v = spawnSync('npx', ['--no-install', 'telnyx-emulator', '--version'], { encoding: 'utf8' });
  const { version } = require('telnyx-account-emulator/package.json');
  assert.equal(v.stdout.trim(), `telnyx-emulator ${version}`);
});
