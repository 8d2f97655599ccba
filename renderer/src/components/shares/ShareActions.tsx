/** One-click Complete, Cancel and Extend (+1 h) for an open share. */
import type { Share } from '../../../../shared/api/shares';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';
import { isOpenShare, shareProblem } from './share-labels';
import { notifySharesChanged } from './shares-changed';

export function ShareActions({ share, compact }: { share: Share; compact?: boolean }) {
  const { api } = useConsole();
  const { busy, feedback, run } = useAsyncAction();
  if (!isOpenShare(share)) return null;
  const act = (action: () => Promise<unknown>) =>
    void run(async () => {
      await action();
      notifySharesChanged();
    }, shareProblem);
  return (
    <div className="share-actions">
      <div className="share-action-buttons">
        <button type="button" disabled={busy} onClick={() => act(() => api.completeShare(share.id))} title="The delivery is done: the page says so and shows no position" data-testid="share-complete">
          Complete
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => act(() => api.cancelShare(share.id))} title="Stop sharing: the page shows no position" data-testid="share-cancel">
          Cancel
        </button>
        {!compact && (
          <button type="button" disabled={busy} onClick={() => act(() => api.updateShare(share.id, { extend_hours: 1 }))} title="Keep the link working one hour longer" data-testid="share-extend">
            +1 h
          </button>
        )}
      </div>
      <FormFeedback feedback={feedback} />
    </div>
  );
}
