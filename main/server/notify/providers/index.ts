/** Every provider by name: the one list the outbox, REST and the tests read. */
import type { Provider } from '../../../../shared/api/notifications';
import type { ProviderKind } from '../provider';
import { webhook } from './webhook';

export const PROVIDER_KINDS: Partial<Record<Provider, ProviderKind<never>>> = {
  webhook: webhook as ProviderKind<never>,
};
