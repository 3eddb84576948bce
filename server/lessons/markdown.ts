/**
 * Markdown to HTML for lesson prose and hints. Lesson files are trusted less than code: raw
 * HTML is shown as text (and reported by the parser), and links or images with a scheme other
 * than http, https or mailto are dropped, so no script, event handler or javascript: URL can
 * reach the page.
 */
import { Marked, Parser, TextRenderer, type Token, type Tokens } from 'marked';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Relative URLs and fragments are fine; an absolute URL must be http(s) or mailto. */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore these characters inside a scheme ("java\tscript:").
  const cleaned = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  return scheme === null || ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase());
}

const titleAttribute = (title: string | null | undefined) => (title ? ` title="${escapeHtml(title)}"` : '');

const isComment = (html: string) => /^\s*<!--[\s\S]*?-->\s*$/.test(html);

export const markdown = new Marked({
  gfm: true,
  renderer: {
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return isComment(text) ? '' : escapeHtml(text);
    },
    // Written here rather than by marked, which leaves entities such as "&#58;" in an href for
    // the browser to decode into the very scheme that was checked for.
    link(token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      if (!isSafeUrl(token.href)) return text;
      return `<a href="${escapeHtml(token.href)}"${titleAttribute(token.title)}>${text}</a>`;
    },
    image(token: Tokens.Image) {
      if (!isSafeUrl(token.href)) return escapeHtml(token.text);
      return `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}"${titleAttribute(token.title)}>`;
    },
  },
});

export const lex = (source: string) => markdown.lexer(source);
export const render = (tokens: Token[]) => markdown.parser(tokens);
export const renderMarkdown = (source: string) => markdown.parse(source, { async: false });

/** Inline tokens as plain text, for step titles. */
export function plainText(tokens: Token[]): string {
  return new Parser().parseInline(tokens, new TextRenderer());
}

/** Raw HTML other than comments, which the parser reports as an error with its line. */
export function rawHtmlIn(tokens: Token[]): string[] {
  const found: string[] = [];
  markdown.walkTokens(tokens, (token) => {
    if (token.type === 'html' && !isComment(token.raw)) found.push(token.raw.trim());
  });
  return found;
}

/** One line of markdown (a quiz's question or answer) without the paragraph around it. */
export const renderInline = (source: string) => markdown.parseInline(source, { async: false });
