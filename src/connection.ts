// One client socket: its subscriptions, NIP-42 state, outbound frames and backpressure.
//
// Backpressure: every send checks the socket's unsent bytes. A client that lets them pass
// maxOutboundBufferBytes is sent a NOTICE saying why and closed (then cut off if it does not
// even read the close), so a slow reader costs the relay a bounded amount of memory and never
// delays anyone else: sends never wait on a peer.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { NostrEvent } from '../pkg/nostr/index.js';
import type { RawData } from 'ws';
import { eventReadable, metaReadable, type PolicyClient, type PolicyContext } from './policies/index.js';
import type { EventMeta } from '../pkg/store/index.js';
import type { RelayContext } from './relay-context.js';
import type { RelayVerb } from './relay-observer.js';
import { LiveSubscription, type Subscriber } from './subscriptions.js';

/** A REQ from this connection: its live index entry, its query, and events held until EOSE. */
export interface ClientSubscription {
  live: LiveSubscription;
  abort: AbortController;
  /** Live events that arrived before EOSE, by id (sent right after EOSE); undefined once live. */
  backlog?: Map<string, string>;
}

const KILL_AFTER_CLOSE_MS = 5_000;
let nextConnectionId = 1;

/** One shared abort reason: AbortController's default builds a DOMException (with a stack) per CLOSE. */
const SUBSCRIPTION_ENDED = Object.freeze(new Error('subscription ended'));

export type FrameHandler = (conn: Connection, data: RawData, isBinary: boolean) => void;

