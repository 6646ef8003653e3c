import { describe, expect, it } from 'vitest';
import { sqlStatements } from '../../src/store/sql-statements';

describe('sqlStatements', () => {
  it('cuts a script at the semicolons that end statements', () => {
    expect(sqlStatements('CREATE TABLE a (x int);\n\n-- a comment; with a semicolon\nALTER TABLE a ADD y int;\n')).toEqual([
      'CREATE TABLE a (x int)',
      '-- a comment; with a semicolon\nALTER TABLE a ADD y int',
    ]);
  });

  it('keeps PL/pgSQL bodies, quoted text and identifiers, and block comments whole', () => {
    const fn = 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE t SET n = 1;\n  RETURN NULL;\nEND $$';
    const tagged = 'DO $body$ BEGIN PERFORM 1; END $body$';
    const quoted = `INSERT INTO "we;ird" VALUES ('a;b', 'it''s; fine')`;
    const comment = 'SELECT 1 /* not; here */';
    expect(sqlStatements(`${fn};\n${tagged};\n${quoted};\n${comment};`)).toEqual([fn, tagged, quoted, comment]);
  });

  it('drops what holds no statement and keeps a last statement without a semicolon', () => {
    expect(sqlStatements(';;\n-- only a comment\n')).toEqual([]);
    expect(sqlStatements('SELECT 1')).toEqual(['SELECT 1']);
  });
});
