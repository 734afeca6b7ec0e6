import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's standard input, e.g. a manifest for `apply -f -`. */
  input?: string;
}

const kubectlTimeoutMs = 60_000;

/** An admin kubeconfig; JSON is valid kubeconfig YAML and needs no YAML writer. */
export async function writeKubeconfig(path: string, cluster: { server: string; caPem: string; token: string }): Promise<void> {
  const name = 'stateguard-e2e';
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: cluster.server, 'certificate-authority-data': Buffer.from(cluster.caPem).toString('base64') } }],
    users: [{ name, user: { token: cluster.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  };
  await writeFile(path, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
}

/** Runs the kubectl binary at `kubectl` (built from the cluster's own release by scripts/e2e-build.sh, not the one on PATH). */
export function runKubectl(kubectl: string, kubeconfig: string, args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfig, ...args], { stdio: 'pipe', timeout: kubectlTimeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) reject(new Error(`kubectl ${args.join(' ')} ended by ${signal} (timeout ${kubectlTimeoutMs}ms)\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
    // kubectl may exit before reading its input (a refused flag, a command that reads none): EPIPE on stdin is then
    // no fault of the test, and the exit code and stderr say what happened.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') reject(error); });
    child.stdin.end(options.input ?? '');
  });
}

/** As `runKubectl`, failing with the command and its stderr unless it exits 0. */
export async function runKubectlOk(kubectl: string, kubeconfig: string, args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  const result = await runKubectl(kubectl, kubeconfig, args, options);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  return result;
}
