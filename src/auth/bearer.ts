import type { FastifyRequest } from 'fastify';
import { bearerToken, sha256Hex } from './secrets.js';

export interface RequestBearer {
  token: string | undefined;
  /** SHA-256 (hex) of the token: the front door's counter key and the job-token lookup key. */
  hash: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Parsed by requestBearer (app.ts declares it, so every request has the same shape). */
    bearer: RequestBearer | undefined;
  }
}

/** The request's bearer credential and its hash, parsed and hashed once per request. */
export function requestBearer(request: FastifyRequest): RequestBearer {
  let bearer = request.bearer;
  if (!bearer) {
    const token = bearerToken(request.headers.authorization);
    bearer = { token, hash: token === undefined ? undefined : sha256Hex(token) };
    request.bearer = bearer;
  }
  return bearer;
}
