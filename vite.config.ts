import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const serverPort = process.env.PORT ?? '8080';
const serverUrl = `http://127.0.0.1:${serverPort}`;

export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  resolve: {
    alias: { $protocol: fileURLToPath(new URL('./server/protocol/index.ts', import.meta.url)) },
  },
  build: { outDir: '../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: {
    // `npm run dev` serves the UI with hot reload and forwards everything else to the server.
    port: 5173,
    proxy: {
      '/ws': { target: serverUrl, ws: true },
      '/api': serverUrl,
      '/preview': { target: serverUrl, ws: true },
    },
  },
});
