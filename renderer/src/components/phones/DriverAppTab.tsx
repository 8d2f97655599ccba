/** "Driver app" tab: a one-time enrolment link for the FleetDesk web app, as text and QR code. */
import { useState } from 'react';
import type { Enrolment, ServerInfo } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';
import { enrolmentUrl } from './connect-urls';
import { CopyField } from './CopyField';
import { QrCode } from './QrCode';

export function DriverAppTab(props: { deviceId: string; info: ServerInfo; host: string }) {
  const { api } = useConsole();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const { busy, feedback, run } = useAsyncAction();

  const create = () => run(async () => setEnrolment(await api.createEnrolment(props.deviceId)));

  const link = enrolment ? enrolmentUrl(props.info, props.host, enrolment.path) : null;
  return (
    <div className="connect-tab" data-testid="tab-panel-driver-app">
      <p>
        The FleetDesk driver app runs in the phone’s browser: no install. Open the link on the phone (scan the QR code with its camera); it signs the phone in
        as this driver and keeps reporting positions, battery and SOS.
      </p>
      <div className="form-actions">
        <button type="button" className="primary" onClick={() => void create()} disabled={busy} data-testid="create-enrolment">
          {busy ? 'Creating…' : enrolment ? 'Create a new link' : 'Create enrolment link'}
        </button>
      </div>
      <FormFeedback feedback={feedback} />
      {enrolment && link && (
        <div className="connect-grid">
          <div className="connect-fields">
            <CopyField label="Enrolment link (works once)" value={link.url} testId="enrolment-url" wrap />
            <p className="small muted" data-testid="enrolment-expiry">
              Valid until {new Date(enrolment.expires_at).toLocaleString()}. It works once; create a new one for another phone.
            </p>
            {link.secure ? (
              <div className="notice small" data-testid="tls-note">
                The phone will warn that the connection is not private: the server uses {props.info.tls_self_signed ? 'its own self-signed' : 'its'} certificate.
                {props.info.tls_fingerprint && (
                  <>
                    {' '}Compare the certificate’s SHA-256 fingerprint before you accept it:
                    <code className="fingerprint" data-testid="tls-fingerprint">
                      {props.info.tls_fingerprint}
                    </code>
                  </>
                )}
              </div>
            ) : (
              <p className="form-error small">The server has HTTPS turned off: phones’ browsers give no position to a page on plain http. Start the server with an HTTPS port.</p>
            )}
          </div>
          <QrCode value={link.url} label="Scan with the phone’s camera" testId="qr-enrolment" size={188} />
        </div>
      )}
    </div>
  );
}
