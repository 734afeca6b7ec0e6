import { APPARMOR_ANNOTATION_PREFIX } from '../annotations.ts';
import { asArray, asObject, asString, child, isObject } from '../object-path.ts';
import { allContainers, describeContainer, podSpec, POD_SECURITY_CONTEXT_PATH, TEMPLATE_SPEC_PATH, type ContainerRef } from '../pod.ts';
import type { JsonObject, Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** Pod Security Standards, baseline level: each finding carries the Pod Security Admission check id. */

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem', 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;


function securityContext(ref: ContainerRef): JsonObject {
  return asObject(ref.container['securityContext']);
}

function hostNamespaces(spec: JsonObject, out: Violation[]): void {
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) {
      out.push(violation(child(TEMPLATE_SPEC_PATH, field), `${field} is true: the pods share the node's ${field.slice(4)} namespace`, `remove ${field}`, 'hostNamespaces'));
    }
  }
}

function containerChecks(spec: JsonObject, out: Violation[]): void {
  for (const ref of allContainers(spec)) {
    const sc = securityContext(ref);
    const scPath = child(ref.path, 'securityContext');
    const who = describeContainer(ref);
    if (sc['privileged'] === true) {
      out.push(violation(child(scPath, 'privileged'), `${who} is privileged: it has full access to the node`, 'remove privileged: true', 'privileged'));
    }
    const added = asArray(asObject(sc['capabilities'])['add']).filter((c) => !BASELINE_CAPABILITIES.has(String(c)));
    if (added.length > 0) {
      out.push(violation(child(child(scPath, 'capabilities'), 'add'), `${who} adds capabilities ${added.join(', ')}, beyond the baseline set`, 'remove those capabilities from capabilities.add', 'capabilities_baseline'));
    }
    asArray(ref.container['ports']).forEach((port, p) => {
      // With hostNetwork the API defaults an unset (or 0) hostPort to containerPort (SetDefaults_PodSpec).
      const { hostPort: set, containerPort } = asObject(port);
      const hostPort = spec['hostNetwork'] === true && (set === undefined || set === 0) ? containerPort : set;
      if (typeof hostPort === 'number' && hostPort !== 0) {
        const cause = spec['hostNetwork'] === true ? ' (hostNetwork: true sets hostPort to containerPort)' : '';
        out.push(violation(child(child(child(ref.path, 'ports'), p), 'hostPort'), `${who} binds host port ${hostPort}${cause}`, 'remove hostPort (and hostNetwork); expose the port through a Service', 'hostPorts'));
      }
    });
    seLinux(sc, scPath, who, out);
    apparmorField(sc, scPath, who, out);
    if (sc['seccompProfile'] !== undefined && asObject(sc['seccompProfile'])['type'] === 'Unconfined') {
      out.push(violation(child(child(scPath, 'seccompProfile'), 'type'), `${who} runs with seccomp Unconfined`, 'use seccompProfile.type RuntimeDefault or Localhost', 'seccompProfile_baseline'));
    }
    const procMount = sc['procMount'];
    if (procMount !== undefined && procMount !== 'Default' && spec['hostUsers'] !== false) {
      out.push(violation(child(scPath, 'procMount'), `${who} sets procMount ${String(procMount)}, unmasking /proc`, 'remove procMount or set it to Default', 'procMount'));
    }
    if (asObject(sc['windowsOptions'])['hostProcess'] === true) {
      out.push(violation(child(child(scPath, 'windowsOptions'), 'hostProcess'), `${who} is a Windows HostProcess container with full node access`, 'remove windowsOptions.hostProcess', 'windowsHostProcess'));
    }
    hostProbes(ref, who, out);
  }
}

function seLinux(sc: JsonObject, scPath: string, who: string, out: Violation[]): void {
  if (!isObject(sc['seLinuxOptions'])) return;
  const options = sc['seLinuxOptions'];
  const type = asString(options['type']) ?? '';
  if (!SELINUX_TYPES.has(type)) {
    out.push(violation(child(child(scPath, 'seLinuxOptions'), 'type'), `${who} sets SELinux type "${type}"`, 'use container_t, container_init_t or container_kvm_t, or remove the type', 'seLinuxOptions'));
  }
  for (const field of ['user', 'role'] as const) {
    if ((asString(options[field]) ?? '') !== '') {
      out.push(violation(child(child(scPath, 'seLinuxOptions'), field), `${who} sets a custom SELinux ${field}`, `remove seLinuxOptions.${field}`, 'seLinuxOptions'));
    }
  }
}

