import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { toApiError } from '../api.js';
import type { ApiError } from '../api.js';
import { roleLabel, ROLE_IDS } from '../roles.js';
import type { Channel, Member, RoleId } from '../types.js';
import type { Approver, OnExpiry, Workflow, WorkflowInput } from './approvals-api.js';
import { locateWorkflowIssues } from './workflow-errors.js';
import type { WorkflowIssues } from './workflow-errors.js';

interface DraftStep {
  key: number;
  name: string;
  rule: 'any' | 'all';
  userIds: string[];
  roles: RoleId[];
  emails: string;
  checklist: string;
}

let nextKey = 1;

function draftStep(step?: Workflow['steps'][number]): DraftStep {
  const approvers = step?.approvers ?? [];
  return {
    key: nextKey++,
    name: step?.name ?? '',
    rule: step?.rule ?? 'any',
    userIds: approvers.flatMap((a) => (a.type === 'user' ? [a.userId] : [])),
    roles: approvers.flatMap((a) => (a.type === 'role' ? [a.role] : [])),
    emails: approvers.flatMap((a) => (a.type === 'email' ? [a.email] : [])).join('\n'),
    checklist: (step?.checklist ?? []).join('\n'),
  };
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function toApprovers(step: DraftStep): Approver[] {
  return [
    ...step.userIds.map((userId): Approver => ({ type: 'user', userId })),
    ...step.roles.map((role): Approver => ({ type: 'role', role })),
    ...step.emails
      .split(/[\s,;]+/)
      .map((email) => email.trim())
      .filter(Boolean)
      .map((email): Approver => ({ type: 'email', email })),
  ];
}

const toggle = <T,>(list: T[], value: T, on: boolean): T[] =>
  on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);

function FieldIssues({ issues, field }: { issues: WorkflowIssues; field: string }) {
  const messages = issues.get(field);
  if (!messages) return null;
  return (
    <ul className="field-issues" role="alert" tabIndex={-1}>
      {messages.map((message, i) => (
        <li key={i}>{message}</li>
      ))}
    </ul>
  );
}

function Group({ legend, hint, children }: { legend: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <fieldset className="workflow-group">
      <legend>{legend}</legend>
      {hint ? <p className="hint">{hint}</p> : null}
      {children}
    </fieldset>
  );
}

export interface WorkflowFormProps {
  workflow?: Workflow;
  channels: Channel[];
  members: Member[];
  onSave: (input: WorkflowInput) => Promise<void>;
  onCancel: () => void;
}

