import type { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const typeUri = (name: string) => `urn:hookline:problem:${name}`;

/**
 * An RFC 9457 problem the error middleware answers with as it is. Thrown by
 * route handlers; anything else that reaches the middleware is a 500.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  toBody(): ProblemBody {
    return { type: typeUri(this.kind), title: this.title, status: this.status, detail: this.detail, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const notFound = (what: string) => new HttpProblem(404, 'not-found', 'Not Found', `${what} was not found.`);

export const conflict = (kind: string, detail: string) => new HttpProblem(409, kind, 'Conflict', detail);

export const validationFailed = (errors: FieldError[], detail = 'The request is not valid; see errors.') =>
  new HttpProblem(400, 'validation', 'Bad Request', detail, errors);

const joinPath = (path: PropertyKey[]) => path.map(String).join('.');

/** One entry per offending field; an unknown field is named, not just "unrecognized keys". */
export function fieldErrors(issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: joinPath([...path, key]), message: 'is not a known field' });
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      errors.push({ path: joinPath(path) || '(body)', message: `is required (expected ${issue.expected})` });
    } else {
      errors.push({ path: joinPath(path) || '(body)', message: issue.message });
    }
  }
  return errors;
}
