/**
 * GPSLogger for Android's "Log to custom URL": the URL template a dispatcher pastes into the
 * app. HOST, PORT and DEVICE_KEY are filled in by the console; the %-placeholders are
 * GPSLogger's own and are replaced by the app on every fix.
 */
export const GPSLOGGER_PATH = '/gpslogger';

export const GPSLOGGER_URL_TEMPLATE =
  'http://HOST:PORT/gpslogger?key=DEVICE_KEY&lat=%LAT&lon=%LON&time=%TIME&alt=%ALT&acc=%ACC&dir=%DIR&spd=%SPD&batt=%BATT&charging=%ISCHARGING&prov=%PROV&sat=%SAT&hdop=%HDOP';
