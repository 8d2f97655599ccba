/**
 * An alert's place and time as text: the coordinates (copyable, "48.13512, 11.58198") and how
 * long ago it happened, kept current.
 */
import { useEffect, useState } from 'react';
import { formatAge, formatCoord } from '../../lib/format';
import { useNow } from '../../lib/use-fleet';

export const coordText = (at: { lat: number; lng: number }): string => `${formatCoord(at.lat)}, ${formatCoord(at.lng)}`;

export function Coordinates({ at, className }: { at: { lat: number; lng: number }; className?: string }) {
  const text = coordText(at);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = () => {
    // Without the clipboard (an insecure page) the numbers stay selectable text.
    if (!navigator.clipboard) return setCopied('no');
    void navigator.clipboard.writeText(text).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  };
  return (
    <span className={`alert-coords ${className ?? ''}`}>
      <span className="mono" data-testid="alert-coords">
        {text}
      </span>
      <button type="button" className="alert-copy" onClick={copy} data-testid="alert-copy" aria-label={`Copy the coordinates ${text}`}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'no' && <span className="small">Select the numbers to copy them.</span>}
    </span>
  );
}

/** "3 min ago", updated every second. */
export function Elapsed({ time }: { time: number }) {
  const now = useNow();
  return (
    <span data-testid="alert-elapsed" title={new Date(time).toLocaleString()}>
      {formatAge(time, now)}
    </span>
  );
}
