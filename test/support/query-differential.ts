// One filter group asked of the store API or of a relay over its socket, and of the reference
// model; any difference in the events (ids and order) or in COUNT comes back as a full report.
import type { Filter, NostrEvent } from '../../pkg/nostr/types.js';
import type { EventStoreApi } from '../../pkg/store/base/types.js';
import { ReferenceStore, type ModelQueryOptions } from './reference-store.js';
import type { RawClient } from './relay-harness.js';

export interface Answer {
  ids: string[];
  count: number;
  /** The relay refused the REQ or COUNT: the reason of its CLOSED. */
  closed?: string;
}

/** Something that answers REQ-like queries: the store API or a relay's socket. */
export interface QuerySide {
  name: string;
  answer(filters: Filter[]): Promise<Answer>;
}

export function storeSide(store: EventStoreApi, maxLimit: number): QuerySide {
  return {
    name: 'store API',
    async answer(filters) {
      const ids: string[] = [];
      for await (const json of store.query(filters, { maxLimit })) ids.push((JSON.parse(json) as NostrEvent).id);
      return { ids, count: await store.count(filters) };
    },
  };
}

export function relaySide(client: RawClient): QuerySide {
  let n = 0;
  return {
    name: 'relay socket',
    async answer(filters) {
      const subId = `q${++n}`;
      const { events, closed } = await client.req(subId, ...filters);
      if (closed !== undefined) return { ids: [], count: 0, closed };
      client.send(['CLOSE', subId]);
      const counted = await client.count(`c${n}`, ...filters);
      if (counted.count === undefined) return { ids: [], count: 0, closed: `(COUNT) ${counted.closed}` };
      return { ids: events.map((e) => e.id), count: counted.count };
    },
  };
}

/** The model's side of the comparison: its live set is computed once per data set and reader. */
export class ModelSide {
  private readonly live: NostrEvent[];
  private readonly byId: Map<string, NostrEvent>;

  constructor(
    private readonly model: ReferenceStore,
    private readonly options: ModelQueryOptions,
    now: number,
  ) {
    this.live = model.live(now, options.readable);
    this.byId = new Map(model.events.map((e) => [e.id, e]));
  }

  answer(filters: Filter[]): Answer {
    return {
      ids: this.model.query(filters, this.options, 0, this.live).map((e) => e.id),
      count: this.model.count(filters, 0, this.live),
    };
  }

  private describe(id: string): string {
    const e = this.byId.get(id);
    return e ? `${id} (kind ${e.kind}, created_at ${e.created_at})` : `${id} (not in the model's data)`;
  }

  /** undefined when `got` equals the model's answer, else a report naming every difference. */
  mismatch(side: string, filters: Filter[], got: Answer): string | undefined {
    if (got.closed !== undefined) return `${side} refused filters ${JSON.stringify(filters)}: CLOSED ${got.closed}`;
    const want = this.answer(filters);
    const sameIds = want.ids.length === got.ids.length && want.ids.every((id, i) => got.ids[i] === id);
    if (sameIds && want.count === got.count) return undefined;
    const wantSet = new Set(want.ids);
    const gotSet = new Set(got.ids);
    const lines = [`${side} differs from the model for filters ${JSON.stringify(filters)}`];
    if (!sameIds) {
      lines.push(`  events: model ${want.ids.length}, ${side} ${got.ids.length}`);
      for (const id of want.ids) if (!gotSet.has(id)) lines.push(`  missing ${this.describe(id)}`);
      for (const id of got.ids) if (!wantSet.has(id)) lines.push(`  extra   ${this.describe(id)}`);
      if (got.ids.length !== gotSet.size) lines.push('  the answer holds an event twice');
      const firstOff = want.ids.findIndex((id, i) => got.ids[i] !== id);
      if (firstOff >= 0) lines.push(`  first difference at position ${firstOff}: model ${want.ids[firstOff]}, ${side} ${got.ids[firstOff] ?? '(end)'}`);
    }
    if (want.count !== got.count) lines.push(`  COUNT: model ${want.count}, ${side} ${got.count}`);
    return lines.join('\n');
  }
}

/**
 * NIP-42 read gating, for a reader AUTHed as a stranger: a filter that can only match gated events
 * of other people (all its kinds gated, `authors` and `#p` both naming others) is refused.
 */
export function refusedForStranger(filters: Filter[], gatedKinds: readonly number[]): boolean {
  return filters.some((f) => f.kinds && f.kinds.every((k) => gatedKinds.includes(k)) && f.authors && f['#p']);
}

/** undefined when `side` answers `filters` as the model does (refusing them when gating must). */
export async function disagreement(side: QuerySide, model: ModelSide, filters: Filter[], gatedKinds?: readonly number[]): Promise<string | undefined> {
  const got = await side.answer(filters);
  if (gatedKinds && refusedForStranger(filters, gatedKinds)) {
    if (got.closed?.startsWith('restricted:')) return undefined;
    return `${side.name} should refuse ${JSON.stringify(filters)} as restricted (read gating), but answered ${JSON.stringify(got)}`;
  }
  return model.mismatch(side.name, filters, got);
}
