/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Output goes into the bundle (bundles/web/pom.xml copies dist/ to /app). Hashed names under /assets/ are served
// with a one-year immutable cache; index.html with no-cache. No inline script: the CSP forbids it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
  // Cornerstone's DICOM loader decodes in a module worker (split into chunks, so ES format)
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://localhost:8181' } },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});
