import { describe, expect, it } from 'vitest';
import { describeFeatures, featureCombinations, mergeVariantIssues, selectForFeatures } from './features';

const WITH = { ipvs: true };
const WITHOUT = { ipvs: false };

/** The selected text with its line numbers, blank lines left out, for readable expectations. */
function kept(text: string, features = WITH, firstLine = 1): string[] {
  const result = selectForFeatures(text, features, firstLine);
  expect(result.issues).toEqual([]);
  return result.text.split('\n').flatMap((line, index) => (line === '' ? [] : [`${firstLine + index}: ${line}`]));
}

const issues = (text: string, firstLine = 1) =>
  selectForFeatures(text, WITH, firstLine).issues.map(({ line, message }) => `${line}: ${message}`);

describe('featureCombinations', () => {
  it('lists every machine, the baseline first', () => {
    expect(featureCombinations()).toEqual([{ ipvs: false }, { ipvs: true }]);
    expect(featureCombinations().map(describeFeatures)).toEqual(['no ipvs', 'ipvs']);
  });
});

describe('selectForFeatures', () => {
  const TEXT = ['a', '<!-- if ipvs -->', 'mesh', '<!-- else -->', 'dnsrr', '<!-- end -->', 'b'].join('\n');

  it('keeps the branch the machine takes and blanks the rest, line numbers unchanged', () => {
    expect(kept(TEXT, WITH, 10)).toEqual(['10: a', '12: mesh', '16: b']);
    expect(kept(TEXT, WITHOUT, 10)).toEqual(['10: a', '14: dnsrr', '16: b']);
    expect(selectForFeatures(TEXT, WITH).text.split('\n')).toHaveLength(7);
  });

  it('negates with "not", allows no else, nests, and tolerates spacing', () => {
    const text = ['<!--if not ipvs-->', 'no mesh', '<!-- end -->', '  <!--  if ipvs  -->  ', 'x', '<!-- if not ipvs -->', 'never', '<!-- end -->', '<!-- end -->'].join('\n');
    expect(kept(text, WITH)).toEqual(['5: x']);
    expect(kept(text, WITHOUT)).toEqual(['2: no mesh']);
  });

  it('drops whole code blocks of a branch not taken, and sees no directive inside a code block', () => {
    const text = ['<!-- if ipvs -->', '```sh run', 'docker service create --publish 8080:80 nginx', '```', '<!-- end -->', 'after'].join('\n');
    expect(kept(text, WITHOUT)).toEqual(['6: after']);
    expect(kept(text, WITH)).toEqual(['2: ```sh run', '3: docker service create --publish 8080:80 nginx', '4: ```', '6: after']);
    // A directive inside a block is an error: usually the block was left unclosed.
    const unclosed = ['````sh run', 'docker ps', '<!-- else -->', '```', 'still code', '````', '<!-- if ipvs -->', '<!-- end -->'].join('\n');
    expect(issues(unclosed, 20)).toEqual([
      '22: "<!-- else -->" is inside the code block opened on line 20: close the block first (directives work only outside code blocks)',
    ]);
    expect(kept(['~~~~', '<!-- a comment in code -->', '~~~', '~~~~', 'prose'].join('\n'))).toEqual(['1: ~~~~', '2: <!-- a comment in code -->', '3: ~~~', '4: ~~~~', '5: prose']);
  });

  it('ignores ordinary comments and reports unbalanced or unknown directives with their lines', () => {
    expect(kept('<!-- a note -->\n<!-- endpoint mode -->\ntext')).toEqual(['1: <!-- a note -->', '2: <!-- endpoint mode -->', '3: text']);
    expect(issues('<!-- if ipvs -->\nx', 5)).toEqual(['5: "<!-- if ipvs -->" has no <!-- end -->']);
    expect(issues('x\n<!-- else -->\n<!-- end -->')).toEqual([
      '2: <!-- else --> without an <!-- if ... --> before it',
      '3: <!-- end --> without an <!-- if ... --> before it',
    ]);
    expect(issues('<!-- if ipvs -->\n<!-- else -->\n<!-- else -->\n<!-- end -->')).toEqual([
      '3: a second <!-- else --> for "<!-- if ipvs -->" (line 1); its first is on line 2',
    ]);
    expect(issues('<!-- if ipv -->\n<!-- end -->')).toEqual(['1: unknown machine feature "ipv" in "<!-- if ipv -->" (features: ipvs)']);
    expect(issues('<!-- if ipvs and more -->\n<!-- end -->')).toEqual([
      '1: "<!-- if ipvs and more -->": a condition is one machine feature, optionally preceded by "not" (features: ipvs); an ordinary comment must not start with if, else or end',
    ]);
    // Other template languages' words are reported once each, without a cascade.
    expect(issues('<!-- if ipvs -->\n<!-- else  if ipvs -->\n<!-- endif -->\n<!-- if ipvs -->\n<!-- end ipvs -->')).toEqual([
      '2: "else if" is not a lesson directive: write <!-- if FEATURE -->, <!-- if not FEATURE -->, <!-- else --> and <!-- end -->',
      '3: "endif" is not a lesson directive: write <!-- if FEATURE -->, <!-- if not FEATURE -->, <!-- else --> and <!-- end -->',
      '5: <!-- end --> takes nothing after it (found "ipvs")',
    ]);
  });
});

describe('mergeVariantIssues', () => {
  it('lists an issue of every variant once, and names the variants of the others', () => {
    const shared = { file: 'lessons/18-x.md', line: 3, message: 'front matter: missing field "title"' };
    const merged = mergeVariantIssues([
      { features: WITHOUT, issues: [shared, { file: 'lessons/18-x.md', line: 40, message: 'step "b" has no check block' }] },
      { features: WITH, issues: [{ file: 'lessons/18-x.md', line: 20, message: 'step "a" has no check block' }, shared] },
    ]);
    expect(merged).toEqual([
      shared,
      { file: 'lessons/18-x.md', line: 20, message: 'step "a" has no check block (on machines with ipvs)' },
      { file: 'lessons/18-x.md', line: 40, message: 'step "b" has no check block (on machines with no ipvs)' },
    ]);
  });
});
