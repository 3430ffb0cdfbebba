//! The catalog queries, one per object kind. `$1` is always the oids of the
//! pg_schemas read; objects an extension owns are left out (`deptype 'e'`).

/// The user's pg_schemas: not PostgreSQL's own, not an extension's.
pub const NAMESPACES: &str = "\
SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                    AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY n.nspname";

pub const EXTENSIONS: &str = "\
SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY extname";

/// `c.oid` is not an extension's member of catalog `class`.
macro_rules! not_extension {
    ($class:literal, $oid:literal) => {
        concat!(
            " NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.",
            $class,
            "'::pg_catalog.regclass AND e.objid = ",
            $oid,
            " AND e.deptype = 'e')"
        )
    };
}

pub const ENUMS: &str = concat!(
    "SELECT t.oid, n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
       pg_catalog.obj_description(t.oid, 'pg_type')
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND t.typnamespace = ANY($1) AND",
    not_extension!("pg_type", "t.oid"),
    " ORDER BY n.nspname, t.typname"
);

pub const DOMAINS: &str = concat!(
    "SELECT t.oid, n.nspname, t.typname, t.typbasetype, t.typtypmod, t.typnotnull, t.typdefault,
       ARRAY(SELECT k.conname::text FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname),
       ARRAY(SELECT pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname),
       pg_catalog.obj_description(t.oid, 'pg_type'), t.typcollation <> bt.typcollation,
       pg_catalog.format_type(t.typbasetype, t.typtypmod)
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
WHERE t.typtype = 'd' AND t.typnamespace = ANY($1) AND",
    not_extension!("pg_type", "t.oid"),
    " ORDER BY n.nspname, t.typname"
);

/// Types schemac has no word for: composite types of their own, ranges,
/// base types made in SQL.
pub const OTHER_TYPES: &str = concat!(
    "SELECT n.nspname, t.typname, t.typtype::text
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typnamespace = ANY($1) AND t.typtype IN ('b', 'c', 'r', 'm') AND t.typcategory <> 'A'
  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND t.typtype <> 'm' AND",
    not_extension!("pg_type", "t.oid"),
    " ORDER BY n.nspname, t.typname"
);

/// Every relation: tables, partitioned tables, views, materialized views,
/// foreign tables.
pub const RELATIONS: &str = concat!(
    "SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relispartition, c.relpersistence::text,
       c.relrowsecurity, pg_catalog.obj_description(c.oid, 'pg_class'),
       EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid),
       coalesce(c.reloptions, '{}'),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relnamespace = ANY($1) AND",
    not_extension!("pg_class", "c.oid"),
    " ORDER BY n.nspname, c.relname"
);

/// Columns, in each relation's order; a dropped column is not one.
/// `et` is the element type of an array, the type itself otherwise.
pub const COLUMNS: &str = "\
SELECT a.attrelid, a.attnum, a.attname, a.atttypmod, a.attnotnull, a.attidentity::text, a.attgenerated::text,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid),
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END,
       pg_catalog.col_description(a.attrelid, a.attnum),
       t.typcategory = 'A', et.oid, pg_catalog.format_type(et.oid, a.atttypmod), a.attndims
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relnamespace = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

/// Keys, uniques, foreign keys, checks and exclusions, by allow-list
/// (PostgreSQL 18 adds NOT NULL constraints, `contype 'n'`, which
/// `attnotnull` already says). `%NND%` is replaced by whether a unique's
/// index treats NULLs as equal, on servers that have it (15 and later).
pub const CONSTRAINTS: &str = "\
SELECT k.conrelid, k.conname, k.contype::text, coalesce(k.conkey, '{}'), k.confrelid, coalesce(k.confkey, '{}'),
       k.confdeltype::text, k.confupdtype::text, k.condeferrable, k.condeferred, k.convalidated,
       pg_catalog.pg_get_constraintdef(k.oid), k.confmatchtype::text, %NND%,
       pg_catalog.obj_description(k.oid, 'pg_constraint'), %SETCOLS%
FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relnamespace = ANY($1) AND k.conrelid <> 0
  AND k.conparentid = 0
ORDER BY k.conrelid, k.conname";

