// Snapshots live in the top-level __snapshots__/ folder (product layout), one file per test file.
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const snapshotDir = path.join(root, '__snapshots__');
const testDir = path.join(root, 'test');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(snapshotDir, path.relative(testDir, testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(testDir, path.relative(snapshotDir, snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(testDir, 'example.test.ts'),
};
