// The repository's root and the test fixtures, for tests at any depth of test/.
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
