import { changedObjects, preferredNode } from '../../../e2e/kubelet/day2-figures';
import * as imageChange from '../../../e2e/apps/vrrp-image-change';
import * as priorityChange from '../../../e2e/apps/vrrp-priority-change';
import * as vrrp from '../../../e2e/apps/vrrp';

const objectsOf = (m: { createApp: typeof vrrp.createApp }): { objects: any[]; edge: any } => {
  const { app, edge } = m.createApp();
  return { objects: app.charts.flatMap((c) => c.toJson()), edge };
};

describe('the day-2 app modules', () => {
  const base = objectsOf(vrrp);
  const priority = objectsOf(priorityChange);
  const image = objectsOf(imageChange);

  test('the priority change is a keepalived.conf change only, and leaves the preferred node where it was', () => {
    expect(changedObjects(base.objects, priority.objects)).toEqual(['ConfigMap/kube-system/keepalived-config']);
    expect(preferredNode(priority.edge.nodes)).toBe(preferredNode(base.edge.nodes));
    const changed = priority.edge.nodes.filter((n: any, i: number) => n.priority !== base.edge.nodes[i].priority);
    expect(changed.map((n: any) => n.priority)).toEqual([60]);
  });

  test("the image change keeps the priority change and changes only the keepalived DaemonSet's image", () => {
    expect(changedObjects(priority.objects, image.objects)).toEqual(['DaemonSet/kube-system/keepalived']);
    const ds = (objects: any[]): any => objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'keepalived');
    const keepalivedImage = (d: any): string => d.spec.template.spec.containers.find((c: any) => c.name === 'keepalived').image;
    const before = ds(priority.objects);
    const after = ds(image.objects);
    expect(keepalivedImage(after)).toBe(imageChange.NEXT_KEEPALIVED_IMAGE);
    expect(keepalivedImage(before)).not.toBe(imageChange.NEXT_KEEPALIVED_IMAGE);
    // The old DaemonSet with every use of the old image swapped for the new one is the new DaemonSet.
    expect(JSON.parse(JSON.stringify(before).split(keepalivedImage(before)).join(imageChange.NEXT_KEEPALIVED_IMAGE))).toEqual(after);
  });
});
