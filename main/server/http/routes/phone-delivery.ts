/**
 * What the phone-app routes (OsmAnd, GPSLogger, OwnTracks) share: bodies taken as text whatever
 * their Content-Type (each protocol decides how to read them), and one way from a parsed report
 * to the pipeline with the same answers for the same failures.
 */
import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../../context';
import { resolveDevice } from '../../devices/device-keys';
import type { PhoneReport } from '../../ingest/osmand-adapter';
import type { ReportOutcome } from '../../ingest/report';
import type { UserRow } from '../../store/users';
import type { App } from '../app-type';
import { assertNotLocked, countFailure, keysOf } from '../attempts';
import { DomainError, unavailable } from '../errors';
import { isStorageUnavailable } from '../../errors';

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

/**
 * Every phone route's guard against guessing device keys: while this address is locked (too
 * many unknown keys lately), every request is refused with 429 before anything is evaluated.
 */
export function guardPhoneRoutes(sub: App, ctx: ServerContext): void {
  sub.addHook('onRequest', async (req) => assertNotLocked(ctx, [keysOf(ctx).phone(req.ip)], 'unknown device keys'));
}

/** The device a key names, or the refusal: 404 unknown (a guess: counted), 401 replaced or disabled. */
export function deviceFor(ctx: ServerContext, key: string, protocol: string, remote: string, at?: { lat: number; lng: number }): UserRow {
  try {
    return resolveDevice(ctx.users, ctx.unknownDevices, key, protocol, remote, at);
  } catch (err) {
    if (err instanceof DomainError && err.details.guess) countFailure(ctx, [keysOf(ctx).phone(remote)]);
    throw err;
  }
}

/**
 * One report through the pipeline. Fixes that can never be stored (0,0, a date before 2000, a
 * duplicate…) are dropped and counted but the request still succeeds: apps such as Traccar
 * Client, OwnTracks and GPSLogger resend their queue's head until it is accepted, so refusing
 * one such fix would hold back every later one. A storage failure is 503 so the app keeps the
 * fix and retries.
 */
export async function ingestFor(ctx: ServerContext, device: UserRow, phone: PhoneReport, protocol: string, arrival: number): Promise<ReportOutcome> {
  try {
    return await ctx.ingest.accept(device, phone.report, { source: protocol, arrival });
  } catch (err) {
    // A full disk or read-only folder is logged once by the writer; its refusal says so in plain words.
    if (err instanceof DomainError && err.kind === 'InternalError' && isStorageUnavailable(err.cause)) throw err;
    ctx.logger.error({ err, protocol }, 'storing a phone report failed');
    throw unavailable('the position could not be stored; retry');
  }
}

/** deviceFor + ingestFor for each report of a request, in order. */
export async function deliver(ctx: ServerContext, reports: PhoneReport[], protocol: string, remote: string, arrival: number): Promise<void> {
  for (const phone of reports) {
    const at = phone.report.positions[0];
    const device = deviceFor(ctx, phone.deviceKey, protocol, remote, at && { lat: at.lat, lng: at.lng });
    await ingestFor(ctx, device, phone, protocol, arrival);
  }
}

/** 200 with an empty body, as Traccar answers the OsmAnd protocol. */
export const emptyOk = (reply: unknown) => (reply as FastifyReply).code(200).send();
