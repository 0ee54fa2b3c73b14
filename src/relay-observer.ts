// What the relay reports as it works, so metrics can count without the relay knowing prom-client.
// Every callback must be cheap and must not throw (the relay guards calls, but a throwing observer
// costs a log line per message).

/** Client → relay verbs as counted (unknown verbs and unparseable frames count as 'invalid'). */
export type ClientVerb = 'EVENT' | 'REQ' | 'CLOSE' | 'COUNT' | 'AUTH' | 'invalid';
/** Relay → client verbs. */
export type RelayVerb = 'EVENT' | 'OK' | 'EOSE' | 'CLOSED' | 'NOTICE' | 'COUNT' | 'AUTH';

export interface RelayObserver {
  /** One frame received from a client (nostr_client_messages_total{verb}). */
  clientMessage(verb: ClientVerb): void;
  /** One frame sent to a client (nostr_relay_messages_total{verb}). Fan-out counts once per receiver. */
  relayMessage(verb: RelayVerb): void;
  /** An event newly stored (or, for ephemeral kinds, fanned out) (nostr_events_total{kind}). */
  eventStored(kind: number): void;
  /**
   * One OK sent: 'accepted' for OK true without prefix, otherwise the prefix without its colon
   * ('duplicate', 'blocked', 'invalid', 'rate-limited', 'restricted', 'auth-required', 'pow', 'error', 'mute').
   */
  okResult(outcome: string): void;
  /** Time from REQ arrival to EOSE sent. */
  reqToEose(seconds: number): void;
  /** Time from store.put call to its resolution (durable commit). */
  writeLatency(seconds: number): void;
  /** Time one signature check took, queueing in the verify pool included. */
  verifyTime(seconds: number): void;
  connectionOpened(): void;
  connectionClosed(): void;
  /** Live subscription count changed by delta (+1 opened, -n closed). */
  subscriptionsChanged(delta: number): void;
  /** A connection was dropped for not reading its outbound data fast enough. */
  slowReaderDisconnected(): void;
}

const noop = (): void => {};

/** Observer that ignores everything: the default when no metrics are wired. */
export const silentObserver: RelayObserver = Object.freeze({
  clientMessage: noop,
  relayMessage: noop,
  eventStored: noop,
  okResult: noop,
  reqToEose: noop,
  writeLatency: noop,
  verifyTime: noop,
  connectionOpened: noop,
  connectionClosed: noop,
  subscriptionsChanged: noop,
  slowReaderDisconnected: noop,
});

/**
 * The same observer with every callback wrapped so a throwing metrics hook is logged (once per
 * callback name) instead of breaking message handling or fan-out to other clients.
 */
export function guardedObserver(observer: RelayObserver, onError: (name: string, err: unknown) => void): RelayObserver {
  const reported = new Set<string>();
  const guarded = {} as Record<keyof RelayObserver, (...args: never[]) => void>;
  for (const name of Object.keys(silentObserver) as (keyof RelayObserver)[]) {
    const fn = observer[name] as ((...args: unknown[]) => void) | undefined;
    if (typeof fn !== 'function') {
      guarded[name] = noop;
      continue;
    }
    guarded[name] = (...args: unknown[]) => {
      try {
        fn.apply(observer, args);
      } catch (err) {
        if (!reported.has(name)) {
          reported.add(name);
          onError(name, err);
        }
      }
    };
  }
  return guarded as unknown as RelayObserver;
}
