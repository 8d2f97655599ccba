/**
 * Live location sharing: a dispatcher shares one device with a customer through a public link
 * (`/s/{token}`) for a bounded time. The REST shapes (office, admin or API key), the company's
 * share settings, and what the public page and its live feed may show — declared once here.
 */
import Type, { type Static } from 'typebox';
import { IsoTime, Nullable } from './schema-helpers';

export const ShareStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('arriving'),
  Type.Literal('arrived'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
]);
export type ShareStatus = Static<typeof ShareStatus>;

/** A share that has ended: its page shows the final state and nothing of the device. */
export const ENDED_SHARE_STATUSES: readonly ShareStatus[] = ['completed', 'cancelled', 'expired'];

export const EXPIRES_IN_HOURS = { min: 0.25, max: 168, default: 4 } as const;

export const ShareDestination = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    label: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);
export type ShareDestination = Static<typeof ShareDestination>;

export const ShareConfig = Type.Object(
  {
    show_speed: Type.Boolean({ default: false }),
    show_heading: Type.Boolean({ default: true }),
    show_eta: Type.Boolean({ default: true }),
    show_destination_on_map: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type ShareConfig = Static<typeof ShareConfig>;
export const DEFAULT_SHARE_CONFIG: ShareConfig = { show_speed: false, show_heading: true, show_eta: true, show_destination_on_map: true };

const Text = (max: number) => Type.String({ maxLength: max });

export const ShareCreate = Type.Object(
  {
    device_id: Type.String({ minLength: 1, maxLength: 64 }),
    expires_in_hours: Type.Optional(Type.Number({ minimum: EXPIRES_IN_HOURS.min, maximum: EXPIRES_IN_HOURS.max, default: EXPIRES_IN_HOURS.default })),
    recipient_name: Type.Optional(Nullable(Text(200))),
    notes: Type.Optional(Nullable(Text(1000))),
    order_id: Type.Optional(Nullable(Text(100))),
    destination: Type.Optional(Nullable(ShareDestination)),
    share_config: Type.Optional(Type.Partial(ShareConfig, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type ShareCreate = Static<typeof ShareCreate>;

export const ShareUpdate = Type.Object(
  {
    notes: Type.Optional(Nullable(Text(1000))),
    recipient_name: Type.Optional(Nullable(Text(200))),
    destination: Type.Optional(Nullable(ShareDestination)),
    /** hours added to the current expiry (an active share only), bounded by EXPIRES_IN_HOURS.max from now */
    extend_hours: Type.Optional(Type.Number({ minimum: EXPIRES_IN_HOURS.min, maximum: EXPIRES_IN_HOURS.max })),
  },
  { additionalProperties: false },
);
export type ShareUpdate = Static<typeof ShareUpdate>;

/** The ETA as the page and the console show it. */
export const ShareEta = Type.Object({
  /** seconds to the destination */
  seconds: Type.Number({ minimum: 0 }),
  arrival_at: IsoTime('estimated arrival'),
  distance_m: Type.Number({ minimum: 0 }),
  method: Type.Union([Type.Literal('straight_line'), Type.Literal('routing')]),
});
export type ShareEta = Static<typeof ShareEta>;

export const Share = Type.Object(
  {
    id: Type.String(),
    device_id: Type.String(),
    status: ShareStatus,
    recipient_name: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    order_id: Nullable(Type.String()),
    destination: Nullable(ShareDestination),
    share_config: ShareConfig,
    share_url: Nullable(Type.String({ description: 'only in the answer that creates the share: the token is not kept' })),
    created_at: IsoTime('created'),
    created_by: Nullable(Type.String()),
    expires_at: IsoTime('ends by itself'),
    arrived_at: Nullable(IsoTime('arrived at the destination')),
    ended_at: Nullable(IsoTime('completed, cancelled or expired')),
    eta: Nullable(ShareEta),
  },
  { $id: 'Share' },
);
export type Share = Static<typeof Share>;

export const ShareCreated = Type.Object({
  id: Type.String(),
  share_token: Type.String({ description: 'shown once; only its hash is stored' }),
  share_url: Type.String(),
  expires_at: IsoTime('ends by itself'),
  status: ShareStatus,
});
export type ShareCreated = Static<typeof ShareCreated>;

export const ShareListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([ShareStatus, Type.Literal('open'), Type.Literal('all')], { default: 'all' })),
    device_id: Type.Optional(Type.String({ maxLength: 64 })),
    order_id: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type ShareListQuery = Static<typeof ShareListQuery>;

export const ShareIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** A company's share settings (companies row, JSON), with defaults. */
export const ShareSettings = Type.Object(
  {
    /** e.g. https://track.example.com — where the user publishes the server; null = the first LAN address */
    public_base_url: Nullable(Type.String({ maxLength: 300 })),
    arriving_distance_m: Type.Number({ minimum: 100, maximum: 50_000 }),
    arrived_radius_m: Type.Number({ minimum: 20, maximum: 2_000 }),
    arrived_hold_s: Type.Number({ minimum: 0, maximum: 600 }),
    /** minutes after arrival a share completes by itself; null = only by the dispatcher */
    auto_complete_after_min: Nullable(Type.Number({ minimum: 0, maximum: 1440 })),
    detour_factor: Type.Number({ minimum: 1, maximum: 3 }),
    /** an OSRM-compatible service (…/route/v1/driving/…); null = straight line × detour factor */
    routing_url: Nullable(Type.String({ maxLength: 300 })),
    /** origins allowed to frame the public page (e.g. https://shop.example.com); none by default */
    frame_origins: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 }),
    /** decimals of the public position (null = as measured) */
    position_decimals: Nullable(Type.Integer({ minimum: 2, maximum: 6 })),
  },
  { $id: 'ShareSettings' },
);
export type ShareSettings = Static<typeof ShareSettings>;
export const DEFAULT_SHARE_SETTINGS: ShareSettings = {
  public_base_url: null,
  arriving_distance_m: 1000,
  arrived_radius_m: 150,
  arrived_hold_s: 30,
  auto_complete_after_min: 30,
  detour_factor: 1.3,
  routing_url: null,
  frame_origins: [],
  position_decimals: null,
};
/** GET/PATCH /companies/{id}/share-settings: the settings, and the base share links use now and where it came from. */
export const ShareSettingsAnswer = Type.Object(
  {
    settings: ShareSettings,
    /** what share_url starts with today */
    base_url: Type.String(),
    /** 'setting': public_base_url; 'lan': the first LAN address; 'local': no LAN address, only this machine can open the links */
    base_url_source: Type.Union([Type.Literal('setting'), Type.Literal('lan'), Type.Literal('local')]),
  },
  { $id: 'ShareSettingsAnswer' },
);
export type ShareSettingsAnswer = Static<typeof ShareSettingsAnswer>;

export const ShareSettingsUpdate = Type.Partial(Type.Object(ShareSettings.properties), { additionalProperties: false });
export type ShareSettingsUpdate = Static<typeof ShareSettingsUpdate>;

/** The van's position as the public page gets it: only the fields the share allows. */
export const PublicPosition = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  /** km/h, when show_speed */
  speed_kmh: Type.Optional(Type.Number()),
  /** degrees, when show_heading */
  heading: Type.Optional(Type.Number()),
  time: IsoTime('measured'),
});
export type PublicPosition = Static<typeof PublicPosition>;

/** GET /s/{token}/data and each event of the live feed: everything the public page shows. */
export const PublicShare = Type.Object({
  status: ShareStatus,
  driver_name: Nullable(Type.String()),
  recipient_name: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  order_id: Nullable(Type.String()),
  company_name: Type.String(),
  expires_at: IsoTime('ends by itself'),
  /** null when ended, or before the first fix since the share began */
  position: Nullable(PublicPosition),
  /** when show_destination_on_map (and not ended) */
  destination: Nullable(ShareDestination),
  /** when show_eta and moving towards a destination (and not ended) */
  eta: Nullable(ShareEta),
  share_config: ShareConfig,
});
export type PublicShare = Static<typeof PublicShare>;

/**
 * What offices hear live when a share of their company is created or changes (the Tracking
 * API's `share_update`, shared/protocol/server-messages.ts): which share and its state; the
 * console reloads the share over REST for the rest.
 */
export const ShareChangePayload = Type.Object({ share_id: Type.String(), status: ShareStatus });
export type ShareChangePayload = Static<typeof ShareChangePayload>;

/** Event names of the share lifecycle, recorded in the event log in the transaction of each change. */
export const SHARE_EVENTS = {
  created: 'ShareSessionCreated',
  arrived: 'ShareSessionArrived',
  completed: 'ShareSessionCompleted',
  cancelled: 'ShareSessionCancelled',
  expired: 'ShareSessionExpired',
} as const;
