import type { Logger } from 'pino';
import type { Mailer } from '../mail/mailer.js';
import type { WorkspacePeople } from '../members/people.js';
import type { Channel } from './channels.repository.js';

/**
 * E-mails the people who can fix it that a channel needs reconnecting: every member allowed to manage
 * channels, and the organization's owners and admins (when mail is configured), with what happened and
 * where to fix it. Posts for the channel wait meanwhile; nothing is lost. (The in-app notice goes to the
 * same people: `ChannelNotices` in the notifications module.)
 */
export class ChannelNotifier {
  constructor(
    private readonly deps: {
      people: WorkspacePeople;
      mailer: Mailer;
      publicUrl: string;
      logger: Logger;
    },
  ) {}

  async needsReconnect(channel: Channel, reason: string): Promise<number> {
    if (!this.deps.mailer.configured) return 0;
    const found = await this.deps.people.allowedTo(channel.workspaceId, 'channels.manage');
    if (!found) return 0;
    const { workspace, people } = found;
    const link = `${this.deps.publicUrl}/w/${workspace.id}/settings/channels`;
    let sent = 0;
    for (const m of people) {
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