/** Creates or edits an approval workflow; the server's refusals are shown next to the field concerned. */
export function WorkflowForm({ workflow, channels, members, onSave, onCancel }: WorkflowFormProps) {
  const id = useId();
  const [name, setName] = useState(workflow?.name ?? '');
  const [channelIds, setChannelIds] = useState<string[]>(workflow?.channelIds ?? []);
  const [requiredFor, setRequiredFor] = useState<RoleId[]>(workflow?.requiredFor ?? ['editor']);
  const [steps, setSteps] = useState<DraftStep[]>(() =>
    workflow && workflow.steps.length > 0 ? workflow.steps.map(draftStep) : [draftStep()],
  );
  const [onExpiry, setOnExpiry] = useState<OnExpiry>(workflow?.onExpiry ?? 'hold');
  const [validDays, setValidDays] = useState(
    workflow?.approvalValidDays != null ? String(workflow.approvalValidDays) : '',
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [issues, setIssues] = useState<WorkflowIssues>(new Map());
  const formRef = useRef<HTMLFormElement>(null);

  function updateStep(key: number, change: Partial<DraftStep>): void {
    setSteps((list) => list.map((step) => (step.key === key ? { ...step, ...change } : step)));
  }

  function moveStep(index: number, by: -1 | 1): void {
    setSteps((list) => {
      const next = [...list];
      const [step] = next.splice(index, 1);
      if (step) next.splice(index + by, 0, step);
      return next;
    });
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setIssues(new Map());
    const days = validDays.trim();
    try {
      await onSave({
        name: name.trim(),
        channelIds,
        requiredFor,
        steps: steps.map((step) => ({
          name: step.name.trim(),
          rule: step.rule,
          approvers: toApprovers(step),
          checklist: lines(step.checklist),
        })),
        onExpiry,
        approvalValidDays: days === '' ? null : Number(days),
      });
    } catch (reason) {
      const failure = toApiError(reason);
      setError(failure);
      setIssues(locateWorkflowIssues(failure));
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[role="alert"]')?.focus());
    } finally {
      setBusy(false);
    }
  }

  const unlocated = error && (issues.size === 0 || issues.has(''));
  const roles = ROLE_IDS.filter((role) => role !== 'owner');

  return (
    <form
      ref={formRef}
      className="panel stack workflow-form"
      aria-label={workflow ? `Edit workflow ${workflow.name}` : 'New workflow'}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      {unlocated ? (
        <div role="alert" className="alert" tabIndex={-1}>
          {error.message}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-name`}>Workflow name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        <FieldIssues issues={issues} field="name" />
      </div>

      <Group legend="Channels" hint="None ticked: the workflow applies to posts on every channel.">
        <div className="checkbox-grid">
          {channels.map((channel) => (
            <div className="checkbox" key={channel.id}>
              <input
                id={`${id}-channel-${channel.id}`}
                type="checkbox"
                checked={channelIds.includes(channel.id)}
                onChange={(e) => setChannelIds((list) => toggle(list, channel.id, e.target.checked))}
              />
              <label htmlFor={`${id}-channel-${channel.id}`}>{channel.name}</label>
            </div>
          ))}
          {channels.length === 0 ? <p className="muted">No channels connected yet.</p> : null}
        </div>
        <FieldIssues issues={issues} field="channelIds" />
      </Group>

      <Group legend="Required for" hint="Authors with these roles need approval before their posts go out.">
        <div className="checkbox-grid">
          {roles.map((role) => (
            <div className="checkbox" key={role}>
              <input
                id={`${id}-required-${role}`}
                type="checkbox"
                checked={requiredFor.includes(role)}
                onChange={(e) => setRequiredFor((list) => toggle(list, role, e.target.checked))}
              />
              <label htmlFor={`${id}-required-${role}`}>{roleLabel(role)}</label>
            </div>
          ))}
        </div>
        <FieldIssues issues={issues} field="requiredFor" />
      </Group>

      <section className="stack-tight" aria-label="Steps">
        <h3>Steps</h3>
        <p className="hint">Steps are taken in order: the next starts when the one before is approved.</p>
        <FieldIssues issues={issues} field="steps" />
        <ol className="workflow-steps">
          {steps.map((step, index) => {
            const n = String(index + 1);
            const sid = `${id}-step-${String(step.key)}`;
            return (
              <li key={step.key} className="workflow-step stack-tight" aria-label={`Step ${n}`}>
                <div className="workflow-step-head">
                  <h4>Step {n}</h4>
                  <div className="actions">
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move step ${n} up`}
                      aria-disabled={index === 0 || undefined}
                      onClick={() => index > 0 && moveStep(index, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="button-secondary"
                      aria-label={`Move step ${n} down`}
                      aria-disabled={index === steps.length - 1 || undefined}
                      onClick={() => index < steps.length - 1 && moveStep(index, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="button-danger"
                      aria-label={`Remove step ${n}`}
                      aria-disabled={steps.length === 1 || undefined}
                      onClick={() =>
                        steps.length > 1 && setSteps((list) => list.filter((s) => s.key !== step.key))
                      }
                    >
                      Remove
                    </button>
                  </div>
                </div>
                <FieldIssues issues={issues} field={`steps.${String(index)}`} />
                <div className="field">
                  <label htmlFor={`${sid}-name`}>Step {n} name</label>
                  <input
                    id={`${sid}-name`}
                    value={step.name}
                    onChange={(e) => updateStep(step.key, { name: e.target.value })}
                  />
                  <FieldIssues issues={issues} field={`steps.${String(index)}.name`} />
                </div>
                <div className="field">
                  <label htmlFor={`${sid}-rule`}>Step {n} rule</label>
                  <select
                    id={`${sid}-rule`}
                    value={step.rule}
                    onChange={(e) => updateStep(step.key, { rule: e.target.value === 'all' ? 'all' : 'any' })}
                  >
                    <option value="any">Any one approver is enough</option>
                    <option value="all">Every approver must approve</option>
                  </select>
                  <FieldIssues issues={issues} field={`steps.${String(index)}.rule`} />
                </div>
                <Group legend={`Step ${n} approvers`} hint="Pick people, roles, or type e-mail addresses.">
                  {members.length > 0 ? (
                    <div className="checkbox-grid" aria-label={`Step ${n} people`} role="group">
                      {members.map((member) => (
                        <div className="checkbox" key={member.userId}>
                          <input
                            id={`${sid}-user-${member.userId}`}
                            type="checkbox"
                            checked={step.userIds.includes(member.userId)}
                            onChange={(e) =>
                              updateStep(step.key, {
                                userIds: toggle(step.userIds, member.userId, e.target.checked),
                              })
                            }
                          />
                          <label htmlFor={`${sid}-user-${member.userId}`}>{member.name}</label>
                        </div>
                      ))}
                    </div>
                  ) : null}
                  <div className="checkbox-grid" aria-label={`Step ${n} roles`} role="group">
                    {ROLE_IDS.map((role) => (
                      <div className="checkbox" key={role}>
                        <input
                          id={`${sid}-role-${role}`}
                          type="checkbox"
                          checked={step.roles.includes(role)}
                          onChange={(e) =>
                            updateStep(step.key, { roles: toggle(step.roles, role, e.target.checked) })
                          }
                        />
                        <label htmlFor={`${sid}-role-${role}`}>Every {roleLabel(role).toLowerCase()}</label>
                      </div>
                    ))}
                  </div>
                  <div className="field">
                    <label htmlFor={`${sid}-emails`}>Step {n} e-mail addresses</label>
                    <p className="hint" id={`${sid}-emails-hint`}>
                      People without an account; each gets a link by e-mail when the step starts. One per
                      line.
                    </p>
                    <textarea
                      id={`${sid}-emails`}
                      rows={2}
                      aria-describedby={`${sid}-emails-hint`}
                      value={step.emails}
                      onChange={(e) => updateStep(step.key, { emails: e.target.value })}
                    />
                  </div>
                  <FieldIssues issues={issues} field={`steps.${String(index)}.approvers`} />
                </Group>
                <div className="field">
                  <label htmlFor={`${sid}-checklist`}>Step {n} checklist</label>
                  <p className="hint" id={`${sid}-checklist-hint`}>
                    One item per line; approvers tick each one to approve.
                  </p>
                  <textarea
                    id={`${sid}-checklist`}
                    rows={3}
                    aria-describedby={`${sid}-checklist-hint`}
                    value={step.checklist}
                    onChange={(e) => updateStep(step.key, { checklist: e.target.value })}
                  />
                  <FieldIssues issues={issues} field={`steps.${String(index)}.checklist`} />
                </div>
              </li>
            );
          })}
        </ol>
        <div>
          <button
            type="button"
            className="button-secondary"
            aria-disabled={steps.length >= 10 || undefined}
            onClick={() => steps.length < 10 && setSteps((list) => [...list, draftStep()])}
          >
            Add a step
          </button>
        </div>
      </section>

      <Group legend="When the time comes without approval">
        <div className="checkbox">
          <input
            id={`${id}-hold`}
            type="radio"
            name={`${id}-expiry`}
            checked={onExpiry === 'hold'}
            onChange={() => setOnExpiry('hold')}
          />
          <label htmlFor={`${id}-hold`}>Hold the post until it is approved (recommended)</label>
        </div>
        <div className="checkbox">
          <input
            id={`${id}-publish`}
            type="radio"
            name={`${id}-expiry`}
            checked={onExpiry === 'publish'}
            onChange={() => setOnExpiry('publish')}
          />
          <label htmlFor={`${id}-publish`}>Publish it anyway</label>
        </div>
        {onExpiry === 'publish' ? (
          <p className="callout" role="note">
            Posts will go out at their time even if nobody approved them. Use this only where a late post is
            worse than an unchecked one.
          </p>
        ) : null}
        <FieldIssues issues={issues} field="onExpiry" />
      </Group>

      <div className="field field-narrow">
        <label htmlFor={`${id}-days`}>Approvals expire after (days)</label>
        <p className="hint" id={`${id}-days-hint`}>
          Leave empty: an approval never expires.
        </p>
        <input
          id={`${id}-days`}
          type="number"
          min={1}
          aria-describedby={`${id}-days-hint`}
          value={validDays}
          onChange={(e) => setValidDays(e.target.value)}
        />
        <FieldIssues issues={issues} field="approvalValidDays" />
      </div>

      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined}>
          {workflow ? 'Save workflow' : 'Create workflow'}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
