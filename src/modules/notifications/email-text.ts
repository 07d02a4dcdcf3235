import type { OutboxEmail } from './email-outbox.repository.js';

/** Where a person changes what they are told, and how: the web app's page. */
export const PREFERENCES_PATH = '/settings/notifications';

const footer = (publicUrl: string) => [
  '',
  '--',
  `You get this e-mail because of your notification settings. To change what Chorus e-mails you, and when: ${publicUrl}${PREFERENCES_PATH}`,
];

/** One notification, by e-mail: what happened, where, and the page to deal with it. */
export function instantEmail(
  email: Pick<OutboxEmail, 'title' | 'body' | 'link'>,
  workspaceName: string,
  publicUrl: string,
): { subject: string; text: string } {
  return {
    subject: `${email.title} (${workspaceName})`,
    text: [
      email.title,
      '',
      email.body,
      '',
      `Workspace: ${workspaceName}`,
      `Open it in Chorus: ${publicUrl}${email.link}`,
      ...footer(publicUrl),
    ].join('\n'),
  };
}

/** At most this many notifications are listed in one digest; the rest are counted. */
export const DIGEST_LIMIT = 50;

/** The daily digest: notifications grouped by workspace, newest first, with a count of those left out. */
export function digestEmail(
  items: readonly (Pick<OutboxEmail, 'title' | 'body' | 'link' | 'workspaceId' | 'createdAt'> & {
    workspaceName: string;
  })[],
  publicUrl: string,
): { subject: string; text: string } {
  const listed = items.slice(0, DIGEST_LIMIT);
  const byWorkspace = new Map<string, { name: string; lines: string[] }>();
  for (const item of listed) {
    const group = byWorkspace.get(item.workspaceId) ?? { name: item.workspaceName, lines: [] };
    group.lines.push(`- ${item.title}`, `  ${item.body}`, `  ${publicUrl}${item.link}`);
    byWorkspace.set(item.workspaceId, group);
  }
  const count = items.length;
  const rest = count - listed.length;
  return {
    subject: `Your Chorus digest: ${count} notification${count === 1 ? '' : 's'}`,
    text: [
      `${count} notification${count === 1 ? '' : 's'} since your last digest, newest first.`,
      ...[...byWorkspace.values()].flatMap((g) => ['', `${g.name}`, ...g.lines]),
      ...(rest > 0 ? ['', `…and ${rest} more. See them all in Chorus: ${publicUrl}/`] : []),
      ...footer(publicUrl),
    ].join('\n'),
  };
}
