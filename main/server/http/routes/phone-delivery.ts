/**
 * What the phone-app routes (OsmAnd, GPSLogger, OwnTracks) share: bodies taken as text whatever
 * their Content-Type (each protocol decides how to read them), and one way from a parsed report
 * to the pipeline with the same answers for the same failures.
 */
import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../../context';
import { resolveDevice } from '../../devices/device-keys';
import type { PhoneReport } from '../../ingest/osmand-adapter';
import { ingestReport, type ReportOutcome } from '../../ingest/report';
import type { UserRow } from '../../store/users';
import type { App } from '../app';
import { HttpError, badRequest } from '../errors';

/** Phones' requests are small; a Traccar Client JSON array of queued fixes is the largest. */
export const PHONE_BODY_LIMIT = 256 * 1024;

/**
 * In this (encapsulated) plugin every body arrives as a string, including bodies without a
 * Content-Type, which several apps send. Other routes keep Fastify's own parsers.
 */
export function acceptAnyBodyAsText(sub: App, bodyLimit = PHONE_BODY_LIMIT): void {
  sub.removeAllContentTypeParsers();
  sub.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
}

export const bodyText = (body: unknown): string => (typeof body === 'string' ? body : '');

/** A request body that looks like JSON (`{` or `[` first), for apps that send it without a Content-Type. */
export const looksLikeJson = (text: string): boolean => /^\s*[[{]/.test(text);

/** The device a key names, or the 404 (unknown, recorded for adoption) / 401 (disabled) answer. */
export function deviceFor(ctx: ServerContext, key: string, protocol: string, remote: string | null, at?: { lat: number; lng: number }): UserRow {
  const r = resolveDevice(ctx.users, ctx.unknownDevices, key, protocol, remote, at);
  if (!r.ok) throw new HttpError(r.status, r.error, r.message);
  return r.device;
}

/**
 * One report through the pipeline. A request whose every fix was rejected answers 400 with the
 * pipeline's reason (the status and alarm it carried still count); duplicates are success (the
 * app is replaying); a storage failure is 503 so the app keeps the fix and retries.
 */
export async function ingestFor(ctx: ServerContext, device: UserRow, phone: PhoneReport, protocol: string): Promise<ReportOutcome> {
  let outcome: ReportOutcome;
  try {
    outcome = await ingestReport(ctx, device, phone.report, protocol);
  } catch (err) {
    ctx.logger.error({ err, protocol }, 'storing a phone report failed');
    throw new HttpError(503, 'InternalError', 'the position could not be stored; retry');
  }
  const first = outcome.rejected[0];
  if (first && outcome.stored + outcome.duplicates === 0) {
    throw badRequest(phone.report.positions.length > 1 ? `fix ${first.index}: ${first.message}` : first.message);
  }
  return outcome;
}

/** deviceFor + ingestFor for each report of a request, in order. */
export async function deliver(ctx: ServerContext, reports: PhoneReport[], protocol: string, remote: string | null): Promise<void> {
  for (const phone of reports) {
    const at = phone.report.positions[0];
    const device = deviceFor(ctx, phone.deviceKey, protocol, remote, at && { lat: at.lat, lng: at.lng });
    await ingestFor(ctx, device, phone, protocol);
  }
}

/** 200 with an empty body, as Traccar answers the OsmAnd protocol. */
export const emptyOk = (reply: unknown) => (reply as FastifyReply).code(200).send();
