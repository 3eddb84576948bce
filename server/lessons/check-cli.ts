/**
 * Validates every lesson: `npx tsx server/lessons/check-cli.ts [directory]` (default: lessons),
 * as every kind of machine gets it (with and without IPVS, see features.ts). Prints one
 * `file:line: message` per problem, naming the machines it occurs on when not all, and exits 1
 * if there is any. Translations whose original changed since they were made are listed as
 * warnings: they still load, marked outdated, until someone reviews them.
 */
import { CATALOG_IMAGES } from './catalog';
import { describeFeatures } from './features';
import { formatIssue } from './issues';
import { loadLessonVariants } from './load';

const directory = process.argv[2] ?? 'lessons';
const { variants, issues } = await loadLessonVariants(directory, { catalog: CATALOG_IMAGES });
const [first] = variants;
for (const warning of first?.outdated ?? []) console.warn(`warning: ${formatIssue(warning)}`);
for (const issue of issues) console.error(formatIssue(issue));
if (issues.length > 0) process.exit(1);
const translated = Object.entries(first?.translations ?? {}).map(([locale, list]) => `${list.length} ${locale}`);
const machines = variants.map((variant) => describeFeatures(variant.features)).join('; ');
console.log(
  `${first?.lessons.length ?? 0} lessons OK${translated.length > 0 ? ` (translations: ${translated.join(', ')})` : ''} on every kind of machine (${machines})`,
);
