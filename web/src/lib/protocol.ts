// Before any schema is built, in whichever chunk the protocol lands (the dashboard is a chunk of its own).
import './zod-config';
// The web app reaches the shared protocol through this one module, by a relative path:
// vitest.config.ts does not define the `$protocol` alias, and the modules here are unit-tested.
export * from '../../../server/protocol/index';
export { MODULES, type ModuleId } from '../../../server/protocol/lesson-model';
