// Frame → handler. Every way a frame can be wrong gets an answer (NOTICE, or OK false / CLOSED
// when the event id or subscription id is known) and the socket keeps working; nothing a client
// sends can throw past this point.
import { isUtf8 } from 'node:buffer';
import type { RawData } from 'ws';
import type { Connection } from '../connection.js';
import type { ClientVerb } from '../relay-observer.js';
import { handleAuth } from './auth.js';
import { handleClose } from './close.js';
import { handleCount } from './count.js';
import { handleEvent } from './event.js';
import { handleReq } from './req.js';

export type Handler = (conn: Connection, message: unknown[]) => void | Promise<void>;

const handlers: Record<Exclude<ClientVerb, 'invalid'>, Handler> = {
  EVENT: handleEvent,
  REQ: handleReq,
  CLOSE: handleClose,
  COUNT: handleCount,
  AUTH: handleAuth,
};

const EVENT_ID_IN_FRAME = /^\s*\[\s*"EVENT"\s*,\s*\{.*?"id"\s*:\s*"([0-9a-f]{64})"/s;
const SUB_ID_IN_FRAME = /^\s*\[\s*"(?:REQ|COUNT)"\s*,\s*"((?:[^"\\]|\\.){1,256})"/s;

export function handleFrame(conn: Connection, data: RawData, isBinary: boolean): void {
  const { ctx } = conn;
  try {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length > ctx.limits.maxMessageBytes) return refuseOversized(conn, buf);
    if (isBinary) {
      ctx.observer.clientMessage('invalid');
      return conn.notice('invalid: binary frames are not supported; send JSON text');
    }
    if (!isUtf8(buf)) {
      ctx.observer.clientMessage('invalid');
      return conn.notice('invalid: message is not valid UTF-8');
    }
    let message: unknown;
    try {
      message = JSON.parse(buf.toString('utf8'));
    } catch {
      ctx.observer.clientMessage('invalid');
      return conn.notice('invalid: message is not valid JSON');
    }
    if (!Array.isArray(message) || message.length === 0 || typeof message[0] !== 'string') {
      ctx.observer.clientMessage('invalid');
      return conn.notice('invalid: message must be a JSON array starting with a verb, like ["REQ", …]');
    }
    const verb = message[0];
    const handler = Object.hasOwn(handlers, verb) ? handlers[verb as keyof typeof handlers] : undefined;
    if (!handler) {
      ctx.observer.clientMessage('invalid');
      return conn.notice(`invalid: unknown message type ${JSON.stringify(verb.slice(0, 32))}`);
    }
    ctx.observer.clientMessage(verb as ClientVerb);
    const result = handler(conn, message);
    if (result) result.catch((err: unknown) => internalError(conn, verb, err));
  } catch (err) {
    internalError(conn, 'frame', err);
  }
}

/** Oversized: answer without parsing, naming the event or subscription when it is cheap to find. */
function refuseOversized(conn: Connection, buf: Buffer): void {
  conn.ctx.observer.clientMessage('invalid');
  const max = conn.ctx.limits.maxMessageBytes;
  const reason = `invalid: message too large (${buf.length} bytes, max ${max})`;
  const head = buf.subarray(0, 1024).toString('utf8');
  const eventId = EVENT_ID_IN_FRAME.exec(head)?.[1];
  if (eventId) return conn.ok(eventId, false, reason);
  const subId = SUB_ID_IN_FRAME.exec(head)?.[1];
  if (subId !== undefined) {
    try {
      return conn.closedSub(JSON.parse(`"${subId}"`) as string, reason);
    } catch {
      // fall through to NOTICE
    }
  }
  conn.notice(reason);
}

function internalError(conn: Connection, verb: string, err: unknown): void {
  conn.ctx.logger.error({ err, conn: conn.id, verb }, 'handler failed');
  conn.notice('error: internal error while handling your message');
}
