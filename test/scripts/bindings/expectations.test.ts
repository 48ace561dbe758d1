import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { badInputProblems, synthProblems } from '../../../scripts/bindings/expectations';

let dir: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-expect-'));
  write('dist/edge-ingress.k8s.yaml', 'kind: A\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('synthProblems', () => {
  test('identical names and bytes pass', () => {
    write('out/edge-ingress.k8s.yaml', 'kind: A\n');
    expect(synthProblems(path.join(dir, 'dist'), path.join(dir, 'out'))).toEqual([]);
  });

  test('a byte of difference, another file name or no output at all fail', () => {
    write('out/edge-ingress.k8s.yaml', 'kind: A\r\n');
    write('out/0000-edge-ingress.k8s.yaml', 'kind: A\n');
    expect(synthProblems(path.join(dir, 'dist'), path.join(dir, 'out'))).toEqual([
      'differs edge-ingress.k8s.yaml',
      'extra 0000-edge-ingress.k8s.yaml',
    ]);
    expect(synthProblems(path.join(dir, 'dist'), path.join(dir, 'none'))).toEqual(['wrote no manifests']);
  });
});

describe('badInputProblems', () => {
  const message = 'virtualIp "172.20.0.999" is not a valid IP address';

  test('a failed run that shows the TypeScript message and wrote nothing passes', () => {
    const output = `Traceback (most recent call last):\nRuntimeError: ${message}\n`;
    expect(badInputProblems({ status: 1, output }, path.join(dir, 'bad'), message)).toEqual([]);
  });

  test('success, another message, or written manifests each fail', () => {
    write('bad/edge-ingress.k8s.yaml', 'kind: A\n');
    const problems = badInputProblems({ status: 0, output: 'panic: virtualIp is wrong' }, path.join(dir, 'bad'), message);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('exited 0');
    expect(problems[1]).toMatch(/^its output lacks the TypeScript message/);
    expect(problems[2]).toBe('wrote edge-ingress.k8s.yaml');
  });
});
