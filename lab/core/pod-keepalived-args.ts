import { expandVars } from './kubelet-expansion';

/**
 * The keepalived container's arguments as a lab node runs them: the kubelet's `$(NODE_NAME)` expanded, the
 * run directory mapped to the node's own, and `--use-file` pointed at the lab's copy of keepalived.conf (in the
 * pod, the start command's validated copy).
 */
export function labKeepalivedArgs(
  containerArgs: readonly string[],
  runMountPath: string,
  nodeName: string,
  paths: { configFile: string; runDir: string },
): string[] {
  return containerArgs.map((arg, i) =>
    containerArgs[i - 1] === '--use-file' ? paths.configFile : expandVars(arg, { NODE_NAME: nodeName }).replace(runMountPath, paths.runDir),
  );
}
