// The README's Python example, run verbatim by the Python consumer step of `npm run bindings` (the TypeScript
// example is test/fixtures/consumer-app/main.ts, run by test/package/pack.test.ts).
import * as fs from 'fs';

/** The bodies of the ```<language> fenced blocks of a markdown text, in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

/** The one Python block of the README that uses the library; throws unless there is exactly one. */
export function readmePythonExample(readme: string): string {
  const blocks = codeBlocks(fs.readFileSync(readme, 'utf-8'), 'python').filter((b) => b.includes('cdk8s_edge_ingress'));
  if (blocks.length !== 1) throw new Error(`${readme}: expected one python block using cdk8s_edge_ingress, found ${blocks.length}`);
  return blocks[0];
}

/** Why the example's run is not what its README text promises (exit 0, edge.k8s.yaml, one label command per node). */
export function readmeExampleProblems(status: number | null, stdout: string, written: string[]): string[] {
  const problems: string[] = [];
  if (status !== 0) problems.push(`exited ${status}`);
  if (written.join(',') !== 'edge.k8s.yaml') problems.push(`wrote [${written.join(', ')}], expected [edge.k8s.yaml]`);
  const expected = ['kubectl label nodes edge-a edgenode=true --overwrite', 'kubectl label nodes edge-b edgenode=true --overwrite'];
  if (stdout.trim() !== expected.join('\n')) problems.push(`printed ${JSON.stringify(stdout.trim())}, expected the label commands of edge-a and edge-b`);
  return problems;
}
