import { SMTPServer } from 'smtp-server';
import { createServer, type AddressInfo } from 'node:net';
import { createMailer, type Mailer, type MailMessage } from '../../src/modules/mail/mailer.js';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The body with quoted-printable soft breaks and escapes undone. */
  text: string;
}

/** A real SMTP server on loopback; Chorus sends to it exactly as it would to a mail provider. */
export async function startMailServer() {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const body = raw
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join('\n\n');
        const text = body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs = 15_000): Promise<ReceivedMail> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = messages.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no matching e-mail arrived');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SMTP address on loopback where nothing listens: a mail server that is down. */
export async function closedSmtpUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

/**
 * Chorus's own SMTP mailer, sending to `smtpUrl`, which a test points at a loopback mail server or at a
 * closed port (the mail server down). It keeps what it sent, as the harness reads invitation links from it.
 */
export class SwitchableSmtp implements Mailer {
  readonly configured = true;
  readonly sent: MailMessage[] = [];
  constructor(public smtpUrl: string) {}
  async send(m: MailMessage): Promise<void> {
    await createMailer({ smtpUrl: this.smtpUrl, from: 'Chorus <chorus@example.test>' }).send(m);
    this.sent.push(m);
  }
}
