// Nostr semantics enforced inside the store: duplicates, replaceable/addressable versions,
// NIP-09 deletions, NIP-40 expiration, ephemeral kinds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../../../pkg/store/event-store.js';
import type { Filter } from '../../../pkg/nostr/types.js';
import { collect, fakeEvent, openTestStore, pubkeyOf, tempDir } from '../../support/store-fixtures.js';
import { COUNTERS_KEY } from '../../../pkg/store/write/store-counters.js';

let dir: ReturnType<typeof tempDir>;
let store: EventStore;
const alice = pubkeyOf('alice');
const bob = pubkeyOf('bob');

beforeEach(async () => {
  dir = tempDir();
  store = await openTestStore(dir.path);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
  dir.remove();
});

const ids = async (filter: Filter) => (await collect(store.query([filter]))).map((e) => e.id);

describe('regular events', () => {
  it('stores, finds by id, and refuses a duplicate', async () => {
    const ev = fakeEvent();
    expect((await store.put(ev)).status).toBe('stored');
    expect(store.has(ev.id)).toBe(true);
    expect(JSON.parse((await store.get(ev.id))!)).toEqual(ev);
    const again = await store.put(ev);
    expect(again.status).toBe('duplicate');
    expect(store.stats().events).toBe(1);
  });

  it('drops unknown fields and serves the canonical JSON', async () => {
    const ev = { ...fakeEvent(), extra: 'x' } as never;
    await store.put(ev);
    const json = (await store.get((ev as { id: string }).id))!;
    expect(Object.keys(JSON.parse(json))).toEqual(['id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig']);
  });

  it('never stores ephemeral events', async () => {
    const ev = fakeEvent({ kind: 20001 });
    expect((await store.put(ev)).status).toBe('ephemeral');
    expect(store.has(ev.id)).toBe(false);
  });

  it('orders newest first and equal created_at by lowest id', async () => {
    const evs = [fakeEvent({ created_at: 5 }), fakeEvent({ created_at: 7 }), fakeEvent({ created_at: 7 }), fakeEvent({ created_at: 7 })];
    await store.putMany(evs);
    const want = [...evs].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1)).map((e) => e.id);
    expect(await ids({})).toEqual(want);
    expect(await ids({ limit: 2 })).toEqual(want.slice(0, 2));
  });
});

describe('replaceable and addressable', () => {
  it('keeps the newest version and refuses an older arrival', async () => {
    const v1 = fakeEvent({ kind: 0, created_at: 10 });
    const v2 = fakeEvent({ kind: 0, created_at: 20 });
    await store.put(v1);
    const r = await store.put(v2);
    expect(r).toMatchObject({ status: 'stored', removed: [v1.id] });
    const old = await store.put(fakeEvent({ kind: 0, created_at: 15 }));
    expect(old.status).toBe('replaced-older');
    expect(await ids({ kinds: [0], authors: [alice] })).toEqual([v2.id]);
    expect(store.has(v1.id)).toBe(false);
  });

  it('on equal created_at keeps the lowest id', async () => {
    const [a, b] = [fakeEvent({ kind: 3, created_at: 10 }), fakeEvent({ kind: 3, created_at: 10 })].sort((x, y) => (x.id < y.id ? -1 : 1));
    await store.put(b);
    expect((await store.put(a)).status).toBe('stored');
    expect((await store.put(b)).status).toBe('replaced-older'); // b was replaced by a
    expect(await ids({ kinds: [3] })).toEqual([a.id]);
  });

  it('keys addressable events by d tag, a missing d equal to an empty one', async () => {
    const x = fakeEvent({ kind: 30023, tags: [['d', 'x']], created_at: 1 });
    const noD = fakeEvent({ kind: 30023, tags: [], created_at: 1 });
    const emptyD = fakeEvent({ kind: 30023, tags: [['d', '']], created_at: 2 });
    await store.putMany([x, noD, emptyD]);
    expect((await ids({ kinds: [30023] })).sort()).toEqual([x.id, emptyD.id].sort());
  });

  it('keeps versions of different authors apart', async () => {
    await store.putMany([fakeEvent({ kind: 10002, pubkey: alice }), fakeEvent({ kind: 10002, pubkey: bob })]);
    expect(await store.count([{ kinds: [10002] }])).toBe(2);
  });
});

