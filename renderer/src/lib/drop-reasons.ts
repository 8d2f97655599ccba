/** Why the server dropped a fix, in the words a dispatcher or a driver reads (shared/protocol/reception.ts). */
import type { DropReason } from '../../../shared/protocol/reception';

export const DROP_REASON_LABEL: Record<DropReason, string> = {
  zero_position: 'at 0,0 (the phone had no position)',
  out_of_range: 'with a position that is not on the globe',
  impossible_speed: 'with an impossible speed',
  bad_time: 'with an impossible date (the phone clock is wrong)',
  no_gps_fix: 'marked not valid by the app (no GPS lock)',
  duplicate: 'sent again (already received)',
};

/** A label for any reason, including an error name or a reason a newer server may send. */
export const dropReasonLabel = (reason: string): string => DROP_REASON_LABEL[reason as DropReason] ?? 'refused by the server';
