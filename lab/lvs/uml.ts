/**
 * Runs the LVS lab inside User-Mode Linux (Debian's `user-mode-linux` package: a Linux kernel with IP_VS that
 * runs as an ordinary process and uses the host's files as its root), for hosts whose kernel has no IP_VS.
 *
 * The guest gets node roots for the host-preparation script's `chroot`: the host's /usr and /etc plus a
 * /lib/modules holding a zstd-compressed copy of the UML kernel's modules (.ko.zst, as on Ubuntu 24.04 and
 * Arch), and a second one with ip_vs and its dependencies xz-compressed (.ko.xz, as on RHEL-likes), so the lab
 * also proves that ip_vs loads from both with the node's own modprobe.
 * Everything runs inside the UML instance and the namespaces it creates; results come back through a
 * second hostfs mount, the exit status through a file.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { run, track, trackTempDir } from '../core/sys';

/** Debian's installed user-mode-linux package. */
const DEBIAN_UML = { binary: '/usr/bin/linux.uml', modules: '/usr/lib/uml/modules' };
/** The pinned newer kernel lab/tools/uml.sh unpacks (bookworm's cannot start a process on hosts with AMX). */
const PINNED_UML_DIR = path.resolve(__dirname, '..', 'bin', 'uml');
const PINNED_UML = { binary: path.join(PINNED_UML_DIR, 'linux.uml'), modules: path.join(PINNED_UML_DIR, 'modules') };
const UML_NICE = -19;

/** The UML kernel the lab boots: lab/tools/uml.sh's when it has run, else Debian's package. */
export function umlKernel(): { readonly binary: string; readonly modules: string } {
  return fs.existsSync(PINNED_UML.binary) ? PINNED_UML : DEBIAN_UML;
}

export interface UmlAvailability {
  readonly available: boolean;
  readonly detail: string;
}

export function umlAvailable(): UmlAvailability {
  const { binary, modules } = umlKernel();
  if (!fs.existsSync(binary))
    return { available: false, detail: `${binary} missing (lab/tools/uml.sh, or apt-get install user-mode-linux)` };
  const versions = fs.existsSync(modules) ? fs.readdirSync(modules) : [];
  if (versions.length !== 1) return { available: false, detail: `expected one kernel under ${modules}, found ${versions.length}` };
  for (const tool of ['/usr/bin/zstd', '/usr/bin/xz', '/usr/sbin/depmod', '/usr/sbin/modprobe', '/usr/bin/kmod']) {
    if (!fs.existsSync(tool)) return { available: false, detail: `${tool} missing (apt-get install zstd xz-utils kmod)` };
  }
  return { available: true, detail: `User-Mode Linux ${versions[0]} (${binary})` };
}

/** A copy of the UML kernel's modules with every .ko compressed with zstd, and its modules.dep. */
function compressedModules(scratch: string, modules: string, version: string): string {
  const base = path.join(scratch, 'modules');
  const dir = path.join(base, 'lib', 'modules', version);
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(modules, version), dir, { recursive: true, dereference: true });
  const kos: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.ko')) kos.push(path.join(d, e.name));
    }
  };
  walk(dir);
  for (let i = 0; i < kos.length; i += 200) run('/usr/bin/zstd', ['-q', '--rm', ...kos.slice(i, i + 200)]);
  run('/usr/sbin/depmod', ['-b', base, version]);
  return base;
}

/**
 * A module tree holding only what `modprobe ip_vs` and `modprobe ip_vs_mh` load, compressed with xz (.ko.xz, as on
 * RHEL-likes; crc32 checks, which the kernel's own xz decompressor also accepts), and its modules.dep.
 */
