/** The identity every test StatefulSet shares; each fixture supplies only what it is about: the pod spec and claims. */
import type { JsonObject } from '../../src/policy/index.ts';

export interface StatefulSetParts {
  readonly replicas: number;
  readonly podSpec: JsonObject;
  readonly volumeClaimTemplates?: readonly JsonObject[];
}

/** apps/v1 StatefulSet `name` in `namespace`: its Service, selector and pod labels are all `app: <name>`. */
export function statefulSetOf(name: string, namespace: string, parts: StatefulSetParts): JsonObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace },
    spec: {
      serviceName: name,
      replicas: parts.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: parts.podSpec },
      ...(parts.volumeClaimTemplates === undefined ? {} : { volumeClaimTemplates: parts.volumeClaimTemplates }),
    },
  };
}
