/**
 * Uploads API 2020-11-01 (createUploadDestinationForResource) and the S3 stand-in A+ images are posted
 * to. A+ `ImageComponent.uploadDestinationId` must be an id issued here for resource
 * `aplus/2020-11-01/contentDocuments` (A+ Content API use-case guide; docs/amazon.md#uploads):
 * - `POST /uploads/2020-11-01/uploadDestinations/{resource}?marketplaceIds=&contentMD5=&contentType=`
 *   → 201 `{payload: {uploadDestinationId, url, headers}}` (one marketplace; contentMD5 required;
 *   contentType required for A+);
 * - the image goes up as an HTTP POST multipart/form-data to the URL's base, with each URL query
 *   parameter as a form field, then the `file` field (Amazon's UploadImageForResourceRecipe). The
 *   stand-in checks the signature, the declared MD5 and content type, and the 1 B–3 MiB range of
 *   the example policy (`content-length-range`, 1, 3145728).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { invalidInput } from '../errors.js';
import { bodyOf, headerRecord, queryRecord, rawPath, registerOperation, requireMarketplaceIds } from '../operation.js';
import type { Host, Sim } from '../sim.js';

export const APLUS_RESOURCE = 'aplus/2020-11-01/contentDocuments';
const UPLOAD_PATH = '/_uploads/';
const MAX_UPLOAD_BYTES = 3 * 1024 * 1024;

const s3Error = (reply: FastifyReply, status: number, code: string, message: string) =>
  reply.code(status).header('content-type', 'application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);

export function registerUploads(app: FastifyInstance, sim: Sim, host: Host): void {
  registerOperation(app, sim, host, { method: 'POST', url: '/uploads/2020-11-01/uploadDestinations/*', operationId: 'createUploadDestinationForResource' }, (op) => {
    const resource = decodeURIComponent(op.params['*'] ?? '');
    if (resource !== APLUS_RESOURCE) throw invalidInput(`Invalid resource: ${resource}.`, `The resource is not supported for uploads.`);
    const [marketplaceId] = requireMarketplaceIds(op, { max: 1 }) as [string];
    const contentMD5 = op.query.contentMD5;
    if (!contentMD5 || !/^[A-Za-z0-9+/]{22}==$/.test(contentMD5)) throw invalidInput('Invalid contentMD5.', 'contentMD5 is required: the base64-encoded MD5 of the file.');
    const contentType = op.query.contentType;
    if (!contentType) throw invalidInput('Missing required parameter: contentType.', 'contentType is required for A+ content.');
    const id = `aplus-media/sc/${randomUUID()}`;
    op.sim.state.uploadDestinations.set(id, { id, sellerId: op.sellerId, resource, marketplaceId, contentMD5, contentType });
    const signed = op.sim.state.signUrl(UPLOAD_PATH, { key: id, 'Content-Type': contentType });
    return { status: 201, body: { payload: { uploadDestinationId: id, url: `${op.host.baseUrl}${signed}`, headers: {} } } };
  });

  app.post(UPLOAD_PATH, async (req, reply) => {
    const recorded = { operation: 'uploadDestinationPost', method: req.method, path: rawPath(req.url), query: queryRecord(req.url), headers: headerRecord(req), body: undefined, rawBody: bodyOf(req).raw.slice(0, 200), status: 0 };
    sim.stats.call(recorded.operation);
    sim.stats.record(recorded);
    const deny = (status: number, code: string, message: string) => {
      recorded.status = status;
      return s3Error(reply, status, code, message);
    };
    let form: FormData;
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      form = await new Response(body, { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
    } catch {
      return deny(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    }
    const fields = new URLSearchParams();
    for (const [name, value] of form) if (typeof value === 'string') fields.append(name, value);
    if (sim.state.checkUrl(UPLOAD_PATH, fields) !== 'ok') return deny(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed or the signature does not match.');
    const destination = sim.state.uploadDestinations.get(fields.get('key') ?? '');
    const file = form.get('file');
    if (!destination || !(file instanceof Blob)) return deny(400, 'InvalidArgument', 'POST requires a key and a file field.');
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length < 1 || bytes.length > MAX_UPLOAD_BYTES) return deny(400, 'EntityTooLarge', `Your proposed upload is outside the allowed size (1 to ${MAX_UPLOAD_BYTES} bytes).`);
    if (createHash('md5').update(bytes).digest('base64') !== destination.contentMD5) return deny(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    destination.uploaded = bytes;
    recorded.status = 204;
    return reply.code(204).send();
  });
}

/** Why an A+ document's image ids are not acceptable: each must be issued here for the seller and uploaded. */
export function unknownUploadDestinations(sim: Sim, sellerId: string, ids: readonly string[]): string[] {
  return ids.filter((id) => {
    const destination = sim.state.uploadDestinations.get(id);
    return !destination || destination.sellerId !== sellerId || destination.resource !== APLUS_RESOURCE || !destination.uploaded;
  });
}
