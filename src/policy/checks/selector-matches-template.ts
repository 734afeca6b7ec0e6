import { asArray, asObject, asString, isObject } from '../object-path.ts';
import { templateLabels } from '../pod.ts';
import { violation, type Check } from './check.ts';

/** Whether a LabelSelector selects the given labels. An empty selector selects everything. */
export function selectorMatches(selector: unknown, labels: Record<string, unknown>): boolean {
  const sel = asObject(selector);
  for (const [key, value] of Object.entries(asObject(sel['matchLabels']))) {
    if (labels[key] !== value) return false;
  }
  for (const expression of asArray(sel['matchExpressions'])) {
    const e = asObject(expression);
    const key = asString(e['key']) ?? '';
    const values = asArray(e['values']);
    const has = Object.hasOwn(labels, key);
    switch (e['operator']) {
      case 'In': if (!has || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

export function selectorIsEmpty(selector: unknown): boolean {
  const sel = asObject(selector);
  return Object.keys(asObject(sel['matchLabels'])).length === 0 && asArray(sel['matchExpressions']).length === 0;
}

/** spec.selector is set and selects the template's own labels. */
export const selectorMatchesTemplate: Check = {
  name: 'selector-matches-template',
  run({ object, fix }) {
    const selector = asObject(object['spec'])['selector'];
    if (!isObject(selector) || selectorIsEmpty(selector)) {
      return [violation('spec.selector', 'spec.selector is missing or empty; apps/v1 requires a selector that matches the pod template labels', fix)];
    }
    if (!selectorMatches(selector, templateLabels(object))) {
      return [violation('spec.selector', 'spec.selector does not match spec.template.metadata.labels, so the StatefulSet would not own its pods', fix)];
    }
    return [];
  },
};
