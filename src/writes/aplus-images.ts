import { createHash } from 'node:crypto';
import { BrokerError } from '../errors.js';
import type { ImageFetcher } from './image-fetch.js';
import { at, violation, type Violation } from './violations.js';
import type { WriteContext } from './write-context.js';

/**
 * A+ images (docs/amazon.md#uploads): `ImageComponent.uploadDestinationId` is issued by the Uploads API
 * after the image is uploaded, so the agent gives an https `image_url` per image component and the
 * broker, at apply, fetches it (image-fetch.ts), asks createUploadDestinationForResource for a
 * destination (resource aplus/2020-11-01/contentDocuments, one marketplace, the image's base64 MD5
 * and content type), posts the bytes there, and sends the issued id. An uploadDestinationId the
 * agent brings was not obtained by the broker (nor checked by it), so it is refused.
 */
export const APLUS_UPLOAD_RESOURCE = 'aplus/2020-11-01/contentDocuments';

interface ImageSlot {
  /** The ImageComponent object (its image_url is replaced by uploadDestinationId at apply). */
  component: Record<string, unknown>;
  url: string;
  field: string;
}

/** Every object of the modules that carries `key`, with its field path. */
function findKey(node: unknown, key: string, field: string): { owner: Record<string, unknown>; field: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => findKey(item, key, at(field, i)));
  if (typeof node !== 'object' || node === null) return [];
  const owner = node as Record<string, unknown>;
  const here = key in owner ? [{ owner, field: at(field, key) }] : [];
  return [...here, ...Object.entries(owner).flatMap(([name, value]) => findKey(value, key, at(field, name)))];
}

function imageSlots(modules: readonly Record<string, unknown>[], field: string): ImageSlot[] {
  return findKey(modules, 'image_url', field).map(({ owner, field: where }) => ({ component: owner, url: String(owner.image_url), field: where }));
}

export const hasImages = (modules: readonly Record<string, unknown>[]) => imageSlots(modules, '').length > 0;

/** Staging: no foreign upload ids, and every image_url passes the image URL rules. */
export function checkAplusImages(modules: readonly Record<string, unknown>[], images: ImageFetcher, field: string): Violation[] {
  const foreign = findKey(modules, 'uploadDestinationId', field).map(({ field: where }) =>
    violation(
      'APLUS_UPLOAD_DESTINATION_NOT_OURS',
      where,
      'is refused: the broker obtains upload destinations itself from Amazon\'s Uploads API; give the image as image_url (an https URL of a JPEG, PNG or TIFF) instead',
    ),
  );
  const urls = imageSlots(modules, field).flatMap((slot) => (typeof slot.component.image_url === 'string' ? images.check(slot.url, slot.field) : []));
  return [...foreign, ...urls];
}

interface UploadDestination {
  payload?: { uploadDestinationId?: string; url?: string; headers?: Record<string, string> };
}

/** Apply: uploads every image once (the same URL twice shares one upload) and returns the modules with issued ids. */
export async function uploadAplusImages(ctx: WriteContext<unknown>, modules: readonly Record<string, unknown>[], field: string): Promise<Record<string, unknown>[]> {
  const copy = structuredClone(modules) as Record<string, unknown>[];
  const issued = new Map<string, string>();
  // One deadline for all the downloads of this apply, besides each image's own (image-fetch.ts).
  const downloads = ctx.services.images.downloads(ctx.log);
  for (const slot of imageSlots(copy, field)) {
    let id = issued.get(slot.url);
    if (!id) {
      const image = await downloads.fetch(slot.url, slot.field);
      const { body } = await ctx.amazon.call<UploadDestination>({
        operation: 'createUploadDestinationForResource',
        method: 'POST',
        path: `/uploads/2020-11-01/uploadDestinations/${APLUS_UPLOAD_RESOURCE}`,
        query: { marketplaceIds: ctx.marketplace.id, contentMD5: createHash('md5').update(image.bytes).digest('base64'), contentType: image.contentType },
      });
      const destination = body.payload;
      if (!destination?.uploadDestinationId || !destination.url) {
        throw new BrokerError('SP_API_ERROR', 'Amazon answered createUploadDestinationForResource without uploadDestinationId and url', { details: { status: 201, errors: [] } });
      }
      await ctx.amazon.uploadToDestination(destination.url, destination.headers ?? {}, image);
      id = destination.uploadDestinationId;
      issued.set(slot.url, id);
    }
    delete slot.component.image_url;
    slot.component.uploadDestinationId = id;
  }
  return copy;
}
