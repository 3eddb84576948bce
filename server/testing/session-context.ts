/**
 * A learner's session as its features see it (SessionContext), for unit tests of a feature:
 * the nodes given, the messages sent kept in `sent`, commands, node changes and a switch of
 * language fired by hand.
 */
import type { CommandRecord } from '../checks/shell-integration';
import { Emitter } from '../common/emitter';
import type { EngineStates } from '../engine-state/session-states';
import { ORIGINAL_LOCALE, type Locale, type ServerMessage } from '../protocol';
import type { SessionContext, SessionNode } from '../session/context';

export function fakeSessionContext(nodes: () => readonly SessionNode[], states: EngineStates, learner = 'me') {
  const sent: ServerMessage[] = [];
  const commands = new Emitter<CommandRecord>();
  const nodesChanged = new Emitter<readonly SessionNode[]>();
  const localeChanged = new Emitter<Locale>();
  let locale: Locale = ORIGINAL_LOCALE;
  const context: SessionContext = {
    learner,
    nodes,
    node: (name) => nodes().find((node) => node.name === name),
    onNodesChanged: nodesChanged.event,
    onEngineSettled: states.onSettled,
    ensureNodes: async () => undefined,
    send: (message) => void sent.push(message),
    locale: () => locale,
    onLocaleChanged: localeChanged.event,
    onCommand: commands.event,
    history: [],
    log: () => undefined,
  };
  return {
    context,
    sent,
    commands,
    nodesChanged,
    /** The learner switched language, as LearnerSession.setLocale tells the features. */
    setLocale(next: Locale) {
      locale = next;
      localeChanged.fire(next);
    },
  };
}
