'use strict';
// startEmulator(): one telnyx-emulator process on a free loopback port, and a handle to drive
// its accounts through the control API (`/_emulator/...`). See index.d.ts for the contract.

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { binaryPath, PLATFORMS } = require('./platform.cjs');

const STDERR_KEEP = 64 * 1024;
const running = new Set();

// A parent that exits normally takes its emulators with it; one that is killed closes their
// stdin, which `--exit-on-stdin-close` turns into an exit.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** An error of the emulator's control API or of starting it; `stderr` holds the binary's. */
class EmulatorError extends Error {
  constructor(message, extra = {}) {
    super(message);
    this.name = 'EmulatorError';
    Object.assign(this, extra);
  }
}

function newApiKey() {
  return `KEY_test_${randomBytes(12).toString('hex')}`;
}

function toRfc3339(t, what) {
  if (t instanceof Date) {
    if (Number.isNaN(t.getTime())) throw new TypeError(`${what} is an invalid Date`);
    return t.toISOString();
  }
  if (typeof t === 'string') return t;
  throw new TypeError(`${what} must be a Date or an RFC 3339 string like '2026-01-01T00:00:00Z', got ${typeof t}`);
}

/** The control API body member for `by`: '31d', 31, a Date or an RFC 3339 string. */
function advanceBody(by) {
  if (typeof by === 'number') return { days: by };
  if (typeof by === 'string') {
    const m = /^\s*(\d+)\s*d?\s*$/.exec(by);
    if (m) return { days: Number(m[1]) };
    return { to: by };
  }
  if (by instanceof Date) return { to: toRfc3339(by, 'advance()') };
  throw new TypeError(`advance() takes a number of days, '31d', a Date or an RFC 3339 string, got ${typeof by}`);
}

async function request(controlURL, method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(`${controlURL}${path}`, init);
  } catch (e) {
    throw new EmulatorError(`${method} ${controlURL}${path} failed: ${e.message}; is the emulator still running?`, { cause: e });
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text };
  }
  if (!res.ok) {
    const detail = json?.errors?.[0]?.detail ?? text;
    throw new EmulatorError(`${method} /_emulator${path} answered ${res.status}: ${detail}`, { status: res.status, body: json });
  }
  return json;
}

/** One account of a running emulator: its own API key, clock, ledger and webhook endpoint. */
class EmulatorAccount {
  constructor(server, apiKey) {
    this._server = server;
    /** The account's API key (a bearer key; each key is its own account). */
    this.apiKey = apiKey;
    /** The API base URL, `http://127.0.0.1:PORT/v2`. */
    this.baseURL = server.baseURL;
    this.controlURL = server.controlURL;
    this.port = server.port;
    this.publicKey = '';
    this.webhookUrl = undefined;
    this._clockStart = undefined;
  }

  async _init(webhookUrl) {
    const key = encodeURIComponent(this.apiKey);
    const [pk, clock] = await Promise.all([
      this._call('GET', `/webhooks/public_key?api_key=${key}`),
      this._call('GET', `/clock?api_key=${key}`),
    ]);
    this.publicKey = pk.public_key;
    this._clockStart = clock.now;
    if (webhookUrl) await this.setWebhookUrl(webhookUrl);
    return this;
  }

  _call(method, path, body) {
    return request(this.controlURL, method, path, body);
  }

  /** Moves this account's clock: `advance('31d')`, `advance(31)`, `advance(new Date(...))`. */
  advance(by) {
    return this._call('POST', '/clock/advance', { api_key: this.apiKey, ...advanceBody(by) });
  }

  /** The account's virtual clock, as a Date. */
  async now() {
    const r = await this._call('GET', `/clock?api_key=${encodeURIComponent(this.apiKey)}`);
    return new Date(r.now);
  }

  /** Replaces the usage profile: records per virtual day by record type, e.g. `{ messaging: 500 }`. */
  setTraffic(perDay) {
    return this._call('PUT', '/traffic', { api_key: this.apiKey, per_day: perDay });
  }

  /** Sends this account's webhooks to `url` (loopback unless the emulator allows the host). */
  async setWebhookUrl(url, failoverUrl) {
    const body = { api_key: this.apiKey, url };
    if (failoverUrl) body.failover_url = failoverUrl;
    const r = await this._call('PUT', '/webhooks', body);
    this.webhookUrl = url;
    return r;
  }

  /** Emits one webhook event now; answers `{ event_id, delivery_id, url, max_attempts, event }`. */
  trigger(type, payload) {
    const body = { api_key: this.apiKey, event_type: type };
    if (payload !== undefined) body.payload = payload;
    return this._call('POST', '/events', body);
  }

