/** The admission app as tests drive it with inject(): real policies, real config, logs kept in memory. */
import { actionSettings, buildConfig, type ConfigInput } from '../../../src/config/config.ts';
import { loadPolicySet } from '../../../src/config/read-policies.ts';
import { configurePolicies } from '../../../src/policy/index.ts';
import { builtinPolicies } from '../../helpers/policies.ts';
import type { AdmissionReviewResponse, Webhook } from '../../../src/admission/index.ts';
import { buildAdmissionApp, type AdmissionApp } from '../../../src/webhook/build-admission-app.ts';
import { createMetrics, type Metrics } from '../../../src/metrics/metrics.ts';
import type { Lookups } from '../../../src/webhook/policy-store.ts';
import { generateSelfSigned, type SelfSigned } from '../../../src/certificates/generate-self-signed.ts';
import { captureLogs, type LogRecord } from './logs.ts';

let material: Promise<SelfSigned> | undefined;

/** One self-signed pair per test process. */
export function testCertificate(): Promise<SelfSigned> {
  return (material ??= generateSelfSigned(['localhost', '127.0.0.1']));
}

export interface TestApp {
  readonly app: AdmissionApp;
  readonly records: LogRecord[];
  readonly metrics: Metrics;
  /** POSTs a body to /validate or /mutate and returns the AdmissionReview response (asserting a 200). */
  review(webhook: Webhook, body: unknown): Promise<AdmissionReviewResponse['response']>;
}

export async function testApp(input: ConfigInput = {}, lookups: Lookups = {}): Promise<TestApp> {
  const config = buildConfig([input]);
  const set = config.policyDirs.length === 0 && config.builtinPolicies ? configurePolicies(builtinPolicies(), config.policies) : loadPolicySet(config.policyDirs, config.builtinPolicies, config.policies);
  const context = { set, actions: actionSettings(config), ...lookups };
  const { logger, records } = captureLogs();
  const metrics = createMetrics();
  const app = buildAdmissionApp({ server: config.server, tls: await testCertificate(), context: () => context, metrics, logger, draining: () => false });
  await app.ready();
  return {
    app,
    records,
    metrics,
    async review(webhook, body) {
      const response = await app.inject({ method: 'POST', url: `/${webhook}`, payload: body as object });
      if (response.statusCode !== 200) throw new Error(`/${webhook} answered ${response.statusCode}: ${response.body}`);
      return (response.json() as AdmissionReviewResponse).response;
    },
  };
}
