// The request of an object URL: the object's path, and the query the server signed.
import { Type, type Static } from 'typebox';

export const ObjectUrlParams = Type.Object({
  bucket: Type.String({ minLength: 1, maxLength: 63, description: 'Bucket' }),
  '*': Type.String({ minLength: 1, maxLength: 4096, description: 'Object key' }),
});

export const ObjectUrlQuery = Type.Object({
  Expires: Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Epoch seconds after which the URL is refused' }),
  Signature: Type.String({ minLength: 1, maxLength: 128, description: 'HMAC-SHA256 of what the URL names, base64url' }),
  'x-image-process': Type.Optional(Type.String({ maxLength: 256, description: 'A resize, e.g. image/resize,m_lfit,h_200 (part of what is signed)' })),
});
export type ObjectUrlQuery = Static<typeof ObjectUrlQuery>;
