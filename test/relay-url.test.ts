import { expect, it } from 'vitest';
import { sameRelayUrl } from '../src/relay-url.js';

it.each([
  ['wss://relay.example.com', 'wss://relay.example.com/', true],
  ['wss://Relay.Example.com', 'wss://relay.example.com', true],
  ['wss://relay.example.com:443', 'wss://relay.example.com', true],
  ['ws://127.0.0.1:80/', 'ws://127.0.0.1', true],
  ['https://relay.example.com', 'wss://relay.example.com', true],
  ['wss://relay.example.com/nostr/', 'wss://relay.example.com/nostr', true],
  ['ws://relay.example.com', 'wss://relay.example.com', false],
  ['wss://relay.example.com:444', 'wss://relay.example.com', false],
  ['wss://other.example.com', 'wss://relay.example.com', false],
  ['wss://relay.example.com/other', 'wss://relay.example.com/nostr', false],
  ['not a url', 'wss://relay.example.com', false],
  ['', 'wss://relay.example.com', false],
  ['ftp://relay.example.com', 'ftp://relay.example.com', false],
])('sameRelayUrl(%s, %s) = %s', (claimed, ours, expected) => {
  expect(sameRelayUrl(claimed, ours)).toBe(expected);
});
