import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues';
import { solutionOf, type Lesson } from '../protocol/lesson-model';
import { parseLesson, parseTranslation } from './parse';
import { YOUR_TURN_STEP } from '../testing/lesson-text';

const FILE = 'lessons/03-example.md';

const lesson = (body: string, front = 'id: example\ntitle: Example\nsummary: An example.\norder: 3\nmodule: basics\nminutes: 5\nimages: [nginx]') =>
  `---\n${front}\n---\n${body}`;

const VALID = lesson(`
Intro with **bold**.

## Run nginx {#run}

Start it:

\`\`\`sh run
docker run -d --name web nginx
\`\`\`

\`\`\`hint
Use \`-d\`.
\`\`\`

\`\`\`check
- type: container
  name: web
  status: running
\`\`\`

## Stop it

\`\`\`sh solution
docker stop web
\`\`\`

\`\`\`sh wrong node=node1
docker kill web
\`\`\`

\`\`\`check
- type: container
  name: web
  status: exited
\`\`\`
`);

function parsed(source: string, file = FILE): Lesson {
  const result = parseLesson(source, file, { catalog: ['nginx', 'busybox'] });
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.value;
}

function issuesOf(source: string, file = FILE): string[] {
  const result = parseLesson(source, file, { catalog: ['nginx', 'busybox'] });
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('parseLesson', () => {
  it('parses front matter, steps, blocks, hints and checks', () => {
    const value = parsed(VALID);
    expect(value).toMatchObject({ id: 'example', order: 3, minutes: 5, nodes: 1, images: ['nginx'], locale: 'en' });
    expect(value.intro).toContain('<strong>bold</strong>');
    expect(value.steps.map((step) => step.id)).toEqual(['run', 'stop-it']);
    const [run, stop] = value.steps;
    expect(run!.blocks).toEqual([{ kind: 'run', code: 'docker run -d --name web nginx', node: 'node1', lang: 'sh' }]);
    expect(run!.html).toContain('<pre class="slipway-block" data-block="0" data-kind="run" data-node="node1">');
    expect(run!.hints).toEqual(['<p>Use <code>-d</code>.</p>\n']);
    expect(run!.checks).toEqual([{ type: 'container', name: 'web', status: 'running', exists: true, node: 'node1' }]);
    // Solution and wrong blocks are not shown in the prose.
    expect(stop!.html).not.toContain('docker');
    expect(solutionOf(stop!).map((block) => block.code)).toEqual(['docker stop web']);
    expect(solutionOf(run!).map((block) => block.code)).toEqual(['docker run -d --name web nginx']);
  });

  it('reports malformed front matter with its line', () => {
    expect(issuesOf(lesson('\n## S\n', 'id: example\ntitle: [unclosed\n'))[0]).toMatch(/^lessons\/03-example\.md:4: front matter: invalid YAML/);
    expect(issuesOf('no front matter')).toEqual(['lessons/03-example.md:1: a lesson starts with YAML front matter between "---" lines']);
  });

  it('reports unknown, missing and mismatched front matter fields', () => {
    const body = VALID.split('---\n')[2]!;
    expect(issuesOf(lesson(body, 'id: example\ntitel: Example\nsummary: S\norder: 3\nmodule: basics\nminutes: 5'))).toEqual([
      'lessons/03-example.md:2: front matter: missing field "title"',
      'lessons/03-example.md:3: front matter: unknown field "titel" (did you mean "title"?)',
    ]);
    expect(issuesOf(lesson(body, 'id: example\ntitle: T\nsummary: S\norder: 3\nmodule: basics\nminutes: 5\nimages: [nginx, alpine]'))).toEqual([
      'lessons/03-example.md:8: image "alpine" is not in the catalog (available: nginx, busybox)',
    ]);
  });

  it('names the check and the line of an unknown check field', () => {
    const source = lesson(`
## Step {#step}

\`\`\`sh run
docker run -d --name web nginx
\`\`\`

\`\`\`check
- type: container
  name: web
- type: container
  nmae: web
  status: runing
- type: contaner
\`\`\`
`);
    expect(issuesOf(source)).toEqual([
      'lessons/03-example.md:21: check 2: unknown field "nmae" (did you mean "name"?)',
      'lessons/03-example.md:22: check 2: field "status": Invalid option: expected one of "created"|"running"|"paused"|"restarting"|"exited"|"removing"|"dead"',
      'lessons/03-example.md:23: check 3: unknown check type "contaner" (expected one of command, container, image, network, volume, swarm, node, service, file, script)',
    ]);
  });

  it('rejects unknown info words, nodes beyond the lesson, and steps without checks or solutions', () => {
    const source = lesson(`
## Step {#step}

\`\`\`sh runn
docker ps
\`\`\`

\`\`\`sh run node=node2
docker ps
\`\`\`
`);
    expect(issuesOf(source)).toEqual([
      'lessons/03-example.md:11: step "step" has no check block: every step needs at least one check (or a quiz)',
      'lessons/03-example.md:13: unknown word "runn" in "```sh runn" (expected one of run, copy, solution, wrong and node=nodeN)',
      'lessons/03-example.md:17: "node=node2": the lesson has 1 node(s); raise "nodes" in the front matter',
    ]);
  });

  it('escapes raw HTML, reports it, and drops unsafe links', () => {
    const source = lesson(`
## Step {#step}

Click [here](javascript:alert(1)) or [there](java&#x09;script:alert(1)) <img src=x onerror=alert(1)>

\`\`\`sh run
docker ps
\`\`\`

\`\`\`check
- type: command
  contains: docker ps
\`\`\`
`);
    expect(issuesOf(source)).toEqual([expect.stringMatching(/^lessons\/03-example\.md:13: raw HTML is not allowed in lessons: "<img/)]);
    // Even so, what would be rendered is inert.
    const value = parsed(source.replace(' <img src=x onerror=alert(1)>', ''));
    const html = value.steps[0]!.html;
    expect(html).toContain('<p>Click here or');
    // The entity stays an entity: the browser reads "java&#x09;script:...", a relative path.
    expect(html).toContain('href="java&#38;#x09;script:alert(1)"');
    expect(html).not.toMatch(/href="javascript:|<img/);
  });

  it('checks that id and order match the file name', () => {
    expect(issuesOf(VALID, 'lessons/04-other.md')).toEqual([
      'lessons/04-other.md:2: front matter: id "example" must match the file name ("other")',
      'lessons/04-other.md:5: front matter: order 3 must match the file name (4)',
    ]);
  });
});

describe('conditional sections', () => {
  const ADAPTIVE = lesson(`
Intro.
<!-- if not ipvs -->
This machine has no IPVS.
<!-- end -->

## Publish {#publish}

<!-- if ipvs -->
\`\`\`sh run
docker service create --name web --publish 8080:80 nginx
\`\`\`

\`\`\`check
- type: service
  name: web
  ports: ["8080->80"]
\`\`\`
<!-- else -->
\`\`\`sh run
docker service create --name web --endpoint-mode dnsrr --publish mode=host,target=80,published=8080 nginx
\`\`\`

\`\`\`check
- type: service
  name: web
  ports: ["8080->80"]
- type: command
  contains: mode=host
\`\`\`
<!-- end -->

<!-- if ipvs -->
## The mesh {#mesh}

\`\`\`sh run
curl -s node1:8080
\`\`\`

\`\`\`check
- type: command
  contains: curl
\`\`\`
<!-- end -->
`);

  it('selects prose, blocks, checks and whole steps by the machine', () => {
    const withIpvs = parseLesson(ADAPTIVE, FILE, { catalog: ['nginx'], features: { ipvs: true } });
    const without = parseLesson(ADAPTIVE, FILE, { catalog: ['nginx'], features: { ipvs: false } });
    if (!withIpvs.ok || !without.ok) throw new Error('expected both variants to parse');
    expect(withIpvs.value.steps.map((step) => step.id)).toEqual(['publish', 'mesh']);
    expect(without.value.steps.map((step) => step.id)).toEqual(['publish']);
    expect(withIpvs.value.intro).not.toContain('IPVS');
    expect(without.value.intro).toContain('This machine has no IPVS.');
    expect(withIpvs.value.steps[0]!.blocks.map((block) => block.code)).toEqual(['docker service create --name web --publish 8080:80 nginx']);
    expect(without.value.steps[0]!.blocks[0]!.code).toContain('--endpoint-mode dnsrr');
    expect(withIpvs.value.steps[0]!.checks.map((check) => check.type)).toEqual(['service']);
    expect(without.value.steps[0]!.checks.map((check) => check.type)).toEqual(['service', 'command']);
    // The directives leave no trace in the HTML.
    expect(without.value.intro + without.value.steps[0]!.html).not.toContain('&lt;!--');
    // Without features, a lesson is what a machine without any gets.
    expect(parsed(ADAPTIVE).steps.map((step) => step.id)).toEqual(['publish']);
  });

  it('reports problems of a branch with their file lines, and unbalanced directives', () => {
    const broken = ADAPTIVE.replace('  ports: ["8080->80"]\n- type: command', '  prots: ["8080->80"]\n- type: command').replace('{#mesh}', '{#publish}');
    const issues = (ipvs: boolean) => {
      const result = parseLesson(broken, FILE, { catalog: ['nginx'], features: { ipvs } });
      return result.ok ? [] : result.issues.map(formatIssue);
    };
    expect(issues(false)).toEqual(['lessons/03-example.md:36: check 1: unknown field "prots" (did you mean "ports"?)']);
    expect(issues(true)).toEqual(['lessons/03-example.md:43: two steps have the id "publish"; give one an explicit {#id}']);
    expect(issuesOf(lesson('\n## S {#s}\n<!-- if ipvs -->\n\n```sh run\ndocker ps\n```\n\n```check\n- type: command\n  contains: ps\n```\n'))).toEqual([
      // Without an end, the branch a machine without IPVS skips runs to the end of the file.
      'lessons/03-example.md:11: step "s" has no check block: every step needs at least one check (or a quiz)',
      'lessons/03-example.md:12: "<!-- if ipvs -->" has no <!-- end -->',
    ]);
  });

  it('selects a translation for the same machine as its original', () => {
    const original = parseLesson(ADAPTIVE, FILE, { catalog: ['nginx'], features: { ipvs: true } });
    if (!original.ok) throw new Error('expected the original to parse');
    const translation = `---\ntitle: 发布\nsource: 0123456789ab\n---\n\n## 发布 {#publish}\n\n<!-- if ipvs -->\n\`\`\`sh run\ndocker service create --name web --publish 8080:80 nginx\n\`\`\`\n\n\`\`\`check-text\n- 服务 web 发布端口 8080\n\`\`\`\n<!-- else -->\n\`\`\`sh run\ndocker service create --name web --endpoint-mode dnsrr --publish mode=host,target=80,published=8080 nginx\n\`\`\`\n\n\`\`\`check-text\n- 服务 web 发布端口 8080\n- 以 host 模式发布\n\`\`\`\n<!-- end -->\n\n<!-- if ipvs -->\n## 网格 {#mesh}\n\n\`\`\`sh run\ncurl -s node1:8080\n\`\`\`\n\n\`\`\`check-text\n- 用 curl 访问\n\`\`\`\n<!-- end -->\n`;
    const translated = parseTranslation(translation, 'lessons/03-example.zh.md', original.value, { features: { ipvs: true } });
    if (!translated.ok) throw new Error(translated.issues.map(formatIssue).join('\n'));
    expect(translated.value.steps.map((step) => step.title)).toEqual(['发布', '网格']);
    expect(translated.value.steps.flatMap((step) => step.checks.map((check) => check.title))).toEqual(['服务 web 发布端口 8080', '用 curl 访问']);
    // Selected for another machine than its original's, the translation no longer matches it.
    const mismatched = parseTranslation(translation, 'lessons/03-example.zh.md', original.value, { features: { ipvs: false } });
    expect(mismatched.ok).toBe(false);
  });
});

describe('parseTranslation', () => {
  const original = parsed(VALID);
  const translation = (body: string, front = 'title: 示例\nsource: 0123456789ab') => `---\n${front}\n---\n${body}`;
  const TRANSLATED = translation(`
简介。

## 运行 nginx {#run}

启动：

\`\`\`sh run
docker run -d --name web nginx
\`\`\`

\`\`\`hint
使用 \`-d\`。
\`\`\`

\`\`\`check-text
- 容器 web 正在运行
\`\`\`

## 停止 {#stop-it}

停止它。

\`\`\`check-text
- 容器 web 已退出
\`\`\`
`);

  it('replaces texts and keeps checks, blocks and solutions', () => {
    const result = parseTranslation(TRANSLATED, 'lessons/03-example.zh.md', original);
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const value = result.value;
    expect(value).toMatchObject({ locale: 'zh', title: '示例', summary: 'An example.', order: 3 });
    expect(value.steps.map((step) => step.title)).toEqual(['运行 nginx', '停止']);
    expect(value.steps[0]!.html).toContain('data-block="0"');
    expect(value.steps[0]!.checks).toEqual([{ ...original.steps[0]!.checks[0]!, title: '容器 web 正在运行' }]);
    expect(value.steps[1]!.blocks).toEqual(original.steps[1]!.blocks);
  });

  it('reports steps, blocks and hints that do not match the original', () => {
    const source = translation(
      `
## 运行 {#run}

\`\`\`sh run
docker run -d nginx
\`\`\`

\`\`\`check
- type: command
  contains: docker
\`\`\`

## 其他 {#other}
`,
      'title: 示例\norder: 9',
    );
    const result = parseTranslation(source, 'lessons/03-example.zh.md', original);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      'lessons/03-example.zh.md:2: front matter: missing field "source" (a translation gives title, summary and source)',
      'lessons/03-example.zh.md:3: front matter: unknown field "order" (a translation gives title, summary and source)',
      'lessons/03-example.zh.md:6: steps must match the original\'s (run, stop-it): missing "stop-it"; unknown "other"',
      'lessons/03-example.zh.md:6: step "run": run and copy blocks must be the original\'s (1), same code, same order',
      'lessons/03-example.zh.md:6: step "run": has 0 hints, the original has 1',
      'lessons/03-example.zh.md:6: step "run": the original has 1 check(s); translate their titles in a check-text block',
      'lessons/03-example.zh.md:12: check blocks come from the original lesson; remove this one from the translation (translate its titles in a check-text block)',
    ]);
  });
});

describe('translated check titles, script reasons and quizzes', () => {
  const ORIGINAL = lesson(`
## Check {#check}

\`\`\`sh run
echo hi > /tmp/hi
\`\`\`

\`\`\`check
- type: command
  title: Run echo
  contains: echo
- type: script
  title: /tmp/hi says hi
  run: grep -q hi /tmp/hi || { echo "/tmp/hi does not say hi"; exit 1; }
\`\`\`

\`\`\`quiz
question: Where did it go?
choices:
  - answer: A file
    correct: true
    why: The shell redirected it.
  - answer: The screen
    why: Not with \`>\`.
\`\`\`
`);
  const original = parsed(ORIGINAL);
  const zh = (checkText: string, quiz = 'question: 去哪了？\nchoices:\n  - answer: 文件\n    correct: true\n    why: 重定向。\n  - answer: 屏幕\n    why: 用了 `>` 就不是。') =>
    `---\ntitle: 示例\nsource: 0123456789ab\n---\n\n## 检查 {#check}\n\n\`\`\`sh run\necho hi > /tmp/hi\n\`\`\`\n\n\`\`\`check-text\n${checkText}\n\`\`\`\n\n\`\`\`quiz\n${quiz}\n\`\`\`\n`;
  const translate = (source: string, originalDigest?: string) => parseTranslation(source, 'lessons/03-example.zh.md', original, { originalDigest });
  const issuesOf = (source: string) => {
    const result = translate(source);
    return result.ok ? [] : result.issues.map(formatIssue);
  };

  it('gives the checks their translated titles, a script its translated reason, and the quiz its texts', () => {
    const result = translate(zh('- 运行 echo\n- { title: /tmp/hi 写着 hi, reason: /tmp/hi 里没有 hi }'));
    if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
    const [command, script] = result.value.steps[0]!.checks;
    expect(command).toEqual({ ...original.steps[0]!.checks[0]!, title: '运行 echo' });
    expect(script).toMatchObject({ type: 'script', title: '/tmp/hi 写着 hi', reason: '/tmp/hi 里没有 hi' });
    expect(result.value.steps[0]!.quizzes[0]!.question).toBe('去哪了？');
    expect(result.value.steps[0]!.quizzes[0]!.choices.map((choice) => choice.correct)).toEqual([true, false]);
  });

  it('reports titles that do not match the checks, a script without its reason, and a quiz with another answer', () => {
    expect(issuesOf(zh('- 运行 echo'))).toEqual(['lessons/03-example.zh.md:6: step "check": check-text gives 1 title(s), the original\'s checks are 2']);
    expect(issuesOf(zh('- 运行 echo\n- /tmp/hi 写着 hi'))).toEqual([
      'lessons/03-example.zh.md:6: step "check": check-text entry 2 is a script check: give { title, reason }, what a learner is shown when it fails',
    ]);
    expect(issuesOf(zh('- { title: 运行 echo, reason: 没有 }\n- { title: t, reason: r }'))).toEqual([
      'lessons/03-example.zh.md:6: step "check": check-text entry 1: only script checks take a "reason"',
    ]);
    const swapped = 'question: 去哪了？\nchoices:\n  - answer: 文件\n    why: 重定向。\n  - answer: 屏幕\n    correct: true\n    why: 不是。';
    expect(issuesOf(zh('- a\n- { title: t, reason: r }', swapped))).toEqual([
      'lessons/03-example.zh.md:6: step "check": quiz 1 must have the original\'s 2 choices in its order, the same one correct',
    ]);
  });

  it('marks a translation made from another version of the original as outdated', () => {
    const source = zh('- a\n- { title: t, reason: r }');
    const current = translate(source, '0123456789ab');
    expect(current.ok && current.value.outdated).toBe(undefined);
    expect(translate(source, 'ffffffffffff')).toMatchObject({ ok: true, value: { outdated: true } });
  });

  it('asks for quotes around a source of digits only, which YAML reads as a number', () => {
    const unquoted = zh('- a\n- { title: t, reason: r }').replace('source: 0123456789ab', 'source: 012345678901');
    expect(issuesOf(unquoted)).toEqual([expect.stringContaining('put the digits in quotes')]);
  });
});

describe('quizzes and "your turn" steps', () => {
  const QUIZ = lesson(`
## Why {#why}

\`\`\`quiz
question: Which one replaces the **CMD**?
choices:
  - answer: Arguments after the image
    correct: true
    why: They are passed to the ENTRYPOINT instead of the CMD.
  - answer: "\`--entrypoint\`"
    why: That replaces the ENTRYPOINT.
\`\`\`

${YOUR_TURN_STEP}`);

  it('parses a quiz, renders its texts, and tells steps without run blocks apart', () => {
    const [why, task] = parsed(QUIZ).steps;
    expect(why!.checks).toEqual([]);
    expect(why!.task).toBe(false);
    expect(why!.quizzes).toEqual([
      {
        question: 'Which one replaces the <strong>CMD</strong>?',
        choices: [
          { answer: 'Arguments after the image', correct: true, why: '<p>They are passed to the ENTRYPOINT instead of the CMD.</p>\n' },
          { answer: '<code>--entrypoint</code>', correct: false, why: '<p>That replaces the ENTRYPOINT.</p>\n' },
        ],
      },
    ]);
    expect(task!.task).toBe(true);
  });

  it('reports quiz problems with their lines', () => {
    const broken = QUIZ.replace('    correct: true\n', '    corect: true\n').replace('  - answer: "`--entrypoint`"\n', '  - anwser: "`--entrypoint`"\n');
    expect(issuesOf(broken)).toEqual([
      'lessons/03-example.md:17: quiz block: unknown field "choices.0.corect" (did you mean "correct"?)',
      'lessons/03-example.md:19: quiz block: missing field "choices.1.answer"',
      'lessons/03-example.md:19: quiz block: unknown field "choices.1.anwser" (did you mean "answer"?)',
    ]);
    const twoRight = QUIZ.replace('    why: That replaces', '    correct: true\n    why: That replaces');
    expect(issuesOf(twoRight)).toEqual(['lessons/03-example.md:16: quiz block: exactly one choice must have "correct: true" (2 have)']);
    expect(issuesOf(QUIZ.replace('question: Which', 'question: <b>Which'))).toEqual([
      'lessons/03-example.md:14: quiz block: raw HTML is not allowed: "<b>"',
    ]);
  });

  it('wants a "your turn" step checked on state, and a lesson that ends with one when asked', () => {
    const commandOnly = QUIZ.replace('- type: container\n  name: web', '- type: command\n  contains: docker run');
    expect(issuesOf(commandOnly)).toEqual([
      'lessons/03-example.md:23: step "task" has no run block, so it is a "your turn" step: check the state it leaves, not only the command typed (add a check other than type: command)',
    ]);
    const ending = parseLesson(VALID.replace('```sh solution\ndocker stop web', '```sh run\ndocker stop web'), FILE, { endWithTask: true });
    expect(ending.ok ? [] : ending.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^lessons\/03-example\.md:\d+: the lesson ends with step "stop-it", which has a run block/),
    ]);
  });
});
