import { describe, expect, it } from 'vitest';
import { requestLocale } from './request-locale';

describe('requestLocale', () => {
  it("takes the learner's choice from the cookie first", () => {
    expect(requestLocale({ cookie: 'slipway_learner=x; slipway_locale=zh', 'accept-language': 'en-US' })).toBe('zh');
    expect(requestLocale({ cookie: 'slipway_locale=en', 'accept-language': 'zh-CN' })).toBe('en');
  });

  it("else the browser's first language Slipway speaks, else English", () => {
    expect(requestLocale({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).toBe('zh');
    expect(requestLocale({ 'accept-language': 'fr-FR, zh-TW;q=0.5' })).toBe('zh');
    expect(requestLocale({ 'accept-language': 'de, en-GB;q=0.7' })).toBe('en');
    expect(requestLocale({})).toBe('en');
  });

  it('ignores values it does not know', () => {
    expect(requestLocale({ cookie: 'slipway_locale=../../etc', 'accept-language': ';;,,*' })).toBe('en');
    expect(requestLocale({ cookie: 'slipway_locale=%E0%A4%A', 'accept-language': 'x'.repeat(10_000) })).toBe('en');
  });
});
