// Smoke test: the official npm `telnyx` SDK (7.24.0), unchanged, against the emulator.
// Usage: TELNYX_BASE_URL=http://127.0.0.1:PORT/v2 node node_smoke.mjs
// Resolves `telnyx` from TELNYX_NODE_SDK_DIR/node_modules (or the normal resolution).
import { createRequire } from 'node:module';
import path from 'node:path';

const sdkDir = process.env.TELNYX_NODE_SDK_DIR;
const require = createRequire(sdkDir ? path.join(path.resolve(sdkDir), 'package.json') : import.meta.url);
const TelnyxMod = require('telnyx');
const Telnyx = TelnyxMod.default ?? TelnyxMod.Telnyx ?? TelnyxMod;

const baseURL = process.env.TELNYX_BASE_URL;
if (!baseURL) throw new Error('set TELNYX_BASE_URL');
const apiKey = process.env.TELNYX_API_KEY || `KEY_node_${process.pid}`;
const client = new Telnyx({ apiKey, baseURL, maxRetries: 0 });
// The balance the account should show (the test may advance its clock first).
const want = JSON.parse(process.env.TELNYX_EXPECT_JSON || '{}');
const expected = want.balance || '300.00';
const counts = { audit_events: 20, messaging: 40, invoices: 12, ...want };
const tenThousandths = (s) => BigInt(Math.round(Number(s) * 10000));

let steps = 0;
function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}
async function step(name, fn) {
  try {
    await fn();
    steps += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  }
}
async function collect(iter, limit = 100000) {
  const out = [];
  for await (const x of iter) {
    out.push(x);
    if (out.length > limit) throw new Error('pagination did not terminate');
  }
  return out;
}
async function expectStatus(promise, status, code) {
  try {
    await promise;
  } catch (e) {
    check(e.status === status, `expected ${status}, got ${e.status}`);
    if (code) check(JSON.stringify(e.error ?? e.message).includes(code), `expected code ${code} in ${e.message}`);
    return;
  }
  throw new Error(`expected an error ${status}`);
}

