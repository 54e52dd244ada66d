import { z } from 'zod';
import type { HostId, KeyId } from '../model/ids';

// Field schemas more than one feature's input uses. A feature's own fields stay in its file.

export const hostId = z.string().regex(/^h_[A-Za-z0-9_-]{4,40}$/, 'is not a host id').transform((s) => s as HostId);
export const keyId = z.string().regex(/^k_[A-Za-z0-9_-]{4,40}$/, 'is not a key id').transform((s) => s as KeyId);
/** Container ids or names as Docker accepts them; nothing else reaches the engine. */
export const containerId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'is not a container id or name');
/** An image reference as Docker spells it: [registry[:port]/]path[:tag][@sha256:digest]; a registry has a dot, a port or is localhost. */
export const IMAGE_REF_RE =
  /^(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?=:))(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const imageRef = z.string().trim().min(1, 'Give an image reference.').max(512).regex(IMAGE_REF_RE, 'is not an image reference (for example nginx:1.27 or registry:5000/team/app:tag)');
/** A whole number in a range a person is told in one go ("must be between 1 and 65535"). */
export const between = (lo: number, hi: number) => {
  const range = `must be between ${lo} and ${hi}`;
  return z.number().int('must be a whole number').min(lo, range).max(hi, range);
};
export const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
export const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('~/'), 'must be an absolute path (starting with / or ~/)')
  .refine(noControl, 'must not contain control characters');
