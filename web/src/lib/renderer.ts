/**
 * Whether the WebGL renderer is worth loading. On a software rasteriser (SwiftShader,
 * llvmpipe: headless browsers, machines without a GPU) it is slower than xterm's DOM
 * renderer, so there the DOM renderer is kept.
 */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software/i;

export function isSoftwareRenderer(rendererName: string): boolean {
  return SOFTWARE_RENDERERS.test(rendererName);
}

let hardwareWebgl2: boolean | undefined;

/** Asked once per page: making a WebGL context to find out costs 20-40 ms of the main thread. */
export function hardwareWebgl2Available(): boolean {
  hardwareWebgl2 ??= probeHardwareWebgl2();
  return hardwareWebgl2;
}

function probeHardwareWebgl2(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return !isSoftwareRenderer(renderer);
}

/** Resolves once the page is idle (or after `timeoutMs`), so that optional work waits until it has drawn and answers input. */
export function whenIdle(timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: timeoutMs });
    else setTimeout(resolve, 0);
  });
}