/// Indexes a constraint does not own.
pub const INDEXES: &str = "\
SELECT x.indrelid, ic.relname, x.indisunique, am.amname, x.indnkeyatts, x.indkey::int2[], x.indoption::int2[],
       ARRAY(SELECT CASE WHEN x.indkey[k - 1] = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k, true) END
             FROM generate_series(1, x.indnatts) k ORDER BY k),
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN '' WHEN opn.nspname = 'pg_catalog' THEN opc.opcname::text
                         ELSE opn.nspname || '.' || opc.opcname END
             FROM unnest(x.indclass::oid[]) WITH ORDINALITY u(oid, ord)
             JOIN pg_catalog.pg_opclass opc ON opc.oid = u.oid
             JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace ORDER BY u.ord),
       pg_catalog.pg_get_expr(x.indpred, x.indrelid), %NND%, x.indisvalid,
       pg_catalog.obj_description(x.indexrelid, 'pg_class') IS NOT NULL,
       x.indexrelid IN (SELECT i.inhrelid FROM pg_catalog.pg_inherits i)
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE ic.relnamespace = ANY($1)
  -- An anti-join PostgreSQL hashes: conindid has no index of its own.
  AND x.indexrelid NOT IN (SELECT k.conindid FROM pg_catalog.pg_constraint k WHERE k.contype IN ('p', 'u', 'x'))
ORDER BY x.indrelid, ic.relname";

pub const SEQUENCES: &str = concat!(
    "SELECT c.oid, n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle, dep.refobjid, dep.refobjsubid::int4, dep.deptype::text,
       pg_catalog.obj_description(c.oid, 'pg_class')
FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_depend dep ON dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid
     AND dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.deptype IN ('a', 'i')
WHERE c.relnamespace = ANY($1) AND",
    not_extension!("pg_class", "c.oid"),
    " ORDER BY n.nspname, c.relname"
);

pub const FUNCTIONS: &str = concat!(
    "SELECT p.oid, n.nspname, p.proname, p.prokind::text, l.lanname, p.prosrc,
       pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid),
       p.provolatile::text, p.proisstrict, p.prosecdef, coalesce(p.proconfig, '{}'),
       pg_catalog.obj_description(p.oid, 'pg_proc'),
       (SELECT count(*) FROM pg_catalog.pg_proc o WHERE o.pronamespace = p.pronamespace AND o.proname = p.proname)::int4,
       p.proleakproof, p.proparallel::text, p.procost, p.prorows, p.prosqlbody IS NOT NULL
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = ANY($1) AND",
    not_extension!("pg_proc", "p.oid"),
    " ORDER BY n.nspname, p.proname, p.oid"
);

pub const AGGREGATES: &str = "\
SELECT p.oid, a.aggtransfn::pg_catalog.regproc::text, pg_catalog.format_type(a.aggtranstype, NULL),
       CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::pg_catalog.regproc::text END, a.agginitval,
       a.aggkind::text, a.aggcombinefn <> 0 OR a.aggserialfn <> 0 OR a.aggmtransfn <> 0 OR a.aggsortop <> 0
         OR a.aggfinalextra OR a.aggtransspace <> 0,
       ARRAY(SELECT pg_catalog.format_type(t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, o) ORDER BY o)
FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = ANY($1)";

pub const TRIGGERS: &str = "\
SELECT t.tgrelid, t.tgname, t.tgtype::int4, t.tgenabled::text, t.tgattr::int2[], fn.nspname, p.proname,
       t.tgargs, pg_catalog.pg_get_triggerdef(t.oid), t.tgconstraint <> 0,
       t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL,
       pg_catalog.obj_description(t.oid, 'pg_trigger'), t.tgparentid <> 0
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid JOIN pg_catalog.pg_namespace fn ON fn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND c.relnamespace = ANY($1)
ORDER BY t.tgrelid, t.tgname";

/// What a schema can hold that schemac has no word for, by name.
pub const OTHERS: &str = "\
SELECT 'policy ' || n.nspname || '.' || c.relname || '.' || p.polname, 'row-level security policies are not expressed yet'
FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace = ANY($1)
UNION ALL
SELECT 'rule ' || n.nspname || '.' || c.relname || '.' || r.rulename, 'rules are not expressed (a trigger or a view does the same)'
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace = ANY($1) AND r.rulename <> '_RETURN'
UNION ALL
SELECT 'collation ' || n.nspname || '.' || c.collname, 'collations of a schema''s own are not expressed yet'
FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
WHERE c.collnamespace = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_collation'::pg_catalog.regclass AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'statistics ' || n.nspname || '.' || s.stxname, 'extended statistics are not expressed yet'
FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
WHERE s.stxnamespace = ANY($1)";

/// Which relations each view reads (its rewrite rule's dependencies).
pub const VIEW_READS: &str = "\
SELECT DISTINCT r.ev_class, d.refobjid, d.refobjsubid::int2
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
WHERE c.relnamespace = ANY($1) AND d.refobjid <> r.ev_class";
