import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

export const JSON_TYPES = ['application/json', 'application/*+json'];

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/** A write with a body must send JSON; a write without one (rotate, test, redeliver) needs no Content-Type. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || req.method === 'DELETE') return next();
  if (hasBody(req.headers) && !req.is(JSON_TYPES)) {
    throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  next();
};
