import { randomBytes } from 'node:crypto';

/**
 * multipart/form-data bodies (RFC 7578), the way the Bot API takes uploaded files
 * (https://core.telegram.org/bots/api#sending-files: "Post the file using multipart/form-data").
 */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; bytes: Uint8Array };

export interface FormBody {
  contentType: string;
  body: Uint8Array;
}

const CRLF = '\r\n';

export function formData(parts: readonly FormPart[], boundary = newBoundary()): FormBody {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${part.name}"`;
    if ('bytes' in part) head += `; filename="${part.filename}"${CRLF}Content-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`${head}${CRLF}${CRLF}`, 'utf8'));
    chunks.push('bytes' in part ? Buffer.from(part.bytes) : Buffer.from(part.value, 'utf8'));
    chunks.push(Buffer.from(CRLF, 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'utf8'));
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: new Uint8Array(Buffer.concat(chunks)),
  };
}

/** Random, so no uploaded file can contain it by accident. */
function newBoundary(): string {
  return `chorus-${randomBytes(16).toString('hex')}`;
}
