/** Tests run through swc (type-checking is `npm run lint`), so the whole suite stays fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
};
