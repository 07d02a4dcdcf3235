/**
 * The wire formats the stand-in speaks: multipart/form-data as a server reads it (RFC 7578), and status
 * text rendered to HTML as Mastodon does.
 */
export interface FormField {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string): FormField[] {
  const delimiter = Buffer.from(`--${/boundary=(.+)$/.exec(contentType)?.[1] ?? ''}`);
  const fields: FormField[] = [];
  for (let start = body.indexOf(delimiter); start !== -1;) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const type = /content-type: (.+)/i.exec(head)?.[1];
    fields.push({
      name: /name="([^"]*)"/.exec(head)?.[1] ?? '',
      ...(filename ? { filename } : {}),
      ...(type ? { contentType: type.trim() } : {}),
      data: part.subarray(split + 4),
    });
    start = next;
  }
  return fields;
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Status text to HTML as Mastodon formats it (app/lib/text_formatter.rb). */
export function render(text: string, base: string): string {
  const inline = (line: string) =>
    line
      .split(/(https?:\/\/\S+|#[\p{L}\p{N}_]+)/u)
      .map((piece, i) => {
        if (i % 2 === 0) return esc(piece);
        if (piece.startsWith('#')) {
          const tag = piece.slice(1);
          return `<a href="${esc(`${base}/tags/${tag}`)}" class="mention hashtag" rel="tag">#<span>${esc(tag)}</span></a>`;
        }
        const [, scheme = '', rest = ''] = /^(https?:\/\/(?:www\.)?)(.*)$/.exec(piece) ?? [];
        const shown = rest.length > 30 ? 'ellipsis' : '';
        return `<a href="${esc(piece)}" target="_blank" rel="nofollow noopener noreferrer"><span class="invisible">${esc(scheme)}</span><span class="${shown}">${esc(rest.slice(0, 30))}</span><span class="invisible">${esc(rest.slice(30))}</span></a>`;
      })
      .join('');
  return text
    .split(/\n\n+/)
    .map((p) => `<p>${p.split('\n').map(inline).join('<br />')}</p>`)
    .join('');
}
