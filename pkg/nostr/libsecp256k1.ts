// Finds the system's libsecp256k1 (Debian: libsecp256k1-1) and binds the two
// calls BIP-340 verification needs, through koffi (FFI). Loading never throws:
// every failure — koffi's own binary missing, no library, a library built
// without the schnorrsig module, an ABI that answers wrong — becomes a reason.
// The C functions are reached only with buffers of the lengths they expect,
// and verify only with a pubkey struct that parse accepted: libsecp256k1
// aborts the process on an illegal argument, it does not return an error.

import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

/** Names the file to load instead of searching the usual places. */
export const LIBSECP256K1_ENV = 'LODE_LIBSECP256K1';

/** What to install when no library is found. */
export const LIBSECP256K1_INSTALL_HINT = 'apt-get install libsecp256k1-1';

/**
 * Tried in order. Bare names go through the dynamic loader's search path
 * (ld.so.cache covers Debian's multiarch directory); the Debian runtime
 * package ships only the versioned name, the -dev package adds the bare .so.
 * Sonames 1–6 are the releases since 0.2.0, all of which keep the three
 * calls used here unchanged.
 */
export const LIBSECP256K1_CANDIDATES: readonly string[] = [
  'libsecp256k1.so.1',
  'libsecp256k1.so',
  ...[2, 3, 4, 5, 6].map((v) => `libsecp256k1.so.${v}`),
  '/usr/lib/x86_64-linux-gnu/libsecp256k1.so.1',
  '/usr/lib/aarch64-linux-gnu/libsecp256k1.so.1',
  '/usr/local/lib/libsecp256k1.so',
  'libsecp256k1.dylib',
  '/opt/homebrew/lib/libsecp256k1.dylib',
  '/usr/local/lib/libsecp256k1.dylib',
];

/**
 * secp256k1.h: SECP256K1_FLAGS_TYPE_CONTEXT (1 << 0) | SECP256K1_FLAGS_BIT_CONTEXT_VERIFY (1 << 8).
 * Since 0.2.0 every context can verify and this flag means the same as SECP256K1_CONTEXT_NONE.
 */
export const SECP256K1_CONTEXT_VERIFY = (1 << 0) | (1 << 8);

/** sizeof(secp256k1_xonly_pubkey): an opaque 64-byte struct (secp256k1_extrakeys.h). */
export const XONLY_PUBKEY_SIZE = 64;

export interface Libsecp256k1 {
  /** The file that loaded. */
  readonly path: string;
  /** secp256k1_xonly_pubkey_parse into `out` (64 bytes); false when the x coordinate is not a valid key. */
  parseXonly(out: Uint8Array, pub32: Uint8Array): boolean;
  /** secp256k1_schnorrsig_verify over a 32-byte message; `pubkey` must be a struct parseXonly accepted. */
  verify(sig64: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
}

export type LoadResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// BIP-340 test vector 1 (bip-0340/test-vectors.csv): proves the ABI answers true and false correctly.
const PROBE = {
  pub: 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659',
  msg: '243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89',
  sig: '6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b091292bff4ea897efcb639ea871cfa95f6de339e4b0a',
};

function bind(koffi: Koffi, path: string): Libsecp256k1 {
  const lib = koffi.load(path);
  // Anonymous types: koffi's type names are global to the thread, and a second load would clash.
  const ctxType = koffi.pointer(koffi.opaque());
  const create = lib.func('secp256k1_context_create', ctxType, ['unsigned int']);
  // int secp256k1_xonly_pubkey_parse(const secp256k1_context *ctx, secp256k1_xonly_pubkey *pubkey, const unsigned char *input32)
  const parse = lib.func('secp256k1_xonly_pubkey_parse', 'int', [ctxType, 'uint8_t *', 'const uint8_t *']);
  // int secp256k1_schnorrsig_verify(const secp256k1_context *ctx, const unsigned char *sig64,
  //   const unsigned char *msg, size_t msglen, const secp256k1_xonly_pubkey *pubkey)
  const verify = lib.func('secp256k1_schnorrsig_verify', 'int', [
    ctxType,
    'const uint8_t *',
    'const uint8_t *',
    'size_t',
    'const uint8_t *',
  ]);
  // One context for the life of the thread: creating one costs far more than a verify.
  const ctx: unknown = create(SECP256K1_CONTEXT_VERIFY);
  if (!ctx) throw new Error('secp256k1_context_create returned NULL');
  return {
    path,
    parseXonly: (out, pub32) => parse(ctx, out, pub32) === 1,
    verify: (sig64, msg32, pubkey) => verify(ctx, sig64, msg32, 32, pubkey) === 1,
  };
}

/** Checks the bound calls on a known-good signature and on the same one with a bit flipped. */
function probe(lib: Libsecp256k1): string | undefined {
  const pub = Buffer.alloc(XONLY_PUBKEY_SIZE);
  if (!lib.parseXonly(pub, Buffer.from(PROBE.pub, 'hex'))) return 'it refuses a valid BIP-340 public key';
  const sig = Buffer.from(PROBE.sig, 'hex');
  const msg = Buffer.from(PROBE.msg, 'hex');
  if (!lib.verify(sig, msg, pub)) return 'it refuses a valid BIP-340 signature';
  sig[40] ^= 1;
  if (lib.verify(sig, msg, pub)) return 'it accepts a corrupted BIP-340 signature';
  return undefined;
}

/**
 * Loads koffi and the first libsecp256k1 that binds and passes the probe:
 * the file named by LODE_LIBSECP256K1 when set (and then only that one),
 * else LIBSECP256K1_CANDIDATES in order.
 */
export function loadLibsecp256k1(env: NodeJS.ProcessEnv = process.env): LoadResult<Libsecp256k1> {
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (err) {
    return { ok: false, reason: `the koffi FFI module did not load (${message(err)})` };
  }
  const override = env[LIBSECP256K1_ENV];
  const candidates = override ? [override] : LIBSECP256K1_CANDIDATES;
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      const lib = bind(koffi, path);
      const wrong = probe(lib);
      if (!wrong) return { ok: true, value: lib };
      failures.push(`${path}: ${wrong}`);
    } catch (err) {
      failures.push(`${path}: ${message(err)}`);
    }
  }
  // A file that is simply absent is the common case and says nothing; one that loaded and failed does.
  const found = failures.filter((f) => !/cannot open shared object|image not found|no such file/i.test(f));
  const where = override
    ? `${LIBSECP256K1_ENV}=${override} did not load (${failures.join('; ')})`
    : `no usable libsecp256k1 found (tried ${candidates.join(', ')}${found.length ? `; ${found.join('; ')}` : ''}; ` +
      `set ${LIBSECP256K1_ENV} to the file to use one elsewhere)`;
  return { ok: false, reason: `${where}; install it with \`${LIBSECP256K1_INSTALL_HINT}\`` };
}
