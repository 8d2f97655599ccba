/**
 * "Share live location" for one device: the form, then the link with copy, QR code and open.
 * "Pick on the map" hides the dialog until the dispatcher clicks the map (or cancels); the
 * form keeps what was typed meanwhile.
 */
import { useEffect, useState } from 'react';
import type { ShareCreated, ShareSettingsAnswer } from '../../../../shared/api/shares';
import { useConsole } from '../../app/console-context';
import { useForm } from '../../lib/use-form';
import { mapPick } from '../../map/map-pick';
import { Modal } from '../phones/Modal';
import { draftToRequest, emptyDraft, formatCoords, type ShareDraft } from './share-draft';
import { SHARE_FORM_SPECS, ShareForm } from './ShareForm';
import { ShareResult } from './ShareResult';
import { notifySharesChanged } from './shares-changed';

export function ShareDialog(props: { deviceId: string; deviceName: string; onClose: () => void }) {
  const { api, company } = useConsole();
  const [draft, setDraft] = useState<ShareDraft>(emptyDraft);
  const [picking, setPicking] = useState(false);
  const [created, setCreated] = useState<ShareCreated | null>(null);
  const [base, setBase] = useState<ShareSettingsAnswer | null>(null);
  const form = useForm(SHARE_FORM_SPECS, {
    NotFound: 'This device no longer exists. Close this and reload the page.',
    Forbidden: 'Your account may not share locations. Ask an admin.',
  });

  // A pick still waiting when the dialog goes away is cancelled.
  useEffect(() => () => (mapPick.active() ? mapPick.answer(null) : undefined), []);

  useEffect(() => {
    if (!picking) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && mapPick.answer(null);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [picking]);

  const pick = async () => {
    setPicking(true);
    const p = await mapPick.request();
    setPicking(false);
    if (p) {
      setDraft((d) => ({ ...d, coords: formatCoords(p) }));
      form.edited('destination');
    }
  };

  const submit = () => {
    const req = draftToRequest(props.deviceId, draft);
    if ('problem' in req) return form.refuse({ [req.field]: req.problem });
    void form.submit(async () => {
      const c = await api.createShare(req.body);
      setCreated(c);
      notifySharesChanged();
      if (company) api.shareSettings(company.id).then(setBase, (err: Error) => console.warn('share settings not loaded:', err.message));
    });
  };

  if (picking) {
    return (
      <div className="pick-bar" role="status" data-testid="pick-bar">
        Click the map where the delivery goes.
        <button type="button" onClick={() => mapPick.answer(null)}>
          Cancel
        </button>
      </div>
    );
  }
  return (
    <Modal title={`Share live location — ${props.deviceName}`} onClose={props.onClose} testId="share-dialog" wide={created !== null}>
      {created ? (
        <ShareResult created={created} recipient={draft.recipient} base={base} onDone={props.onClose} />
      ) : (
        <ShareForm draft={draft} onChange={setDraft} onPick={() => void pick()} onSubmit={submit} onCancel={props.onClose} form={form} />
      )}
    </Modal>
  );
}
