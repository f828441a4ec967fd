/** Layer rules of docs/architecture.md, enforced in CI (`npm run deps`). */
module.exports = {
  forbidden: [
    {
      name: 'lib-imports-no-product-folder',
      comment:
        'lib/ is the shared library of panel and hub (errors, logging, clocks, events, HTTP, SQLite): it imports only itself and npm packages.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(hal|device|cloud-sync|panel-ui|scripts|test)/' },
    },
    {
      name: 'hal-imports-only-the-library',
      comment:
        'hal/ holds hardware only and knows nothing of doors, users or the cloud: it imports lib/ and itself.',
      severity: 'error',
      from: { path: '^hal/' },
      to: { path: '^(device|cloud-sync|panel-ui|scripts|test)/' },
    },
    {
      name: 'protocol-imports-only-its-schema-library',
      comment: 'cloud-sync/protocol is shared by panel, hub and browsers: only zod and itself.',
      severity: 'error',
      from: { path: '^cloud-sync/protocol/' },
      to: { pathNot: ['^cloud-sync/protocol/', 'node_modules/zod/', '^zod$'] },
    },
    {
      name: 'browser-code-imports-no-node',
      comment: 'panel-ui/ runs in a kiosk browser: no Node built-ins, no device/, hal/ or lib/ code.',
      severity: 'error',
      from: { path: '^panel-ui/' },
      to: {
        path: ['^(device|hal|lib)/', '^cloud-sync/(agent|hub)/'],
        dependencyTypes: ['local', 'core', 'npm'],
      },
    },
    {
      name: 'browser-code-imports-no-node-core',
      severity: 'error',
      from: { path: '^panel-ui/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'hub-web-apps-are-browser-code',
      comment:
        "The hub's browser apps (cloud-sync/hub/web/) share code with the rest only through cloud-sync/protocol/; the one npm package they use is mqtt (its browser build).",
      severity: 'error',
      from: { path: '^cloud-sync/hub/web/' },
      to: { pathNot: ['^cloud-sync/hub/web/', '^cloud-sync/protocol/', '^node_modules/mqtt/'] },
    },
    {
      name: 'hub-web-apps-import-no-node-core',
      severity: 'error',
      from: { path: '^cloud-sync/hub/web/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'hardware-only-through-hal',
      comment: 'device/ reaches hardware only through hal/ interfaces and drivers.',
      severity: 'error',
      from: { path: '^(device|cloud-sync)/' },
      to: { path: 'node_modules/(onoff|epoll|nfc-pcsc|@pokusew/pcsclite|serialport)/' },
    },
    {
      name: 'drivers-picked-in-one-place',
      comment:
        'Drivers are chosen from config by the lookup tables; device/ imports concrete drivers only in main.',
      severity: 'error',
      from: { path: '^device/', pathNot: '^device/main\\.ts$' },
      // The OSDP driver's option types (osdp/options.ts) are shared with the config section that fills them.
      to: {
        path: ['^hal/(gpio|reader)/(onoff|gpiod|pcsc)[^/]*\\.ts$', '^hal/reader/osdp/(?!options\\.ts$)'],
      },
    },
    {
      name: 'sync-agent-talks-to-the-panel-through-ports',
      comment:
        'cloud-sync/agent defines ports (ports.ts) that device/sync implements; it never imports device/ or the hub.',
      severity: 'error',
      from: { path: '^cloud-sync/agent/' },
      to: { path: ['^device/', '^cloud-sync/hub/'] },
    },
    {
      name: 'device-does-not-import-the-hub',
      severity: 'error',
      from: { path: '^device/' },
      to: { path: '^cloud-sync/hub/' },
    },
    {
      name: 'hub-does-not-import-the-panel',
      comment:
        'The hub and the panel are separate programs; what they share lives in lib/ and cloud-sync/protocol/.',
      severity: 'error',
      from: { path: '^cloud-sync/(hub|broker)/' },
      to: { path: ['^device/', '^cloud-sync/agent/'] },
    },
    {
      name: 'panel-modules-do-not-import-the-api-layer',
      comment:
        'The local API calls into the panel through ports that the modules own (intercom-api.ts, sim-controls.ts); only the composition root and its adapters (device/wiring/) know the API layer.',
      severity: 'error',
      from: { path: '^device/', pathNot: ['^device/api/', '^device/wiring/', '^device/main\\.ts$'] },
      to: { path: '^device/api/' },
    },
    {
      name: 'hub-database-only-in-its-store',
      comment:
        'The hub reaches its SQLite database only through cloud-sync/hub/store/ (named queries, typed rows); nothing else opens it or holds the connection.',
      severity: 'error',
      from: { path: '^cloud-sync/hub/', pathNot: '^cloud-sync/hub/store/' },
      to: { path: ['node_modules/better-sqlite3/', '^lib/sqlite/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-test-code',
      comment:
        'Production code and the scripts never import tests (tests import scripts/lab, not the reverse).',
      severity: 'error',
      from: { path: '^(lib|hal|device|cloud-sync|panel-ui|scripts)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
