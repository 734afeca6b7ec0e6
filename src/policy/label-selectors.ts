/** Kubernetes LabelSelectors (matchLabels and matchExpressions) against a set of labels. */
import { asArray, asObject, asString } from './object-path.ts';

/**
 * Whether a LabelSelector selects the given labels: every matchLabels pair and every expression holds. An empty
 * selector selects everything; an unknown operator selects nothing.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, unknown>>): boolean {
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

/** No matchLabels and no matchExpressions (which selects everything, or for some fields nothing). */
export function selectorIsEmpty(selector: unknown): boolean {
  const sel = asObject(selector);
  return Object.keys(asObject(sel['matchLabels'])).length === 0 && asArray(sel['matchExpressions']).length === 0;
}