function apparmorField(sc: JsonObject, scPath: string, who: string, out: Violation[]): void {
  const type = asObject(sc['appArmorProfile'])['type'];
  if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') {
    out.push(violation(child(child(scPath, 'appArmorProfile'), 'type'), `${who} sets AppArmor profile ${String(type)}`, 'use appArmorProfile.type RuntimeDefault or Localhost', 'appArmorProfile'));
  }
}

function hostProbes(ref: ContainerRef, who: string, out: Violation[]): void {
  const handlers: [string, unknown][] = PROBES.map((probe) => [child(ref.path, probe), ref.container[probe]]);
  const lifecycle = asObject(ref.container['lifecycle']);
  for (const hook of ['postStart', 'preStop'] as const) handlers.push([child(child(ref.path, 'lifecycle'), hook), lifecycle[hook]]);
  for (const [path, handler] of handlers) {
    for (const kind of ['httpGet', 'tcpSocket'] as const) {
      const host = asString(asObject(asObject(handler)[kind])['host']);
      if (host !== undefined && host !== '') {
        out.push(violation(child(child(path, kind), 'host'), `${who} probes or calls host "${host}" instead of its own pod`, `remove ${kind}.host`, 'hostProbesAndHostLifecycle'));
      }
    }
  }
}

function podChecks(object: JsonObject, spec: JsonObject, out: Violation[]): void {
  asArray(spec['volumes']).forEach((volume, v) => {
    if (isObject(volume) && volume['hostPath'] !== undefined) {
      out.push(violation(child(child(child(TEMPLATE_SPEC_PATH, 'volumes'), v), 'hostPath'), `volume "${String(volume['name'])}" mounts a hostPath from the node`, 'use a volumeClaimTemplate (or another volume type) instead of hostPath', 'hostPathVolumes'));
    }
  });
  const podSc = asObject(spec['securityContext']);
  seLinux(podSc, POD_SECURITY_CONTEXT_PATH, 'the pod', out);
  apparmorField(podSc, POD_SECURITY_CONTEXT_PATH, 'the pod', out);
  if (asObject(podSc['seccompProfile'])['type'] === 'Unconfined') {
    out.push(violation(child(child(POD_SECURITY_CONTEXT_PATH, 'seccompProfile'), 'type'), 'the pod runs with seccomp Unconfined', 'use seccompProfile.type RuntimeDefault or Localhost', 'seccompProfile_baseline'));
  }
  if (asObject(podSc['windowsOptions'])['hostProcess'] === true) {
    out.push(violation(child(child(POD_SECURITY_CONTEXT_PATH, 'windowsOptions'), 'hostProcess'), 'the pod is a Windows HostProcess pod with full node access', 'remove windowsOptions.hostProcess', 'windowsHostProcess'));
  }
  asArray(podSc['sysctls']).forEach((sysctl, s) => {
    const name = asString(asObject(sysctl)['name']) ?? '';
    if (!SAFE_SYSCTLS.has(name)) {
      out.push(violation(child(child(child(POD_SECURITY_CONTEXT_PATH, 'sysctls'), s), 'name'), `sysctl "${name}" is not in the safe set`, 'remove the sysctl or set it on the node', 'sysctls'));
    }
  });
  const annotations = asObject(asObject(asObject(asObject(object['spec'])['template'])['metadata'])['annotations']);
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const profile = String(value);
    if (profile !== '' && profile !== 'runtime/default' && !profile.startsWith('localhost/')) {
      out.push(violation(`spec.template.metadata.annotations[${JSON.stringify(key)}]`, `AppArmor profile "${profile}" is not allowed`, 'use runtime/default or a localhost/ profile', 'appArmorProfile'));
    }
  }
}

export const podSecurityBaseline: Check = {
  name: 'pod-security-baseline',
  run({ object }) {
    const spec = podSpec(object);
    const out: Violation[] = [];
    hostNamespaces(spec, out);
    podChecks(object, spec, out);
    containerChecks(spec, out);
    return out;
  },
};
