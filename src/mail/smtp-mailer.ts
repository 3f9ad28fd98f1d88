import nodemailer from 'nodemailer';
import { checkHeaders, MailHeaderError, MailNotConfigured, type Mailer, type MailMessage } from './mailer.ts';

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://...; empty: mail is off. */
  smtpUrl: string;
  /** The From header, e.g. "Atelier <atelier@example.com>". */
  from: string;
}

const SETTING = 'ATELIER_SMTP_URL (--smtp-url)';

/** The mail port over nodemailer's SMTP transport, or one that refuses when no server is configured. */
export function createMailer(settings: MailSettings): Mailer {
  if (settings.smtpUrl === '') {
    return {
      configured: false,
      setting: SETTING,
      send: () => Promise.reject(new MailNotConfigured(`no SMTP server is configured: set ${SETTING}`)),
    };
  }
  if (/[\r\n]/.test(settings.from)) throw new MailHeaderError('the sender holds a line break');
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    configured: true,
    setting: SETTING,
    async send(message: MailMessage): Promise<void> {
      checkHeaders(message);
      await transport.sendMail({
        from: settings.from,
        to: message.to.name === undefined ? message.to.address : { name: message.to.name, address: message.to.address },
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        // Content is always given inline: nodemailer must never read a file or fetch a URL for it.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
  };
}
