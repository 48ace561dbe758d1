import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appletPaths, lddPaths, resolveInTree } from '../../../e2e/images/busybox-keepalived';

test('lddPaths: every library and the loader, by the path the tree resolves', () => {
  const out = [
    '\tlinux-vdso.so.1 (0x00007ffd6c1f0000)',
    '\tlibpopt.so.0 => /lib/x86_64-linux-gnu/libpopt.so.0 (0x00007f75ce6b0000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f75ce4a4000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f75ce6df000)',
  ].join('\n');
  expect(lddPaths(out, '/usr/sbin/ipvsadm')).toEqual([
    '/lib/x86_64-linux-gnu/libpopt.so.0',
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib64/ld-linux-x86-64.so.2',
  ]);
});

test('lddPaths: a library the tree lacks is an error naming it and the program', () => {
  expect(() => lddPaths('\tlibnl-3.so.200 => not found\n', '/usr/sbin/keepalived')).toThrow(
    '/usr/sbin/keepalived: libnl-3.so.200 not found in the Debian root file system',
  );
});

test('appletPaths: the applets at their own paths, without busybox itself and root entries', () => {
  expect(appletPaths('usr/bin/[\nbin/busybox\nbin/sh\nlinuxrc\nusr/bin/wget\n')).toEqual(['usr/bin/[', 'bin/sh', 'usr/bin/wget']);
});

describe('resolveInTree', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-'));
    fs.mkdirSync(path.join(root, 'usr', 'lib', 'x86_64-linux-gnu'), { recursive: true });
    fs.writeFileSync(path.join(root, 'usr', 'lib', 'x86_64-linux-gnu', 'ld-linux-x86-64.so.2'), '');
    fs.writeFileSync(path.join(root, 'usr', 'lib', 'x86_64-linux-gnu', 'libc.so.6'), '');
    fs.mkdirSync(path.join(root, 'usr', 'lib64'));
    // Debian's merged /usr: relative links at the top, an absolute one for the loader.
    fs.symlinkSync('usr/lib', path.join(root, 'lib'));
    fs.symlinkSync('usr/lib64', path.join(root, 'lib64'));
    fs.symlinkSync('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', path.join(root, 'usr', 'lib64', 'ld-linux-x86-64.so.2'));
    fs.symlinkSync('../lib/../lib/x86_64-linux-gnu/libc.so.6', path.join(root, 'usr', 'lib64', 'libc-rel'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('follows relative and absolute links inside the tree, never out of it', () => {
    expect(resolveInTree(root, '/lib64/ld-linux-x86-64.so.2')).toBe(path.join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'));
    expect(resolveInTree(root, '/lib/x86_64-linux-gnu/libc.so.6')).toBe(path.join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(resolveInTree(root, '/lib64/libc-rel')).toBe(path.join(root, 'usr/lib/x86_64-linux-gnu/libc.so.6'));
    expect(resolveInTree(root, '/../../lib64/ld-linux-x86-64.so.2')).toBe(path.join(root, 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'));
  });

  test('a link loop is an error naming the file', () => {
    fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
    expect(() => resolveInTree(root, '/loop-a')).toThrow(`/loop-a: too many links in ${root}`);
  });
});
