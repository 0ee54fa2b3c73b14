// Layering rules, checked in `npm test` (npm run lint:deps). Each rule's name is what a failing
// change sees. The store's sub-packages, lowest first:
//   base → codec → vlog → layout → query | cache → write → maintenance → event-store.ts / index.ts
// A sub-package imports only from the ones before it; nothing in pkg/ imports src/ or cmd/.
const STORE = '^pkg/store/';
const layers = ['base', 'codec', 'vlog', 'layout', 'query', 'cache', 'write', 'maintenance'];
// query and cache sit side by side: neither needs the other.
const above = (i) => layers.slice(i + 1).filter((l) => !(layers[i] === 'query' && l === 'cache'));

module.exports = {
  forbidden: [
    {
      name: 'no-cycles-in-pkg',
      severity: 'error',
      comment: 'pkg/ has no import cycles, type-only imports included: take a narrow interface instead of importing back up.',
      from: { path: '^pkg/' },
      to: { circular: true },
    },
    {
      name: 'no-cycles-in-src-or-cmd',
      severity: 'error',
      comment: 'The relay and the CLI have none either: connections get their frame handler injected, policies own their rate buckets.',
      from: { path: '^(src|cmd)/' },
      to: { circular: true },
    },
    {
      name: 'pkg-never-imports-src-or-cmd',
      severity: 'error',
      comment: 'pkg/ is the library; the relay (src/) and the CLI (cmd/) are built on it, not the other way round.',
      from: { path: '^pkg/' },
      to: { path: '^(src|cmd)/' },
    },
    {
      name: 'nostr-does-not-know-the-store',
      severity: 'error',
      comment: 'pkg/nostr is protocol only.',
      from: { path: '^pkg/nostr/' },
      to: { path: STORE },
    },
    ...layers.map((layer, i) => ({
      name: `store-${layer}-depends-downward`,
      severity: 'error',
      comment: `pkg/store/${layer}/ may import only the sub-packages below it (${layers.slice(0, i).join(', ') || 'none'}), never the ones above or the facade.`,
      from: { path: `${STORE}${layer}/` },
      to: { path: `${STORE}(${[...above(i), 'event-store\\.ts', 'index\\.ts'].join('|')})` },
    })),
    {
      name: 'store-query-and-cache-are-independent',
      severity: 'error',
      from: { path: `${STORE}(query|cache)/` },
      to: { path: `${STORE}(query|cache)/`, pathNot: '$1' },
    },
    {
      name: 'imports-resolve',
      severity: 'error',
      comment: 'An import that resolves to nothing is a typo the rules above would not see.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'relay-and-cli-use-the-store-facade',
      severity: 'error',
      comment: 'src/ and cmd/ reach the store through pkg/store/index.ts, its public surface.',
      from: { path: '^(src|cmd)/' },
      to: { path: STORE, pathNot: `${STORE}index\\.ts$` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