describe('NIP-09 deletion', () => {
  it('removes the author’s events by e tag and blocks their return', async () => {
    const note = fakeEvent({ created_at: 10 });
    await store.put(note);
    const del = fakeEvent({ kind: 5, created_at: 11, tags: [['e', note.id]] });
    expect((await store.put(del)).removed).toEqual([note.id]);
    expect(store.has(note.id)).toBe(false);
    expect((await store.put(note)).status).toBe('deleted');
    expect(await ids({ kinds: [5] })).toEqual([del.id]); // the deletion stays served
  });

  it('ignores deletions of other authors’ events', async () => {
    const note = fakeEvent({ pubkey: bob });
    await store.put(note);
    await store.put(fakeEvent({ kind: 5, tags: [['e', note.id]] }));
    expect(store.has(note.id)).toBe(true);
  });

  it('does nothing when deleting a deletion', async () => {
    const note = fakeEvent({ created_at: 1 });
    const del = fakeEvent({ kind: 5, created_at: 2, tags: [['e', note.id]] });
    await store.putMany([note, del]);
    const undel = fakeEvent({ kind: 5, created_at: 3, tags: [['e', del.id]] });
    await store.put(undel);
    expect(store.has(del.id)).toBe(true);
    expect(store.has(note.id)).toBe(false);
  });

  it('deletes an address up to the deletion’s created_at', async () => {
    const v = fakeEvent({ kind: 30023, tags: [['d', 'post']], created_at: 10 });
    await store.put(v);
    await store.put(fakeEvent({ kind: 5, created_at: 20, tags: [['a', `30023:${alice}:post`]] }));
    expect(store.has(v.id)).toBe(false);
    expect((await store.put(fakeEvent({ kind: 30023, tags: [['d', 'post']], created_at: 15 }))).status).toBe('deleted');
    expect((await store.put(fakeEvent({ kind: 30023, tags: [['d', 'post']], created_at: 25 }))).status).toBe('stored');
  });
});

describe('NIP-40 expiration', () => {
  it('refuses an already expired event', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await store.put(fakeEvent({ tags: [['expiration', String(now - 1)]] }))).status).toBe('expired');
  });

  it('hides an event once it expires and the sweeper removes it', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ev = fakeEvent({ tags: [['expiration', String(now + 60)]] });
    await store.put(ev);
    expect(await ids({})).toEqual([ev.id]);
    vi.spyOn(Date, 'now').mockReturnValue((now + 61) * 1000);
    expect(await ids({})).toEqual([]);
    expect(await store.get(ev.id)).toBeUndefined();
    expect(await store.count([{}])).toBe(0);
    expect(await store.sweepExpired(now + 61)).toBe(1);
    expect(store.stats().events).toBe(0);
  });
});

describe('queries', () => {
  it('matches tags on the first value only, since/until inclusive', async () => {
    const a = fakeEvent({ created_at: 100, tags: [['t', 'nostr', 'extra']] });
    const b = fakeEvent({ created_at: 200, tags: [['t', 'other', 'nostr']] });
    await store.putMany([a, b]);
    expect(await ids({ '#t': ['nostr'] })).toEqual([a.id]);
    expect(await ids({ since: 100, until: 100 })).toEqual([a.id]);
    expect(await ids({ since: 100, until: 200 })).toEqual([b.id, a.id]);
  });

  it('clamps limits and dedupes across filters', async () => {
    const evs = Array.from({ length: 10 }, (_, i) => fakeEvent({ created_at: i }));
    await store.putMany(evs);
    const got = await collect(store.query([{ limit: 100 }, { authors: [alice] }], { maxLimit: 4 }));
    expect(got.map((e) => e.created_at)).toEqual([9, 8, 7, 6]);
  });

  it('walks deep pages with until and sees every event once', async () => {
    const evs = Array.from({ length: 300 }, (_, i) => fakeEvent({ created_at: 1000 + Math.floor(i / 3) }));
    await store.putMany(evs);
    const seen = new Set<string>();
    let until: number | undefined;
    for (let page = 0; page < 100; page++) {
      const got = await collect(store.query([{ authors: [alice], limit: 50, ...(until ? { until } : {}) }]));
      const fresh = got.filter((e) => !seen.has(e.id));
      if (!fresh.length) break;
      fresh.forEach((e) => seen.add(e.id));
      until = got[got.length - 1].created_at;
    }
    expect(seen.size).toBe(300);
  });

  it('stops a query through its AbortSignal', async () => {
    await store.putMany(Array.from({ length: 2000 }, (_, i) => fakeEvent({ created_at: i, kind: 1 })));
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of store.query([{ kinds: [7] }, { kinds: [1] }], { signal: ac.signal, maxLimit: 5000 })) {
          if (++n === 10) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(n).toBe(10);
  });

  it('applies an accept gate to queries and counts', async () => {
    const dm = fakeEvent({ kind: 4, tags: [['p', bob]] });
    await store.putMany([dm, fakeEvent({ kind: 1 })]);
    const accept = (m: { kind: number }) => m.kind !== 4;
    expect((await collect(store.query([{}], { accept }))).map((e) => e.kind)).toEqual([1]);
    expect(await store.count([{}], { accept })).toBe(1);
  });
});

