import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const serverPort = process.env.PORT ?? '8080';
const serverUrl = `http://127.0.0.1:${serverPort}`;

/** Packages the page loads after its script has run (web/src/lib/xterm-loader.ts) but needs at once. */
const PRELOADED_PACKAGES = ['/node_modules/@xterm/xterm/', '/node_modules/@xterm/addon-fit/'];

/**
 * The page runs and draws without waiting for xterm, which it imports itself; modulepreload
 * links have the browser fetch xterm alongside the page's script all the same, rather than
 * only once that script has run.
 */
function preloadXterm(): Plugin {
  return {
    name: 'slipway-preload-xterm',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunks = Object.values(bundle ?? {}).filter(
          (output) => output.type === 'chunk' && output.moduleIds.some((id) => id.endsWith('.mjs') && PRELOADED_PACKAGES.some((folder) => id.includes(folder))),
        );
        return chunks.map((chunk) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' as const }));
      },
    },
  };
}

export default defineConfig({
  root: 'web',
  plugins: [svelte(), preloadXterm()],
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
