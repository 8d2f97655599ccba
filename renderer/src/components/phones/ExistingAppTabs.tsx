/** Settings for phone apps that already exist: Traccar Client, OwnTracks and GPSLogger. */
import type { ServerInfo } from '../../../../shared/api/schemas';
import { gpsLoggerUrl, ownTracksConfig, ownTracksConfigLink, ownTracksUrl, traccarServerUrl, trackerId } from './connect-urls';
import { CopyField } from './CopyField';
import { QrCode } from './QrCode';

interface TabProps {
  info: ServerInfo;
  host: string;
  deviceId: string;
  deviceName: string;
  deviceKey: string;
}

export function TraccarTab({ info, host, deviceKey }: TabProps) {
  const url = traccarServerUrl(info, host);
  return (
    <div className="connect-tab" data-testid="tab-panel-traccar">
      <p>
        Install <strong>Traccar Client</strong> (Android, iOS) and enter these settings, then turn on <em>Service status</em>.
      </p>
      <div className="connect-grid">
        <div className="connect-fields">
          <CopyField label="Server URL" value={url} testId="traccar-url" hint={info.osmand_port ? `The OsmAnd port ${info.osmand_port}, as Traccar uses.` : 'The OsmAnd port is off: the app reports to the main port’s /osmand path.'} />
          <CopyField label="Device identifier" value={deviceKey} testId="traccar-id" />
          <dl className="facts small">
            <dt>Frequency</dt>
            <dd>10–30 seconds for live tracking (the app’s default of 300 s shows a position every 5 minutes)</dd>
            <dt>Accuracy</dt>
            <dd>High</dd>
            <dt>Offline buffering</dt>
            <dd>On (queued fixes are sent when the phone is back online)</dd>
          </dl>
        </div>
        <div className="qr-pair">
          <QrCode value={url} label="Server URL" testId="qr-traccar-url" size={128} />
          <QrCode value={deviceKey} label="Device identifier" testId="qr-traccar-id" size={128} />
        </div>
      </div>
    </div>
  );
}

export function OwnTracksTab({ info, host, deviceId, deviceName, deviceKey }: TabProps) {
  const url = ownTracksUrl(info, host);
  const tid = trackerId(deviceName);
  const link = ownTracksConfigLink(ownTracksConfig(url, deviceId, deviceKey, tid));
  return (
    <div className="connect-tab" data-testid="tab-panel-owntracks">
      <p>
        In <strong>OwnTracks</strong> open Preferences → Connection and set:
      </p>
      <div className="connect-grid">
        <div className="connect-fields">
          <dl className="facts small">
            <dt>Mode</dt>
            <dd>HTTP</dd>
            <dt>Authentication</dt>
            <dd>On</dd>
          </dl>
          <CopyField label="URL" value={url} testId="owntracks-url" />
          <CopyField label="Username" value={deviceId} testId="owntracks-user" />
          <CopyField label="Password" value={deviceKey} testId="owntracks-password" />
          <dl className="facts small">
            <dt>Device ID</dt>
            <dd>phone</dd>
            <dt>Tracker ID</dt>
            <dd data-testid="owntracks-tid">{tid}</dd>
          </dl>
        </div>
        <div className="qr-single">
          <QrCode value={link} label="OwnTracks configuration" testId="qr-owntracks" size={200} />
          <p className="small muted">
            Or scan this with the phone (or open{' '}
            <a href={link} data-testid="owntracks-config-link">
              this link
            </a>{' '}
            on it): OwnTracks imports all these settings at once. Check them afterwards under Preferences → Connection.
          </p>
        </div>
      </div>
    </div>
  );
}

export function GpsLoggerTab({ info, host, deviceKey }: TabProps) {
  const url = gpsLoggerUrl(info, host, deviceKey);
  return (
    <div className="connect-tab" data-testid="tab-panel-gpslogger">
      <p>
        In <strong>GPSLogger for Android</strong> open Logging details → Log to custom URL, turn it on and set:
      </p>
      <CopyField label="URL" value={url} testId="gpslogger-url" wrap />
      <dl className="facts small">
        <dt>HTTP method</dt>
        <dd>GET</dd>
        <dt>Body, headers</dt>
        <dd>leave empty</dd>
        <dt>Interval</dt>
        <dd>General options → Logging interval: 10–30 seconds</dd>
      </dl>
    </div>
  );
}
