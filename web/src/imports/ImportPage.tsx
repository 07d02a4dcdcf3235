import { useState } from 'react';
import type { ChangeEvent, SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { Checkbox, SelectField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync, useDocumentTitle, useInterval } from '../hooks.js';
import { workspacePath } from '../permissions.js';
import { Link } from '../router.js';
import type { HootsuiteDateFormat, ImportRowView, ImportSummary, Workspace } from '../types.js';

const PAGE = 100;
const DATE_FORMATS: HootsuiteDateFormat[] = ['dd/mm/yyyy', 'mm/dd/yyyy', 'yyyy/mm/dd', 'yyyy/dd/mm'];

function when(row: ImportRowView, timeZone: string): string {
  const plan = row.plan;
  if (!plan) return '';
  if (plan.when === 'draft') return 'Draft';
  if (plan.when === 'queue') return 'Next queue slot';
  return plan.scheduledAt
    ? new Date(plan.scheduledAt).toLocaleString(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone,
      })
    : '';
}

const STATUS_LABEL: Record<ImportRowView['status'], string> = {
  invalid: 'Has problems',
  valid: 'Ready',
  importing: 'Importing',
  imported: 'Imported',
  failed: 'Failed',
};

/**
 * Bulk import: choose a CSV file (the Chorus layout or a Hootsuite bulk file), see every row checked with
 * its problems located by row and column, then import the valid rows and follow the progress.
 */
