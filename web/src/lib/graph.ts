// The explorer's graph model is pure and shared with the server's tests; the web app reaches
// it through this one module, as it reaches the protocol.
export * from '../../../server/explorer/graph';
