/**
 * What routes share: the OpenAPI entries of the errors a route answers with, and finding a
 * device of the caller's company (another company's ids look exactly like unknown ones).
 */
import type { ServerContext } from '../../context';
import type { UserRow } from '../../store/users';
import { notFound } from '../errors';

/** OpenAPI response entries for the errors a route can answer with. */
export function errors(...statuses: number[]): Record<number, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [s, { $ref: 'Error#' }]));
}

/** The caller's company's display-field preference (the company row always exists for a valid token). */
export function displayFieldOf(ctx: ServerContext, companyId: string) {
  return ctx.companies.get(companyId)?.display_field ?? 'display_name';
}

/** A driver of the caller's company, or 404: other companies' ids look exactly like unknown ones. */
export function requireDevice(ctx: ServerContext, companyId: string, id: string): UserRow {
  const u = ctx.users.get(companyId, id);
  if (!u || u.role !== 'driver') throw notFound(`no device "${id}"`);
  return u;
}
