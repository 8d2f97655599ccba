/** After a driver is added: say so, and offer to connect its phone at once (ConnectPhoneDialog). */
export function ConnectPhoneOffer(props: { notice: string; driverName: string; onConnect: () => void; onDismiss: () => void }) {
  return (
    <div className="form-ok connect-offer" role="status" data-testid="connect-offer">
      <span>
        {props.notice} Connect {props.driverName}’s phone now, so it shows on the map?
      </span>
      <span className="connect-offer-actions">
        <button type="button" className="primary" onClick={props.onConnect} data-testid="connect-offer-yes">
          Connect a phone
        </button>
        <button type="button" onClick={props.onDismiss} data-testid="connect-offer-later">
          Later
        </button>
      </span>
    </div>
  );
}
