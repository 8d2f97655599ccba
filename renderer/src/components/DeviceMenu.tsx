/** A device's menu on the map (right-click on its marker): show its details, or share its live location. Escape or a click elsewhere closes it. */
import { useEffect, useRef } from 'react';

export interface DeviceMenuAt {
  id: string;
  name: string;
  /** point in the map area, CSS px */
  x: number;
  y: number;
}

export function DeviceMenu(props: { at: DeviceMenuAt; onDetails: () => void; onShare: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const onClose = useRef(props.onClose);
  useEffect(() => {
    onClose.current = props.onClose;
  });

  useEffect(() => {
    ref.current?.querySelector('button')?.focus();
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) onClose.current();
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const item = (label: string, action: () => void, testId: string) => (
    <button
      type="button"
      role="menuitem"
      onClick={() => {
        props.onClose();
        action();
      }}
      data-testid={testId}
    >
      {label}
    </button>
  );
  return (
    <div className="menu device-menu" role="menu" aria-label={props.at.name} ref={ref} style={{ left: props.at.x, top: props.at.y }} data-testid="device-menu">
      <div className="menu-info">
        <strong>{props.at.name}</strong>
      </div>
      {item('Show details', props.onDetails, 'menu-details')}
      {item('Share live location', props.onShare, 'menu-share')}
    </div>
  );
}
