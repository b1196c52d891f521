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
