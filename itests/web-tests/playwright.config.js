// @ts-check
import { defineConfig } from '@playwright/test';

// Everything the run needs comes from WebIT through the environment; the base URL is read here only
// (TELEHUB_BASE_URL: the hub's HTTPS address).
const baseURL = process.env.TELEHUB_BASE_URL;
if (!baseURL) throw new Error('TELEHUB_BASE_URL is not set: these tests are run by itests WebIT against a running hub');

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.TELEHUB_WEB_RESULTS || 'test-results',
  use: {
    baseURL,
    locale: 'en-GB',
    timezoneId: 'Asia/Tehran', // not the server's (UTC): slots must be shown in the reader's own zone
    viewport: { width: 1280, height: 800 },
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here
      executablePath: process.env.TELEHUB_CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
        // the hub's self-signed certificate: trusted by its key's hash (set by WebIT), nothing else
        ...(process.env.TELEHUB_SPKI ? [`--ignore-certificate-errors-spki-list=${process.env.TELEHUB_SPKI}`] : [])],
    },
  },
});