function xzModules(scratch: string, modules: string, version: string): string {
  const plain = path.join(scratch, 'plain');
  fs.mkdirSync(path.join(plain, 'lib', 'modules'), { recursive: true });
  fs.symlinkSync(path.join(modules, version), path.join(plain, 'lib', 'modules', version));
  const tree = path.join(plain, 'lib', 'modules', version);
  const files = new Set<string>();
  for (const m of ['ip_vs', 'ip_vs_mh']) {
    for (const line of run('/usr/sbin/modprobe', ['-d', plain, '-S', version, '--show-depends', m]).stdout.split('\n')) {
      const f = /^insmod (\S+)/.exec(line)?.[1];
      if (f) files.add(path.relative(tree, f));
    }
  }
  const base = path.join(scratch, 'modules-xz');
  const dir = path.join(base, 'lib', 'modules', version);
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(path.join(tree, rel), path.join(dir, rel));
  }
  for (const f of fs.readdirSync(tree).filter((n) => /^modules\.(order|builtin(\.modinfo)?)$/.test(n)))
    fs.copyFileSync(path.join(tree, f), path.join(dir, f));
  run('/usr/bin/xz', ['-q', '--check=crc32', ...[...files].map((rel) => path.join(dir, rel))]);
  run('/usr/sbin/depmod', ['-b', base, version]);
  return base;
}

function guestInit(opts: { modules: string; xzModules: string; version: string; out: string; repo: string; labArgs: string[] }): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const lab = [
    process.execPath,
    '-r',
    require.resolve('@swc-node/register'),
    path.join(__dirname, 'lvs-lab.ts'),
    ...opts.labArgs,
    '--out',
    '/tmp/out',
    '--host-root',
    '/tmp/noderoot',
    '--module-roots',
    'xz=/tmp/noderoot-xz,zst=/tmp/noderoot',
  ];
  return `#!/bin/sh
# PID 1 of the UML guest (generated by lab/lvs/uml.ts).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
mount -t proc proc /proc; mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp; mount -t tmpfs tmpfs /run; mkdir -p /run/netns
mount -t devtmpfs dev /dev 2>/dev/null || mount -t tmpfs tmpfs /dev
# Without devtmpfs /dev is empty: child processes with ignored stdio need /dev/null.
[ -e /dev/null ] || mknod -m 666 /dev/null c 1 3
[ -e /dev/zero ] || mknod -m 666 /dev/zero c 1 5
[ -e /dev/urandom ] || mknod -m 444 /dev/urandom c 1 9
mkdir -p /tmp/out && mount -t hostfs none /tmp/out -o ${q(opts.out)}
# A checkout under /tmp (hidden by the tmpfs above) is mounted back from the host.
case ${q(opts.repo)} in /tmp/*) mkdir -p ${q(opts.repo)} && mount -t hostfs none ${q(opts.repo)} -o ${q(opts.repo)} ;; esac
ip link set lo up
# The lab topology needs bridge and veth; ip_vs is left to the nodes' host-preparation script.
for m in bridge veth; do modprobe -d ${q(opts.modules)} "$m"; done
# Node OS roots seen by the host-preparation script's chroot: /usr, /etc and compressed modules
# (noderoot: every module as .ko.zst; noderoot-xz: ip_vs and its dependencies as .ko.xz).
noderoot() {
  R=$1
  mkdir -p $R && mount -t tmpfs tmpfs $R && mkdir -p $R/usr $R/etc $R/lib/modules/${opts.version} $R/proc $R/sys $R/dev
  mount --bind /usr $R/usr && mount --bind /etc $R/etc
  ln -s usr/bin $R/bin; ln -s usr/sbin $R/sbin; ln -s usr/lib64 $R/lib64; ln -s ../usr/lib/x86_64-linux-gnu $R/lib/x86_64-linux-gnu
  mount --bind "$2/lib/modules/${opts.version}" $R/lib/modules/${opts.version}
}
noderoot /tmp/noderoot ${q(opts.modules)}
noderoot /tmp/noderoot-xz ${q(opts.xzModules)}
cd ${q(opts.repo)}
${lab.map(q).join(' ')}
echo $? > /tmp/out/exit-code
sync
halt -f || poweroff -f
`;
}

