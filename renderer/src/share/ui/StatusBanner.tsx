/** The share's state in a sentence, coloured by how far the delivery has come. */
import type { StatusText } from '../share-format';

export function StatusBanner({ status }: { status: StatusText }) {
  return (
    <section className={`share-banner ${status.tone}`} role="status" data-testid="share-status">
      <h1 data-testid="share-status-title">{status.title}</h1>
      <p>{status.detail}</p>
    </section>
  );
}
