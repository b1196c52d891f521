/**
 * How a provider is named to people ("GitHub", "Corp"). A stand-in until the providers'
 * registry (AUTH_<NAME>_DISPLAY_NAME) can answer: the integrator swaps this one function.
 */
export function providerDisplayName(provider: string): string {
  return provider.charAt(0).toUpperCase() + provider.slice(1);
}
