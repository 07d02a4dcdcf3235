import pino, { type Logger } from 'pino';

/**
 * Structured logs. Keys that could carry secrets or personal data are censored wherever they appear, as a
 * second line of defence: code should not log them in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'secret',
          '*.secret',
          'authorization',
          '*.authorization',
          'cookie',
          '*.cookie',
          'email',
          '*.email',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
