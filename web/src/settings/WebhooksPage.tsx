import { useEffect, useId, useRef, useState } from 'react';
import { api } from '../api.js';
import { CopyableValue } from '../components/CopyableValue.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import type { WebhookEndpoint, WebhookWithSecret, Workspace } from '../types.js';
import { AddWebhookForm } from './AddWebhookForm.js';
import { WebhookDeliveries } from './WebhookDeliveries.js';
import { endpointLabel, WebhookRow } from './WebhookRow.js';

interface ShownSecret extends WebhookWithSecret {
  rotated: boolean;
}

export function WebhooksPage({ workspace }: { workspace: Workspace }) {
  const canManage = can(workspace, 'workspace.manage');
  const idPrefix = useId();
  const endpoints = useAsync(
    (signal) => api.webhooks(workspace.id, signal).then((r) => r.endpoints),
    [workspace.id],
  );
  const events = useAsync((signal) => api.webhookEvents(signal).then((r) => r.events), []);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [status, setStatus] = useState('');
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [logId, setLogId] = useState<string | null>(null);
  const [logRefresh, setLogRefresh] = useState(0);
  const action = useAction({ exclusive: false });

  const buttonIdPrefix = (endpoint: WebhookEndpoint): string => `${idPrefix}-${endpoint.id}`;
  const logPanelId = `${idPrefix}-log`;
  const replace = (updated: WebhookEndpoint): void =>
    endpoints.setData((list) => list?.map((e) => (e.id === updated.id ? updated : e)));
  const logEndpoint = endpoints.data?.find((endpoint) => endpoint.id === logId);

  async function act(endpoint: WebhookEndpoint, work: () => Promise<void>): Promise<boolean> {
    setStatus('');
    setPendingId(endpoint.id);
    const ok = await action.run(work);
    setPendingId(null);
    return ok;
  }

  function toggleLog(endpoint: WebhookEndpoint): void {
    setLogId((current) => (current === endpoint.id ? null : endpoint.id));
  }

  function closeLog(endpoint: WebhookEndpoint): void {
    setLogId(null);
    document.getElementById(`${buttonIdPrefix(endpoint)}-log`)?.focus();
  }

  async function test(endpoint: WebhookEndpoint): Promise<void> {
    await act(endpoint, async () => {
      await api.testWebhook(workspace.id, endpoint.id);
      setStatus(
        `A test event is on its way to ${endpointLabel(endpoint)}. Its result appears in the delivery log.`,
      );
      setLogId(endpoint.id);
      setLogRefresh((n) => n + 1);
    });
  }

  async function toggleEnabled(endpoint: WebhookEndpoint): Promise<void> {
    await act(endpoint, async () => {
      const { endpoint: updated } = await api.updateWebhook(workspace.id, endpoint.id, {
        enabled: !endpoint.enabled,
      });
      replace(updated);
      setStatus(
        updated.enabled
          ? `${endpointLabel(updated)} is enabled: it receives new events again.`
          : `${endpointLabel(updated)} is disabled: Chorus sends it nothing until it is enabled.`,
      );
    });
    document.getElementById(`${buttonIdPrefix(endpoint)}-toggle`)?.focus();
  }

  async function rotate(endpoint: WebhookEndpoint): Promise<void> {
    const question =
      `Rotate the signing secret of ${endpointLabel(endpoint)}? Chorus signs every request with the new ` +
      'secret from now on, so update the receiver right after.';
    if (!window.confirm(question)) return;
    await act(endpoint, async () => {
      const result = await api.rotateWebhookSecret(workspace.id, endpoint.id);
      replace(result.endpoint);
      setSecret({ ...result, rotated: true });
    });
  }

  async function remove(endpoint: WebhookEndpoint): Promise<void> {
    const question =
      `Delete ${endpointLabel(endpoint)}? Chorus stops sending it events, including retries, and ` +
      'deletes its delivery log.';
    if (!window.confirm(question)) return;
    await act(endpoint, async () => {
      await api.deleteWebhook(workspace.id, endpoint.id);
      endpoints.setData((list) => list?.filter((e) => e.id !== endpoint.id));
      if (logId === endpoint.id) setLogId(null);
      if (secret?.endpoint.id === endpoint.id) setSecret(null);
      setStatus(`${endpointLabel(endpoint)} was deleted.`);
    });
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Webhooks</PageHeading>
      <p className="lead">
        Chorus tells your own systems when something happens in {workspace.name} — a post published or failed,
        a channel that needs reconnecting — with a signed HTTP request to each endpoint below.
      </p>
      <ErrorAlert error={endpoints.error} />
      <ErrorAlert error={events.error} />
      <ErrorAlert error={action.error} />
      <StatusMessage>{status}</StatusMessage>
      {secret ? <NewSecret shown={secret} onDone={() => setSecret(null)} /> : null}
      {endpoints.loading && !endpoints.data ? <p className="muted">Loading endpoints…</p> : null}
      {endpoints.data?.length === 0 ? (
        <p className="muted">
          No endpoints yet.
          {canManage ? ' Add one below.' : ' Someone who manages the workspace can add one.'}
        </p>
      ) : null}
      {endpoints.data && endpoints.data.length > 0 ? (
        <ul className="rows" aria-label="Webhook endpoints">
          {endpoints.data.map((endpoint) => (
            <WebhookRow
              key={endpoint.id}
              endpoint={endpoint}
              canManage={canManage}
              busy={pendingId === endpoint.id}
              logOpen={logId === endpoint.id}
              logId={logPanelId}
              buttonIdPrefix={buttonIdPrefix(endpoint)}
              onToggleLog={() => toggleLog(endpoint)}
              onTest={() => void test(endpoint)}
              onToggleEnabled={() => void toggleEnabled(endpoint)}
              onRotate={() => void rotate(endpoint)}
              onDelete={() => void remove(endpoint)}
            />
          ))}
        </ul>
      ) : null}

      {logEndpoint ? (
        <WebhookDeliveries
          key={logEndpoint.id}
          id={logPanelId}
          workspace={workspace}
          endpoint={logEndpoint}
          canManage={canManage}
          refreshKey={logRefresh}
          onClose={() => closeLog(logEndpoint)}
        />
      ) : null}

      {canManage ? (
        <section className="panel" aria-labelledby="add-webhook-heading">
          <h3 id="add-webhook-heading">Add an endpoint</h3>
          <AddWebhookForm
            workspace={workspace}
            events={events.data}
            onCreated={(created) => {
              setStatus('');
              setSecret({ ...created, rotated: false });
              endpoints.setData((list) => [...(list ?? []), created.endpoint]);
            }}
          />
        </section>
      ) : null}
    </div>
  );
}

/** The signing secret, shown once after adding an endpoint or rotating its secret. */
function NewSecret({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [shown]);

  return (
    <div ref={ref} tabIndex={-1} className="callout" aria-labelledby="webhook-secret-heading">
      <h4 id="webhook-secret-heading" className="break">
        {shown.rotated ? 'New signing secret for' : 'Endpoint added:'} {endpointLabel(shown.endpoint)}
      </h4>
      <p>
        <strong>Copy the signing secret now: you will not see it again.</strong> Your receiver uses it to
        check the <code>X-Chorus-Signature</code> header of every request. If you lose it, rotate it.
      </p>
      <CopyableValue label="Webhook signing secret" value={shown.secret} />
      <div>
        <button type="button" className="button-secondary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}
