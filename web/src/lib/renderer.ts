/**
 * Whether the WebGL renderer is worth loading. On a software rasteriser (SwiftShader,
 * llvmpipe: headless browsers, machines without a GPU) it is slower than xterm's DOM
 * renderer, so there the DOM renderer is kept.
 */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software/i;

export function isSoftwareRenderer(rendererName: string): boolean {
  return SOFTWARE_RENDERERS.test(rendererName);
}

export function hardwareWebgl2Available(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return !isSoftwareRenderer(renderer);
}
