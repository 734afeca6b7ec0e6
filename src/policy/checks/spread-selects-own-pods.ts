import { child } from '../object-path.ts';
import { spreadTerms } from '../spread-terms.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/**
 * Pod anti-affinity terms and topology spread constraints exist to keep a StatefulSet's own replicas apart, so
 * their selector has to select the template's own labels: one that does not (the ZooKeeper tutorial's `app in
 * (zk)` on pods labelled only `app.kubernetes.io/name: zk`) counts no replica, and all may land on one node.
 */
export const spreadSelectsOwnPods: Check = {
  name: 'spread-selects-own-pods',
  run({ object, namespace, fix }) {
    const terms = spreadTerms(object, namespace);
    // An anti-affinity term may target another app on purpose; it is a finding only when no term spreads the replicas.
    const antiAffinityOk = terms.some((t) => t.type === 'anti-affinity' && (!t.judged || t.selectsOwnPods));
    const out: Violation[] = [];
    for (const term of terms) {
      if (!term.judged || term.selectsOwnPods || (term.type === 'anti-affinity' && antiAffinityOk)) continue;
      const what = term.type === 'anti-affinity' ? 'this pod anti-affinity term' : 'this topology spread constraint';
      out.push(violation(child(term.path, 'labelSelector'), `${what} selects none of the StatefulSet's own pods (its selector does not match spec.template.metadata.labels), so it does not keep the replicas apart`, fix));
    }
    return out;
  },
};
