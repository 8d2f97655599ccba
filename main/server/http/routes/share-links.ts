/** Where share links point: the company's public base URL, else the first LAN address, else this machine. */
import type { ShareSettingsAnswer } from '../../../../shared/api/shares';
import type { ServerContext } from '../../context';
import { lanUrls } from './server-info';

export const SHARE_PATH = '/s';

export function shareBase(ctx: ServerContext, companyId: string): Pick<ShareSettingsAnswer, 'base_url' | 'base_url_source'> {
  const configured = ctx.shares.settings(companyId).public_base_url;
  if (configured) return { base_url: configured.replace(/\/+$/, ''), base_url_source: 'setting' };
  const lan = lanUrls(ctx.config.host, ctx.listening.port)[0];
  if (lan) return { base_url: lan, base_url_source: 'lan' };
  const host = ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host;
  return { base_url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${ctx.listening.port}`, base_url_source: 'local' };
}

export const shareUrl = (ctx: ServerContext, companyId: string, token: string): string => `${shareBase(ctx, companyId).base_url}${SHARE_PATH}/${token}`;
