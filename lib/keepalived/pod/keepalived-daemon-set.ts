import { Construct } from 'constructs';
import * as k8s from '../../../imports/k8s';
import { validatePinnedImage } from '../../image';
import { NodeLabel, validateNodeLabel } from '../../node-label';
import { checkVrrpPassword, Problems } from '../../validation/checks';
import { activeConfigDir, renderStartScript } from './config-reloader';
import { IPVS_RELEASE_TIMEOUT_SECONDS, ipvsHandoverSeconds } from './ipvs-handover';
import { keepalivedArguments } from './keepalived-command';
import { HostPreparation } from './host-preparation';
import { KeepalivedConfig } from '../conf/keepalived-config';

/**
 * How much of the host the keepalived container may touch.
 */
export enum KeepalivedPrivilege {
  /** A privileged container, as most keepalived deployments run. */
  PRIVILEGED = 'privileged',
  /**
   * Only the capabilities VRRP and health scripts need (NET_ADMIN, NET_RAW, SETUID, SETGID), all others dropped.
   * The HA lab runs keepalived with exactly this set.
   */
  LEAST_PRIVILEGE = 'least-privilege',
}

/**
 * The capabilities of {@link KeepalivedPrivilege.LEAST_PRIVILEGE}. NET_ADMIN adds the VIP, NET_RAW sends adverts
 * and gratuitous ARP; without SETUID/SETGID keepalived 2.2 reports a failing check script as succeeded.
 */
export const KEEPALIVED_LEAST_PRIVILEGE_CAPABILITIES: readonly string[] = ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'];

/** Where the container mounts the ConfigMap (a directory mount, so ConfigMap updates arrive). */
export const KEEPALIVED_CONFIG_DIR = '/etc/keepalived/config';
/** Where the container mounts the VRRP authentication Secret. */
export const KEEPALIVED_AUTH_DIR = '/etc/keepalived/auth';
/** File name of the authentication include inside {@link KEEPALIVED_AUTH_DIR}. */
export const KEEPALIVED_AUTH_FILE = 'vrrp-auth.conf';
const CONFIG_FILE_NAME = 'keepalived.conf';
const RUN_DIR = '/run/keepalived';

/**
 * Properties of {@link KeepalivedDaemonSet}.
 */
export interface KeepalivedDaemonSetProps {
  /** Namespace of every object. */
  readonly namespace: string;
  /** The validated keepalived model; its rendering becomes the ConfigMap. */
  readonly config: KeepalivedConfig;
  /** The label that selects the edge nodes. */
  readonly nodeSelectorLabel: NodeLabel;
  /**
   * VRRP (version 2) password, stored in a Secret and pulled into keepalived.conf with `includea`,
   * so it never appears in the ConfigMap. The DaemonSet owns the include: it renders `config` with
   * `includea` {@link KEEPALIVED_AUTH_FILE}, which the start command copies next to the validated keepalived.conf
   * (leave `instance.authenticationFile` of the config unset).
   * @default - no VRRP authentication
   */
  readonly authPassword?: string;
  /**
   * keepalived image: keepalived 2.2 or later, a POSIX shell, and the HTTP client the health check uses.
   * @default 'docker.io/osixia/keepalived:2.3.4'
   */
  readonly image?: string;
  /**
   * Container privilege.
   * @default KeepalivedPrivilege.PRIVILEGED
   */
  readonly privilege?: KeepalivedPrivilege;
  /**
   * Extra tolerations, e.g. for tainted dedicated edge nodes.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Priority class: the VIP is node-critical, it must not be evicted before ordinary workloads.
   * @default 'system-node-critical'
   */
  readonly priorityClassName?: string;
  /**
   * Base name of the objects.
   * @default 'keepalived'
   */
  readonly name?: string;
}

/** Seconds keepalived takes to stop (priority-0 advert, VIP removed), with a margin: it needs about one. */
const KEEPALIVED_STOP_SECONDS = 2;

