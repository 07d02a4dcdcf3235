import { z } from 'zod';

/**
 * Shapes of the Bot API answers Chorus reads, parsed at the boundary. Only the fields the adapter uses are
 * named; everything else in an answer is ignored. Reference: https://core.telegram.org/bots/api
 */

// https://core.telegram.org/bots/api#responseparameters
export const ResponseParameters = z.object({
  migrate_to_chat_id: z.number().int().optional(),
  retry_after: z.number().nonnegative().optional(),
});

// https://core.telegram.org/bots/api#making-requests: every answer is {ok, result} or
// {ok: false, error_code, description, parameters?}.
export const ApiSuccess = z.object({ ok: z.literal(true), result: z.unknown() });
export const ApiFailure = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string().optional(),
  parameters: ResponseParameters.optional(),
});
export type ApiFailure = z.infer<typeof ApiFailure>;
export const ApiResponse = z.discriminatedUnion('ok', [ApiSuccess, ApiFailure]);

// https://core.telegram.org/bots/api#user (`is_bot` is required there; the local emulator leaves it out,
// and Chorus does not read it)
export const User = z.object({
  id: z.number().int(),
  first_name: z.string(),
  username: z.string().optional(),
});

// https://core.telegram.org/bots/api#chat
export const Chat = z.object({
  id: z.number().int(),
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
});

// https://core.telegram.org/bots/api#message
export const Message = z.object({
  message_id: z.number().int(),
  date: z.number(),
  chat: Chat,
  text: z.string().optional(),
  caption: z.string().optional(),
  media_group_id: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

// https://core.telegram.org/bots/api#sendmediagroup: "On success, an array of Messages that were sent"
export const Messages = z.array(Message).min(1);
