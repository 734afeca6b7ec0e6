import { asArray, asObject, child, isObject } from '../object-path.ts';
import { allContainers, describeContainer, isWindowsPod, podSpec, POD_SECURITY_CONTEXT_PATH, TEMPLATE_SPEC_PATH } from '../pod.ts';
import type { JsonObject, Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/**
 * Pod Security Standards, restricted level: the checks restricted adds to baseline (baseline findings are
 * reported once, by pod-security-baseline). Each finding carries the Pod Security Admission check id.
 */

const ALLOWED_VOLUMES = new Set(['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret', 'csi', 'persistentVolumeClaim', 'ephemeral', 'image']);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

function restrictedVolumes(spec: JsonObject, out: Violation[]): void {
  asArray(spec['volumes']).forEach((volume, v) => {
    if (!isObject(volume)) return;
    const sources = Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== undefined && volume[key] !== null);
    const bad = sources.filter((source) => !ALLOWED_VOLUMES.has(source));
    if (bad.length > 0) {
      out.push(violation(child(child(TEMPLATE_SPEC_PATH, 'volumes'), v), `volume "${String(volume['name'])}" uses ${bad.join(', ')}, a volume type restricted pods may not use`, 'use configMap, secret, emptyDir, projected, downwardAPI, csi, persistentVolumeClaim or ephemeral volumes', 'restrictedVolumes'));
    }
  });
}

export const podSecurityRestricted: Check = {
  name: 'pod-security-restricted',
  run({ object }) {
    const spec = podSpec(object);
    const podSc = asObject(spec['securityContext']);
    const windows = isWindowsPod(spec);
    const userNamespaces = spec['hostUsers'] === false;
    const out: Violation[] = [];
    restrictedVolumes(spec, out);

    const podNonRoot = podSc['runAsNonRoot'];
    const podSeccomp = asObject(podSc['seccompProfile'])['type'];
    if (!userNamespaces && podSc['runAsUser'] === 0) {
      out.push(violation(child(POD_SECURITY_CONTEXT_PATH, 'runAsUser'), 'the pod runs as user 0 (root)', 'set runAsUser to a non-zero UID or remove it', 'runAsUser'));
    }
    if (!userNamespaces && podNonRoot === false) {
      out.push(violation(child(POD_SECURITY_CONTEXT_PATH, 'runAsNonRoot'), 'the pod sets runAsNonRoot: false', 'set runAsNonRoot: true', 'runAsNonRoot'));
    }
    if (podSeccomp !== undefined && !SECCOMP_OK.has(String(podSeccomp)) && !windows) {
      out.push(violation(child(child(POD_SECURITY_CONTEXT_PATH, 'seccompProfile'), 'type'), `the pod's seccomp profile is ${String(podSeccomp)}`, 'set seccompProfile.type to RuntimeDefault', 'seccompProfile_restricted'));
    }

    const containersWithoutNonRoot: string[] = [];
    const containersWithoutSeccomp: string[] = [];
    for (const ref of allContainers(spec)) {
      const sc = asObject(ref.container['securityContext']);
      const scPath = child(ref.path, 'securityContext');
      const who = describeContainer(ref);
      if (!windows && sc['allowPrivilegeEscalation'] !== false) {
        out.push(violation(child(scPath, 'allowPrivilegeEscalation'), `${who} does not set allowPrivilegeEscalation: false`, 'set securityContext.allowPrivilegeEscalation: false', 'allowPrivilegeEscalation'));
      }
      if (!userNamespaces) {
        if (sc['runAsNonRoot'] === false) {
          out.push(violation(child(scPath, 'runAsNonRoot'), `${who} sets runAsNonRoot: false`, 'set runAsNonRoot: true', 'runAsNonRoot'));
        } else if (sc['runAsNonRoot'] !== true && podNonRoot !== true) {
          containersWithoutNonRoot.push(ref.name);
        }
        if (sc['runAsUser'] === 0) {
          out.push(violation(child(scPath, 'runAsUser'), `${who} runs as user 0 (root)`, 'set runAsUser to a non-zero UID', 'runAsUser'));
        }
      }
      if (!windows) {
        const type = asObject(sc['seccompProfile'])['type'];
        if (type === undefined) {
          // As in PSA, only an allowed pod-level profile covers containers that set none.
          if (!SECCOMP_OK.has(String(podSeccomp))) containersWithoutSeccomp.push(ref.name);
        } else if (!SECCOMP_OK.has(String(type))) {
          out.push(violation(child(child(scPath, 'seccompProfile'), 'type'), `${who}'s seccomp profile is ${String(type)}`, 'set seccompProfile.type to RuntimeDefault', 'seccompProfile_restricted'));
        }
        const capabilities = asObject(sc['capabilities']);
        if (!asArray(capabilities['drop']).includes('ALL')) {
          out.push(violation(child(child(scPath, 'capabilities'), 'drop'), `${who} does not drop ALL capabilities`, 'add "ALL" to securityContext.capabilities.drop', 'capabilities_restricted'));
        }
        const added = asArray(capabilities['add']).filter((c) => c !== 'NET_BIND_SERVICE');
        if (added.length > 0) {
          out.push(violation(child(child(scPath, 'capabilities'), 'add'), `${who} adds ${added.join(', ')}; restricted pods may add only NET_BIND_SERVICE`, 'remove them from capabilities.add', 'capabilities_restricted'));
        }
      }
      // Baseline relaxes procMount for user-namespace pods (1.35); restricted keeps forbidding it (PSA procMount_restricted).
      if (sc['procMount'] !== undefined && sc['procMount'] !== 'Default' && userNamespaces) {
        out.push(violation(child(scPath, 'procMount'), `${who} sets procMount ${String(sc['procMount'])}`, 'remove procMount or set it to Default', 'procMount_restricted'));
      }
    }
    if (containersWithoutNonRoot.length > 0) {
      out.push(violation(child(POD_SECURITY_CONTEXT_PATH, 'runAsNonRoot'), `runAsNonRoot is not true for the pod or for container(s) ${containersWithoutNonRoot.join(', ')}, so they may run as root`, 'set spec.template.spec.securityContext.runAsNonRoot: true (the image must run as a numeric non-root USER)', 'runAsNonRoot'));
    }
    if (containersWithoutSeccomp.length > 0) {
      out.push(violation(child(child(POD_SECURITY_CONTEXT_PATH, 'seccompProfile'), 'type'), `no allowed seccomp profile (RuntimeDefault or Localhost) is set for the pod or for container(s) ${containersWithoutSeccomp.join(', ')}`, 'set spec.template.spec.securityContext.seccompProfile.type: RuntimeDefault', 'seccompProfile_restricted'));
    }
    return out;
  },
};