/**
 * keepalived on every edge node: a ConfigMap with the one keepalived.conf (per-node lines selected with
 * `--config-id <node name>`), an optional Secret for VRRP authentication, and a hostNetwork DaemonSet.
 *
 * Config changes do not touch the pod template: the start command reloads keepalived in place (SIGHUP) after
 * `keepalived -t` accepted the new file, and keeps the last good file otherwise. Image changes do change the
 * template; the DaemonSet uses `OnDelete`, so `npm run rollout` restarts the pods in a safe order.
 */
export class KeepalivedDaemonSet extends Construct {
  /** The ConfigMap holding keepalived.conf. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Secret with the authentication include, when a password is set. */
  public readonly authSecret?: k8s.KubeSecret;
  /** The DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** The rendered keepalived.conf (the ConfigMap's content, with the authentication include when a password is set). */
  public readonly configText: string;
  /** The init container's host changes, built from the config's direct-routing requirements; with direct routing only. */
  public readonly hostPreparation?: HostPreparation;
  /** Base name of the objects. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: KeepalivedDaemonSetProps) {
    super(scope, id);
    validateNodeLabel('nodeSelectorLabel', props.nodeSelectorLabel);
    const image = props.image ?? 'docker.io/osixia/keepalived:2.3.4';
    validatePinnedImage(image);
    const privilege = props.privilege ?? KeepalivedPrivilege.PRIVILEGED;
    if (!Object.values(KeepalivedPrivilege).includes(privilege)) {
      throw new Error(`privilege "${privilege}" is not one of ${Object.values(KeepalivedPrivilege).join(', ')}`);
    }
    this.name = props.name ?? 'keepalived';
    const namespace = props.namespace;
    const labels = {
      'app.kubernetes.io/name': 'keepalived',
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'virtual-ip',
      'app.kubernetes.io/part-of': 'cdk8s-edge-ingress',
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    const selector = { 'app.kubernetes.io/name': 'keepalived', 'app.kubernetes.io/instance': this.name };

    if (props.config.authenticationFile !== undefined) {
      throw new Error(`config.instance.authenticationFile ${JSON.stringify(props.config.authenticationFile)}: the DaemonSet `
        + 'provides the authentication include itself from authPassword; leave authenticationFile unset');
    }
    if (props.authPassword !== undefined) {
      const problems = new Problems();
      checkVrrpPassword(problems, 'authPassword', props.authPassword);
      problems.throwIfAny();
    }
    this.configText = props.config.render(props.authPassword === undefined ? undefined : { authenticationInclude: KEEPALIVED_AUTH_FILE });
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace, labels },
      data: { [CONFIG_FILE_NAME]: this.configText },
    });

    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: this.configMap.name } },
      // Memory-backed and wiped by the start command: a stale pid file makes keepalived exit "already running".
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: KEEPALIVED_CONFIG_DIR, readOnly: true },
      { name: 'run', mountPath: RUN_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ];

    let authText = '';
    if (props.authPassword !== undefined) {
      authText = props.config.renderAuthenticationFile(props.authPassword);
      this.authSecret = new k8s.KubeSecret(this, 'VrrpAuth', {
        metadata: { name: `${this.name}-vrrp-auth`, namespace, labels },
        type: 'Opaque',
        stringData: { [KEEPALIVED_AUTH_FILE]: authText },
      });
      volumes.push({ name: 'vrrp-auth', secret: { secretName: this.authSecret.name, defaultMode: 0o400 } });
      mounts.push({ name: 'vrrp-auth', mountPath: KEEPALIVED_AUTH_DIR, readOnly: true });
    }

    // With virtual servers a stopped node keeps directing while clients follow the new VIP holder.
    const handoverSeconds = props.config.vrrpOnly ? undefined : ipvsHandoverSeconds(props.config.garpMasterDelaySeconds);
    // keepalived reads the reloader's copy of the last file that passed `keepalived -t`, never the mount itself.
    const args = keepalivedArguments('$(NODE_NAME)', {
      configFile: `${activeConfigDir(RUN_DIR)}/${CONFIG_FILE_NAME}`,
      runDir: RUN_DIR,
    }, props.config.vrrpOnly);
    const startScript = renderStartScript({
      configDir: KEEPALIVED_CONFIG_DIR,
      configFileName: CONFIG_FILE_NAME,
      authDir: authText !== '' ? KEEPALIVED_AUTH_DIR : undefined,
      authFileName: authText !== '' ? KEEPALIVED_AUTH_FILE : undefined,
      runDir: RUN_DIR,
    }, handoverSeconds);

    const initContainers: k8s.Container[] = [];
    const directRouting = props.config.directRouting;
    const preparation = directRouting === undefined ? undefined : new HostPreparation(directRouting);
    this.hostPreparation = preparation;
    if (preparation !== undefined) {
      // LVS direct routing changes host state (ip_vs, VIP on lo, ARP sysctls): that needs a privileged step.
      initContainers.push({
        name: 'prepare-host',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '-c', preparation.renderScript()],
        securityContext: { privileged: true },
        // The node's root, read-only, for `chroot /host modprobe`: the node's own modprobe reads its own
        // module compression (.ko.zst on Ubuntu 24.04 and Arch, .ko.xz on RHEL-likes); BusyBox's cannot.
        volumeMounts: [{ name: 'host-root', mountPath: '/host', readOnly: true }],
      });
      volumes.push({ name: 'host-root', hostPath: { path: '/', type: 'Directory' } });
    }

    const securityContext: k8s.SecurityContext = privilege === KeepalivedPrivilege.PRIVILEGED
      ? { privileged: true, readOnlyRootFilesystem: true }
      : {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: [...KEEPALIVED_LEAST_PRIVILEGE_CAPABILITIES] },
        seccompProfile: { type: 'RuntimeDefault' },
      };

    this.daemonSet = new k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: this.name, namespace, labels },
      spec: {
        selector: { matchLabels: selector },
        // A changed template (a new image) waits for `npm run rollout`: backups first, the VIP holder last.
        // The DaemonSet controller's own order could restart the holder first and move the VIP twice.
        updateStrategy: { type: 'OnDelete' },
        template: {
          // No config checksum here: config changes reload in place (see the start command).
          metadata: { labels },
          spec: {
            hostNetwork: true,
            dnsPolicy: 'ClusterFirstWithHostNet',
            nodeSelector: { [props.nodeSelectorLabel.key]: props.nodeSelectorLabel.value },
            priorityClassName: props.priorityClassName ?? 'system-node-critical',
            tolerations: props.tolerations,
            // keepalived talks VRRP, not the Kubernetes API.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // SIGTERM makes keepalived send a priority-0 advert and drop the VIP: a graceful, sub-second handover.
            // With LVS the node then directs for the handover and releases its services, which must fit too.
            terminationGracePeriodSeconds: handoverSeconds === undefined ? 10
              : Math.max(10, KEEPALIVED_STOP_SECONDS + handoverSeconds + IPVS_RELEASE_TIMEOUT_SECONDS),
            initContainers: initContainers.length > 0 ? initContainers : undefined,
            containers: [{
              name: 'keepalived',
              image,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', startScript, 'keepalived'],
              args,
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              // No CPU limit: CFS throttling delays adverts, and late adverts cause spurious failovers.
              resources: {
                requests: { cpu: k8s.Quantity.fromString('20m'), memory: k8s.Quantity.fromString('16Mi') },
                limits: { memory: k8s.Quantity.fromString('64Mi') },
              },
              securityContext,
              livenessProbe: {
                // The VRRP child is what holds the VIP; a dead child must restart the container.
                exec: { command: ['/bin/sh', '-c', `kill -0 "$(cat ${RUN_DIR}/vrrp.pid)"`] },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
      },
    });
  }
}