export class Connection implements Subscriber, PolicyClient {
  readonly id = nextConnectionId++;
  readonly challenge = randomBytes(16).toString('hex');
  readonly authedPubkeys = new Set<string>();
  readonly subscriptions = new Map<string, ClientSubscription>();
  private alive = true;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];
  /** The socket is corked until the end of this event-loop turn (see send). */
  private coalescing = false;
  private readonly endCoalescing = (): void => {
    this.coalescing = false;
    this.uncork();
  };

  constructor(
    readonly ws: WebSocket,
    readonly ip: string,
    readonly ctx: RelayContext,
    /** What a frame from the client goes to (handlers/dispatch.ts); given, so handlers depend on Connection and not back. */
    private readonly onFrame: FrameHandler,
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  start(): void {
    this.ctx.observer.connectionOpened();
    this.ws.on('message', (data, isBinary) => this.onFrame(this, data, isBinary));
    this.ws.on('pong', () => (this.alive = true));
    this.ws.on('error', (err) => this.ctx.logger.debug({ err, conn: this.id }, 'socket error'));
    this.ws.on('close', () => this.cleanup());
    // NIP-42: offer the challenge up front so clients can AUTH whenever they need to.
    this.send(JSON.stringify(['AUTH', this.challenge]), 'AUTH');
  }

  /** The view policies get of this connection for one message. */
  policyContext(): PolicyContext {
    return { client: this, limits: this.ctx.limits, rates: this.ctx.rates, now: Math.floor(Date.now() / 1000) };
  }

  /** Store-side read gate for this reader (QueryOptions.accept), or undefined when nothing is gated. */
  readGate(): ((meta: EventMeta) => boolean) | undefined {
    const gated = this.ctx.limits.gatedKinds;
    if (gated.length === 0) return undefined;
    return (meta) => metaReadable(meta, gated, this.authedPubkeys);
  }

  /**
   * Resolves once unsent data is back under half the outbound bound (or the socket is gone, or
   * `maxWaitMs` passed). Stored-event streaming awaits this so a big REQ paces itself to the
   * reader instead of tripping the slow-reader cut-off.
   */
  async drained(maxWaitMs = 5_000): Promise<void> {
    const high = this.ctx.limits.maxOutboundBufferBytes / 2;
    const deadline = Date.now() + maxWaitMs;
    while (this.isOpen && this.ws.bufferedAmount > high && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  onClosed(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * Hold outgoing frames in the socket until uncork(): a REQ's stored results then leave in a few
   * writev calls instead of one syscall per event. Calls nest; each cork needs its uncork.
   */
  cork(): void {
    (this.ws as unknown as { _socket?: { cork(): void } })._socket?.cork();
  }

  uncork(): void {
    (this.ws as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
  }

  /** Send one prebuilt frame. Returns false when the frame was not sent. */
  send(frame: string, verb: RelayVerb): boolean {
    if (!this.isOpen) return false;
    // Frames sent in one turn of the event loop (the OKs of a committed write batch, live events of
    // one fan-out) leave together in one writev at the end of the turn instead of a syscall each.
    if (!this.coalescing) {
      this.coalescing = true;
      this.cork();
      setImmediate(this.endCoalescing);
    }
    this.ws.send(frame);
    this.ctx.observer.relayMessage(verb);
    if (this.ws.bufferedAmount > this.ctx.limits.maxOutboundBufferBytes) this.dropSlowReader();
    return true;
  }

  ok(eventId: string, accepted: boolean, message: string): void {
    this.send(JSON.stringify(['OK', eventId, accepted, message]), 'OK');
    const prefix = message.match(/^([a-z-]+):/)?.[1];
    this.ctx.observer.okResult(prefix ?? (accepted ? 'accepted' : 'error'));
  }

  notice(message: string): void {
    this.send(JSON.stringify(['NOTICE', message]), 'NOTICE');
  }

  closedSub(subId: string, message: string): void {
    this.send(JSON.stringify(['CLOSED', subId, message]), 'CLOSED');
  }

  /** Live delivery from the subscription index (already filter-matched). */
  deliver(live: LiveSubscription, event: NostrEvent, eventJson: string): void {
    const sub = this.subscriptions.get(live.id);
    if (!sub || sub.live !== live) return;
    if (!eventReadable(event, this.ctx.limits.gatedKinds, this.authedPubkeys)) return;
    if (sub.backlog) {
      sub.backlog.set(event.id, live.frame(eventJson));
      return;
    }
    this.send(live.frame(eventJson), 'EVENT');
  }

  /** Register a new subscription (replacing any with the same id) and return it. */
  openSubscription(live: LiveSubscription): ClientSubscription {
    this.closeSubscription(live.id);
    const sub: ClientSubscription = { live, abort: new AbortController(), backlog: new Map() };
    this.subscriptions.set(live.id, sub);
    this.ctx.subscriptions.add(live);
    this.ctx.observer.subscriptionsChanged(1);
    return sub;
  }

  /** End a subscription: stop its query and its live delivery. Returns false if unknown. */
  closeSubscription(subId: string): boolean {
    const sub = this.subscriptions.get(subId);
    if (!sub) return false;
    this.subscriptions.delete(subId);
    sub.abort.abort(SUBSCRIPTION_ENDED);
    this.ctx.subscriptions.remove(sub.live);
    this.ctx.observer.subscriptionsChanged(-1);
    return true;
  }

  /** Called by the heartbeat timer: ping, and drop a peer that did not answer the last ping. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      this.ws.terminate();
    }
  }

  /** Close with `code`; resolves when the socket is gone (cut off after a grace period). */
  shutdown(code: number, reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.onClosed(resolve);
      this.ws.close(code, reason);
      setTimeout(() => this.ws.terminate(), KILL_AFTER_CLOSE_MS).unref();
    });
  }

  private dropSlowReader(): void {
    if (this.closed) return;
    this.ctx.observer.slowReaderDisconnected();
    this.ctx.logger.info({ conn: this.id, ip: this.ip, buffered: this.ws.bufferedAmount }, 'dropping slow reader');
    const message = `error: you are not reading fast enough (more than ${this.ctx.limits.maxOutboundBufferBytes} bytes unsent); closing`;
    this.ws.send(JSON.stringify(['NOTICE', message]));
    this.ctx.observer.relayMessage('NOTICE');
    // Stop producing for this socket at once; the close frame follows whatever is still queued.
    this.cleanup();
    this.ws.close(1008, 'slow reader');
    setTimeout(() => this.ws.terminate(), KILL_AFTER_CLOSE_MS).unref();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subId of [...this.subscriptions.keys()]) this.closeSubscription(subId);
    this.ctx.observer.connectionClosed();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
