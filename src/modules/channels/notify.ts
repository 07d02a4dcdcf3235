import type { Logger } from 'pino';
import type { Mailer } from '../mail/mailer.js';
import { can } from '../members/permissions.js';
import type { OrganizationsRepository } from '../workspaces/organizations.repository.js';
import type { WorkspacesRepository } from '../workspaces/workspaces.repository.js';
import type { Channel } from './channels.repository.js';

/**
 * Tells the people who can fix it that a channel needs reconnecting: every member allowed to manage
 * channels gets an e-mail (when mail is configured) with what happened and where to fix it. Posts for the
 * channel wait meanwhile; nothing is lost.
 */
export class ChannelNotifier {
  constructor(
    private readonly deps: {
      workspaces: WorkspacesRepository;
      organizations: OrganizationsRepository;
      mailer: Mailer;
      publicUrl: string;
      logger: Logger;
    },
  ) {}

  async needsReconnect(channel: Channel, reason: string): Promise<number> {
    if (!this.deps.mailer.configured) return 0;
    const workspace = await this.deps.workspaces.find(channel.workspaceId);
    if (!workspace) return 0;
    // Organization owners and admins manage every workspace; members by their workspace role.
    const leaders = await this.deps.organizations.leaders(workspace.organizationId);
    const members = (await this.deps.workspaces.members(channel.workspaceId)).filter((m) =>
      can(m.role, 'channels.manage'),
    );
    const managers = [...new Map([...leaders, ...members].map((m) => [m.userId, m])).values()];
    const link = `${this.deps.publicUrl}/w/${workspace.id}/settings/channels`;
    let sent = 0;
    for (const m of managers) {
      try {
        await this.deps.mailer.send({
          to: m.email,
          subject: `${channel.name} needs reconnecting in ${workspace.name}`,
          text: [
            `Chorus can no longer publish to ${channel.name} (${channel.network}) in the workspace "${workspace.name}".`,
            '',
            reason,
            '',
            `Scheduled posts for this channel wait and go out once it is reconnected: ${link}`,
          ].join('\n'),
        });
        sent += 1;
      } catch (error) {
        this.deps.logger.warn(
          { err: (error as Error).message, channelId: channel.id },
          'reconnect e-mail failed',
        );
      }
    }
    return sent;
  }
}
