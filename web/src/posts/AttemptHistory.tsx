import { formatInZone } from '../format.js';
import type { DeliveryAttempt } from '../types.js';
import { OUTCOME_LABELS } from './labels.js';

/** Every attempt at one delivery, folded away until asked for. */
export function AttemptHistory({ attempts, timeZone }: { attempts: DeliveryAttempt[]; timeZone: string }) {
  if (attempts.length === 0) return <p className="muted">No attempt yet.</p>;
  const sorted = [...attempts].sort((a, b) => a.number - b.number);
  return (
    <details className="attempts">
      <summary>
        Attempt history ({sorted.length} {sorted.length === 1 ? 'attempt' : 'attempts'})
      </summary>
      <div className="table-wrap">
        <table className="responsive-table">
          <thead>
            <tr>
              <th scope="col">Attempt</th>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((attempt) => (
              <tr key={attempt.number}>
                <td data-label="Attempt">{attempt.number}</td>
                <td data-label="When">
                  <time dateTime={attempt.startedAt}>{formatInZone(attempt.startedAt, timeZone)}</time>
                </td>
                <td data-label="Outcome">
                  {attempt.outcome ? (
                    OUTCOME_LABELS[attempt.outcome]
                  ) : (
                    <span className="muted">Sending…</span>
                  )}
                  {attempt.url ? (
                    <a className="block break" href={attempt.url} target="_blank" rel="noreferrer">
                      {attempt.url}
                    </a>
                  ) : null}
                </td>
                <td data-label="Error" className="break">
                  {attempt.error ?? <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
