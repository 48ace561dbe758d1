import { cgroupTrees, missingControllers, nodeCgroupRoot, ownCgroup, v1Hierarchies } from '../../../e2e/kubelet/cgroups';

// Shaped as this project's CI machine has it: cgroup v1, cpu and cpuacct in hierarchies of their own, a named
// systemd hierarchy without systemd, and the v2 `unified` mount beside them.
const MOUNTINFO = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '33 30 0:29 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset',
  '34 30 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '35 30 0:31 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
  '36 30 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '37 30 0:33 / /sys/fs/cgroup/net_cls,net_prio rw,relatime - cgroup cgroup rw,net_cls,net_prio',
].join('\n');

const PROC_CGROUP = ['9:name=systemd:/', '4:memory:/process_api/abc', '3:cpuset:/', '2:cpuacct:/', '1:cpu:/', '0::/'].join('\n');

test('v1Hierarchies lists the cgroup v1 mounts with their controllers, not cgroup2 or other file systems', () => {
  expect(v1Hierarchies(MOUNTINFO)).toEqual([
    { dir: '/sys/fs/cgroup/cpu', controllers: ['cpu'] },
    { dir: '/sys/fs/cgroup/cpuacct', controllers: ['cpuacct'] },
    { dir: '/sys/fs/cgroup/cpuset', controllers: ['cpuset'] },
    { dir: '/sys/fs/cgroup/memory', controllers: ['memory'] },
    { dir: '/sys/fs/cgroup/systemd', controllers: ['name=systemd'] },
    { dir: '/sys/fs/cgroup/net_cls,net_prio', controllers: ['net_cls', 'net_prio'] },
  ]);
});

test('missingControllers names what the kubelet requires and the host lacks', () => {
  expect(missingControllers(v1Hierarchies(MOUNTINFO))).toEqual([]);
  const withoutCpuacct = MOUNTINFO.split('\n')
    .filter((l) => !l.includes('cpuacct'))
    .join('\n');
  expect(missingControllers(v1Hierarchies(withoutCpuacct))).toEqual(['cpuacct']);
});

test('ownCgroup reads the path of the hierarchy holding a controller', () => {
  expect(ownCgroup(PROC_CGROUP, 'memory')).toBe('/process_api/abc');
  expect(ownCgroup(PROC_CGROUP, 'cpu')).toBe('/');
  expect(ownCgroup(PROC_CGROUP, 'hugetlb')).toBeUndefined();
});

test("a node's cgroup root is below the harness's memory cgroup, or below / where it has none", () => {
  expect(nodeCgroupRoot(PROC_CGROUP, 'edgelab-1-n0')).toBe('/process_api/abc/edgelab-1-n0');
  expect(nodeCgroupRoot('1:cpu:/\n', 'edgelab-1-n0')).toBe('/edgelab-1-n0');
});

test('cgroupTrees adds the v2 mount of a hybrid host to the v1 hierarchies (runc mirrors cgroups there)', () => {
  const trees = cgroupTrees(MOUNTINFO).map((h) => h.dir);
  expect(trees).toContain('/sys/fs/cgroup/unified');
  expect(trees).toContain('/sys/fs/cgroup/memory');
  expect(trees).not.toContain('/sys/fs/cgroup');
});
