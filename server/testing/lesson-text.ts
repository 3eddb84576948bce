/** Lesson markdown for tests. */

/** The "your turn" step that ends every lesson (validation wants one), for test lessons to end with. */
export const YOUR_TURN_STEP = `## Your turn {#task}

Start nginx as web.

\`\`\`sh solution
docker run -d --name web nginx
\`\`\`

\`\`\`check
- type: container
  name: web
\`\`\`
`;
