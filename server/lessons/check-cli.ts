/**
 * Validates every lesson: `npx tsx server/lessons/check-cli.ts [directory]` (default: lessons).
 * Prints one `file:line: message` per problem and exits 1 if there is any.
 */
import { CATALOG_IMAGES } from './catalog';
import { formatIssue } from './issues';
import { loadLessons } from './load';

const directory = process.argv[2] ?? 'lessons';
const { lessons, translations, issues } = await loadLessons(directory, CATALOG_IMAGES);
for (const issue of issues) console.error(formatIssue(issue));
if (issues.length > 0) process.exit(1);
const translated = Object.entries(translations).map(([locale, list]) => `${list.length} ${locale}`);
console.log(`${lessons.length} lessons OK${translated.length > 0 ? ` (translations: ${translated.join(', ')})` : ''}`);