await step('balance.retrieve', async () => {
  const b = await client.balance.retrieve();
  check(tenThousandths(b.data.balance) === tenThousandths(expected), JSON.stringify(b));
  check(tenThousandths(b.data.available_credit) === tenThousandths(want.available_credit || '400.00'), 'available_credit');
});
await step('auditEvents.list auto-pagination terminates', async () => {
  const all = await collect(client.auditEvents.list());
  check(all.length === counts.audit_events, `got ${all.length}`);
  const small = await collect(client.auditEvents.list({ page: { size: 3 } }));
  check(small.length === counts.audit_events, `paged by 3: ${small.length}`);
  const win = await client.auditEvents.list({
    filter: { created_after: '2021-01-09T00:00:00Z', created_before: '2021-01-10T00:00:00Z' },
    page: { number: 1, size: 2 },
    sort: 'desc',
  });
  check(win.data.length === 0, 'empty 2021 window');
});
await step('chargesBreakdown.retrieve (json, csv)', async () => {
  const j = await client.chargesBreakdown.retrieve({ start_date: '2025-05-01' });
  check(j.data.end_date === '2025-06-01', JSON.stringify(j.data).slice(0, 200));
  await client.chargesBreakdown.retrieve({ start_date: '2025-05-01', end_date: '2025-06-01', format: 'json' });
  const csv = await client.chargesBreakdown.retrieve({ start_date: '2025-05-01', format: 'csv' });
  const text = typeof csv === 'string' ? csv : JSON.stringify(csv);
  check(text.includes('tn,charge_type'), `csv: ${text.slice(0, 100)}`);
});
await step('chargesSummary.retrieve', async () => {
  const s = await client.chargesSummary.retrieve({ start_date: '2025-05-01', end_date: '2025-06-01' });
  check(typeof s.data.total.grand_total === 'string', 'grand_total');
});
await step('detailRecords.list with filters, sort, pagination', async () => {
  const page = await client.detailRecords.list({
    filter: { record_type: 'messaging', date_range: 'yesterday', cld: { contains: '456' } },
    sort: ['-created_at', 'cld'],
    page: { size: 2 },
  });
  check(Array.isArray(page.data), 'data');
  const all = await collect(client.detailRecords.list({ filter: { record_type: 'messaging' }, page: { size: 50 } }));
  check(all.length === counts.messaging, `messaging: ${all.length}`);
  await expectStatus(client.detailRecords.list(), 400, '10004');
});
await step('invoices.list / retrieve', async () => {
  const all = await collect(client.invoices.list({ sort: '-period_start' }));
  check(all.length === counts.invoices, `invoices: ${all.length}`);
  const small = await collect(client.invoices.list({ page: { size: 2 } }));
  check(small.length === counts.invoices, `invoices by 2: ${small.length}`);
  const id = all[0].invoice_id;
  const one = await client.invoices.retrieve(id);
  check(one.data.invoice_id === id && !one.data.download_url, 'retrieve');
  const link = await client.invoices.retrieve(id, { action: 'link' });
  check(link.data.download_url.endsWith('.pdf'), 'download_url');
  await expectStatus(client.invoices.retrieve('182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e'), 404, '10005');
  await expectStatus(client.invoices.retrieve('a b/c?d'), 400, '10006');
});
await step('payment.autoRechargePrefs list / update', async () => {
  const p = await client.payment.autoRechargePrefs.list();
  check(p.data.record_type === 'auto_recharge_pref', 'prefs');
  await client.payment.autoRechargePrefs.update();
  await client.payment.autoRechargePrefs.update({});
  const u = await client.payment.autoRechargePrefs.update({
    enabled: true, invoice_enabled: false, preference: 'ach', recharge_amount: '104.00', threshold_amount: '50.00',
  });
  check(u.data.preference === 'ach' && u.data.threshold_amount === '50.00', JSON.stringify(u.data));
});
await step('userTags.list', async () => {
  const all = await client.userTags.list();
  check(all.data.number_tags.length > 0, 'tags');
  const t = await client.userTags.list({ filter: { starts_with: 'my-tag' } });
  check(JSON.stringify(t.data.number_tags) === '["my-tag","my-tag-2"]', JSON.stringify(t.data));
  const e = await client.userTags.list({ filter: { starts_with: 'a b+c&d=é' } });
  check(e.data.number_tags.length === 1, `encoded: ${JSON.stringify(e.data)}`);
});
await step('payment.createStoredPaymentTransaction (doubled /v2/v2 path)', async () => {
  const t = await client.payment.createStoredPaymentTransaction({ amount: '120.00' });
  check(t.data.amount_cents === 12000, JSON.stringify(t));
  const b = await client.balance.retrieve();
  check(tenThousandths(b.data.balance) === tenThousandths(expected) + 1200000n, `balance after payment: ${b.data.balance}`);
  await expectStatus(client.payment.createStoredPaymentTransaction({ amount: '120' }), 422, '10027');
});
await step('webhookDeliveries.list / retrieve', async () => {
  const all = await collect(client.webhookDeliveries.list({ page: { size: 250 } }));
  check(want.webhook_deliveries > 30 && all.length === want.webhook_deliveries, `webhooks: ${all.length}`);
  // One the emulator really delivered: a 500 from the primary, then 200 from the failover.
  const live = await client.webhookDeliveries.retrieve(want.failed_over_delivery);
  const attempts = live.data.attempts;
  check(live.data.status === 'delivered' && attempts.length === 2, JSON.stringify(live.data));
  check(attempts[0].http.request.url.endsWith('/failover') && attempts[0].http.response.status === 200, 'failover attempt');
  check(attempts[1].http.response.status === 500 && attempts[1].errors[0] === 75499, 'primary attempt');
  check(typeof live.data.webhook.event_type === 'string' && live.data.webhook.record_type === 'event', 'webhook');
  const filtered = await collect(client.webhookDeliveries.list({
    filter: {
      status: { eq: 'delivered' },
      event_type: 'call_initiated,call.initiated',
      started_at: { gte: '2019-03-29T11:10:00Z' },
      webhook: { contains: 'call.initiated' },
      attempts: { contains: 'https://x' },
      finished_at: { lte: '2019-03-29T11:10:00Z' },
    },
  }));
  check(filtered.length === 0, 'filtered');
  const one = await client.webhookDeliveries.retrieve(all[0].id);
  check(one.data.id === all[0].id, 'retrieve');
  await expectStatus(client.webhookDeliveries.retrieve('C9C0797E-901D-4349-A33C-C2C8F31A92C2'), 404, '10005');
});
await step('authentication error', async () => {
  const bad = new Telnyx({ apiKey: 'not valid', baseURL, maxRetries: 0 });
  await expectStatus(bad.balance.retrieve(), 401, '10009');
});

console.log(`${steps} steps passed`);
if (process.exitCode) console.log('node smoke: FAILED');
else console.log('node smoke: OK');
