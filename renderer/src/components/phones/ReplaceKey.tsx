/** The driver's device key, a warning when it is weak (an adopted app identifier), and "Replace key". */
import { useState } from 'react';
import type { DeviceKey } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';

export function ReplaceKey(props: { deviceId: string; deviceKey: DeviceKey; onRotated: (k: DeviceKey) => void }) {
  const { api } = useConsole();
  const [confirming, setConfirming] = useState(false);
  const { busy, feedback, run } = useAsyncAction();

  const rotate = () =>
    run(async () => {
      props.onRotated(await api.rotateDeviceKey(props.deviceId));
      setConfirming(false);
      return 'Key replaced. Enter the new key in the phone apps of this driver.';
    });

  return (
    <section className="key-section" data-testid="device-key-section">
      <div className="key-row">
        <span className="copy-label">Device key</span>
        <code data-testid="device-key">{props.deviceKey.device_key}</code>
        {!confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="rotate-key">
            Replace key…
          </button>
        )}
      </div>
      {!props.deviceKey.strong && (
        <p className="banner-inline warn small" data-testid="weak-key-warning">
          This key is a phone app’s own short identifier, adopted as is: anyone who guesses it can report positions as this driver. Replace it with a random key
          and enter the new key in the app.
        </p>
      )}
      {confirming && (
        <div className="confirm-box" role="alertdialog" aria-label="Replace the device key">
          <p>
            Every phone connected as this driver stops reporting at once: the old key and the driver’s sessions stop working. Each phone needs the new key (or a
            new enrolment link) to report again.
          </p>
          <div className="form-actions">
            <button type="button" className="danger solid" onClick={() => void rotate()} disabled={busy} data-testid="rotate-confirm">
              {busy ? 'Replacing…' : 'Replace key'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <FormFeedback feedback={feedback} testId="rotate-message" />
    </section>
  );
}
