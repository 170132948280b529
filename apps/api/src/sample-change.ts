import { randomUUID } from 'node:crypto';
import type { DocumentationRow } from '@hookline/db';

/**
 * What "Test webhook" sends: a realistic, non-breaking structure change in
 * Bump's DocStructureChange shape, so a receiver's parser sees every field it
 * will meet in a real event.
 */
export function sampleStructureChange(documentation: Pick<DocumentationRow, 'slug' | 'humanUrl'>) {
  const id = randomUUID();
  const base = (documentation.humanUrl ?? `https://docs.example.com/${documentation.slug}`).replace(/\/+$/, '');
  return {
    id,
    title: 'Test webhook from Hookline',
    public_url: `${base}/changes/${id}`,
    breaking: false,
    details: [
      {
        id: 'get-hookline-test',
        name: 'GET /hookline-test',
        status: 'added' as const,
        type: 'endpoint',
        breaking: false,
        current: { path: '/hookline-test', verb: 'GET', deprecated: false },
        children: [],
      },
      {
        id: 'post-hookline-test',
        name: 'POST /hookline-test',
        status: 'modified' as const,
        type: 'endpoint',
        breaking: false,
        previous: { path: '/hookline-test', verb: 'POST', deprecated: false },
        current: { path: '/hookline-test', verb: 'POST', deprecated: false },
        children: [
          {
            id: 'post-hookline-test-request-body-note',
            name: 'note',
            status: 'added' as const,
            type: 'property',
            breaking: false,
            current: { name: 'note', type: 'string', required: false },
            children: [],
          },
        ],
      },
    ],
    previous_version_url: `${base}/changes/${id}/previous.json`,
    current_version_url: `${base}/changes/${id}/current.json`,
  };
}
