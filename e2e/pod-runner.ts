/**
 * Runs one container of a real pod object (read from the API server) on its node's network namespace the way a
 * kubelet would: the env with downward-API, ConfigMap and Secret references and the Service variables, `$(VAR)`
 * expanded in command and args, every volume materialized (ConfigMaps, Secrets and the projected service-account
 * token from the TokenRequest API in the kubelet's `..data` layout) and mounted at its mountPath, the security
 * context's capabilities, no_new_privs and read-only root.
 *
 * Stand-in for the container image (until real images and containerd run here): the root file system is a
 * copy-on-write overlay of this machine's own root, with the image's binary added (IMAGES below). The process
 * gets fresh /proc, /sys (the node's network view) and /dev, in a private mount namespace.
 */
import { expandVars } from '../lab/core/kubelet-expansion';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { track } from '../lab/core/sys';
import { BIN_DIR } from './control-plane';
import { ExecResult } from './exec';

/** What the pod runner needs of a cluster: its API (as the administrator) and each node's network namespace. */
export interface PodHost {
  kubectl(args: readonly string[], opts?: { input?: string; timeoutMs?: number; allowFail?: boolean }): ExecResult;
  getJson<T = any>(args: readonly string[]): T;
  ns(node: string): string;
}

/** What the image stand-in adds to the root file system, and the image's entrypoint and cmd. */
export interface ImageStandIn {
  readonly files: Record<string, string>;
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
}

/** Matches an image reference to its stand-in, by repository. */
export function imageStandIn(image: string): ImageStandIn {
  const repo = image.replace(/[@:][^/]*$/, '');
  if (/(^|\/)traefik$/.test(repo)) {
    // The official image's entrypoint runs `traefik "$@"` when the first argument is a flag.
    return { files: { '/usr/local/bin/traefik': path.join(BIN_DIR, 'traefik') }, entrypoint: ['/usr/local/bin/traefik'] };
  }
  if (/keepalived$/.test(repo)) {
    // Debian's keepalived, ipvsadm and iproute2 from the host root.
    return { files: {}, entrypoint: ['/usr/sbin/keepalived'], cmd: ['--dont-fork', '--log-console'] };
  }
  throw new Error(`no image stand-in for ${image}`);
}

