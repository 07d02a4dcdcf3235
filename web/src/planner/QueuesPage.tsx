/** The queues page: pick a channel, then edit its queue (QueueEditor). */

import { useEffect, useState } from 'react';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { useChannelDirectory } from '../posts/channels.js';
import { Link } from '../router.js';
import type { Channel, Workspace } from '../types.js';
import { useCategories } from './categories.js';
import { QueueEditor } from './QueueEditor.js';

/** Which channel's queue is open: remembered in the address, so coming back from a post keeps it. */
function useChosenChannel(channels: Channel[] | undefined): [Channel | undefined, (id: string) => void] {
  const [chosen, setChosen] = useState(
    () => new URLSearchParams(window.location.search).get('channel') ?? '',
  );
  const channel = channels?.find((c) => c.id === chosen) ?? channels?.[0];
  useEffect(() => {
    if (!channel) return;
    const params = new URLSearchParams(window.location.search);
    if (params.get('channel') === channel.id) return;
    params.set('channel', channel.id);
    window.history.replaceState(null, '', `${window.location.pathname}?${params.toString()}`);
  }, [channel]);
  return [channel, setChosen];
}

/** Each channel's queue: its weekly slots, the next two weeks, and what moves the posts in it. */
export function QueuesPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Queues', workspace.name);
  const directory = useChannelDirectory(workspace);
  const categories = useCategories(workspace);
  const mayList = can(workspace, 'channels.read');
  const [channel, choose] = useChosenChannel(directory.channels.data);

  return (
    <div className="stack">
      <PageHeading>Queues</PageHeading>
      <p className="lead">
        A queue is a channel’s weekly posting times. “Add to queue” puts a post into the channel’s next free
        slot; a slot kept for a category takes only that category’s posts.
      </p>
      <ErrorAlert error={directory.channels.error} />
      {!mayList ? (
        <p className="placeholder">
          Your role does not see this workspace’s channels, so their queues are hidden.
        </p>
      ) : null}
      {mayList && directory.channels.loading && !directory.channels.data ? (
        <p className="muted">Loading channels…</p>
      ) : null}
      {directory.channels.data?.length === 0 ? (
        <p className="placeholder">
          There are no channels yet.{' '}
          {can(workspace, 'channels.manage') ? (
            <Link to={workspacePath(workspace, 'settings/channels')}>Connect a channel</Link>
          ) : (
            'Ask someone who manages channels to connect one.'
          )}
        </p>
      ) : null}
      {channel && directory.channels.data ? (
        <>
          <SelectField
            label="Channel"
            className="field-channel"
            value={channel.id}
            onChange={(e) => choose(e.target.value)}
          >
            {directory.channels.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.network}
                {c.status === 'connected'
                  ? ''
                  : `, ${c.status === 'disconnected' ? 'disconnected' : 'needs reconnecting'}`}
                )
              </option>
            ))}
          </SelectField>
          <QueueEditor key={channel.id} workspace={workspace} channel={channel} categories={categories} />
        </>
      ) : null}
    </div>
  );
}
