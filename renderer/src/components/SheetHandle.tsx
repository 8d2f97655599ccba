/** The phone sheet's handle: a tap opens or folds the sheet; dragging it up opens it, down folds it. */
import { useRef } from 'react';

/** A pointer moved at least this far (CSS px) is a drag, not a tap. */
const DRAG_PX = 24;

export function SheetHandle({ full, onSheet }: { full: boolean; onSheet: (s: 'peek' | 'full') => void }) {
  const startY = useRef<number | null>(null);
  const dragged = useRef(false);
  return (
    <button
      type="button"
      className="sheet-handle"
      aria-expanded={full}
      aria-label={full ? 'Show less' : 'Show details'}
      title={full ? 'Show less' : 'Show details'}
      onPointerDown={(e) => {
        startY.current = e.clientY;
        dragged.current = false;
        e.currentTarget.setPointerCapture(e.pointerId);
      }}
      onPointerUp={(e) => {
        const from = startY.current;
        startY.current = null;
        if (from === null || Math.abs(e.clientY - from) < DRAG_PX) return;
        dragged.current = true;
        onSheet(e.clientY < from ? 'full' : 'peek');
      }}
      onPointerCancel={() => (startY.current = null)}
      onClick={() => {
        if (dragged.current) dragged.current = false;
        else onSheet(full ? 'peek' : 'full');
      }}
      data-testid="sheet-toggle"
    />
  );
}
