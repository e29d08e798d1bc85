// Startup cost of startEmulator(): from the call to the first successful official-SDK call
// (GET /balance), against spawning the bare binary and polling its health, in the same run.
// Run in a project where `telnyx-account-emulator` and `telnyx` are installed
// (packages/npm/test/run.sh's setup), with the binary both sides use:
//   TELNYX_EMULATOR_BINARY=target/dist/telnyx-emulator node startup.mjs [RUNS]
// Prints one JSON line: {"runs","bare_ms","helper_ms","ratio"} (medians).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Telnyx from 'telnyx';
import { startEmulator } from 'telnyx-account-emulator';

const bin = process.env.TELNYX_EMULATOR_BINARY;
if (!bin) throw new Error('set TELNYX_EMULATOR_BINARY to the telnyx-emulator binary both sides run');
const runs = Number(process.argv[2] ?? 21);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function helper() {
  const t0 = performance.now();
  const emu = await startEmulator({ binaryPath: bin });
  await new Telnyx({ apiKey: emu.apiKey, baseURL: emu.baseURL }).balance.retrieve();
  const ms = performance.now() - t0;
  await emu.stop();
  return ms;
}

async function bare() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(bin, ['--bind', `127.0.0.1:${port}`], { stdio: 'ignore' });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/_emulator/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await new Telnyx({ apiKey: 'KEY_bare', baseURL: `http://127.0.0.1:${port}/v2` }).balance.retrieve();
  const ms = performance.now() - t0;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill();
  await exited;
  return ms;
}

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
await bare(); // warm the runtime's HTTP client and the page cache
await helper();
const b = [];
const h = [];
for (let i = 0; i < runs; i++) {
  b.push(await bare());
  h.push(await helper());
}
const r = (x) => Math.round(x * 100) / 100;
console.log(JSON.stringify({ runs, bare_ms: r(median(b)), helper_ms: r(median(h)), ratio: r(median(h) / median(b)) }));