/** containerd's default capability set for a non-privileged container. */
const DEFAULT_CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
];

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The environment a kubelet gives a container, in its order: Service variables, then env (which may refer back). */
export function serviceEnv(services: any[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None' || !svc.spec.ports?.length) continue;
    const name = svc.metadata.name.toUpperCase().replace(/-/g, '_');
    const first = svc.spec.ports[0];
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(first.port);
    for (const p of svc.spec.ports) {
      if (p.name) env[`${name}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`] = String(p.port);
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${proto}://${ip}:${p.port}`;
      const key = `${name}_PORT_${p.port}_${proto.toUpperCase()}`;
      env[key] = url;
      env[`${key}_PROTO`] = proto;
      env[`${key}_PORT`] = String(p.port);
      env[`${key}_ADDR`] = ip;
    }
    env[`${name}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`;
  }
  return env;
}

export interface RunningContainer {
  readonly pod: string;
  readonly container: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The container's log so far. */
  log(): string;
  /** SIGTERM, then SIGKILL after the pod's grace period (or `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface RunOptions {
  /** The node's address (status.hostIP and, with hostNetwork, status.podIP). */
  readonly nodeAddress: string;
  readonly workDir: string;
}

/** Writes `files` into `dir` as the kubelet's atomic writer does: `..data` -> a timestamped folder, keys linked to it. */
export function writeAtomicDir(dir: string, files: Record<string, { data: Buffer; mode?: number }>): void {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.hrtime.bigint() % 1000000n}`;
  const target = path.join(dir, stamp);
  for (const [rel, f] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(target, rel)), { recursive: true });
    fs.writeFileSync(path.join(target, rel), f.data, { mode: f.mode ?? 0o644 });
  }
  const tmpLink = path.join(dir, '..data_tmp');
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(stamp, tmpLink);
  const previous = fs.existsSync(path.join(dir, '..data')) ? fs.readlinkSync(path.join(dir, '..data')) : undefined;
  fs.renameSync(tmpLink, path.join(dir, '..data'));
  for (const rel of Object.keys(files)) {
    const top = rel.split('/')[0];
    const link = path.join(dir, top);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join('..data', top), link);
  }
  if (previous) fs.rmSync(path.join(dir, previous), { recursive: true, force: true });
}

function keyed(
  data: Record<string, string> | undefined,
  items: any[] | undefined,
  decode: boolean,
  defaultMode?: number,
): Record<string, { data: Buffer; mode?: number }> {
  const out: Record<string, { data: Buffer; mode?: number }> = {};
  const buf = (v: string): Buffer => (decode ? Buffer.from(v, 'base64') : Buffer.from(v));
  if (items?.length) {
    for (const it of items) {
      if (data?.[it.key] !== undefined) out[it.path] = { data: buf(data[it.key]), mode: it.mode ?? defaultMode };
    }
  } else {
    for (const [k, v] of Object.entries(data ?? {})) out[k] = { data: buf(v), mode: defaultMode };
  }
  return out;
}

/**
 * `p` with its symlinks resolved inside the image (the host root, see above), as a runtime resolves a mountPath:
 * /var/run/secrets must land on the image's /run, not on the host's.
 */
export function resolveInImage(p: string, hostRoot = '/'): string {
  const parts = p.split('/').filter(Boolean);
  let resolved = '';
  for (let i = 0, hops = 0; i < parts.length; i++) {
    const next = `${resolved}/${parts[i]}`;
    let link: string | undefined;
    try {
      link = fs.lstatSync(path.join(hostRoot, next)).isSymbolicLink() ? fs.readlinkSync(path.join(hostRoot, next)) : undefined;
    } catch {
      link = undefined; // does not exist in the image: created there as a directory
    }
    if (link === undefined) {
      resolved = next;
      continue;
    }
    if (++hops > 40) throw new Error(`too many symlinks in ${p}`);
    const rest = parts.slice(i + 1);
    const target = link.startsWith('/') ? link : path.posix.join(resolved || '/', link);
    return resolveInImage([path.posix.normalize(target), ...rest].join('/'), hostRoot);
  }
  return resolved || '/';
}

/** Runs `containerName` of `pod` on its node; resolves once the process is started. */
export function runContainer(cluster: PodHost, pod: any, containerName: string, opts: RunOptions): RunningContainer {
  const spec = pod.spec;
  const ns = pod.metadata.namespace;
  const container = [...(spec.initContainers ?? []), ...spec.containers].find((c: any) => c.name === containerName);
  if (!container) throw new Error(`pod ${pod.metadata.name} has no container ${containerName}`);
  if (!spec.nodeName) throw new Error(`pod ${pod.metadata.name} is not bound to a node`);
  const podDir = path.join(opts.workDir, 'pods', `${pod.metadata.name}-${containerName}`);
  fs.rmSync(podDir, { recursive: true, force: true });
  fs.mkdirSync(podDir, { recursive: true });

  // --- env
  const podIp = spec.hostNetwork ? opts.nodeAddress : undefined;
  const field = (p: string): string => {
    const values: Record<string, string | undefined> = {
      'metadata.name': pod.metadata.name,
      'metadata.namespace': ns,
      'metadata.uid': pod.metadata.uid,
      'spec.nodeName': spec.nodeName,
      'spec.serviceAccountName': spec.serviceAccountName,
      'status.hostIP': opts.nodeAddress,
      'status.podIP': podIp,
    };
    const v = values[p];
    if (v === undefined) throw new Error(`fieldRef ${p} is not supported by the e2e pod runner`);
    return v;
  };
  // Every pod gets the `kubernetes` Service's variables; with service links, also those of its namespace's Services.
  const services = new Map<string, any>([['default/kubernetes', cluster.getJson(['-n', 'default', 'service', 'kubernetes'])]]);
  if (spec.enableServiceLinks !== false) {
    for (const s of cluster.getJson(['-n', ns, 'services']).items) services.set(`${ns}/${s.metadata.name}`, s);
  }
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: spec.nodeName,
    ...serviceEnv([...services.values()]),
  };
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const obj = cluster.getJson(['-n', ns, from.configMapRef ? 'configmap' : 'secret', ref.name]);
    for (const [k, v] of Object.entries<string>(obj.data ?? {})) {
      env[`${from.prefix ?? ''}${k}`] = from.secretRef ? Buffer.from(v, 'base64').toString() : v;
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expandVars(e.value, env);
    else if (e.valueFrom?.fieldRef) env[e.name] = field(e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.configMapKeyRef) {
      env[e.name] = cluster.getJson(['-n', ns, 'configmap', e.valueFrom.configMapKeyRef.name]).data[e.valueFrom.configMapKeyRef.key];
    } else if (e.valueFrom?.secretKeyRef) {
      const s = cluster.getJson(['-n', ns, 'secret', e.valueFrom.secretKeyRef.name]);
      env[e.name] = Buffer.from(s.data[e.valueFrom.secretKeyRef.key], 'base64').toString();
    } else {
      throw new Error(`env ${e.name}: this valueFrom is not supported by the e2e pod runner`);
    }
  }

  // --- volumes
  const volumeDir = (name: string): string => path.join(podDir, 'volumes', name);
  const sources = new Map<string, string>();
  for (const v of spec.volumes ?? []) {
    const dir = volumeDir(v.name);
    if (v.emptyDir) fs.mkdirSync(dir, { recursive: true });
    else if (v.hostPath) {
      sources.set(v.name, v.hostPath.path);
      continue;
    } else if (v.configMap) {
      const cm = cluster.getJson(['-n', ns, 'configmap', v.configMap.name]);
      writeAtomicDir(dir, keyed(cm.data, v.configMap.items, false, v.configMap.defaultMode));
    } else if (v.secret) {
      const s = cluster.getJson(['-n', ns, 'secret', v.secret.secretName]);
      writeAtomicDir(dir, keyed(s.data, v.secret.items, true, v.secret.defaultMode));
    } else if (v.projected) {
      const files: Record<string, { data: Buffer; mode?: number }> = {};
      for (const src of v.projected.sources) {
        if (src.serviceAccountToken) {
          const token = cluster
            .kubectl([
              '-n',
              ns,
              'create',
              'token',
              spec.serviceAccountName ?? 'default',
              '--bound-object-kind',
              'Pod',
              '--bound-object-name',
              pod.metadata.name,
              '--bound-object-uid',
              pod.metadata.uid,
              '--duration',
              `${src.serviceAccountToken.expirationSeconds ?? 3607}s`,
              ...(src.serviceAccountToken.audience ? ['--audience', src.serviceAccountToken.audience] : []),
            ])
            .stdout.trim();
          files[src.serviceAccountToken.path] = { data: Buffer.from(token), mode: 0o600 };
        } else if (src.configMap) {
          Object.assign(files, keyed(cluster.getJson(['-n', ns, 'configmap', src.configMap.name]).data, src.configMap.items, false));
        } else if (src.secret) {
          Object.assign(files, keyed(cluster.getJson(['-n', ns, 'secret', src.secret.name]).data, src.secret.items, true));
        } else if (src.downwardAPI) {
          for (const it of src.downwardAPI.items) files[it.path] = { data: Buffer.from(field(it.fieldRef.fieldPath)) };
        }
      }
      writeAtomicDir(dir, files);
    } else {
      throw new Error(`volume ${v.name}: this kind is not supported by the e2e pod runner`);
    }
    sources.set(v.name, dir);
  }

  // --- command
  const image = imageStandIn(container.image);
  const argv = [...(container.command ?? image.entrypoint), ...(container.args ?? (container.command ? [] : (image.cmd ?? [])))].map(
    (a: string) => expandVars(a, env),
  );

  // --- security context
  const sc = container.securityContext ?? {};
  const caps = sc.privileged
    ? null
    : [
        ...DEFAULT_CAPS.filter((c) => !(sc.capabilities?.drop ?? []).some((d: string) => d === 'ALL' || d === c)),
        ...(sc.capabilities?.add ?? []),
      ];
  const setpriv = ['/usr/bin/setpriv'];
  if (caps) setpriv.push(`--bounding-set=-all${caps.map((c) => `,+${c.toLowerCase()}`).join('')}`, '--inh-caps=-all');
  if (sc.allowPrivilegeEscalation === false) setpriv.push('--no-new-privs');
  const uid = sc.runAsUser ?? spec.securityContext?.runAsUser;
  const gid = sc.runAsGroup ?? spec.securityContext?.runAsGroup;
  if (uid !== undefined) setpriv.push(`--reuid=${uid}`);
  if (gid !== undefined) setpriv.push(`--regid=${gid}`, '--clear-groups');

  // --- the mount namespace: overlay root, volumes, then exec
  const root = path.join(podDir, 'root');
  const upper = path.join(podDir, 'overlay-upper');
  const work = path.join(podDir, 'overlay-work');
  for (const d of [root, upper, work]) fs.mkdirSync(d, { recursive: true });
  const q = shellQuote;
  // A host-network pod shares its node's UTS namespace (the node's hostname is its name); others get the pod's name.
  const hostname = spec.hostNetwork ? spec.nodeName : pod.metadata.name;
  const lines = [
    'set -e',
    `echo ${q(hostname)} > /proc/sys/kernel/hostname`,
    `mount -t overlay e2e-image -o lowerdir=/,upperdir=${q(upper)},workdir=${q(work)} ${q(root)}`,
  ];
  for (const [dest, src] of Object.entries(image.files)) {
    lines.push(`mkdir -p ${q(path.dirname(root + dest))}`, `cp ${q(src)} ${q(root + dest)}`);
  }
  lines.push(
    `mount -t proc proc ${q(root + '/proc')}`,
    `mount -t sysfs sysfs ${q(root + '/sys')}`,
    `mount --rbind /dev ${q(root + '/dev')}`,
    `mount -t tmpfs -o mode=755 run ${q(root + '/run')}`,
  );
  for (const m of container.volumeMounts ?? []) {
    const src = sources.get(m.name);
    if (!src) throw new Error(`volumeMount ${m.name} has no volume`);
    const from = m.subPath ? path.join(src, m.subPath) : src;
    const dest = root + resolveInImage(m.mountPath);
    lines.push(fs.statSync(from).isDirectory() ? `mkdir -p ${q(dest)}` : `mkdir -p ${q(path.dirname(dest))} && touch ${q(dest)}`);
    lines.push(`mount --rbind ${q(from)} ${q(dest)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${q(dest)}`);
  }
  if (sc.readOnlyRootFilesystem) lines.push(`mount -o remount,ro ${q(root)}`);
  lines.push(`cd ${q(root)}`, `exec /usr/sbin/chroot ${q(root)} ${setpriv.map(q).join(' ')} -- "$@"`);
  const script = lines.join('\n');
  fs.writeFileSync(path.join(podDir, 'start.sh'), `${script}\n# argv: ${JSON.stringify(argv)}\n`);

  const logFile = path.join(podDir, 'container.log');
  const log = fs.openSync(logFile, 'a');
  // nsenter keeps the node's mounts (ip netns exec would remount /sys); unshare gives the container its own.
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${cluster.ns(spec.nodeName)}`,
      '--',
      'unshare',
      '--mount',
      '--uts',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      script,
      'e2e-pod',
      ...argv,
    ],
    { stdio: ['ignore', log, log], env, detached: true, cwd: '/' },
  );
  fs.closeSync(log);
  track(child, true);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const grace = (spec.terminationGracePeriodSeconds ?? 30) * 1000;
  return {
    pod: pod.metadata.name,
    container: containerName,
    logFile,
    child,
    exited,
    log: () => fs.readFileSync(logFile, 'utf8'),
    async stop(graceMs = grace) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
