/**
 * A schema built when it is first used rather than when its module loads. zod 4 spends about
 * 0.15 ms building each schema: the protocol's ~300 took 46 ms of the learner page's first
 * run before it could draw (a Chromium profile on this machine kind), and built on first use
 * that time falls in the wait for the socket's first message instead. The proxy hands every
 * operation to the built schema, so it composes, parses and infers as that schema does.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = () => (built ??= build());
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key, schema()),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    // The proxy's own target is an empty object: a descriptor must not claim what it cannot hold.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
  });
}
