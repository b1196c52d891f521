// Closing one's own account (issue 16), kept free of React so it can be tested as a plain
// function. The server wants a recent sign-in first: api.ts asks for it and retries.
import type { Api } from './api';

/** Deletes the signed-in account and everything of it; its session ends with it. */
export async function deleteOwnAccount(api: Api): Promise<void> {
  await api.delete('/api/profile');
  api.setCsrfToken(null);
}
