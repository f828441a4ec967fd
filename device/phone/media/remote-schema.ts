/**
 * What crosses into the phone leg from outside: the answer's media address (from the SIP side, through
 * the media process's IPC) and the prompt's size bound. Kept apart from the leg so the panel process can
 * validate requests without loading sockets and codecs.
 */
import { z } from 'zod';
import type { PhoneMediaRemote } from '../types.ts';

/** Longest prompt accepted: 60 s of 8 kHz S16LE. */
export const MAX_PROMPT_BYTES = 60 * 8000 * 2;

/** The answer's media address as the SIP side hands it over (an IP literal: SDP c= lines carry one). */
export const phoneMediaRemoteSchema = z
  .object({
    address: z.union([z.ipv4(), z.ipv6()]),
    port: z.number().int().min(1).max(65535),
    codec: z.enum(['pcmu', 'pcma']),
    // RFC 4733 events use a dynamic payload type (RFC 3551: 96–127).
    telephoneEventPt: z.number().int().min(96).max(127).nullable(),
  })
  .strict() satisfies z.ZodType<PhoneMediaRemote>;
