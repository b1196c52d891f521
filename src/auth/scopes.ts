/** A scope is `resource:action` (e.g. `data:read`), or `*`: everything the user may do. */
export const SCOPE_PATTERN =
  /^(\*|[a-z][a-z0-9_-]{0,31}:[a-z][a-z0-9_-]{0,31})$/;
export const FULL_ACCESS = '*';

/** Whether a credential limited to `granted` (null: unlimited) may do everything `required` names. */
export function hasScopes(
  granted: readonly string[] | null,
  required: readonly string[],
): boolean {
  if (granted === null || granted.includes(FULL_ACCESS)) {
    return true;
  }
  return required.every((scope) => granted.includes(scope));
}