/**
 * Boots UML, runs lvs-lab.ts inside with `labArgs`, streams its output, and returns its exit code
 * (2 when the guest did not report one).
 */
export async function runLvsLabInUml(labArgs: string[], out: string, scratchRoot: string, timeoutS: number): Promise<number> {
  const kernel = umlKernel();
  const version = fs.readdirSync(kernel.modules)[0];
  // Not under /tmp: the guest mounts a tmpfs there.
  const scratch = fs.mkdtempSync(path.join(scratchRoot, 'uml-'));
  trackTempDir(scratch);
  fs.mkdirSync(out, { recursive: true });
  fs.rmSync(path.join(out, 'exit-code'), { force: true });
  const modules = compressedModules(scratch, kernel.modules, version);
  const xz = xzModules(scratch, kernel.modules, version);
  const init = path.join(scratch, 'init.sh');
  fs.writeFileSync(
    init,
    guestInit({ modules, xzModules: xz, version, out: path.resolve(out), repo: path.resolve(__dirname, '..', '..'), labArgs }),
    { mode: 0o755 },
  );
  // The guest has one CPU for keepalived, its check scripts, the stand-ins and the client; other work on the
  // host must not starve it (that would show up as check-script timeouts, i.e. lab faults), hence nice -19.
  const child = spawn(
    'nice',
    [
      '-n',
      String(UML_NICE),
      kernel.binary,
      'mem=3G',
      'root=/dev/root',
      'rootfstype=hostfs',
      'rootflags=/',
      'ro',
      'quiet',
      `init=${init}`,
      'con=null',
      'con0=fd:0,fd:1',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  track(child, true);
  let fpRegsFailed = false;
  const relay = (l: string): void => {
    if (l.includes('ptrace set fp regs failed')) fpRegsFailed = true;
    // Keep the lab's own lines; drop the kernel's boot chatter.
    if (process.env.LAB_UML_VERBOSE || /^\[lvs |lvs lab|^lab|^\s+at /.test(l) || /error|fail/i.test(l)) process.stdout.write(`${l}\n`);
  };
  readline.createInterface({ input: child.stdout! }).on('line', relay);
  readline.createInterface({ input: child.stderr! }).on('line', relay);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const timer = setTimeout(() => {
    process.stdout.write(`lab: UML guest still running after ${timeoutS} s, stopping it\n`);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, timeoutS * 1000);
  await exited;
  clearTimeout(timer);
  // The compressed module copy is large; remove it now rather than only on the lab's exit handler.
  fs.rmSync(scratch, { recursive: true, force: true });
  const codeFile = path.join(out, 'exit-code');
  const code = fs.existsSync(codeFile) ? Number(fs.readFileSync(codeFile, 'utf8').trim()) : 2;
  if (fpRegsFailed)
    process.stdout.write(
      `lab: ${kernel.binary} cannot run processes on this CPU (its FP-state buffer is smaller than the host's XSTATE, ` +
        'as with AMX): run lab/tools/uml.sh for the pinned newer kernel\n',
    );
  fs.rmSync(codeFile, { force: true });
  return Number.isInteger(code) ? code : 2;
}

/** CLI: node -r @swc-node/register lab/lvs/uml.ts <out> [lvs-lab args...] (for running the LVS part alone). */
if (require.main === module) {
  const [out, ...labArgs] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: uml.ts <out dir> [lvs-lab args...]\n');
    process.exit(2);
  }
  const a = umlAvailable();
  if (!a.available) {
    process.stderr.write(`lab: cannot run UML: ${a.detail}\n`);
    process.exit(2);
  }
  runLvsLabInUml(labArgs, path.resolve(out), '/var/tmp', 3600).then(
    (c) => process.exit(c),
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(2);
    },
  );
}
