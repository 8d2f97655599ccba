/**
 * The REST client for `/api/v1`: bearer token, JSON in and out, and one error shape. Every
 * error answer (`{error, message, details?}`) becomes an ApiError whose message is a plain
 * sentence for its kind (api/error-words.ts), never the server's: that stays in `serverMessage`
 * for logs, and `details` names the refused field (lib/form-errors.ts words it). A 401 also
 * tells the session to end.
 */
import type {
  Company,
  CompanyUpdate,
  Device,
  DeviceKey,
  DeviceUpdate,
  Enrolment,
  LoginBody,
  LoginReply,
  PositionPage,
  ServerInfo,
  UnknownDevice,
  User,
  UserCreate,
  UserUpdate,
} from '../../../shared/api/schemas';
import type { Accident } from '../../../shared/api/accidents';
import type { ApiKey, ApiKeyCreated } from '../../../shared/api/api-keys';
import type { CurrentTripAnswer, DaySummaryRow, ExportFormat, RichTrack, TripSettings, TripSettingsUpdate, TripSummary } from '../../../shared/api/trips';
import type { AlertView } from '../../../shared/api/alerts';
import type { DeviceReception } from '../../../shared/protocol/reception';
import type { Share, ShareCreate, ShareCreated, ShareListQuery, ShareSettingsAnswer, ShareSettingsUpdate, ShareUpdate } from '../../../shared/api/shares';
import type { FieldProblem } from '../../../shared/api/errors';
import { plainErrorText } from './error-words';
import type { Destination, DestinationCreate, DestinationList, DestinationUpdate, DeliveryPage, DeliveryQuery, NotifyStatus, RedeliverBody, SendResult } from '../../../shared/api/notifications';

/** A destination as POST answers it: a webhook's secret made by the server is in it, this once. */
export type DestinationCreated = Destination & { created_secret?: string };

/** An alert as the server answers it; the resolution and crash-pipeline fields arrive with the crash pipeline. */
export type AlertRecord = AlertView & {
  resolved_at?: string | null;
  resolved_by?: string | null;
  note?: string | null;
  accident_id?: string | null;
  /** crash: true once the filters confirmed it, false when they did not, null/absent while pending */
  confirmed?: boolean | null;
};

export type AlertState = 'open' | 'acknowledged' | 'resolved' | 'all';

export const API_PREFIX = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    /** the server's own sentence: for logs and developers, not for the screen */
    readonly serverMessage: string,
    /** seconds to wait, from a 429's Retry-After header */
    readonly retryAfterS: number | null = null,
    /** the refused field and its limits, when the request failed validation */
    readonly details: FieldProblem[] = [],
  ) {
    super(plainErrorText(error, status, retryAfterS));
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  token?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** what the answer may be (default JSON) */
  accept?: string;
}

/**
 * One request whose answer is a success, else an ApiError; `baseUrl` is '' in a browser (same
 * origin) or the server URL in the desktop app.
 */
