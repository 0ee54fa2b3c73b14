// What a relay says about itself (NIP-11) and what machine the run was on: every report
// carries both, so a number is never read without its context.
import { cpus, totalmem, release, platform, arch } from 'node:os';
import { readFileSync } from 'node:fs';

export interface RelayDocument {
  name: string;
  software: string;
  version: string;
  supportedNips: number[];
  limitation: Record<string, unknown>;
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
  loadAverageAtStart: number[];
}

/** GET the NIP-11 document; fields the relay leaves out are "unknown". */
export async function fetchRelayDocument(wsUrl: string, timeoutMs = 5000): Promise<RelayDocument> {
  const httpUrl = wsUrl.replace(/^ws/, 'http');
  const unknown: RelayDocument = { name: 'unknown', software: 'unknown', version: 'unknown', supportedNips: [], limitation: {} };
  try {
    const res = await fetch(httpUrl, { headers: { accept: 'application/nostr+json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return unknown;
    const doc = (await res.json()) as Record<string, unknown>;
    return {
      name: typeof doc.name === 'string' ? doc.name : 'unknown',
      software: typeof doc.software === 'string' ? doc.software : 'unknown',
      version: typeof doc.version === 'string' ? doc.version : 'unknown',
      supportedNips: Array.isArray(doc.supported_nips) ? (doc.supported_nips as number[]) : [],
      limitation: typeof doc.limitation === 'object' && doc.limitation ? (doc.limitation as Record<string, unknown>) : {},
    };
  } catch {
    return unknown;
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  let load: number[] = [];
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    load = [];
  }
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverageAtStart: load,
  };
}
