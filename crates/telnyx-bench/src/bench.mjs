// Node harness for telnyx-bench: the same SDK workloads with the official npm `telnyx`
// package. Written to target/bench-node/bench.mjs by the bench and run with `node`.
// Usage:
//   node bench.mjs balance <baseURL> <apiKey> <n> <concurrency> <warmup>
//   node bench.mjs page    <baseURL> <apiKey> <pageSize> <expectedItems>
//   node bench.mjs decode  - - <pageFile> <reps>
// Prints one JSON line: {n, errors, first_error, wall_secs, cpu_secs, peak_rss_kb, version}.
import Telnyx from 'telnyx';
import { readFileSync } from 'node:fs';

// The package's `exports` hides package.json, so read it from node_modules next to us.
let version = 'unknown';
try {
  version = JSON.parse(readFileSync(new URL('./node_modules/telnyx/package.json', import.meta.url), 'utf8')).version;
} catch {}
const [mode, baseURL, apiKey, a, b, c] = process.argv.slice(2);
const client = mode === 'decode' ? null : new Telnyx({ apiKey, baseURL, maxRetries: 0, timeout: 60_000 });

function out(obj) {
  process.stdout.write(JSON.stringify({ version, node: process.version, ...obj }) + '\n');
}

async function balance(n, conc, warmup) {
  for (let i = 0; i < warmup; i++) await client.balance.retrieve();
  let next = 0;
  let errors = 0;
  let firstError = null;
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        const r = await client.balance.retrieve();
        if (!r || !r.data) throw new Error('no data in balance response');
      } catch (e) {
        errors++;
        if (firstError === null) firstError = String(e);
      }
    }
  };
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: conc }, worker));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  out({ n, errors, first_error: firstError, wall_secs: wall, cpu_secs: (cpu.user + cpu.system) / 1e6,
        peak_rss_kb: process.resourceUsage().maxRSS });
}

async function page(size, expected) {
  let count = 0;
  let errors = 0;
  let firstError = null;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  try {
    for await (const d of client.webhookDeliveries.list({ 'page[size]': size })) {
      if (d && d.id !== undefined) count++;
      if (count > expected * 2) throw new Error(`pagination did not stop after ${count} items`);
    }
  } catch (e) {
    errors++;
    firstError = String(e);
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  out({ n: count, errors, first_error: firstError, wall_secs: wall, cpu_secs: (cpu.user + cpu.system) / 1e6,
        peak_rss_kb: process.resourceUsage().maxRSS });
}

// JSON.parse of a saved page, the untyped decode the Node SDK does per page.
async function decode(file, reps) {
  const { readFileSync: read } = await import('node:fs');
  const text = read(file, 'utf8');
  let items = 0;
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    const v = JSON.parse(text);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    items = v.data.length;
  }
  times.sort((x, y) => x - y);
  out({ n: items, errors: 0, first_error: null, wall_secs: times[Math.floor((times.length - 1) / 2)], cpu_secs: 0,
        peak_rss_kb: process.resourceUsage().maxRSS });
}

if (mode === 'balance') {
  await balance(Number(a), Number(b), Number(c ?? 100));
} else if (mode === 'page') {
  await page(Number(a), Number(b));
} else if (mode === 'decode') {
  // node bench.mjs decode - - <file> <reps>
  await decode(a, Number(b));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
