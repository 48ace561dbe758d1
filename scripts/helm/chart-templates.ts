// The chart's templates from the synthesized manifests: every setting of the values table substituted where
// the app's value was, Helm's labels on every object, and the release namespace where the app did not pin
// one. The defaults the table reads from the same manifests become values.yaml, so that with default values
// the templates render the app's manifests again.
import { parseAllDocuments } from 'yaml';
import { COMMON_LABELS, COMPONENTS, Pod } from './values-table';
import { Templater } from './templater';

export interface ManifestFile {
  readonly name: string;
  readonly text: string;
}

export type Values = { commonLabels: Record<string, string> } & Record<string, any>;

/** The labels Helm's conventions put on every object; the app's pod and selector labels stay as they are. */
export const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by'];

function parseObjects(file: ManifestFile): any[] {
  if (file.text.includes('__helm_')) throw new Error(`templates/${file.name} contains "__helm_", which the chart uses for its own tokens`);
  return parseAllDocuments(file.text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`templates/${file.name}: ${doc.errors[0].message}`);
    return doc.toJS();
  });
}

/** The DaemonSet whose pod has a container named `container`; there must be exactly one. */
function findPod(objects: readonly any[], container: string): Pod {
  const found = objects.filter(
    (o) => o?.kind === 'DaemonSet' && (o.spec?.template?.spec?.containers ?? []).some((c: any) => c.name === container),
  );
  if (found.length !== 1) throw new Error(`expected one DaemonSet with a container named ${container}, found ${found.length}`);
  const spec = found[0].spec.template.spec;
  return { daemonSet: found[0], spec, main: spec.containers.find((c: any) => c.name === container) };
}

/**
 * The namespace the objects go to when the app did not pin one: the app's default (kube-system) creates no
 * Namespace object, and then every object follows `helm install --namespace`. An app that chose another
 * namespace creates it itself, and the chart keeps it.
 */
export function releaseNamespace(objects: readonly any[]): string | undefined {
  if (objects.some((o) => o?.kind === 'Namespace')) return undefined;
  const namespaces = [...new Set(objects.map((o) => o?.metadata?.namespace).filter((n) => n !== undefined))];
  if (namespaces.length > 1) throw new Error(`the objects are in several namespaces: ${namespaces.join(', ')}`);
  return namespaces[0];
}

/** Every `namespace: <ns>`, and every name the app derived as `<name>-<ns>` (cluster-wide RBAC), follows the release. */
function followReleaseNamespace(node: any, namespace: string, t: Templater): void {
  if (Array.isArray(node)) {
    node.forEach((item) => followReleaseNamespace(item, namespace, t));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'namespace' && value === namespace) {
        node[key] = t.scalar('.Release.Namespace | toJson');
      } else if (key === 'name' && typeof value === 'string' && value.endsWith(`-${namespace}`)) {
        const prefix = value.slice(0, -namespace.length - 1);
        node[key] = t.scalar(`printf "%s-%s" ${JSON.stringify(prefix)} .Release.Namespace | toJson`);
      } else {
        followReleaseNamespace(value, namespace, t);
      }
    }
  }
}

function helmLabels(object: any, t: Templater): void {
  object.metadata.labels ??= {};
  const labels = object.metadata.labels;
  labels['app.kubernetes.io/instance'] = t.scalar('.Release.Name | toJson');
  labels['app.kubernetes.io/managed-by'] = t.scalar('.Release.Service | toJson');
  labels['helm.sh/chart'] = t.scalar('include "cdk8s-edge-ingress.chart" . | toJson');
}

/** The default values: what the app synthesized. */
export function defaultValues(files: readonly ManifestFile[]): Values {
  const objects = files.flatMap(parseObjects);
  const values: Values = { commonLabels: {} };
  for (const component of COMPONENTS) {
    const pod = findPod(objects, component.container);
    values[component.key] = Object.fromEntries(component.settings.map((s) => [s.key, s.read(pod)]));
  }
  return values;
}

/** The template text of each manifest file. */
export function chartTemplates(files: readonly ManifestFile[]): ManifestFile[] {
  const parsed = files.map((file) => ({ file, objects: parseObjects(file) }));
  const all = parsed.flatMap((p) => p.objects);
  const namespace = releaseNamespace(all);
  return parsed.map(({ file, objects }) => {
    const t = new Templater();
    for (const component of COMPONENTS) {
      if (!objects.includes(findPod(all, component.container).daemonSet)) continue;
      const pod = findPod(objects, component.container);
      for (const setting of component.settings) {
        const key = `${component.key}.${setting.key}`;
        setting.substitute(pod, { key, ref: `.Values.${key}` }, t);
      }
    }
    for (const object of objects) {
      if (namespace !== undefined) followReleaseNamespace(object, namespace, t);
      helmLabels(object, t);
      COMMON_LABELS.substitute(object, t);
    }
    return { name: file.name, text: t.render(objects) };
  });
}