export function ImportPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Import', workspace.name);
  const channels = useAsync(
    (signal) => api.channels(workspace.id, signal).then((r) => r.channels),
    [workspace.id],
  );
  const [file, setFile] = useState<File | null>(null);
  const [channelId, setChannelId] = useState('');
  const [dateFormat, setDateFormat] = useState<'' | HootsuiteDateFormat>('');
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [offset, setOffset] = useState(0);
  const { busy, error, setError, run } = useAction();
  const confirmAction = useAction();

  const rows = useAsync(
    (signal) =>
      summary
        ? api.importRows(
            workspace.id,
            summary.id,
            { offset, limit: PAGE, ...(onlyProblems ? { status: 'problems' as const } : {}) },
            signal,
          )
        : Promise.resolve({ rows: [], total: 0 }),
    [workspace.id, summary?.id, summary?.status === 'finished', offset, onlyProblems],
  );

  const running = summary?.status === 'queued' || summary?.status === 'running';
  useInterval(
    () => {
      if (!summary) return;
      void api.importSummary(workspace.id, summary.id).then(
        (r) => setSummary(r.import),
        () => undefined,
      );
    },
    running ? 1000 : null,
  );

  function chooseFile(event: ChangeEvent<HTMLInputElement>): void {
    setFile(event.target.files?.[0] ?? null);
    setSummary(null);
    setOffset(0);
    setError(null);
  }

  function check(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (busy) return;
    if (!file) {
      setError(new ApiError(0, 'incomplete', 'Choose a CSV file to check.'));
      return;
    }
    void run(async () => {
      const csv = await file.text();
      const { import: created } = await api.previewImport(workspace.id, {
        fileName: file.name,
        csv,
        ...(channelId ? { channelId } : {}),
        ...(dateFormat ? { dateFormat } : {}),
      });
      setOffset(0);
      setOnlyProblems(created.invalidRows > 0);
      setSummary(created);
    });
  }

  function confirm(): void {
    if (!summary) return;
    void confirmAction.run(async () => {
      const { import: confirmed } = await api.confirmImport(workspace.id, summary.id);
      setSummary(confirmed);
    });
  }

  const page = rows.data;
  const total = page?.total ?? 0;
  const progress = summary && summary.validRows > 0 ? summary.doneRows / summary.validRows : 0;

  return (
    <div className="stack">
      <PageHeading>Import posts</PageHeading>
      <p className="lead">
        Bring many posts into {workspace.name} from a CSV file: the Chorus layout (channel, text, media, time,
        first_comment, tags, campaign) or a Hootsuite bulk composer file. Nothing is imported until you have
        seen every row checked.
      </p>
      <form onSubmit={check} noValidate className="stack import-form">
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <p id="import-file-hint" className="hint">
            UTF-8 CSV with a header row (Chorus layout), or a Hootsuite bulk file.
          </p>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            onChange={chooseFile}
          />
        </div>
        <fieldset className="stack">
          <legend>Hootsuite files only</legend>
          <SelectField
            label="Channel for every row"
            hint="Hootsuite files do not name channels."
            value={channelId}
            onChange={(e) => setChannelId(e.target.value)}
          >
            <option value="">— Not a Hootsuite file —</option>
            {(channels.data ?? [])
              .filter((c) => c.status !== 'disconnected')
              .map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.network})
                </option>
              ))}
          </SelectField>
          <SelectField
            label="Date format"
            value={dateFormat}
            onChange={(e) => setDateFormat(e.target.value as '' | HootsuiteDateFormat)}
          >
            <option value="">Detect from the dates</option>
            {DATE_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f} hh:mm
              </option>
            ))}
          </SelectField>
        </fieldset>
        <ErrorAlert error={error ?? channels.error} />
        <div>
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Check file'}
          </button>
        </div>
      </form>

      {summary ? (
        <section aria-labelledby="import-result" className="stack">
          <h2 id="import-result">{summary.fileName}</h2>
          <p>
            {summary.layout === 'hootsuite'
              ? `Hootsuite bulk file (dates ${summary.dateFormat ?? ''})`
              : 'Chorus layout'}
            : {summary.totalRows} rows — <strong>{summary.validRows} ready</strong>, {summary.invalidRows}{' '}
            with problems.
          </p>
          {summary.status === 'previewed' ? (
            <div className="stack">
              <ErrorAlert error={confirmAction.error} />
              <div>
                <button
                  type="button"
                  onClick={confirm}
                  disabled={confirmAction.busy || summary.validRows === 0}
                >
                  {`Import ${summary.validRows} ${summary.validRows === 1 ? 'row' : 'rows'}`}
                </button>
              </div>
              {summary.invalidRows > 0 ? (
                <p className="hint">
                  Rows with problems are skipped: fix them in the file and import it again.
                </p>
              ) : null}
            </div>
          ) : (
            <div className="stack">
              <label htmlFor="import-progress">
                Imported {summary.doneRows} of {summary.validRows} rows
              </label>
              <progress id="import-progress" max={summary.validRows} value={summary.doneRows}>
                {Math.round(progress * 100)}%
              </progress>
            </div>
          )}
          <StatusMessage>
            {summary.status === 'finished'
              ? `Import finished: ${summary.importedRows} posts created${summary.failedRows > 0 ? `, ${summary.failedRows} rows failed` : ''}.`
              : ''}
          </StatusMessage>
          {summary.status === 'finished' ? (
            <p>
              <Link to={workspacePath(workspace, 'calendar')}>See the posts</Link>
            </p>
          ) : null}

          <Checkbox
            label="Show only rows with problems"
            checked={onlyProblems}
            onChange={(e) => {
              setOffset(0);
              setOnlyProblems(e.target.checked);
            }}
          />
          <ErrorAlert error={rows.error} />
          <div className="table-wrap">
            <table className="responsive-table import-table">
              <caption className="visually-hidden">Rows of {summary.fileName}</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Status</th>
                  <th scope="col">Post</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {(page?.rows ?? []).map((row) => (
                  <tr key={row.row}>
                    <td data-label="Row">{row.row}</td>
                    <td data-label="Status">
                      <span className={`badge badge-import-${row.status}`}>{STATUS_LABEL[row.status]}</span>
                    </td>
                    <td data-label="Post">
                      {row.plan ? (
                        <div className="stack-tight">
                          <div className="muted">
                            {row.plan.channels.map((c) => c.name).join(', ')} ·{' '}
                            {when(row, workspace.timezone)}
                          </div>
                          <div className="import-text">{row.plan.text}</div>
                          {row.plan.tags.length > 0 ? (
                            <div className="muted">Tags: {row.plan.tags.join(', ')}</div>
                          ) : null}
                          {row.postId ? (
                            <Link to={workspacePath(workspace, `posts/${encodeURIComponent(row.postId)}`)}>
                              Open post
                            </Link>
                          ) : null}
                        </div>
                      ) : (
                        <dl className="import-cells">
                          {row.cells.map((cell, i) => (
                            <div key={i}>
                              <dt>{summary.columns[i] ?? `Field ${i + 1}`}</dt>
                              <dd>{cell || '—'}</dd>
                            </div>
                          ))}
                        </dl>
                      )}
                    </td>
                    <td data-label="Problems">
                      {row.problems.length > 0 ? (
                        <ul className="import-problems">
                          {row.problems.map((p, i) => (
                            <li key={i}>
                              <strong>{p.column ? `Column ${p.column}` : 'Row'}:</strong> {p.message}{' '}
                              <span className="muted">{p.fix}</span>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">None</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {total > PAGE ? (
            <nav aria-label="Rows pages" className="pager">
              <button
                type="button"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE))}
              >
                Previous rows
              </button>
              <span>
                {offset + 1}–{Math.min(total, offset + PAGE)} of {total}
              </span>
              <button
                type="button"
                disabled={offset + PAGE >= total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Next rows
              </button>
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
