/** An unknown, mistyped or removed link: the same friendly page whatever the reason. */
export function NotFound() {
  return (
    <div className="share-message" data-testid="share-not-found">
      <div className="share-message-card">
        <h1>We can’t find this tracking link</h1>
        <p>The link may be incomplete or mistyped, or the delivery it belonged to ended some time ago.</p>
        <p>If you are expecting a delivery, ask the sender for a new link.</p>
      </div>
    </div>
  );
}
