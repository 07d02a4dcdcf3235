/** Shapes of the API: CSV imports. */

export type ImportStatus = 'previewed' | 'queued' | 'running' | 'finished';
export type HootsuiteDateFormat = 'dd/mm/yyyy' | 'mm/dd/yyyy' | 'yyyy/mm/dd' | 'yyyy/dd/mm';

/** A CSV import: the checked file, its rows counted by outcome, and its progress once confirmed. */
export interface ImportSummary {
  id: string;
  fileName: string;
  layout: 'chorus' | 'hootsuite';
  checksum: string;
  columns: string[];
  channelId: string | null;
  dateFormat: string | null;
  status: ImportStatus;
  totalRows: number;
  validRows: number;
  invalidRows: number;
  doneRows: number;
  importedRows: number;
  failedRows: number;
  createdAt: string;
  confirmedAt: string | null;
  finishedAt: string | null;
}

export interface ImportProblem {
  /** The column as the file names it; null for the row as a whole. */
  column: string | null;
  message: string;
  fix: string;
}

export interface ImportRowView {
  row: number;
  status: 'invalid' | 'valid' | 'importing' | 'imported' | 'failed';
  cells: string[];
  problems: ImportProblem[];
  plan: {
    channels: { id: string; name: string; network: string }[];
    text: string;
    media: { assetId?: string; url?: string }[];
    when: 'draft' | 'queue' | 'scheduled';
    scheduledAt: string | null;
    firstComment: string | null;
    tags: string[];
    campaign: string | null;
  } | null;
  postId: string | null;
}

export interface PreviewImportInput {
  fileName: string;
  csv: string;
  channelId?: string;
  dateFormat?: HootsuiteDateFormat;
}
