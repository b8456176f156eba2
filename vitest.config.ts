import { defineConfig } from "vitest/config";

// Two tiers: unit (pure logic, fakes, DuckDB in-process) and integration (emulators and
// functions-framework servers; test/integration/global-setup.ts starts what they need).
export default defineConfig({
  test: {
    env: { METADATA_SERVER_DETECTION: "none", TZ: "UTC" },
    coverage: {
      provider: "v8",
      include: ["functions/src/**"],
      thresholds: { lines: 70, functions: 70, branches: 60, statements: 70 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**", "test/e2e/**"],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // Starts the Firebase Auth emulator unless FIREBASE_AUTH_EMULATOR_HOST is already set.
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Headless Chromium from Debian (/usr/bin/chromium) on pages the CLI writes and on the
          // dashboard, which starts its own Auth emulator (costmon dashboard).
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
