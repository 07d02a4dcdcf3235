import { randomBytes } from 'node:crypto';

/** One field of a multipart/form-data body (RFC 7578). */
export interface FormPart {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

/**
 * Builds a multipart/form-data body by hand, as the SSRF-guarded client takes a string or bytes. The
 * boundary is random and checked against every value, so no content can end a part early.
 */
export function multipartBody(parts: readonly FormPart[]): { contentType: string; body: Uint8Array } {
  const values = parts.map((p) =>
    typeof p.value === 'string' ? Buffer.from(p.value, 'utf8') : Buffer.from(p.value),
  );
  let boundary: string;
  do boundary = `----ChorusFormBoundary${randomBytes(16).toString('hex')}`;
  while (values.some((v) => v.includes(boundary)));
  const chunks: Buffer[] = [];
  parts.forEach((part, i) => {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ? `Content-Type: ${part.contentType}\r\n` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`, 'utf8'));
    chunks.push(values[i]!, Buffer.from('\r\n'));
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
