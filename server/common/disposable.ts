/** Something that holds a resource (a listener, a stream, a timer) until it is disposed. */
export interface Disposable {
  dispose(): void;
}
