import { errors } from '#src/core/errors.ts';
import { MAX_EMAILS_PER_REQUEST } from './schemas.ts';

// A practical address shape: a dot-atom local part and a domain of DNS labels with at least one dot.
// No spaces, quotes, brackets or line breaks can pass, so an address never carries a header of its own.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_EMAIL_LENGTH = 254;

/** Whether the text is one e-mail address Atelier will send to. */
export function isEmail(text: string): boolean {
  return text.length <= MAX_EMAIL_LENGTH && EMAIL.test(text);
}

/**
 * The addresses of CreateWorker's `emails`: one, or several separated by commas or semicolons,
 * lower-cased. A malformed or repeated address is a 400 naming the field and the address.
 */
export function parseEmails(raw: string): string[] {
  const parts = raw
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw errors.badParam('body.emails must hold an e-mail address');
  if (parts.length > MAX_EMAILS_PER_REQUEST) throw errors.badParam(`body.emails holds ${parts.length} addresses, at most ${MAX_EMAILS_PER_REQUEST} are taken`);
  const seen = new Set<string>();
  for (const part of parts) {
    if (!isEmail(part)) throw errors.badParam(`body.emails: ${JSON.stringify(part.slice(0, 80))} is not an e-mail address`);
    const email = part.toLowerCase();
    if (seen.has(email)) throw errors.badParam(`body.emails names ${email} twice`);
    seen.add(email);
  }
  return [...seen];
}
