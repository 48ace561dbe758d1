/**
 * A node's cgroup root on a cgroup v1 host: the kubelet (cgroupDriver cgroupfs) creates kubepods below
 * `cgroupRoot` in every hierarchy, and refuses to start unless that root already exists. Each node gets its own
 * root, as kind gives each node container `/kubelet`.
 *
 * The roots sit below the harness's own memory cgroup, so the pods stay accounted where the harness is (a
 * session or container limit keeps applying); the same path is made in the other hierarchies because the kubelet
 * uses one path for all of them.
 */
import * as fs from 'fs';
import * as path from 'path';

export const CGROUP_MOUNT = '/sys/fs/cgroup';

/** A v1 hierarchy as mounted: its directory under /sys/fs/cgroup and its controllers. */
export interface Hierarchy {
  readonly dir: string;
  readonly controllers: readonly string[];
}

/** The cgroup v1 hierarchies in a /proc/self/mountinfo text (the v2 `unified` mount is not one of them). */
export function v1Hierarchies(mountinfo: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const [fstype, , superOptions] = post.split(' ');
    if (fstype !== 'cgroup') continue;
    const mountPoint = pre.split(' ')[4];
    const controllers = superOptions.split(',').filter((o) => !['rw', 'ro'].includes(o) && !o.includes('='));
    const named = superOptions.split(',').find((o) => o.startsWith('name='));
    out.push({ dir: mountPoint, controllers: named ? [...controllers, named] : controllers });
  }
  return out;
}

/** The controllers the kubelet refuses to start without (its validateSystemRequirements). */
export const KUBELET_REQUIRED_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory'] as const;

export function missingControllers(hierarchies: readonly Hierarchy[]): string[] {
  const have = new Set(hierarchies.flatMap((h) => h.controllers));
  return KUBELET_REQUIRED_CONTROLLERS.filter((c) => !have.has(c));
}

/** The path of a process's cgroup in the hierarchy holding `controller`, from a /proc/<pid>/cgroup text. */
export function ownCgroup(procCgroup: string, controller: string): string | undefined {
  for (const line of procCgroup.split('\n')) {
    const [, list, cgPath] = line.split(':');
    if (list !== undefined && list.split(',').includes(controller)) return cgPath;
  }
  return undefined;
}

/** The cgroup root for a node named `leaf`, below the harness's memory cgroup. */
export function nodeCgroupRoot(procCgroup: string, leaf: string): string {
  return path.posix.join(ownCgroup(procCgroup, 'memory') ?? '/', leaf);
}

function hierarchies(): Hierarchy[] {
  return v1Hierarchies(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
}

/**
 * Creates `root` in every v1 hierarchy and returns the directories it created (to remove, deepest first). A new
 * cpuset cgroup starts with no CPUs and no memory nodes; each level copies its parent's, or the first process
 * put there fails with ENOSPC.
 */
export function createCgroupRoot(root: string): string[] {
  const created: string[] = [];
  for (const h of hierarchies()) {
    let dir = h.dir;
    for (const part of root.split('/').filter(Boolean)) {
      const parent = dir;
      dir = path.join(dir, part);
      if (fs.existsSync(dir)) continue;
      fs.mkdirSync(dir);
      created.push(dir);
      if (h.controllers.includes('cpuset')) {
        for (const f of ['cpuset.cpus', 'cpuset.mems']) fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(parent, f)));
      }
    }
  }
  return created;
}

/** Every cgroup directory at and below `dir`, deepest first. */
function treeDeepestFirst(dir: string): string[] {
  let out: string[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const e of entries) if (e.isDirectory()) out = out.concat(treeDeepestFirst(path.join(dir, e.name)));
  out.push(dir);
  return out;
}

/** The processes in `root` or below it, in any hierarchy. */
export function cgroupPids(root: string): number[] {
  const pids = new Set<number>();
  for (const h of hierarchies()) {
    for (const dir of treeDeepestFirst(path.join(h.dir, root))) {
      try {
        for (const p of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) pids.add(Number(p));
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return [...pids];
}

/**
 * Removes `root` and everything below it from every hierarchy, plus the parents `created` lists. The caller has
 * killed the processes in it; a cgroup still holding one stays, and is named in the returned list.
 */
export function removeCgroupRoot(root: string, created: readonly string[]): string[] {
  const left: string[] = [];
  const remove = (dir: string, mine: boolean): void => {
    try {
      fs.rmdirSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A parent we created may hold another run's cgroup by now: that one is not ours to report.
      if (code !== 'ENOENT' && (mine || code !== 'EBUSY')) left.push(`${dir} (${code})`);
    }
  };
  for (const h of hierarchies()) for (const dir of treeDeepestFirst(path.join(h.dir, root))) remove(dir, true);
  for (const dir of [...created].reverse()) remove(dir, false);
  return left;
}
