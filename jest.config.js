/** Tests run through swc (type-checking is `npm run lint`), so the whole suite stays fast. */
module.exports = {
  testEnvironment: 'node',
  // Two cores here: one worker per core (jest's default keeps one core for itself).
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
};
