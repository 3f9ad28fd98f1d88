import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

function scryptAsync(password: BinaryLike, salt: Buffer, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, (err, key) => (err ? reject(err) : resolve(key))));
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** `scrypt$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, HASH_BYTES);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

// Shaped like a stored hash (same salt and hash sizes, so the same scrypt work) but random: no
// password matches it. Checked when the user does not exist, so that answer takes as long as a
// wrong password for a real user and does not tell which user names exist.
const DUMMY_HASH = `scrypt$${randomBytes(SALT_BYTES).toString('base64')}$${randomBytes(HASH_BYTES).toString('base64')}`;

/** Whether the password matches the stored hash; with no hash (an unknown user), false after the same work. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? DUMMY_HASH).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected) && stored !== undefined;
}

/**
 * A stored hash no password matches, shaped like a real one so a sign-in against it costs the same
 * work: the password of an identity that has none yet (a worker before their invitation is used).
 */
export function unusablePasswordHash(): string {
  return `scrypt$${randomBytes(SALT_BYTES).toString('base64')}$${randomBytes(HASH_BYTES).toString('base64')}`;
}
