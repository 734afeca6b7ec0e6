/** The pure policy engine: compile policy documents, evaluate StatefulSets and Scales. */
export * from './types.ts';
export { StateguardError, type ErrorCode } from './errors.ts';
export { compilePolicies, describeSchemaError, type PolicySet, type PolicySource } from './compile.ts';
export { closestId, configurePolicies, type PolicySettings } from './configure.ts';
export { evaluate, targetOf, type EvaluateOptions } from './evaluate.ts';
export { claimedExemptions, DEFAULT_ACTION_SETTINGS, NAMESPACE_ACTION_LABEL, resolveAction } from './actions.ts';
export { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from './checks/exemption-reason-required.ts';
export { MUTATED_ANNOTATION } from './mutate.ts';
export { CHECKS } from './checks/index.ts';
export { MUTATORS } from './mutators/index.ts';
export { escapePointer } from './diff.ts';
export { isObject } from './object-path.ts';
export { assertEvaluable, MAX_DEPTH, MAX_ITEMS, MAX_VALUES, MAX_VIOLATIONS_PER_POLICY, shapeProblem, unevaluable, UnevaluableError, type ShapeProblem, type Unevaluable } from './limits.ts';
export { SCOPE_SCHEMA } from './policy-schema.ts';
export { globMatches, scopeOf, selects, type ScopeFacts, type ScopeVerdict } from './match.ts';
export { runCases, type CaseOutcome, type ExpectedViolation, type PolicyCase } from './cases.ts';
