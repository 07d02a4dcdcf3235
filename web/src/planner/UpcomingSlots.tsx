/** The next two weeks of a channel's queue: each slot time, its category, and the post holding it. */

import type { ApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { workspacePath } from '../permissions.js';
import { Link } from '../router.js';
import type { ChannelQueue, Workspace } from '../types.js';
import { CategoryChip } from './categories.js';
import type { CategoryDirectory } from './categories.js';
import { formatSlot } from './queue-slots.js';

export function UpcomingSlots({
  id,
  workspace,
  saved,
  categories,
  names,
  error,
}: {
  id: string;
  workspace: Workspace;
  saved: ChannelQueue;
  categories: CategoryDirectory;
  /** Each queued delivery's post, by delivery id, as the calendar names it. */
  names: Map<string, string> | undefined;
  error: ApiError | null;
}) {
  const upcoming = saved.upcoming;

  return (
    <section className="panel stack" aria-labelledby={`${id}-upcoming`}>
      <h2 id={`${id}-upcoming`} className="section-heading">
        Next two weeks
      </h2>
      <ErrorAlert error={error} />
      {upcoming.length === 0 ? (
        <p className="muted">No slots in the next two weeks.</p>
      ) : (
        <ol className="rows upcoming" aria-label="Upcoming slots">
          {upcoming.map((u) => {
            const category = categories.find(u.categoryId);
            const name = u.deliveryId ? names?.get(u.deliveryId) : undefined;
            return (
              <li key={u.at} className="row upcoming-row">
                <time dateTime={u.at} className="upcoming-time">
                  {formatSlot(u.at, saved.timeZone)}
                </time>
                <span className="upcoming-category">
                  <CategoryChip category={category} prefix="Category: " />
                </span>
                <span className="upcoming-post">
                  {u.postId ? (
                    <Link
                      to={workspacePath(workspace, `posts/${encodeURIComponent(u.postId)}`)}
                      className="post-link"
                    >
                      {name ?? 'A queued post'}
                    </Link>
                  ) : (
                    <span className="muted">free</span>
                  )}
                  {u.postId && saved.paused ? <span className="badge badge-held">Held</span> : null}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
