/**
 * The header's warning for admins, on every page: destinations the server reports failing for
 * more than a few minutes (GET /notifications/status), each with the time it started, linking
 * to the Integrations page. Asked every 30 s, and at once after a change made in this console.
 */
import { useCallback, useEffect, useState } from 'react';
import type { NotifyStatus } from '../../../../shared/api/notifications';
import { useConsole } from '../../app/console-context';
import { routeHref } from '../../app/use-hash-route';
import { useNotificationsRefresh } from './notify-changed';
import { shortTime } from './notify-labels';

const POLL_MS = 30_000;

export function NotifyWarning() {
  const { api, isAdmin } = useConsole();
  const [failing, setFailing] = useState<NotifyStatus['failing']>([]);

  const load = useCallback(() => {
    if (!isAdmin) return;
    // A failed check keeps what was shown: the connection banner speaks for an unreachable server.
    api.notifyStatus().then(
      (s) => setFailing(s.failing),
      () => undefined,
    );
  }, [api, isAdmin]);
  useEffect(load, [load]);
  useNotificationsRefresh(load, POLL_MS);

  if (!isAdmin || failing.length === 0) return null;
  const [first] = failing;
  const text =
    failing.length === 1
      ? `Notifications to ${first!.name} failing since ${shortTime(first!.failing_since)}`
      : `Notifications to ${failing.length} destinations failing — ${failing.map((f) => `${f.name} since ${shortTime(f.failing_since)}`).join(', ')}`;
  return (
    <div className="banner banner-warn notify-warning" role="status" data-testid="notify-warning">
      <span className="notify-warning-text">{text}</span>
      {failing.length === 1 && first!.last_error && <span className="banner-hint notify-warning-error">{first!.last_error}</span>}
      <a href={routeHref('integrations')} data-testid="notify-warning-link">
        Open Integrations
      </a>
    </div>
  );
}
