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

/**
 * Every cgroup tree the kubelet and runc write to: the v1 hierarchies and, on a hybrid host, the v2 mount beside
 * them (runc mirrors each container's cgroup there, so a node's root has to be made and removed there too).
 */
export function cgroupTrees(mountinfo: string): Hierarchy[] {
  const v2 = mountinfo
    .split('\n')
    .map((line) => line.split(' - '))
    .filter(([pre, post]) => post?.split(' ')[0] === 'cgroup2' && pre)
    .map(([pre]) => ({ dir: pre.split(' ')[4], controllers: [] as string[] }));
  return [...v1Hierarchies(mountinfo), ...v2];
}

function hierarchies(): Hierarchy[] {
  return cgroupTrees(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
}

/**
 * Parents of node roots this process created, deepest last. Nodes share them (e.g. the harness's own cgroup
 * mirrored into the cpu hierarchy), so they are removed once the last root below them is gone.
 */
const createdParents: string[] = [];

/**
 * Creates `root` in every cgroup tree. A new cpuset cgroup starts with no CPUs and no memory nodes; each level
 * copies its parent's, or the first process put there fails with ENOSPC.
 */
export function createCgroupRoot(root: string): void {
  const leaf = root.split('/').filter(Boolean).length;
  for (const h of hierarchies()) {
    let dir = h.dir;
    root
      .split('/')
      .filter(Boolean)
      .forEach((part, i) => {
        const parent = dir;
        dir = path.join(dir, part);
        if (fs.existsSync(dir)) return;
        fs.mkdirSync(dir);
        if (i < leaf - 1) createdParents.push(dir);
        if (h.controllers.includes('cpuset')) {
          for (const f of ['cpuset.cpus', 'cpuset.mems']) fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(parent, f)));
        }
      });
  }
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

/** The processes in `root` or below it, in any tree. */
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
 * Removes `root` and everything below it from every tree, then the parents this process created that no other
 * root needs any more. The caller has killed the processes in it; a cgroup still holding one stays, and is named
 * in the returned list.
 */
export function removeCgroupRoot(root: string): string[] {
  const left: string[] = [];
  for (const h of hierarchies()) {
    for (const dir of treeDeepestFirst(path.join(h.dir, root))) {
      try {
        fs.rmdirSync(dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') left.push(`${dir} (${code})`);
      }
    }
  }
  for (let i = createdParents.length - 1; i >= 0; i--) {
    try {
      fs.rmdirSync(createdParents[i]);
      createdParents.splice(i, 1);
    } catch (e) {
      // Still holding another node's root: the last node's removal takes it.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') createdParents.splice(i, 1);
    }
  }
  return left;
}

/** The trees in which `root` still exists (none after removeCgroupRoot succeeded). */
export function existingCgroups(root: string): string[] {
  return hierarchies()
    .map((h) => path.join(h.dir, root))
    .filter((d) => fs.existsSync(d));
}

/** Parents this process created and could not remove yet (none once every node is stopped). */
export function parentsLeft(): string[] {
  return [...createdParents];
}
