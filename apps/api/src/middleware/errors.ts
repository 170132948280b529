import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logger';
import { HttpProblem, notFound } from '../problem';

export function sendProblem(res: Response, problem: HttpProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.toBody()));
}

export const unknownRoute: RequestHandler = (req) => {
  throw notFound(`${req.method} ${req.path}`);
};

/** Errors raised by Express's body parser and router, which carry a 4xx status meant for the client. */
interface ClientError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

function fromClientError(error: ClientError): HttpProblem | undefined {
  const status = error.status ?? error.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new HttpProblem(400, 'malformed-json', 'Bad Request', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new HttpProblem(413, 'body-too-large', 'Content Too Large', 'The request body is larger than 1 MiB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the body as UTF-8 JSON.');
    default:
      return new HttpProblem(status, 'bad-request', 'Bad Request', error.expose && error instanceof Error ? error.message : 'The request could not be read.');
  }
}

/**
 * PostgreSQL away (restarting, refusing connections, pool timeout): the
 * request did nothing and can be sent again, so it is a 503, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = typeof current.code === 'string' ? current.code : '';
    const message = typeof current.message === 'string' ? current.message : '';
    // PostgreSQL's connection classes, the socket's errors, and Prisma's own codes for the same (P1001 unreachable, P1008 timeout, P1017 closed, P2024 pool timeout).
    if (/^(08|57P0[1-3]|53300)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024'].includes(code)) return true;
    if (/Connection terminated|connection error|timeout exceeded when trying to connect|Can't reach database server/i.test(message)) return true;
    current = current.cause as typeof current;
  }
  return false;
}

/**
 * The one place errors become answers: problems as they are, client errors
 * from Express's own layers mapped to problems, and anything else a 500 that
 * says nothing about the internals and is logged once, here.
 */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const problem =
      error instanceof HttpProblem ? error : typeof error === 'object' && error !== null ? fromClientError(error as ClientError) : undefined;
    if (problem) return sendProblem(res, problem);
    if (isDatabaseUnavailable(error)) {
      logger.warn('database unavailable', { method: req.method, path: req.path, err: error });
      return sendProblem(
        res,
        new HttpProblem(503, 'database-unavailable', 'Service Unavailable', 'The database is not reachable right now; nothing was changed. Try again shortly.', undefined, { 'Retry-After': '5' }),
      );
    }
    logger.error('unhandled error', { method: req.method, path: req.path, err: error, stack: error instanceof Error ? error.stack : undefined });
    sendProblem(res, new HttpProblem(500, 'internal', 'Internal Server Error', 'Something went wrong on our side; it has been logged.'));
  };
}
