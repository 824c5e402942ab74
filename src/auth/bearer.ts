import type { FastifyRequest } from 'fastify';
import { bearerToken, sha256Hex } from './secrets.js';

export interface RequestBearer {
  token: string | undefined;
  /** SHA-256 (hex) of the token: the front door's counter key and the job-token lookup key. */
  hash: string | undefined;
}

const parsed = new WeakMap<FastifyRequest, RequestBearer>();

/** The request's bearer credential and its hash, parsed and hashed once per request. */
export function requestBearer(request: FastifyRequest): RequestBearer {
  let bearer = parsed.get(request);
  if (!bearer) {
    const token = bearerToken(request.headers.authorization);
    bearer = { token, hash: token === undefined ? undefined : sha256Hex(token) };
    parsed.set(request, bearer);
  }
  return bearer;
}
