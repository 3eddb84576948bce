/**
 * Imported first by lib/protocol.ts, the web's one way to the protocol, so before any schema
 * is built: the page's policy forbids eval (default-src 'self'), so zod's probe for compiled
 * parsers would log a refused Function() on every load. Its interpreted parsers do the same checks.
 */
import { config } from 'zod';

config({ jitless: true });
