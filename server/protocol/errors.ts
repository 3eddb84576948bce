/**
 * The one catalog of coded errors. Each code has the text a learner sees, the HTTP status
 * it answers with and the WebSocket close code it closes with (4000-4999 are ours).
 * docs/ARCHITECTURE.md lists them; a test keeps the two in step. The texts are English: the
 * page words a code in the learner's language from its own catalog.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import type { Locale } from './locale';

export const ERRORS = {
  ENGINE_UNAVAILABLE: {
    status: 503,
    close: 4503,
    message: 'The container engine is not answering. Slipway will retry; if it persists, ask the person running Slipway.',
  },
  ENGINE_NOT_ISOLATED: {
    status: 503,
    close: 4505,
    message: 'The container engine does not isolate sandboxes from its host, so Slipway will not use it.',
  },
  SANDBOX_LIMIT_REACHED: {
    status: 503,
    close: 4429,
    message: 'Slipway is full: every sandbox is in use. Try again in a few minutes.',
  },
  NODE_LIMIT_REACHED: {
    status: 409,
    close: 4419,
    message: 'Your session already has as many nodes as it may hold. Remove one before adding another.',
  },
  NODE_NOT_FOUND: {
    status: 404,
    close: 4424,
    message: 'There is no such node in your session (node1 cannot be removed on its own: reset the sandbox instead).',
  },
  SANDBOX_FAILED: {
    status: 500,
    close: 4500,
    message: 'Your sandbox could not be started.',
  },
  SANDBOX_EXPIRED: {
    status: 410,
    close: 4410,
    message: 'Your sandbox was removed after a long time without use. Start a new one to continue.',
  },
  SESSION_LIFETIME_ENDED: {
    status: 410,
    close: 4411,
    message: 'Your sandbox reached the longest time a session may last, so it was removed. Your lesson progress is kept: start a new sandbox to continue.',
  },
  SANDBOX_RECLAIMED: {
    status: 410,
    close: 4412,
    message: 'Your previous sandbox was removed while this page was closed, because Slipway was full. This is a new one; your lesson progress is kept.',
  },
  UNAUTHENTICATED: {
    status: 401,
    close: 4401,
    message: 'No Slipway session cookie came with this request. Reload the page to get one.',
  },
  FORBIDDEN_ORIGIN: {
    status: 403,
    close: 4403,
    message: 'This page is not allowed to connect to Slipway (unexpected Origin).',
  },
  NOT_FOUND: {
    status: 404,
    close: 4404,
    message: 'Not found.',
  },
  INVALID_MESSAGE: {
    status: 400,
    close: 4400,
    message: 'A message from the browser was not understood.',
  },
  REPLACED: {
    status: 409,
    close: 4409,
    message: 'This sandbox was opened in another tab or window.',
  },
  LESSON_NOT_FOUND: {
    status: 404,
    close: 4414,
    message: 'There is no such lesson or step (it may have been renamed). Pick it again from the list.',
  },
  INVALID_REQUEST: {
    status: 400,
    close: 4430,
    message: 'The request was not understood (malformed path, header or method).',
  },
  FORBIDDEN_HOST: {
    status: 421,
    close: 4421,
    message: 'This host name is not one Slipway answers to (see SLIPWAY_PUBLIC_URL and SLIPWAY_ALLOWED_HOSTS).',
  },
  INTERNAL_ERROR: {
    status: 500,
    close: 1011,
    message: 'Something went wrong on the server. Other learners are not affected; try again.',
  },
  TOO_SLOW: {
    status: 429,
    close: 4408,
    message: 'The page stopped reading what Slipway sent, so the connection was closed. It reconnects by itself.',
  },
  TOO_MANY_SESSIONS: {
    status: 429,
    close: 4431,
    message: 'Too many Slipway sessions are open from your address. Close a tab, or ask the person running Slipway.',
  },
  RATE_LIMITED: {
    status: 429,
    close: 4432,
    message: 'Too many requests of this kind from your address in a short time. Wait a minute and try again.',
  },
  FORBIDDEN: {
    status: 403,
    close: 4433,
    message: 'This is for the workshop\'s trainer only.',
  },
  WORKSHOP_NOT_FOUND: {
    status: 404,
    close: 4434,
    message: 'There is no workshop with this code. Check the code with your trainer.',
  },
  WORKSHOP_FULL: {
    status: 409,
    close: 4435,
    message: 'This workshop has as many participants as it may hold. Ask your trainer.',
  },
  WORKSHOP_PAUSED: {
    status: 423,
    close: 4436,
    message: 'Your trainer paused the workshop. Your progress is kept; continue when it resumes.',
  },
  WORKSHOP_ENDED: {
    status: 410,
    close: 4437,
    message: 'The workshop has ended. Your progress is kept; you can go on with the lessons on your own.',
  },
  WORKSHOP_REMOVED: {
    status: 410,
    close: 4438,
    message: 'Your trainer removed you from the workshop. Your progress is kept; you can go on with the lessons on your own.',
  },
  SHUTTING_DOWN: {
    status: 503,
    close: 1012,
    message: 'Slipway is restarting. The page will reconnect by itself.',
  },
} as const satisfies Record<string, { status: number; close: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
/** A code of the catalog, as messages carry it. */
export const ErrorCode = lazySchema(() => z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]));