describe('atomic batches', () => {
  it('a batch that fails part-way leaves nothing of itself behind', async () => {
    const first = fakeEvent({ created_at: 1 });
    await store.put(first);
    const before = store.stats().events;
    // Sabotage the record write of the third event in a batch: the whole batch must roll back.
    const events = [fakeEvent({ created_at: 2 }), fakeEvent({ created_at: 3 }), fakeEvent({ created_at: 4 })];
    const realPut = store.db.events.put.bind(store.db.events);
    let calls = 0;
    const spy = vi.spyOn(store.db.events, 'put').mockImplementation((k: Buffer, v: Buffer) => {
      if (++calls === 3) throw new Error('simulated failure mid-batch');
      return realPut(k, v);
    });
    await expect(store.putMany(events)).rejects.toThrow(/simulated failure/);
    spy.mockRestore();
    for (const e of events) expect(store.has(e.id)).toBe(false);
    expect(await ids({})).toEqual([first.id]);
    expect(store.stats().events).toBe(before);
    // And the store keeps working.
    expect((await store.put(events[0])).status).toBe('stored');
  });

  it('a batch that fails to commit takes down the batches decided on top of it, and nothing of them is stored', async () => {
    const first = fakeEvent({ created_at: 1 });
    await store.put(first);
    const before = store.stats();
    const a = [fakeEvent({ created_at: 2 }), fakeEvent({ created_at: 3, pubkey: bob })];
    const b = [a[0], fakeEvent({ created_at: 4 })]; // a[0] again: decided as a duplicate of the batch still committing
    // The first batch's commit fails in lmdb-js (as a full disk would), after a while, so the second is decided meanwhile.
    const writeSeq = store.db.writeSeq!;
    const realIfVersion = writeSeq.ifVersion.bind(writeSeq);
    const spy = vi.spyOn(writeSeq, 'ifVersion').mockImplementationOnce(
      () => new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error('simulated commit failure')), 30)),
    );
    spy.mockImplementation(realIfVersion);
    const pa = store.putMany(a);
    await new Promise((r) => setImmediate(r));
    const pb = store.putMany(b);
    await expect(pa).rejects.toThrow(/simulated commit failure/);
    await expect(pb).rejects.toMatchObject({ code: 'WRITE_ABORTED' });
    expect(store.writeStats.batchesDecidedOverInFlight).toBeGreaterThan(0);
    spy.mockRestore();
    for (const e of [...a, ...b]) expect(store.has(e.id)).toBe(false);
    expect(await ids({})).toEqual([first.id]);
    expect(store.stats().events).toBe(before.events);
    expect(store.stats().eventsByKind).toEqual(before.eventsByKind);
    // Nothing was lost for good: the callers retry and every event is stored.
    expect((await store.putMany([...a, b[1]])).map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
    expect(store.stats().events).toBe(before.events + 3);
  });

  it('a store whose saved serial counter fell behind its records still stores new events next to the old ones', async () => {
    const old = [fakeEvent({ created_at: 1 }), fakeEvent({ created_at: 2 }), fakeEvent({ created_at: 3 })];
    await store.putMany(old);
    // Counters rewritten with a serial that new events would collide with (as a damaged meta entry would).
    await store.db.meta.put(COUNTERS_KEY, { ...store.counters, nextSerial: 2 });
    await store.close();
    store = await openTestStore(dir.path);
    const fresh = fakeEvent({ created_at: 4 });
    expect((await store.put(fresh)).status).toBe('stored');
    for (const e of [...old, fresh]) expect(JSON.parse((await store.get(e.id))!).id).toBe(e.id);
    expect(await ids({})).toEqual([fresh, old[2], old[1], old[0]].map((e) => e.id));
    expect(store.stats().events).toBe(4);
  });
});
