import { z } from 'zod';

export class EnvError extends Error {
  constructor(readonly variable: string, readonly expected: string) {
    super(`Invalid environment variable ${variable}: ${expected}`);
    this.name = 'EnvError';
  }
}

/**
 * Parses the environment once, at the edge of an app. The first problem is
 * reported as one line naming the variable, because that is what an operator
 * reads in a crash-looping container's log.
 */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings are how compose files and shells spell "unset".
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const expected = issue.code === 'invalid_type' && cleaned[variable] === undefined ? 'is required' : issue.message;
  throw new EnvError(variable, expected);
}

/** For main(): print the one line and stop. */
export function exitOnEnvError(error: unknown): never {
  if (error instanceof EnvError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