async function send(baseUrl: string, method: Method, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(baseUrl + API_PREFIX + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NetworkError', 'cannot reach the server; check the connection and try again');
  }
  if (res.ok) return res;
  const e = parseJson(await res.text()) as { error?: unknown; message?: unknown; details?: unknown } | null;
  const message = typeof e?.message === 'string' && e.message ? e.message : `the server answered ${res.status} ${res.statusText}`.trim();
  const retryAfter = Number(res.headers.get('retry-after'));
  const details = Array.isArray(e?.details) ? (e.details as FieldProblem[]).filter((d) => d && typeof d.field === 'string') : [];
  throw new ApiError(res.status, typeof e?.error === 'string' ? e.error : 'HttpError', message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null, details);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** One JSON request. */
export async function request<T>(baseUrl: string, method: Method, path: string, opts: Omit<RequestOptions, 'accept'> = {}): Promise<T> {
  const res = await send(baseUrl, method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = parseJson(text);
  if (body === null && text) throw new ApiError(res.status, 'BadResponse', 'the server sent a reply that is not JSON');
  return body as T;
}

/** Sign-in calls need no token. */
export const signIn = (baseUrl: string, body: LoginBody) => request<LoginReply>(baseUrl, 'POST', '/auth/login', { body });
export const redeemLoginLink = (baseUrl: string, code: string) => request<LoginReply>(baseUrl, 'POST', '/auth/link', { body: { code } });

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    /** called once a request answered 401: the token is no longer valid */
    private readonly onUnauthorized: () => void,
  ) {}

  call<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.signedIn(request<T>(this.baseUrl, method, path, { token: this.token, body, signal }));
  }

  /** A 401 ends the session, whatever the call. */
  private async signedIn<T>(answer: Promise<T>): Promise<T> {
    try {
      return await answer;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.onUnauthorized();
      throw err;
    }
  }

  devices = (signal?: AbortSignal) => this.call<Device[]>('GET', '/devices', undefined, signal);
  updateDevice = (id: string, changes: DeviceUpdate) => this.call<Device>('PATCH', `/devices/${enc(id)}`, changes);

  /** The phone's clock and the fixes dropped since `since` (the console asks for today's). */
  reception(id: string, since: Date, signal?: AbortSignal): Promise<DeviceReception> {
    return this.call<DeviceReception>('GET', `/devices/${enc(id)}/reception?since=${encodeURIComponent(since.toISOString())}`, undefined, signal);
  }

  positionsPage(id: string, q: { from: string; to: string; cursor?: string | null; limit?: number }, signal?: AbortSignal): Promise<PositionPage> {
    const params = new URLSearchParams({ from: q.from, to: q.to, limit: String(q.limit ?? 5000) });
    if (q.cursor) params.set('cursor', q.cursor);
    return this.call<PositionPage>('GET', `/devices/${enc(id)}/positions?${params}`, undefined, signal);
  }

  company = () => this.call<Company>('GET', '/company');
  updateCompany = (id: string, changes: CompanyUpdate) => this.call<Company>('PATCH', `/companies/${enc(id)}`, changes);
  serverInfo = () => this.call<ServerInfo>('GET', '/server/info');

  // phones: device keys, enrolment links, unknown devices, alerts
  deviceKey = (id: string) => this.call<DeviceKey>('GET', `/devices/${enc(id)}/key`);
  rotateDeviceKey = (id: string) => this.call<DeviceKey>('POST', `/devices/${enc(id)}/key/rotate`);
  createEnrolment = (id: string) => this.call<Enrolment>('POST', `/devices/${enc(id)}/enrolment`, {});
  unknownDevices = () => this.call<UnknownDevice[]>('GET', '/unknown-devices');
  adoptUnknown = (identifier: string, body: { user_id: string; display_name?: string }) => this.call<Device>('POST', `/unknown-devices/${enc(identifier)}/adopt`, body);
  dismissUnknown = (identifier: string) => this.call<void>('DELETE', `/unknown-devices/${enc(identifier)}`);
  expectPhone = (identifier: string, note: string | null) => this.call<void>('POST', '/unknown-devices/expected', { identifier, note });
  openAlerts = () => this.call<AlertRecord[]>('GET', '/alerts?open=true');
  acknowledgeAlert = (id: number) => this.call<AlertRecord>('POST', `/alerts/${id}/acknowledge`);
  resolveAlert = (id: number, note: string) => this.call<AlertRecord>('POST', `/alerts/${id}/resolve`, { note });

  alerts(q: { state: AlertState; from?: string; to?: string }, signal?: AbortSignal): Promise<AlertRecord[]> {
    const params = new URLSearchParams({ state: q.state });
    if (q.from) params.set('from', q.from);
    if (q.to) params.set('to', q.to);
    return this.call<AlertRecord[]>('GET', `/alerts?${params}`, undefined, signal);
  }

  accident = (id: string, signal?: AbortSignal) => this.call<Accident>('GET', `/accidents/${enc(id)}`, undefined, signal);

  // trips
  trips(deviceId: string, q: { from: string; to: string }, signal?: AbortSignal): Promise<TripSummary[]> {
    const params = new URLSearchParams({ from: q.from, to: q.to });
    return this.call<TripSummary[]>('GET', `/devices/${enc(deviceId)}/trips?${params}`, undefined, signal);
  }

  currentTrip = (deviceId: string, signal?: AbortSignal) => this.call<CurrentTripAnswer>('GET', `/devices/${enc(deviceId)}/trips/current`, undefined, signal);

  daySummary(q: { from: string; to: string }, signal?: AbortSignal): Promise<DaySummaryRow[]> {
    return this.call<DaySummaryRow[]>('GET', `/trips/day-summary?${new URLSearchParams(q)}`, undefined, signal);
  }

  richTrack = (id: string, signal?: AbortSignal) => this.call<RichTrack>('GET', `/tracks/rich/${enc(id)}`, undefined, signal);

  /** A track export as text (GPX, GeoJSON or CSV), fetched with this session's token. */
  async exportTrack(id: string, format: ExportFormat): Promise<{ text: string; type: string; filename: string | null }> {
    const res = await this.signedIn(send(this.baseUrl, 'GET', `/tracks/rich/${enc(id)}/export?format=${format}`, { token: this.token, accept: '*/*' }));
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? null;
    return { text: await res.text(), type: res.headers.get('content-type') ?? 'text/plain', filename };
  }

  users = () => this.call<User[]>('GET', '/users');
  addUser = (body: UserCreate) => this.call<User>('POST', '/users', body);
  updateUser = (id: string, changes: UserUpdate) => this.call<User>('PATCH', `/users/${enc(id)}`, changes);
  deleteUser = (id: string) => this.call<void>('DELETE', `/users/${enc(id)}`);
  revokeTokens = (id: string) => this.call<void>('POST', `/users/${enc(id)}/revoke-tokens`);
  tripSettings = (companyId: string) => this.call<TripSettings>('GET', `/companies/${enc(companyId)}/trip-settings`);
  updateTripSettings = (companyId: string, changes: TripSettingsUpdate) => this.call<TripSettings>('PATCH', `/companies/${enc(companyId)}/trip-settings`, changes);
  // live location shares
  shares(q: ShareListQuery = {}, signal?: AbortSignal): Promise<Share[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.call<Share[]>('GET', `/shares${qs ? `?${qs}` : ''}`, undefined, signal);
  }
  createShare = (body: ShareCreate) => this.call<ShareCreated>('POST', '/shares', body);
  updateShare = (id: string, changes: ShareUpdate) => this.call<Share>('PATCH', `/shares/${enc(id)}`, changes);
  completeShare = (id: string) => this.call<Share>('POST', `/shares/${enc(id)}/complete`);
  cancelShare = (id: string) => this.call<Share>('POST', `/shares/${enc(id)}/cancel`);
  shareSettings = (companyId: string) => this.call<ShareSettingsAnswer>('GET', `/companies/${enc(companyId)}/share-settings`);
  updateShareSettings = (companyId: string, changes: ShareSettingsUpdate) => this.call<ShareSettingsAnswer>('PATCH', `/companies/${enc(companyId)}/share-settings`, changes);

  // backend notifications (admins)
  destinations = (signal?: AbortSignal) => this.call<DestinationList>('GET', '/destinations', undefined, signal);
  createDestination = (body: DestinationCreate) => this.call<DestinationCreated>('POST', '/destinations', body);
  updateDestination = (id: string, changes: DestinationUpdate) => this.call<Destination>('PATCH', `/destinations/${enc(id)}`, changes);
  deleteDestination = (id: string) => this.call<void>('DELETE', `/destinations/${enc(id)}`);
  /** Sends a sample envelope; the answer is what the receiver said. */
  testDestination = (id: string) => this.call<SendResult>('POST', `/destinations/${enc(id)}/test`);
  deliveries(q: DeliveryQuery, signal?: AbortSignal): Promise<DeliveryPage> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return this.call<DeliveryPage>('GET', `/deliveries${qs ? `?${qs}` : ''}`, undefined, signal);
  }
  redeliver = (body: RedeliverBody) => this.call<{ redelivered: number }>('POST', '/deliveries/redeliver', body);
  notifyStatus = (signal?: AbortSignal) => this.call<NotifyStatus>('GET', '/notifications/status', undefined, signal);

  apiKeys = () => this.call<ApiKey[]>('GET', '/api-keys');
  createApiKey = (name: string) => this.call<ApiKeyCreated>('POST', '/api-keys', { name });
  revokeApiKey = (id: number) => this.call<void>('DELETE', `/api-keys/${id}`);
}

const enc = encodeURIComponent;
