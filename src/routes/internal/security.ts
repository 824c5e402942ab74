/** OpenAPI security requirement of the internal API. */
export const INTERNAL_SECURITY = [{ internalKey: [] }];
