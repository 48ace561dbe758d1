/** Tests run through swc (type-checking is `npm run lint`), so the whole suite stays fast. */
const os = require('os');

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
};

module.exports = {
  // One worker per core of the machine it runs on (jest's default keeps one core for itself).
  maxWorkers: Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length),
  projects: [
    // Everything that runs anywhere.
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.root\\.test\\.ts$'] },
    // Needs Linux and root (the real keepalived, network namespaces, nsenter): `*.root.test.ts`. Without them these
    // are skipped with a banner, and fail when EDGE_REQUIRE_KEEPALIVED=1 (CI).
    { ...common, displayName: 'root', testMatch: ['**/*.root.test.ts'] },
  ],
};
