/** The public share page (`/s/{token}`): a recipient follows one delivery, without signing in. */
import { createRoot } from 'react-dom/client';
import { ShareFeed } from './share-feed';
import { shareToken } from './share-token';
import { ShareApp } from './ui/ShareApp';
import './share.css';

const feed = new ShareFeed(shareToken(location.pathname));
createRoot(document.getElementById('root') as HTMLElement).render(<ShareApp feed={feed} />);
feed.start();
