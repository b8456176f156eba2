export {
  type CredentialRef,
  type Credentials,
  type CredentialStore,
  createCredentialStore,
  credentialSecretName,
} from "./credential-store.js";
export { createProviderRegistry, type ProviderRegistry } from "./provider-registry.js";
