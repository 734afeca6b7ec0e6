/** The pure policy engine: compile policy documents, evaluate StatefulSets and Scales. */
export * from './types.ts';
export { StateguardError, type ErrorCode } from './errors.ts';
export { compilePolicies, describeSchemaError, type PolicySet, type PolicySource } from './compile.ts';
export { closestId, configurePolicies, type PolicySettings } from './configure.ts';
export { evaluate, targetOf, type EvaluateOptions } from './evaluate.ts';
export { claimedExemptions, DEFAULT_ACTION_SETTINGS, resolveAction } from './actions.ts';
export * from './annotations.ts';
export * from './kubernetes-names.ts';
export { selectorIsEmpty, selectorMatches } from './label-selectors.ts';
export { CHECKS } from './checks/index.ts';
export { MUTATORS } from './mutators/index.ts';
export { escapePointer, joinPath, parsePath, pointerToPath, pointerTokens, toPointer, unescapePointer, valueAt, type PathKey } from './paths.ts';
export { isObject } from './object-path.ts';
export { assertEvaluable, MAX_DEPTH, MAX_ITEMS, MAX_VALUES, MAX_VIOLATIONS_PER_POLICY, shapeProblem, unevaluable, type ShapeProblem, type Unevaluable } from './limits.ts';
export { SCOPE_SCHEMA } from './policy-schema.ts';
export { globMatches, scopeOf, type ScopeFacts, type ScopeVerdict } from './match.ts';
export { runCases, type CaseOutcome, type ExpectedViolation, type PolicyCase } from './cases.ts';
export { createResourceResolver, policyDocumentOf, POLICY_RESOURCE, RESOURCE_REASONS, resourceProblems, type ResolvedResources, type ResourceReason, type ResourceResolver, type ResourceStatus } from './policy-resources.ts';
