import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import type { AuthClient } from "google-auth-library";

/**
 * Builds the official Secret Manager client: gRPC to the public endpoint in production, or REST
 * (`fallback: true`) to `apiEndpoint`, which is how tests reach a local server
 * (`http://127.0.0.1:PORT`, with a preset-token `authClient`).
 *
 * The client's own retries are switched off (its config retries AccessSecretVersion on
 * UNAVAILABLE and RESOURCE_EXHAUSTED for up to 10 minutes, and only over gRPC, since REST failures
 * carry HTTP codes it does not match): the store retries every call the same bounded way with the
 * platform's backoff, on both transports.
 *
 * @example
 *   const client = createSecretManagerClient({ projectId: "costmon-prod" });
 *   const local = createSecretManagerClient({ projectId: "demo-test", apiEndpoint: "http://127.0.0.1:8085", authClient });
 */
export interface SecretManagerClientOptions {
  projectId: string;
  /** A URL (`http://127.0.0.1:PORT`, `https://secretmanager.googleapis.com`); implies REST. */
  apiEndpoint?: string;
  /** Default gRPC, or REST when `apiEndpoint` is set. */
  transport?: "grpc" | "rest";
  /** Credentials for the calls; Application Default Credentials when absent. */
  authClient?: AuthClient;
}

const SERVICE = "google.cloud.secretmanager.v1.SecretManagerService";
const METHODS = ["AccessSecretVersion", "AddSecretVersion", "CreateSecret", "DeleteSecret", "ListSecrets", "ListSecretVersions", "DisableSecretVersion"];

/** Client config override: no status is retried by the client itself. */
const NO_CLIENT_RETRIES = {
  interfaces: {
    [SERVICE]: {
      retry_codes: { none: [] },
      methods: Object.fromEntries(METHODS.map((m) => [m, { retry_codes_name: "none" }])),
    },
  },
};

type ClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

export function createSecretManagerClient(opts: SecretManagerClientOptions): SecretManagerServiceClient {
  const endpoint = opts.apiEndpoint ? new URL(opts.apiEndpoint) : undefined;
  const rest = opts.transport === "rest" || endpoint !== undefined;
  const defaultPort = endpoint?.protocol === "http:" ? 80 : 443;
  return new SecretManagerServiceClient({
    projectId: opts.projectId,
    clientConfig: NO_CLIENT_RETRIES,
    ...(rest ? { fallback: true } : {}),
    ...(endpoint
      ? { apiEndpoint: endpoint.hostname, port: endpoint.port ? Number(endpoint.port) : defaultPort, protocol: endpoint.protocol.slice(0, -1) }
      : {}),
    // google-gax bundles its own copy of google-auth-library, whose AuthClient has protected
    // members and so is a different type to the compiler; at run time both are the same client.
    ...(opts.authClient ? { authClient: opts.authClient as unknown as ClientOptions["authClient"] } : {}),
  });
}
