import { Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { ExternalProvider } from './external-provider';
import { GitHubProvider } from './github-provider';
import { OidcProvider } from './oidc-provider';

/** The configured identity providers (AUTH_PROVIDERS), by name; none by default. */
@Injectable()
export class ExternalProvidersService {
  private readonly providers: ReadonlyMap<string, ExternalProvider>;

  constructor(config: AppConfig) {
    this.providers = new Map(
      config.authProviders.map((provider) => [
        provider.name,
        provider.kind === 'github'
          ? new GitHubProvider(provider)
          : new OidcProvider(provider),
      ]),
    );
  }

  list(): ExternalProvider[] {
    return [...this.providers.values()];
  }

  /** The provider called `name`, or a 404 naming the configured ones. */
  get(name: string): ExternalProvider {
    const provider = this.providers.get(name);
    if (!provider) {
      throw new NotFoundException(
        this.providers.size === 0
          ? `No sign-in provider is called "${name}": none is configured`
          : `No sign-in provider is called "${name}": configured are ${[...this.providers.keys()].join(', ')}`,
      );
    }
    return provider;
  }

  /** The display name of a configured provider, else null (e.g. one removed from the configuration). */
  displayNameOf(name: string): string | null {
    return this.providers.get(name)?.displayName ?? null;
  }
}
