import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BACKEND_CGI, backendReference, busyboxVersion, isStaticElf } from '../../../e2e/images/backend';
import { normalizeReference } from '../../../e2e/images/reference';

test("busyboxVersion reads the version from busybox's banner", () => {
  expect(busyboxVersion('BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\nBusyBox is copyrighted')).toBe('1.35.0');
  expect(() => busyboxVersion('sh: busybox: not found\n')).toThrow('/bin/busybox: no version in its banner "sh: busybox: not found"');
});

test('the reference is importable offline: a registry, a versioned tag', () => {
  expect(normalizeReference(backendReference('1.35.0'))).toEqual({
    repository: 'localhost/e2e-backend',
    tag: 'busybox-1.35.0',
    name: 'localhost/e2e-backend:busybox-1.35.0',
  });
});

describe('isStaticElf', () => {
  /** An ELF64 header with program headers of the given types. */
  const elf = (...types: number[]): Buffer => {
    const b = Buffer.alloc(64 + 56 * types.length);
    b.writeUInt32BE(0x7f454c46, 0);
    b[4] = 2;
    b.writeBigUInt64LE(64n, 0x20);
    b.writeUInt16LE(56, 0x36);
    b.writeUInt16LE(types.length, 0x38);
    types.forEach((t, i) => b.writeUInt32LE(t, 64 + 56 * i));
    return b;
  };
  test('a program interpreter (PT_INTERP, 3) means dynamically linked', () => {
    expect(isStaticElf(elf(6, 3, 1))).toBe(false);
    expect(isStaticElf(elf(1, 1, 4))).toBe(true);
  });
  test('not an ELF64 file is an error', () => {
    expect(() => isStaticElf(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(64)))).toThrow('not an ELF64 file');
  });
  test("this machine's node binary is dynamically linked", () => {
    expect(isStaticElf(fs.readFileSync(process.execPath))).toBe(false);
  });
});

// The CGI script run by a real shell with the variables httpd and the pod give it.
const sh = spawnSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).status === 0;
(sh && process.platform === 'linux' ? test : test.skip)('the CGI script prints a header, a blank line and the key=value answer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-cgi-'));
  try {
    // `busybox hostname` inside the image; a stand-in here.
    fs.writeFileSync(path.join(dir, 'busybox'), '#!/bin/sh\necho pod-host\n', { mode: 0o755 });
    const r = spawnSync('sh', ['-c', BACKEND_CGI], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        POD_NAME: 'backend-1',
        NODE_NAME: 'worker-1',
        POD_IP: '10.244.3.4',
        REMOTE_ADDR: '172.20.0.113',
        HTTP_X_FORWARDED_FOR: '172.20.0.198',
        REQUEST_METHOD: 'GET',
        REQUEST_URI: '/',
      },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'Content-Type: text/plain\r\n\r\nbackend=e2e-kubelet\npod=backend-1\nhostname=pod-host\nnode=worker-1\npod-ip=10.244.3.4\n' +
        'remote-addr=172.20.0.113\nx-forwarded-for=172.20.0.198\nrequest=GET /\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
