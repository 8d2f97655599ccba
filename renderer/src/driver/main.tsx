import { createRoot } from 'react-dom/client';
import { DriverEngine } from './engine';
import { installTestHook } from './test-hook';
import { App } from './ui/App';
import './driver.css';

const engine = new DriverEngine();
installTestHook(engine);
createRoot(document.getElementById('root') as HTMLElement).render(<App engine={engine} />);
void engine.init();

// The app shell works offline once the service worker has cached it (secure contexts only).
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('/driver-sw.js', { scope: '/driver' }).catch((err: unknown) => console.warn('service worker not registered:', err));
}
