import { asObject, asString } from '../object-path.ts';
import { templateLabels } from '../pod.ts';
import { missingData, violation, type Check } from './check.ts';

/** LOOKUP: spec.serviceName names a headless Service in the namespace whose selector selects the pods. */
export const headlessServiceExists: Check = {
  name: 'headless-service-exists',
  run(context) {
    const { object, namespace, lookup, fix } = context;
    const serviceName = asString(asObject(object['spec'])['serviceName']);
    if (serviceName === undefined || serviceName === '') return [];
    const services = lookup?.services?.(namespace);
    if (services === undefined) return missingData(context, 'services', 'Services are not known offline');
    const service = services.find((s) => asObject(s['metadata'])['name'] === serviceName);
    if (service === undefined) {
      return [violation('spec.serviceName', `Service "${serviceName}" does not exist in namespace "${namespace}"; pods get no stable DNS names until it does`, fix)];
    }
    const spec = asObject(service['spec']);
    if (spec['clusterIP'] !== 'None') {
      return [violation('spec.serviceName', `Service "${serviceName}" is not headless (clusterIP is ${String(spec['clusterIP'] ?? 'unset')}), so pods get no per-pod DNS records`, fix)];
    }
    const labels = templateLabels(object);
    const selector = asObject(spec['selector']);
    const selects = Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (!selects) {
      return [violation('spec.serviceName', `headless Service "${serviceName}" has a selector that does not select this StatefulSet's pods`, fix)];
    }
    return [];
  },
};
