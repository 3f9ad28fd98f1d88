/** One message to one recipient: plain text, with an optional HTML rendering of the same content. */
export interface MailMessage {
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html?: string;
}

/** The mail port: families send through it, and the adapter is picked once from the config. */
export interface Mailer {
  /** False when no SMTP server is configured: sending would fail, so callers refuse first. */
  readonly configured: boolean;
  /** The setting that turns mail on, for messages that say what is missing. */
  readonly setting: string;
  /** Sends the message; throws MailHeaderError before connecting when a header value holds a line break. */
  send(message: MailMessage): Promise<void>;
}

/** A header value (address, name, subject) holding CR or LF: it could add headers of its own. */
export class MailHeaderError extends Error {}

export class MailNotConfigured extends Error {}

const LINE_BREAK = /[\r\n\u2028\u2029\u0085]/;

/** Refuses a message whose header values could inject headers (a line break in a name, an address or the subject). */
export function checkHeaders(message: MailMessage): void {
  const fields: Array<[string, string | undefined]> = [
    ['recipient address', message.to.address],
    ['recipient name', message.to.name],
    ['subject', message.subject],
  ];
  for (const [what, value] of fields) {
    if (value !== undefined && LINE_BREAK.test(value)) throw new MailHeaderError(`the ${what} holds a line break`);
  }
}
