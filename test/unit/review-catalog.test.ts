/** The catalog's scheduled access reviews (`policy.reviews`): read with their defaults, or refused at start naming the key at fault. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCatalog, presetPath } from '../../src/domain/roles/catalog';

/** The standard catalog with `reviews` as its policy's scheduled reviews, written to a file and loaded. */
function withReviews(reviews: unknown) {
  const catalog = parse(readFileSync(presetPath('standard'), 'utf8'));
  catalog.policy = { ...(catalog.policy ?? {}), reviews };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'roster-catalog-')), 'catalog.yaml');
  writeFileSync(file, stringify(catalog));
  return () => loadCatalog(file).catalog.policy.reviews;
}

describe('scheduled access reviews in the catalog', () => {
  it('reads one with its defaults', () => {
    const reviews = withReviews([{ name: 'Quarterly admins', scope: { roles: ['admin'] }, everyDays: 90 }])();
    expect(reviews).toEqual([
      {
        name: 'Quarterly admins',
        scope: { roles: ['admin'], perms: [], groups: [], partners: [], everyone: false },
        everyDays: 90,
        reviewers: ['owner'],
        dueDays: 14,
        onOverdue: 'remind',
      },
    ]);
    expect(loadCatalog().catalog.policy.reviews).toEqual([]);
  });

  it.each([
    [{ name: 'A', scope: { roles: ['admin'] }, everyDays: 90, every: 3 }, 'policy.reviews.0'],
    [{ name: 'A', scope: { roles: ['boss'] }, everyDays: 90 }, 'unknown role "boss"'],
    [{ name: 'A', scope: { perms: ['users:fly'] }, everyDays: 90 }, 'unknown permission "users:fly"'],
    [{ name: 'A', scope: {}, everyDays: 90 }, 'name what is under review'],
    [{ name: 'A', scope: { everyone: true }, everyDays: 0 }, 'policy.reviews.0.everyDays'],
    [{ name: 'A', scope: { everyone: true }, everyDays: 30, onOverdue: 'delete' }, 'policy.reviews.0.onOverdue'],
  ])('refuses %j, naming %s', (review, named) => {
    expect(withReviews([review])).toThrow(named);
  });

  it('refuses two reviews of one name', () => {
    const review = { name: 'Twice', scope: { everyone: true }, everyDays: 30 };
    expect(withReviews([review, review])).toThrow('review names must be unique ("Twice")');
  });
});
