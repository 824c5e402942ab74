/**
 * The S3 stand-in: pre-signed document URLs under `/_documents/`. GET downloads report and feed
 * result documents (gzip bytes; `response-content-encoding=gzip` adds `Content-Encoding`), PUT uploads
 * feed input documents. Errors are S3's XML; an expired or tampered URL is 403, and a PUT whose
 * Content-Type differs from the declared one is 403 SignatureDoesNotMatch (Content-Type is signed).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyOf, headerRecord, queryRecord, rawPath, stallUntilClosed } from '../operation.js';
import type { Sim } from '../sim.js';

function s3Error(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .code(status)
    .header('content-type', 'application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${Date.now().toString(16).toUpperCase()}</RequestId></Error>`);
}

async function guard(sim: Sim, req: FastifyRequest, reply: FastifyReply, operation: string): Promise<{ handled: boolean; recorded: { status: number } }> {
  const body = bodyOf(req);
  const recorded = { operation, method: req.method, path: rawPath(req.url), query: queryRecord(req.url), headers: headerRecord(req), body: body.parsed, rawBody: body.raw, status: 0 };
  sim.stats.call(operation);
  sim.stats.record(recorded);
  if (sim.faults.isStalled(operation, false)) {
    await stallUntilClosed(sim, reply);
    return { handled: true, recorded };
  }
  if (sim.faults.takeReset(operation, false)) {
    reply.hijack();
    req.raw.socket.destroy();
    return { handled: true, recorded };
  }
  const failure = sim.faults.takeFailure(operation, false);
  if (failure) {
    recorded.status = failure;
    s3Error(reply, failure, failure === 503 ? 'SlowDown' : 'InternalError', failure === 503 ? 'Please reduce your request rate.' : 'We encountered an internal error. Please try again.');
    return { handled: true, recorded };
  }
  const url = new URL(req.url, 'http://sim');
  const check = sim.state.checkUrl(url.pathname, url.searchParams);
  if (check !== 'ok') {
    recorded.status = 403;
    if (check === 'expired') s3Error(reply, 403, 'AccessDenied', 'Request has expired');
    else s3Error(reply, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    return { handled: true, recorded };
  }
  return { handled: false, recorded };
}

export function registerDocuments(app: FastifyInstance, sim: Sim): void {
  app.get('/_documents/:id', async (req, reply) => {
    const { handled, recorded } = await guard(sim, req, reply, 'downloadDocument');
    if (handled) return reply;
    const id = (req.params as { id: string }).id;
    const doc = sim.state.documents.get(id);
    const input = sim.state.feedDocuments.get(id);
    const content = doc?.stream?.() ?? doc?.content ?? input?.uploaded;
    if (!content) {
      recorded.status = 404;
      return s3Error(reply, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    recorded.status = 200;
    reply.code(200).header('content-type', doc ? (doc.compressed ? 'application/octet-stream' : doc.contentType) : (input?.contentType ?? 'application/octet-stream'));
    if (doc?.compressed && (req.query as Record<string, string>)['response-content-encoding'] === 'gzip') {
      reply.header('content-encoding', 'gzip').header('content-type', doc.contentType);
    }
    return reply.send(content);
  });

  app.put('/_documents/:id', async (req, reply) => {
    const { handled, recorded } = await guard(sim, req, reply, 'uploadFeedDocument');
    if (handled) return reply;
    const id = (req.params as { id: string }).id;
    const doc = sim.state.feedDocuments.get(id);
    if (!doc) {
      recorded.status = 403;
      return s3Error(reply, 403, 'AccessDenied', 'Access Denied');
    }
    const contentType = String(req.headers['content-type'] ?? '').trim();
    if (contentType !== doc.contentType.trim()) {
      recorded.status = 403;
      return s3Error(
        reply,
        403,
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match the signature you provided. The Content-Type '${contentType}' differs from the one declared to createFeedDocument ('${doc.contentType}').`,
      );
    }
    doc.uploaded = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    doc.uploadedContentType = contentType;
    recorded.status = 200;
    return reply.code(200).header('etag', `"${Date.now().toString(16)}"`).send('');
  });
}
