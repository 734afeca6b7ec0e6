import { selectorIsEmpty, selectorMatches } from '../label-selectors.ts';
import { asObject, isObject } from '../object-path.ts';
import { templateLabels } from '../pod.ts';
import { violation, type Check } from './check.ts';

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
