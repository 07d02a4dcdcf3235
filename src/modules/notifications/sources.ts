import type { Channel } from '../channels/channels.repository.js';
import type { WorkspacePeople } from '../members/people.js';
import { can } from '../members/permissions.js';
import type {
  PublishingEvent,
  PublishingEventData,
  PublishingEvents,
} from '../publishing/delivery-engine.js';
import type { NotificationSender } from './types.js';

/**
 * What features report, turned into notices for the people who can act on them (in the app, and by e-mail
 * as each person chose). The features do not know this module: services.ts wires these in beside the
 * outbound webhooks.
 */

const excerpt = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};

/** A channel needs reconnecting: tell everyone allowed to manage channels (and the organization's leaders). */
export class ChannelNotices {
  constructor(private readonly deps: { people: WorkspacePeople; notifications: NotificationSender }) {}

  async needsReconnect(channel: Channel, reason: string): Promise<number> {
    const found = await this.deps.people.allowedTo(channel.workspaceId, 'channels.manage');
    if (!found) return 0;
    return this.deps.notifications.notify(
      found.people.map((p) => p.userId),
      {
        workspaceId: channel.workspaceId,
        type: 'channel.needs_reconnect',
        title: `${channel.name} needs reconnecting`,
        body: `Chorus can no longer publish to ${channel.name} (${channel.network}). ${reason} Scheduled posts for this channel wait and go out once it is reconnected.`,
        link: `/w/${channel.workspaceId}/settings/channels`,
        subjectId: channel.id,
      },
    );
  }
}

/**
 * A delivery failed for good, or cannot be confirmed and needs a person: tell the post's author (while they
 * still reach the workspace) and everyone allowed to publish. Published deliveries notify nobody.
 */
export class DeliveryNotices implements PublishingEvents {
  constructor(
    private readonly deps: {
      people: WorkspacePeople;
      notifications: NotificationSender;
      /** The post's author and text (undefined when the post was deleted). */
      post: (
        workspaceId: string,
        postId: string,
      ) => Promise<{ createdBy: string | null; body: string } | undefined>;
      channelName: (channelId: string) => Promise<string | undefined>;
    },
  ) {}

  async emit<T extends PublishingEvent>(
    workspaceId: string,
    type: T,
    data: PublishingEventData[T],
  ): Promise<number> {
    if (type !== 'delivery.failed' && type !== 'delivery.unconfirmed') return 0;
    const [found, post, channelName] = await Promise.all([
      this.deps.people.of(workspaceId),
      this.deps.post(workspaceId, data.postId),
      this.deps.channelName(data.channelId),
    ]);
    if (!found) return 0;
    const recipients = found.people
      .filter((p) => p.userId === post?.createdBy || can(p.role, 'posts.publish'))
      .map((p) => p.userId);
    const channel = channelName ?? 'a channel';
    const quoted = post ? ` Post: “${excerpt(post.body)}”` : '';
    const failed = type === 'delivery.failed';
    const detail = failed
      ? (data as PublishingEventData['delivery.failed']).error.message
      : (data as PublishingEventData['delivery.unconfirmed']).reason;
    return this.deps.notifications.notify(recipients, {
      workspaceId,
      type,
      title: failed
        ? `A post could not be published to ${channel}`
        : `Check whether a post reached ${channel}`,
      body: failed ? `${detail} Open the post to edit or retry it.${quoted}` : `${detail}${quoted}`,
      link: `/w/${workspaceId}/posts/${data.postId}`,
      subjectId: data.deliveryId,
    });
  }
}
