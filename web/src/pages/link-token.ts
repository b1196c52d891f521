import { useEffect, useState } from 'react';
import { tokenFromHash } from '../email';

/**
 * The single-use token of an emailed link (`#token=…`), read once; the fragment then leaves the
 * address bar, so it is not kept in the history, a bookmark or a shared screenshot.
 */
export function useLinkToken(): string | null {
  const [token] = useState(() => tokenFromHash(window.location.hash));
  useEffect(() => {
    if (window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, []);
  return token;
}

/**
 * A number that changes whenever another emailed link is opened in this tab while a link page
 * shows (only the fragment differs, so the browser does not load the page again): keyed on it,
 * the page starts over with the new link's token.
 */
export function useLinkOpened(): number {
  const [opened, setOpened] = useState(0);
  useEffect(() => {
    const onHashChange = () => {
      if (tokenFromHash(window.location.hash) !== null) {
        setOpened((count) => count + 1);
      }
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return opened;
}
