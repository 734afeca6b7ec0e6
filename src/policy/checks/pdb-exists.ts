import { selectorMatches } from '../label-selectors.ts';
import { asObject } from '../object-path.ts';
import { replicasOf, templateLabels } from '../pod.ts';
import { missingData, violation, type Check } from './check.ts';

/** LOOKUP: with 2 or more replicas, a PodDisruptionBudget selects the pods (or a drain can evict several members at once). */
export const pdbExists: Check = {
  name: 'pdb-exists',
  run(context) {
    const { object, namespace, lookup, fix } = context;
    if (replicasOf(object) < 2) return [];
    const budgets = lookup?.podDisruptionBudgets?.(namespace);
    if (budgets === undefined) return missingData(context, 'podDisruptionBudgets', 'PodDisruptionBudgets are not known offline');
    const labels = templateLabels(object);
    const matched = budgets.some((pdb) => {
      const selector = asObject(pdb['spec'])['selector'];
      return selector !== undefined && selector !== null && selectorMatches(selector, labels);
    });
    if (matched) return [];
    return [violation('spec.template.metadata.labels', `no PodDisruptionBudget in namespace "${namespace}" selects these ${replicasOf(object)} replicas, so a node drain can take down several at once`, fix)];
  },
};
