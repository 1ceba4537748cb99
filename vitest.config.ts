import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: native work (SQLite, onnxruntime) in parallel files contends; keep it modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
