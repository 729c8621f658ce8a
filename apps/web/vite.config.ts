import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// In development (`npm run dev -w apps/web`) the app talks to a running Confab server through
// Vite's proxy, so the SDK's `url: location.origin` works unchanged. CONFAB_SERVER_URL says where.
const server = process.env.CONFAB_SERVER_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // Workspace packages (@confab/client, @confab/react) resolve to their TypeScript source.
    conditions: ['development', ...defaultClientConditions],
  },
  server: {
    proxy: {
      '/api': server,
      '/sdk': server,
      '/healthz': server,
      '/rtc': { target: server, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
});
