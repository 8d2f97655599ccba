/** Every provider by name: the one list the outbox, REST and the tests read. */
import type { Provider } from '../../../../shared/api/notifications';
import type { ProviderKind } from '../provider';
import { eventGrid } from './event-grid';
import { serviceBus } from './service-bus';
import { sns } from './sns';
import { webhook } from './webhook';

export const PROVIDER_KINDS: Partial<Record<Provider, ProviderKind<never>>> = {
  webhook: webhook as ProviderKind<never>,
  'aws-sns': sns as ProviderKind<never>,
  'azure-event-grid': eventGrid as ProviderKind<never>,
  'azure-service-bus': serviceBus as ProviderKind<never>,
};
