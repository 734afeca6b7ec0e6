import { globMatches } from '../match.ts';
import { isObject } from '../object-path.ts';
import { parseQuantity, QUANTITY } from '../quantity.ts';
import type { JsonObject, Violation } from '../types.ts';
import { violation, type Check } from './check.ts';
import { claimTemplates, notConfigured } from '../claim-templates.ts';

const SIZE = { type: 'string', pattern: QUANTITY.source } as const;
const BOUNDS = { type: 'object', minProperties: 1, properties: { min: SIZE, max: SIZE, step: SIZE }, additionalProperties: false } as const;

interface Bounds {
  readonly key: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** The bounds as configured, for messages. */
  readonly text: { readonly min?: string; readonly max?: string; readonly step?: string };
}

/**
 * The storage each volumeClaimTemplate requests is within the bounds `params.classes` gives its StorageClass (by name,
 * else the first glob that matches): at least `min`, at most `max`, a multiple of `step`. Templates naming no class,
 * classes without bounds and missing or invalid requests (storage-request-required) are not judged here. With no
 * class configured the result is a skip `not-configured`, never a pass.
 */
export const storageSizeBounds: Check = {
  name: 'storage-size-bounds',
  params: { type: 'object', properties: { classes: { type: 'object', additionalProperties: BOUNDS } }, additionalProperties: false },
  run({ object, params }) {
    const classes = isObject(params['classes']) ? params['classes'] : {};
    if (Object.keys(classes).length === 0) return notConfigured('params.classes gives no StorageClass any bounds');
    const violations: Violation[] = [];
    for (const template of claimTemplates(object)) {
      const { className } = template;
      if (className === undefined || className === '') continue;
      const key = Object.hasOwn(classes, className) ? className : Object.keys(classes).find((pattern) => globMatches(pattern, className));
      const size = parseQuantity(template.storage);
      if (key === undefined || size === undefined || size <= 0) continue;
      const bounds = boundsOf(key, classes[key]);
      const problem = bounds.min !== undefined && size < bounds.min ? `less than ${bounds.text.min ?? ''}`
        : bounds.max !== undefined && size > bounds.max ? `more than ${bounds.text.max ?? ''}`
          : bounds.step !== undefined && !isMultiple(size, bounds.step) ? `not a multiple of ${bounds.text.step ?? ''}` : undefined;
      if (problem === undefined) continue;
      const rule = key === className ? '' : ` (bounds of "${key}")`;
      const nearest = nearestAllowed(size, bounds);
      violations.push(violation(
        template.storagePath,
        `volumeClaimTemplate "${template.name}" requests ${String(template.storage)} of StorageClass "${className}", ${problem}: that class allows ${describe(bounds)}${rule}`,
        nearest === undefined ? `request a size that StorageClass "${className}" allows: ${describe(bounds)}` : `request ${formatBytes(nearest)} (the nearest size StorageClass "${className}" allows: ${describe(bounds)})`,
      ));
    }
    return violations;
  },
};

function boundsOf(key: string, raw: unknown): Bounds {
  const entry: JsonObject = isObject(raw) ? raw : {};
  const read = (name: string): number | undefined => parseQuantity(entry[name]);
  const text = (name: string): string | undefined => (typeof entry[name] === 'string' ? entry[name] : undefined);
  const min = read('min');
  const max = read('max');
  const step = read('step');
  if (step !== undefined && step <= 0) throw new Error(`params.classes["${key}"].step must be greater than zero`);
  if (min !== undefined && max !== undefined && min > max) throw new Error(`params.classes["${key}"]: min ${text('min') ?? ''} is more than max ${text('max') ?? ''}`);
  return {
    key, text: { ...opt('min', text('min')), ...opt('max', text('max')), ...opt('step', text('step')) },
    ...opt('min', min), ...opt('max', max), ...opt('step', step),
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function isMultiple(size: number, step: number): boolean {
  if (Number.isSafeInteger(size) && Number.isSafeInteger(step)) return size % step === 0;
  const ratio = size / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/** "10Gi to 500Gi in multiples of 10Gi", "at least 10Gi", "at most 1Ti". */
function describe({ text }: Bounds): string {
  const range = text.min !== undefined && text.max !== undefined ? `${text.min} to ${text.max}`
    : text.min !== undefined ? `at least ${text.min}` : text.max !== undefined ? `at most ${text.max}` : 'any size';
  return text.step === undefined ? range : `${range} in multiples of ${text.step}`;
}

/** The allowed size nearest to `size` (up first), or undefined when the bounds admit none. */
function nearestAllowed(size: number, { min, max, step }: Bounds): number | undefined {
  let candidate = Math.min(Math.max(size, min ?? size), max ?? size);
  if (step !== undefined) {
    const up = Math.ceil(candidate / step - 1e-9) * step;
    const down = Math.floor(candidate / step + 1e-9) * step;
    candidate = max === undefined || up <= max ? up : down;
    if ((min !== undefined && candidate < min) || candidate <= 0) return undefined;
  }
  return candidate;
}

const BINARY = [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const;
const DECIMAL = [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const;

/** A byte count as the shortest exact quantity: 21474836480 → 20Gi, 5e9 → 5G. */
export function formatBytes(bytes: number): string {
  for (const [suffix, factor] of [...BINARY, ...DECIMAL]) {
    if (bytes >= factor && Number.isInteger(bytes / factor)) return `${bytes / factor}${suffix}`;
  }
  return String(Math.round(bytes));
}
