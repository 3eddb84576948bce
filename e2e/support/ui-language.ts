/**
 * What language a page speaks: its own words (not what the learner or the engine wrote), and
 * a check that none of them is English where the page should speak Chinese.
 */
import { expect, type Page } from '@playwright/test';

export const CJK = /[\u4e00-\u9fff]/;

/**
 * The page's own words, without what the learner or the engine wrote: the terminal, code
 * (commands, names, output).
 */
export async function uiTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const skipped = 'code, pre, kbd, .xterm, [data-testid="terminal"]';
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node instanceof Element) {
        if (node.closest(skipped)) continue;
        for (const attribute of ['aria-label', 'title', 'placeholder']) {
          const value = node.getAttribute(attribute);
          if (value) texts.push(value);
        }
        continue;
      }
      const parent = node.parentElement;
      if (!parent || parent.closest(skipped) || !parent.checkVisibility()) continue;
      const text = node.textContent?.trim();
      if (text) texts.push(text);
    }
    return texts;
  });
}

/**
 * Two English words in a row with no Chinese beside them: a string the catalog missed. Names
 * (every word capitalised: Docker CLI, Docker Compose) read the same in Chinese, and so does
 * what people typed (`typed`: a workshop's name).
 */
const NAME = /^(?:[A-Z][\w.+-]*\s*)+$/;

export async function expectNoEnglish(page: Page, where: string, typed: readonly string[] = []): Promise<void> {
  const english = (await uiTexts(page)).filter(
    (text) => /\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\b/.test(text) && !CJK.test(text) && !NAME.test(text) && !typed.includes(text),
  );
  expect(english, `English left on ${where}`).toEqual([]);
}

