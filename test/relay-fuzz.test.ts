// Hostile input against the whole server (startServer on 127.0.0.1): a property-based fuzzer sends
// bounded batches of malformed frames — invalid JSON and UTF-8, binary frames, wrong types in every
// position of every verb, huge numbers, deep nesting, oversized frames, filters with thousands of
// values, bogus AUTH — and after every batch a valid EVENT and REQ are answered correctly on the
// same socket and on a new one. Every OK false, CLOSED and NOTICE carries a standard prefix, the
// process keeps serving, and its heap returns to where it started. Longer runs:
// `npx tsx scripts/fuzz-relay.ts --frames 200000 --seconds 600`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPropertyPhase, runScenarios, type CampaignReport } from '../scripts/fuzz/fuzz-campaign.js';
import { newTally, ProbeClient } from '../scripts/fuzz/relay-probe-client.js';
import { startLodeServer, type LodeServerHarness } from './support/lode-server.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MAX_MESSAGE_BYTES = 131_072;
let h: LodeServerHarness;
let heapBefore = 0;
const reports: CampaignReport[] = [];

function heapBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

beforeAll(async () => {
  h = await startLodeServer((c) => {
    c.limits.maxMessageBytes = MAX_MESSAGE_BYTES;
    c.limits.maxConnectionsPerIp = 0; // every fuzz socket comes from 127.0.0.1
    c.limits.maxFilterValues = 0; // the 10,000-value filters must reach the store: they prove cursor slicing keeps others served
  });
  // Warm up (module loading, JIT, first store pages) before taking the baseline.
  const c = await ProbeClient.open(h.server.url, newTally());
  await c.checkServes();
  c.close();
  heapBefore = heapBytes();
});
afterAll(async () => h?.dispose());

it('answers invalid UTF-8 in a text frame with NOTICE "invalid:" and keeps the socket', async () => {
  const tally = newTally();
  const c = await ProbeClient.open(h.server.url, tally);
  const notice = c.next((f) => f[0] === 'NOTICE');
  // ["REQ","\xff",{}] sent as a text frame: bytes no UTF-8 decoder accepts.
  c.send(Buffer.from([0x5b, 0x22, 0x52, 0x45, 0x51, 0x22, 0x2c, 0x22, 0xff, 0x22, 0x2c, 0x7b, 0x7d, 0x5d]), false);
  expect((await notice)[1]).toBe('invalid: message is not valid UTF-8');
  c.send(Buffer.from([0xc3, 0x28]), false);
  expect((await c.next((f) => f[0] === 'NOTICE'))[1]).toMatch(/^invalid: .*UTF-8/);
  await c.checkServes();
  expect(c.isOpen).toBe(true);
  c.close();
  expect(tally.problems).toEqual([]);
});

it('survives ~2,000 hostile frames (fixed seed) with every answer prefixed and every socket still served', async () => {
  const report = await runPropertyPhase({ url: h.server.url, seed: 0x10de, frames: 2_000, seconds: 40, batch: 100, endOnFailure: true });
  reports.push(report);
  expect(report.failure).toBeUndefined();
  expect(report.tally.problems).toEqual([]);
  expect(report.framesSent).toBeGreaterThan(100);
  // Every category was exercised.
  for (const label of ['invalid-json', 'text-bad-utf8', 'binary', 'deep-nesting', 'oversized', 'big-filter', 'not-an-array', 'verb:EVENT', 'verb:REQ', 'verb:AUTH']) {
    expect(report.byLabel[label] ?? 0, label).toBeGreaterThan(0);
  }
  // Answers of every kind came back (the relay really was talking, not just silent).
  for (const verb of ['OK', 'NOTICE', 'CLOSED', 'EOSE']) expect(report.tally.received[verb] ?? 0, verb).toBeGreaterThan(0);
}, 90_000);

it('survives random seeds too (the seed is in the failure message)', async () => {
  for (let i = 0; i < 2; i++) {
    const seed = Date.now() ^ (i * 0x9e3779b9);
    const report = await runPropertyPhase({ url: h.server.url, seed, frames: 300, seconds: 10, batch: 60, endOnFailure: true });
    reports.push(report);
    expect(report.failure, `seed ${seed}`).toBeUndefined();
    expect(report.tally.problems, `seed ${seed}`).toEqual([]);
  }
}, 60_000);

it('holds thousands of subscriptions, 10,000-value filters, maximal nesting and an 8 MiB frame', async () => {
  const tally = newTally();
  const scenarios = await runScenarios(h.server.url, tally, { maxMessageBytes: MAX_MESSAGE_BYTES, sockets: 40 });
  const detail = Object.fromEntries(scenarios.map((s) => [s.name, s.detail]));
  // maxSubscriptions is 50: each socket's last 10 REQs are refused with "blocked:".
  expect(detail['thousands of subscriptions']).toMatch(/2000 open, 400 refused \(blocked:\)/);
  expect(detail['10,000-value filters']).toBe('REQ → EOSE, COUNT → COUNT');
  expect(detail['8 MiB frame']).toMatch(/closed with 1009/);
  expect(tally.problems).toEqual([]);
}, 90_000);

it('releases every connection and subscription and returns to its starting heap', async () => {
  for (let i = 0; i < 100 && (h.server.relay.stats().connections > 0 || h.server.relay.stats().subscriptions > 0); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(h.server.relay.stats()).toEqual({ connections: 0, subscriptions: 0 });
  const growth = heapBytes() - heapBefore;
  const frames = reports.reduce((n, r) => n + r.framesSent, 0);
  console.info(`fuzzed ${frames} frames; heap+external growth ${(growth / 1048576).toFixed(1)} MiB; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  expect(growth).toBeLessThan(64 * 1024 * 1024);
  // And the server still answers.
  const c = await ProbeClient.open(h.server.url, newTally());
  await c.checkServes();
  c.close();
});
