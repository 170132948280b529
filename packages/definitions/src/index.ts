export { DefinitionError, type DefinitionIssue } from './errors';
export { parseDefinitionText, contentHash, MAX_DEPTH, MAX_YAML_ALIASES, type DefinitionObject } from './load';
export { validateDefinition, specificationOf, type ValidDefinition, type Specification } from './validate';
export { diffDefinitions, type StructuralDiff } from './diff';
export { itemId, type BumpDiff, type DiffItem } from './bump-diff';
export { summarize, summaryLine, type DiffSummary } from './summary';
export { compareDefinitions, type Comparison, type CompareOptions } from './compare';
