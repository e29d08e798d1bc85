// Compiled, never run: the published .d.ts types this ESM usage (tsc --strict, nodenext).
import Telnyx from 'telnyx';
import { startEmulator, connectEmulator, EmulatorError, type Emulator, type AdvanceReport } from 'telnyx-account-emulator';
const emu: Emulator = await startEmulator({ startTime: new Date('2026-01-01T00:00:00Z'), seed: 7, webhookUrl: 'http://127.0.0.1:1/h' });
const client = new Telnyx({ apiKey: emu.apiKey, baseURL: emu.baseURL, publicKey: emu.publicKey });
const r: AdvanceReport = await emu.advance('31d');
const n: number = r.invoices_closed;
await emu.setTraffic({ messaging: 5 });
const ev = await emu.trigger('message.finalized', { a: 1 });
const id: string = ev.delivery_id;
const ds = await emu.deliveries();
const other = await emu.newAccount({ webhookUrl: 'http://127.0.0.1:2/' });
const c = await connectEmulator(emu.baseURL);
const e = new EmulatorError('x');
const exit = await emu.stop();
export const used = [n, id, ds.length, other.apiKey, c.apiKey, e.stderr, exit.code, client];
