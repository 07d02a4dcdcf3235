import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { invalid } from '../../core/errors.js';

/**
 * Reads a CSV file as a stream of records with their row numbers (the header is row 1, as a spreadsheet
 * numbers them). UTF-8 with or without a byte-order mark, CRLF or LF line ends, quoted fields spanning
 * lines, and `,`, `;` or tab as the separator (whichever the first line uses). A file that is not CSV
 * text — a spreadsheet workbook, an image, another encoding — is refused with what to do instead.
 */
export interface CsvRecord {
  row: number;
  cells: string[];
}

/** More rows than this are refused: split the file. Keeps a preview's stored plan bounded. */
export const MAX_ROWS = 20_000;
/** A single field longer than this is not a post (and usually means an unbalanced quote). */
const MAX_FIELD_BYTES = 256 * 1024;
const SNIFF_BYTES = 64 * 1024;

export type CsvSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/** File signatures of things people upload by mistake instead of CSV. */
const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive or an Excel/Numbers workbook (.xlsx)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

const SAVE_AS = 'Save the sheet as "CSV UTF-8 (comma delimited)" and upload that file.';

function sniffBinary(head: Buffer): void {
  for (const s of SIGNATURES) {
    if (s.bytes.every((b, i) => head[i] === b)) throw invalid(`This file is ${s.what}, not CSV. ${SAVE_AS}`);
  }
  if (head[0] === 0xff && head[1] === 0xfe) {
    throw invalid(`This file is UTF-16 text, not UTF-8. ${SAVE_AS}`);
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    throw invalid(`This file is UTF-16 text, not UTF-8. ${SAVE_AS}`);
  }
  if (head.includes(0)) throw invalid(`This file is binary (it holds NUL bytes), not CSV text. ${SAVE_AS}`);
  try {
    // `stream: true` tolerates a character cut in half at the end of the sniffed part.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    throw invalid(
      `This file is not UTF-8 text (it may be in a legacy encoding such as Windows-1252). ${SAVE_AS}`,
    );
  }
}

/** The separator the first line uses most, outside quotes: `,` unless `;` or tab clearly dominate. */
function sniffDelimiter(text: string): string {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

async function* chunksOf(source: CsvSource): AsyncGenerator<Buffer> {
  if (typeof source === 'string') yield Buffer.from(source, 'utf8');
  else if (source instanceof Uint8Array) yield Buffer.from(source);
  else for await (const c of source) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c);
}

function describeCsvError(error: CsvError): string {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line ? `Line ${line}` : 'The file';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `${where}: a quoted field is never closed (a " is missing). Close the quote, or double a " that is part of the text ("").`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `${where}: text follows a closing quote. Inside a quoted field write a " as "", and put nothing between the closing " and the next separator.`;
    case 'CSV_MAX_RECORD_SIZE':
      return `${where}: a field is longer than ${MAX_FIELD_BYTES} bytes, which usually means a quote is not closed. Check the quotes on that line.`;
    default:
      return `${where}: ${error.message}. Check that the file is CSV (one row per line, fields separated by commas).`;
  }
}

/**
 * Streams the records of `source`, and the file's SHA-256 once read in full (`checksum()` after the
 * iteration ends). Completely empty lines are skipped; a row's number still counts them, as a spreadsheet
 * does.
 */
export function readCsv(source: CsvSource): { records: AsyncGenerator<CsvRecord>; checksum(): string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* records(): AsyncGenerator<CsvRecord> {
    const input = chunksOf(source);
    const head: Buffer[] = [];
    let headBytes = 0;
    let done = false;
    while (headBytes < SNIFF_BYTES) {
      const next = await input.next();
      if (next.done) {
        done = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    const first = Buffer.concat(head);
    const withoutBom =
      first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf ? first.subarray(3) : first;
    if (withoutBom.toString('utf8').trim() === '') {
      throw invalid('The file is empty. Upload a CSV file with a header row and one row per post.');
    }
    sniffBinary(withoutBom.subarray(0, 4096));
    const delimiter = sniffDelimiter(withoutBom.subarray(0, 4096).toString('utf8'));
    async function* all(): AsyncGenerator<Buffer> {
      hash.update(first);
      yield first;
      if (done) return;
      for await (const c of input) {
        hash.update(c);
        yield c;
      }
    }
    const parser = Readable.from(all()).pipe(
      parse({
        bom: true,
        delimiter,
        relax_column_count: true,
        skip_empty_lines: false,
        max_record_size: MAX_FIELD_BYTES,
        info: true,
      }),
    );
    let index = 0;
    try {
      for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        index++;
        if (item.record.length === 1 && item.record[0] === '') continue;
        if (index > MAX_ROWS + 1) {
          throw invalid(`The file has more than ${MAX_ROWS} rows. Split it into smaller files.`);
        }
        yield { row: index, cells: item.record };
      }
    } catch (error) {
      if (error instanceof CsvError) throw invalid(describeCsvError(error));
      throw error;
    } finally {
      parser.destroy();
    }
    digest = hash.digest('hex');
  }
  return {
    records: records(),
    checksum: () => {
      if (!digest) throw new Error('the file has not been read to its end');
      return digest;
    },
  };
}
