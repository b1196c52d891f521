import type { AppConfig } from '../../config/app-config';

/**
 * How a provider is named to people: its AUTH_<NAME>_DISPLAY_NAME ("GitHub", "Corp"), or, for a
 * provider no longer configured whose identities remain linked, its name capitalised.
 */
export function providerDisplayName(
  config: AppConfig,
  provider: string,
): string {
  return (
    config.authProviders.find((configured) => configured.name === provider)
      ?.displayName ?? provider.charAt(0).toUpperCase() + provider.slice(1)
  );
}
