/**
 * Accidents of the crash pipeline (four stages) and their sensor and position buffer, declared
 * once (REST + OpenAPI + console).
 */
import Type, { type Static } from 'typebox';
import { IsoTime, Nullable } from './schema-helpers';

export const ACCIDENT_SOURCES = ['driver-app', 'device', 'server'] as const;

export const Accident = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('Accident'),
    device_id: Type.String(),
    source: Type.String({ description: 'driver-app (crash report), device (alarm=accident) or server (detected from speeds)' }),
    time: IsoTime('device time of the impact'),
    lat: Nullable(Type.Number()),
    lng: Nullable(Type.Number()),
    peak_g: Nullable(Type.Number()),
    received_at: IsoTime('AccidentEventReceived'),
    extra_received_at: Nullable(IsoTime('AccidentEventExtraReceived')),
    package_received_at: Nullable(IsoTime('AccidentEventCompletePackageReceived')),
    passed_filters: Nullable(Type.Boolean()),
    filter_reasons: Type.Array(Type.String(), { description: 'what the filters found, passed or not' }),
    filtered_at: Nullable(IsoTime('AccidentEventFiltered: confirmed')),
    alert_id: Nullable(Type.Integer()),
  },
  { $id: 'Accident' },
);
export type Accident = Static<typeof Accident>;

export const AccidentExtra = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('AccidentExtra'),
    motion: Type.Array(Type.Object({ t: Type.Number(), x: Type.Number(), y: Type.Number(), z: Type.Number() })),
    positions: Type.Array(Type.Object({ time: Type.String(), lat: Type.Number(), lng: Type.Number(), speed: Type.Number(), bearing: Type.Number() })),
  },
  { $id: 'AccidentExtra' },
);
export type AccidentExtra = Static<typeof AccidentExtra>;
