/**
 * The enrichment provider catalogue (§2.1.2, §2.8). In the sandbox no org has its own provider
 * keys, so BYOK-only providers (lusha, rocketreach) are never credential-ready: exactly the case
 * the contract's warnings and missing_credentials exist for.
 */
import { ok, type Route } from '../../module.js';

export interface ProviderInfo {
  readonly provider: string;
  readonly systemFunded: boolean;
  readonly creditsPerRow: Readonly<Record<string, number>>;
}

export const PROVIDERS: readonly ProviderInfo[] = [
  { provider: 'graph8', systemFunded: true, creditsPerRow: { email: 0, phone: 0, linkedin: 0 } },
  { provider: 'hunter', systemFunded: true, creditsPerRow: { email: 1 } },
  { provider: 'prospeo', systemFunded: true, creditsPerRow: { email: 1, phone: 3 } },
  { provider: 'dropcontact', systemFunded: true, creditsPerRow: { email: 1 } },
  { provider: 'icypeas', systemFunded: true, creditsPerRow: { email: 1 } },
  { provider: 'leadmagic', systemFunded: true, creditsPerRow: { email: 1, phone: 5 } },
  { provider: 'emaillistverify', systemFunded: true, creditsPerRow: { verify: 0.5 } },
  { provider: 'apollo', systemFunded: true, creditsPerRow: { email: 1, phone: 2, linkedin: 1 } },
  { provider: 'lusha', systemFunded: false, creditsPerRow: { email: 2, phone: 4 } },
  { provider: 'rocketreach', systemFunded: false, creditsPerRow: { email: 2, phone: 3 } },
];

export function providerInfo(name: string): ProviderInfo | undefined {
  return PROVIDERS.find((p) => p.provider === name);
}

/** The action a target field bills as: email, phone or linkedin (custom columns bill as email). */
export function actionFor(field: string): string {
  if (field === 'phone' || field === 'mobile') return 'phone';
  if (field === 'linkedin') return 'linkedin';
  return 'email';
}

export function costFor(provider: string, field: string): number {
  const info = providerInfo(provider);
  if (!info) return 0;
  return info.creditsPerRow[actionFor(field)] ?? info.creditsPerRow.email ?? 1;
}

export type CredentialMode = 'auto' | 'system' | 'byok';

export function providerDetail(provider: string, mode: CredentialMode) {
  const info = providerInfo(provider);
  const source = mode === 'byok' || !info?.systemFunded ? 'byok' : 'system';
  return {
    provider,
    is_system_provider: info?.systemFunded ?? false,
    credential_source: source,
    // No org in the sandbox has configured its own provider keys.
    credential_ready: source === 'system',
  };
}

export const listProviders: Route = {
  method: 'GET',
  path: '/enrichment/providers',
  scope: 'enrichment:read',
  summary: 'Enrichment providers, credential state and credits per row',
  handler() {
    const providers = PROVIDERS.map((p) => ({
      provider: p.provider,
      system_funded: p.systemFunded,
      byok_configured: false,
      default_credential_source: p.systemFunded ? 'system' : 'byok',
      credits_per_row: { ...p.creditsPerRow },
      actions: Object.keys(p.creditsPerRow),
    }));
    return ok({ providers, count: providers.length });
  },
};
