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
    logger.error('unhandled error', { method: req.method, path: req.path, err: error, stack: error instanceof Error ? error.stack : undefined });
    sendProblem(res, new HttpProblem(500, 'internal', 'Internal Server Error', 'Something went wrong on our side; it has been logged.'));
  };
}
