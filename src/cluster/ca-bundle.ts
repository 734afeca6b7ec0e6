/** Puts a CA bundle into every webhook of stateguard's mutating and validating webhook configurations. */
import { clusterError, httpStatus } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface WebhookNames {
  readonly mutating: string;
  readonly validating: string;
}

interface WebhookConfiguration {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly webhooks?: readonly { readonly clientConfig?: { readonly caBundle?: string } }[];
}

/** Returns the names of the configurations it changed. A configuration not installed (404) is logged and skipped. */
export async function patchCaBundles(kube: Kube, names: WebhookNames, bundlePem: string, log: ClusterLog): Promise<string[]> {
  const caBundle = Buffer.from(bundlePem).toString('base64');
  const kinds = [
    { kind: 'MutatingWebhookConfiguration', name: names.mutating, read: () => kube.admission.readMutatingWebhookConfiguration({ name: names.mutating }), patch: (body: object[]) => kube.admission.patchMutatingWebhookConfiguration({ name: names.mutating, body }) },
    { kind: 'ValidatingWebhookConfiguration', name: names.validating, read: () => kube.admission.readValidatingWebhookConfiguration({ name: names.validating }), patch: (body: object[]) => kube.admission.patchValidatingWebhookConfiguration({ name: names.validating, body }) },
  ];
  const changed: string[] = [];
  for (const { kind, name, read, patch } of kinds) {
    try {
      const configuration: WebhookConfiguration = await read();
      const operations = (configuration.webhooks ?? []).flatMap((webhook, index) => (webhook.clientConfig?.caBundle === caBundle ? [] : [{ op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundle }]));
      if (operations.length === 0) continue;
      // The test makes the patch fail rather than land on the wrong index if the webhook list changed meanwhile.
      await patch([{ op: 'test', path: '/metadata/resourceVersion', value: configuration.metadata?.resourceVersion }, ...operations]);
      changed.push(`${kind}/${name}`);
    } catch (error) {
      if (httpStatus(error) !== 404) throw clusterError(kube.server, `cannot set the caBundle of ${kind} ${name}`, error);
      log.warn({ [LOG_KEYS.kind]: kind, [LOG_KEYS.object]: name }, `${kind} ${name} is not installed; its caBundle is set once it is`);
    }
  }
  return changed;
}
