/**
 * F6 provider registry: named factories, each built lazily on first `get` and then reused for
 * the life of the instance (Google's advice for Cloud Functions: create SDK clients lazily and
 * keep them global).
 */
export interface ProviderRegistry<T> {
  register(provider: string, factory: () => T): void;
  /** The provider's instance, built once; throws for an unknown provider. */
  get(provider: string): T;
  list(): string[];
}

export function createProviderRegistry<T>(): ProviderRegistry<T> {
  const factories = new Map<string, () => T>();
  const instances = new Map<string, T>();
  return {
    register(provider, factory) {
      if (!provider) throw new TypeError("provider name must be non-empty");
      if (factories.has(provider)) throw new Error(`provider "${provider}" is already registered`);
      factories.set(provider, factory);
    },
    get(provider) {
      if (instances.has(provider)) return instances.get(provider) as T;
      const factory = factories.get(provider);
      if (!factory) {
        throw new Error(`unknown provider "${provider}"; registered: ${[...factories.keys()].join(", ") || "none"}`);
      }
      const instance = factory();
      instances.set(provider, instance);
      return instance;
    },
    list: () => [...factories.keys()],
  };
}
