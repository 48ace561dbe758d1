// Preloaded (`node -r`) into the cdk8s CLI by scripts/import-k8s.ts. `cdk8s import k8s@<version>` downloads the
// Kubernetes JSON schema from the cdk8s repository on GitHub, and has no option for a local file; this answers
// that one download from the schema file named by EDGE_K8S_SCHEMA (the repository's test/schema copy) and
// refuses any other download, so the import runs offline and only on the stored schema.
import * as fs from 'fs';
import * as path from 'path';

const schemaFile = process.env.EDGE_K8S_SCHEMA;
if (!schemaFile) throw new Error('EDGE_K8S_SCHEMA must name the Kubernetes schema file');
// The CLI's own helper module (not in its package exports, so by path), the instance its importer calls.
const util = require(path.resolve(__dirname, '..', 'node_modules', 'cdk8s-cli', 'lib', 'util.js'));
const version = path.basename(schemaFile).match(/^k8s-(.+)\.json$/)?.[1];
const schemaUrl = `/kubernetes-schemas/v${version}/_definitions.json`;

util.download = async (url: string): Promise<string> => {
  if (!url.endsWith(schemaUrl)) throw new Error(`offline import: refusing to download ${url} (only the k8s ${version} schema is stored)`);
  return fs.readFileSync(schemaFile, 'utf-8');
};
