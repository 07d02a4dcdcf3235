import { useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { useAction, useAsync } from '../hooks.js';
import { can } from '../permissions.js';
import { roleLabel } from '../roles.js';
import type { Channel, Member, Workspace } from '../types.js';
import { approvalsApi } from './approvals-api.js';
import type { Workflow } from './approvals-api.js';
import { WorkflowForm } from './WorkflowForm.js';
import './approvals.css';

type Editing = { kind: 'new' } | { kind: 'edit'; workflow: Workflow } | null;

function summary(workflow: Workflow, channelName: (id: string) => string): string {
  const where =
    workflow.channelIds.length === 0 ? 'every channel' : workflow.channelIds.map(channelName).join(', ');
  const who =
    workflow.requiredFor.length === 0
      ? 'nobody'
      : workflow.requiredFor.map((role) => roleLabel(role).toLowerCase()).join(', ');
  return `Posts on ${where} by: ${who}.`;
}

/** Settings → Approvals: the workspace's approval workflows, in the order they are tried. */
export function WorkflowsPage({ workspace }: { workspace: Workspace }) {
  const manage = can(workspace, 'workspace.manage');
  const workflows = useAsync(
    (signal) => approvalsApi.workflows(workspace.id, signal).then((r) => r.workflows),
    [workspace.id],
  );
  const channels = useAsync(
    (signal) =>
      can(workspace, 'channels.read')
        ? api.channels(workspace.id, signal).then((r) => r.channels)
        : Promise.resolve<Channel[]>([]),
    [workspace.id],
  );
  const members = useAsync(
    (signal) =>
      can(workspace, 'members.read')
        ? api.members(workspace.id, signal).then((r) => r.members)
        : Promise.resolve<Member[]>([]),
    [workspace.id],
  );
  const [editing, setEditing] = useState<Editing>(null);
  const [status, setStatus] = useState('');
  const action = useAction();
  const list = [...(workflows.data ?? [])].sort((a, b) => a.position - b.position);
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? 'a removed channel';

  function remove(workflow: Workflow): void {
    if (
      !window.confirm(
        `Delete the workflow “${workflow.name}”? Posts already waiting keep the steps they were submitted with.`,
      )
    )
      return;
    void action.run(async () => {
      await approvalsApi.deleteWorkflow(workspace.id, workflow.id);
      setStatus(`The workflow “${workflow.name}” was deleted.`);
      workflows.reload();
    });
  }

  function move(workflow: Workflow, to: Workflow | undefined): void {
    if (!to) return;
    void action.run(async () => {
      await approvalsApi.updateWorkflow(workspace.id, workflow.id, { position: to.position });
      workflows.reload();
    });
  }

  return (
    <div className="stack">
      <PageHeading level={2}>Approvals</PageHeading>
      <p className="lead">
        Workflows are tried in order; the first that applies to a post decides who approves it. Without any,
        posts by people who may not publish wait for an owner, admin or manager.
      </p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={workflows.error} />
      <ErrorAlert error={action.error} />
      {workflows.data && list.length === 0 ? <p className="placeholder">No workflow yet.</p> : null}
      {list.length > 0 ? (
        <ol className="rows" aria-label="Workflows">
          {list.map((workflow, index) =>
            editing?.kind === 'edit' && editing.workflow.id === workflow.id ? (
              <li key={workflow.id} className="row-edit">
                <WorkflowForm
                  workflow={workflow}
                  channels={channels.data ?? []}
                  members={members.data ?? []}
                  onCancel={() => setEditing(null)}
                  onSave={async (input) => {
                    await approvalsApi.updateWorkflow(workspace.id, workflow.id, input);
                    setEditing(null);
                    setStatus(`The workflow “${input.name}” was saved.`);
                    workflows.reload();
                  }}
                />
              </li>
            ) : (
              <li key={workflow.id} className="row">
                <div className="row-main">
                  <span className="row-title">
                    <strong>{workflow.name}</strong>
                  </span>
                  <span className="hint">{summary(workflow, channelName)}</span>
                  <span className="hint">
                    {workflow.steps.map((step, i) => `${String(i + 1)}. ${step.name}`).join(' → ')}
                    {workflow.onExpiry === 'publish' ? ' · Publishes unapproved posts at their time' : ''}
                    {workflow.approvalValidDays !== null
                      ? ` · Approvals expire after ${String(workflow.approvalValidDays)} days`
                      : ''}
                  </span>
                </div>
                {manage ? (
                  <div className="actions">
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move ${workflow.name} up`}
                      aria-disabled={index === 0 || action.busy || undefined}
                      onClick={() => move(workflow, list[index - 1])}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move ${workflow.name} down`}
                      aria-disabled={index === list.length - 1 || action.busy || undefined}
                      onClick={() => move(workflow, list[index + 1])}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Edit ${workflow.name}`}
                      onClick={() => setEditing({ kind: 'edit', workflow })}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="button-danger"
                      aria-label={`Delete ${workflow.name}`}
                      onClick={() => remove(workflow)}
                    >
                      Delete
                    </button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ol>
      ) : null}
      {manage && editing?.kind === 'new' ? (
        <WorkflowForm
          channels={channels.data ?? []}
          members={members.data ?? []}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            await approvalsApi.createWorkflow(workspace.id, input);
            setEditing(null);
            setStatus(`The workflow “${input.name}” was created.`);
            workflows.reload();
          }}
        />
      ) : null}
      {manage && editing === null ? (
        <div>
          <button type="button" onClick={() => setEditing({ kind: 'new' })}>
            New workflow
          </button>
        </div>
      ) : null}
    </div>
  );
}
