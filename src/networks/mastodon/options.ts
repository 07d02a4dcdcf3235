import { z } from 'zod';
import {
  countGraphemes,
  type NetworkLimits,
  type PostOptionsSpec,
  type PublishRequest,
  type ValidationIssue,
} from '../contract.js';
import { MASTODON_POLL_LIMITS, type PollLimits } from './limits.js';

/** Options a Mastodon variant may carry (https://docs.joinmastodon.org/methods/statuses/#create). */
export const MastodonPostOptions = z.object({
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']).optional(),
  /** Content warning, shown before the text; it counts against the character limit. */
  spoilerText: z.string().optional(),
  /** ISO 639 language code. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$/)
    .optional(),
  poll: z
    .strictObject({
      options: z.array(z.string().trim().min(1)).min(2),
      /** Seconds the poll stays open. */
      expiresIn: z.number().int().positive(),
      multiple: z.boolean().optional(),
    })
    .optional(),
  /** Focal point for every attached image, each coordinate from -1 to 1 (https://docs.joinmastodon.org/api/guidelines/#focal-points). */
  focus: z.object({ x: z.number().min(-1).max(1), y: z.number().min(-1).max(1) }).optional(),
  /** Publish as a reply to this status (used by the inbox). */
  inReplyToId: z.string().min(1).optional(),
});
export type MastodonPostOptions = z.infer<typeof MastodonPostOptions>;

type Draft = Omit<PublishRequest, 'idempotencyKey'>;

/**
 * Mastodon's own rules on a post beyond its limits: a content warning counts against the limit of every
 * part it is shown with, and a poll has its server's bounds and excludes media. Shared by the composer's
 * checks and the publisher, so both refuse the same posts.
 */
export function mastodonRules(
  request: Draft,
  options: MastodonPostOptions,
  limits: NetworkLimits,
  polls: PollLimits = MASTODON_POLL_LIMITS,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const spoiler = options.spoilerText ?? '';
  if (spoiler) {
    [request.text, ...(request.thread ?? [])].forEach((part, i) => {
      const alone = limits.text.count(part);
      const length = countGraphemes(spoiler) + alone;
      if (length > limits.text.max && alone <= limits.text.max) {
        issues.push({
          field: i === 0 ? 'text' : 'thread',
          ...(i === 0 ? {} : { part: i - 1 }),
          message: `Part ${i + 1} with its content warning is ${length} ${limits.text.unit} long; the limit is ${limits.text.max}.`,
        });
      }
    });
  }
  const poll = options.poll;
  if (poll) {
    const fail = (message: string) => issues.push({ field: 'options', option: 'poll', message });
    if ((request.media?.length ?? 0) > 0) fail('A Mastodon post has either media or a poll, not both.');
    if (poll.options.length > polls.maxOptions) fail(`A poll takes at most ${polls.maxOptions} options.`);
    if (poll.options.some((o) => countGraphemes(o) > polls.maxCharactersPerOption))
      fail(`Poll options are limited to ${polls.maxCharactersPerOption} characters.`);
    if (poll.expiresIn < polls.minExpiration || poll.expiresIn > polls.maxExpiration)
      fail(`A poll runs between ${polls.minExpiration} and ${polls.maxExpiration} seconds.`);
  }
  return issues;
}

/** What the composer offers for a Mastodon variant, and the checks saving runs. */
export const mastodonPostOptions: PostOptionsSpec = {
  fields: [
    {
      name: 'visibility',
      label: 'Visibility',
      kind: 'choice',
      choices: [
        { value: 'public', label: 'Public' },
        { value: 'unlisted', label: 'Unlisted (quiet public)' },
        { value: 'private', label: 'Followers only' },
        { value: 'direct', label: 'Mentioned people only' },
      ],
      help: "Who sees the post; the account's default when not chosen.",
    },
    {
      name: 'spoilerText',
      label: 'Content warning',
      kind: 'text',
      maxLength: 500,
      countsTowardText: true,
      help: 'Shown before the text, which stays hidden until opened. Counts against the character limit.',
    },
    {
      name: 'language',
      label: 'Language',
      kind: 'languages',
      max: 1,
      help: 'An ISO 639 code, such as en or pt-BR.',
    },
  ],
  apiOnly: ['poll', 'focus', 'inReplyToId'],
  check(request, limits) {
    const parsed = MastodonPostOptions.safeParse(request.options ?? {});
    if (!parsed.success) {
      return parsed.error.issues.map((issue) => ({
        field: 'options' as const,
        option: String(issue.path[0] ?? ''),
        message: `Mastodon option ${issue.path.join('.')} is not valid: ${issue.message}.`,
      }));
    }
    return mastodonRules(request, parsed.data, limits);
  },
};