  /**
   * The webhook deliveries the emulator made for this account (newest first), as
   * `GET /v2/webhook_deliveries` shows them; the seeded history before the clock's start is left out.
   */
  async deliveries() {
    const made = [];
    for (let page = 1; ; page++) {
      const url = `${this.baseURL}/webhook_deliveries?page[number]=${page}&page[size]=250`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${this.apiKey}` } });
      if (!res.ok) throw new EmulatorError(`GET ${url} answered ${res.status}: ${await res.text()}`, { status: res.status });
      const body = await res.json();
      const data = body.data ?? [];
      for (const d of data) {
        if (d.started_at && this._clockStart && Date.parse(d.started_at) < Date.parse(this._clockStart)) return made;
        made.push(d);
      }
      if (data.length === 0 || page >= (body.meta?.total_pages ?? page)) return made;
    }
  }

  /** Forgets this account's state (it is regenerated from its key on next use); keeps its webhook URL. */
  async reset() {
    await this._call('POST', '/reset', { api_key: this.apiKey });
    await this._init(this.webhookUrl);
  }

  /** A fresh account on the same emulator, with its own random key. */
  newAccount(options = {}) {
    return new EmulatorAccount(this._server, options.apiKey ?? newApiKey())._init(options.webhookUrl);
  }
}

/** A running emulator process and its first account. */
class Emulator extends EmulatorAccount {
  constructor(server, apiKey) {
    super(server, apiKey);
    this._server = server;
    this.pid = server.child.pid;
  }

  /** The binary's stderr so far (the last 64 KiB). */
  get stderr() {
    return this._server.stderr();
  }

  /** Stops the process (closing its stdin, then SIGKILL after `graceMs`); resolves once it has exited. */
  stop({ graceMs = 10000 } = {}) {
    const { child, exited } = this._server;
    if (child.exitCode === null && child.signalCode === null) {
      // Waiting for the exit keeps the event loop alive again (see the unref in startEmulator).
      child.ref();
      for (const s of [child.stdout, child.stderr]) s.ref?.();
      child.stdin.end();
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      t.unref();
      exited.then(() => clearTimeout(t));
    }
    return exited;
  }
}

// `await using emu = await startEmulator()` where the runtime has explicit resource management.
if (typeof Symbol.asyncDispose === 'symbol') {
  Emulator.prototype[Symbol.asyncDispose] = async function dispose() {
    await this.stop();
  };
}

function buildArgs(options) {
  const args = ['--bind', '127.0.0.1:0', '--ready-json', '--exit-on-stdin-close'];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.startTime !== undefined) args.push('--start-time', toRfc3339(options.startTime, 'startTime'));
  if (options.logRequests) args.push('--log-requests');
  for (const a of options.args ?? []) args.push(String(a));
  return args;
}

/**
 * Starts `telnyx-emulator` on a free loopback port and resolves once it answers.
 * Rejects with the binary's stderr when it fails to start.
 */
async function startEmulator(options = {}) {
  const bin = options.binaryPath ?? binaryPath();
  const args = buildArgs(options);
  const timeoutMs = options.timeoutMs ?? 30000;
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  running.add(child);
  let errText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    errText = (errText + d).slice(-STDERR_KEEP);
  });
  const exited = new Promise((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    const done = () => {
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume(); // drain: the emulator never blocks on a full pipe
    };
    const fail = (why) => {
      if (settled) return;
      done();
      child.kill('SIGKILL');
      // Let the stderr pipe drain (bounded: a failed spawn may never close it) before reporting.
      const drained = new Promise((r) => setTimeout(r, 2000));
      Promise.race([exited, drained]).then(() =>
        reject(
          new EmulatorError(`telnyx-emulator did not start: ${why}${errText ? `\n--- its stderr ---\n${errText.trimEnd()}` : ''}`, {
            stderr: errText,
            binary: bin,
            args,
          }),
        ),
      );
    };
    const onData = (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0 || settled) return;
      let line;
      try {
        line = JSON.parse(out.slice(0, nl));
      } catch (e) {
        fail(`its first line is not JSON (${e.message}): ${out.slice(0, nl)}`);
        return;
      }
      done();
      resolve(line);
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(`cannot run ${bin}: ${e.message}`));
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `status ${code}`}) before it was ready`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
  });
  // A forgotten emulator does not keep the test process alive.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) s.unref?.();
  const server = {
    child,
    exited,
    baseURL: ready.base_url,
    controlURL: ready.control_url,
    port: ready.port,
    stderr: () => errText,
  };
  const emu = new Emulator(server, options.apiKey ?? newApiKey());
  try {
    // The ready line is printed once the server serves: the account's first calls are the check.
    await emu._init(options.webhookUrl);
  } catch (e) {
    await emu.stop();
    throw e;
  }
  return emu;
}

/**
 * A handle on an account of an emulator started elsewhere (a Jest or Vitest globalSetup, a
 * `telnyx-emulator` in another terminal): a fresh random key unless `apiKey` is given.
 */
function connectEmulator(baseURL, options = {}) {
  const u = new URL(baseURL);
  const server = { baseURL: `${u.origin}/v2`, controlURL: `${u.origin}/_emulator`, port: Number(u.port) };
  return new EmulatorAccount(server, options.apiKey ?? newApiKey())._init(options.webhookUrl);
}

module.exports = { startEmulator, connectEmulator, Emulator, EmulatorAccount, EmulatorError, PLATFORMS, binaryPath };