/** An error that knows its catalog code; `detail` adds what happened this time. */
export class SlipwayError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${ERRORS[code].message} (${detail})` : ERRORS[code].message, options);
    this.name = 'SlipwayError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get closeCode(): number {
    return ERRORS[this.code].close;
  }
}

/**
 * Each code's text in every language Slipway speaks: the page words errors with it, and so do
 * the few pages the server writes itself (a port preview's). English is ERRORS' own message.
 */
export const ERROR_TEXTS: { readonly [L in Locale]: Readonly<Record<ErrorCode, string>> } = {
  en: Object.fromEntries(Object.entries(ERRORS).map(([code, error]) => [code, error.message])) as Record<ErrorCode, string>,
  zh: {
  ENGINE_UNAVAILABLE: '容器引擎没有响应。Slipway 会自动重试；如果一直这样，请联系运行 Slipway 的人。',
  ENGINE_NOT_ISOLATED: '这个容器引擎没有把沙箱与宿主机隔离，因此 Slipway 不会使用它。',
  SANDBOX_LIMIT_REACHED: 'Slipway 已满：所有沙箱都在使用中。请过几分钟再试。',
  NODE_LIMIT_REACHED: '你的会话中的节点数已达上限。请先删除一个节点，再添加新的。',
  NODE_NOT_FOUND: '你的会话中没有这个节点（node1 不能单独删除：请改为重置沙箱）。',
  SANDBOX_FAILED: '你的沙箱无法启动。',
  SANDBOX_EXPIRED: '你的沙箱长时间未使用，已被删除。请新建一个沙箱继续。',
  SESSION_LIFETIME_ENDED: '你的沙箱已达到会话的最长时限，因此已被删除。你的课程进度仍然保留：新建一个沙箱即可继续。',
  SANDBOX_RECLAIMED: '你之前的沙箱在本页面关闭期间被删除了，因为 Slipway 已满。这是一个新的沙箱；你的课程进度仍然保留。',
  UNAUTHENTICATED: '这个请求没有带上 Slipway 的会话 Cookie。请重新加载页面以获取一个。',
  FORBIDDEN_ORIGIN: '此页面不允许连接到 Slipway（Origin 不符）。',
  NOT_FOUND: '未找到。',
  INVALID_MESSAGE: '无法理解浏览器发来的一条消息。',
  REPLACED: '这个沙箱已在另一个标签页或窗口中打开。',
  LESSON_NOT_FOUND: '没有这个课程或步骤（可能已改名）。请从列表中重新选择。',
  INVALID_REQUEST: '无法理解这个请求（路径、请求头或方法格式有误）。',
  FORBIDDEN_HOST: 'Slipway 不响应这个主机名（参见 SLIPWAY_PUBLIC_URL 和 SLIPWAY_ALLOWED_HOSTS）。',
  INTERNAL_ERROR: '服务器出了问题。其他学员不受影响；请重试。',
  TOO_SLOW: '页面没有及时读取 Slipway 发送的内容，所以连接被关闭了。它会自动重新连接。',
  TOO_MANY_SESSIONS: '从你的地址打开的 Slipway 会话太多了。请关闭一个标签页，或联系运行 Slipway 的人。',
  RATE_LIMITED: '你的地址在短时间内发出了太多此类请求。请等一分钟再试。',
  FORBIDDEN: '此功能仅供工作坊的讲师使用。',
  WORKSHOP_NOT_FOUND: '没有使用这个代码的工作坊。请向讲师核对代码。',
  WORKSHOP_FULL: '这个工作坊的学员人数已满。请联系讲师。',
  WORKSHOP_PAUSED: '讲师暂停了工作坊。你的进度仍然保留；恢复后即可继续。',
  WORKSHOP_ENDED: '工作坊已经结束。你的进度仍然保留；你可以自己继续学习这些课程。',
  WORKSHOP_REMOVED: '讲师已将你移出工作坊。你的进度仍然保留；你可以自己继续学习这些课程。',
  SHUTTING_DOWN: 'Slipway 正在重启。页面会自动重新连接。',
  },
};

/** The catalog code of any error: its own for a SlipwayError, else `fallback`. */
export function errorCodeOf(error: unknown, fallback: ErrorCode = 'SANDBOX_FAILED'): ErrorCode {
  return error instanceof SlipwayError ? error.code : fallback;
}

/** An `error` message for the page: the code, and the error's own words. */
export function errorMessage(error: Error): { type: 'error'; code: ErrorCode; message: string } {
  return { type: 'error', code: errorCodeOf(error), message: error.message };
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERRORS, value);
}
