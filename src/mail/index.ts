// Outgoing mail: the port and its SMTP adapter.
export { checkHeaders, MailHeaderError, MailNotConfigured, type Mailer, type MailMessage } from './mailer.ts';
export { createMailer, type MailSettings } from './smtp-mailer.ts';
