export interface DefinitionIssue {
  /** JSON pointer into the definition ('' is the whole document). */
  path: string;
  message: string;
}

/**
 * A definition Hookline cannot take, with the HTTP status it maps to: 413
 * too large, 415 not JSON or YAML, 422 parsed but not a valid OpenAPI or
 * Swagger definition. A value the caller answers with, never a crash.
 */
export class DefinitionError extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    readonly kind: string,
    message: string,
    readonly issues: DefinitionIssue[] = [],
  ) {
    super(message);
    this.name = 'DefinitionError';
  }
}

export const pointer = (segments: Array<string | number>): string =>
  segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
