/** Phones give positions only to secure pages: say so, with the https address to open instead. */
export function SecureNotice({ code }: { code: string | null }) {
  if (window.isSecureContext) return null;
  const https = `https://${location.hostname}:8766/driver`;
  const href = code ? `${https}#enrol=${encodeURIComponent(code)}` : https;
  return (
    <div className="drv-card drv-warn" data-testid="insecure">
      <strong>This page cannot use the phone's location.</strong>
      <p>
        Phones share their position only with secure pages. Open this page over <a href={href}>{https}</a> (the port may differ; the office can tell
        you).
      </p>
      {code && <p>Your enrolment link was not used here: it still works over https.</p>}
    </div>
  );
}
