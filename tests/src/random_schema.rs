//! Random valid schemas and random edits of them, for the round-trip test.
//!
//! A base schema comes from a seed; the second schema is the base with a list
//! of edits applied, each edit written as the hints a person would add
//! (`renamed_from`, `backfill`, `remap`). Edits are plain numbers so that
//! proptest can shrink a failing list to the few edits that matter.

use std::fmt::Write as _;

/// SplitMix64: small, deterministic, good enough to pick shapes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    SmallInt,
    Integer,
    BigInt,
    Text,
    Varchar(u32),
    Numeric(u32, u32),
    Real,
    Double,
    Boolean,
    Timestamp,
    Timestamptz,
    Date,
    Jsonb,
    Uuid,
    TextArray,
    IntArray,
    Enum(usize),
    EnumArray(usize),
}

impl Ty {
    fn is_int(&self) -> bool {
        matches!(self, Ty::SmallInt | Ty::Integer | Ty::BigInt)
    }

    fn is_text(&self) -> bool {
        matches!(self, Ty::Text | Ty::Varchar(_))
    }

    /// Whether values of this type differ from row to row (unique constraints may cover it).
    fn distinct(&self) -> bool {
        self.is_int()
            || self.is_text()
            || matches!(
                self,
                Ty::Uuid | Ty::Numeric(..) | Ty::Date | Ty::Timestamp | Ty::Timestamptz
            )
    }

    /// A type that holds every value of this one.
    fn widened(&self) -> Option<Ty> {
        Some(match self {
            Ty::SmallInt => Ty::Integer,
            Ty::Integer => Ty::BigInt,
            Ty::Varchar(n) => {
                if *n > 60 {
                    Ty::Text
                } else {
                    Ty::Varchar(n + 20)
                }
            }
            Ty::Numeric(p, s) => Ty::Numeric(p + 2, *s),
            Ty::Real => Ty::Double,
            Ty::Timestamp => Ty::Timestamptz,
            Ty::Date => Ty::Timestamp,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct EnumSpec {
    /// Lives in the `other` pg_schema.
    pub other_schema: bool,
    pub key: String,
    pub origin: Option<String>,
    pub sql_name: Option<String>,
    /// (name, name in the base schema)
    pub values: Vec<(String, Option<String>)>,
    pub remap: Vec<(String, String)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Pk {
    Serial,
    BigSerial,
    Identity(&'static str),
    /// A plain bigint key, given by the caller.
    Plain,
    /// A plain integer key (what a serial becomes without its sequence).
    PlainInt,
}

#[derive(Clone, Debug)]
pub struct ColSpec {
    pub name: String,
    pub origin: Option<String>,
    pub ty: Ty,
    pub nullable: bool,
    /// A YAML literal.
    pub default: Option<String>,
    pub identity: Option<&'static str>,
    pub generated: Option<String>,
    pub references: Option<(String, &'static str)>,
    pub unique: bool,
    pub comment: Option<String>,
    pub backfill: Option<String>,
}

#[derive(Clone, Debug)]
pub struct IndexSpec {
    pub columns: Vec<String>,
    pub desc: bool,
    pub unique: bool,
    pub predicate: Option<String>,
    pub method: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct TableSpec {
    pub name: String,
    pub origin: Option<String>,
    pub other_schema: bool,
    pub pk: Pk,
    /// A second key column: the primary key is (id, this).
    pub pk_extra: Option<String>,
    pub columns: Vec<ColSpec>,
    pub uniques: Vec<Vec<String>>,
    pub indexes: Vec<IndexSpec>,
    /// (key, expression)
    pub checks: Vec<(String, String)>,
    pub comment: Option<String>,
    pub triggers: Vec<crate::random_routines::TrigSpec>,
    /// An identity key's sequence starts at 1000 and counts by 2.
    pub identity_options: bool,
    /// An exclusion constraint over the key (`id WITH =`).
    pub exclude_id: bool,
}

/// A view over one table or one earlier view, all its columns (`SELECT *`
/// binds the columns there are when the view is created, the hardest case
/// for a migrated database to equal a fresh one).
#[derive(Clone, Debug)]
pub struct ViewSpec {
    pub name: String,
    /// The table or view it reads, by name.
    pub reads: String,
    pub materialized: bool,
    /// A condition that changes the query's text.
    pub filter: bool,
    pub comment: Option<String>,
    /// A scalar function it calls, as one more column.
    pub calls: Option<String>,
    /// Its columns listed instead of `*`: a changed filter replaces it in
    /// place, and so does a column added at the end (`extra`).
    pub listed: bool,
    pub extra: bool,
    /// Its name in the base schema, if it was there: another name now is
    /// a `renamed_from`.
    pub origin: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub trgm: bool,
    pub enums: Vec<EnumSpec>,
    pub tables: Vec<TableSpec>,
    pub views: Vec<ViewSpec>,
    pub functions: Vec<crate::random_routines::FnSpec>,
    pub aggregates: Vec<crate::random_routines::AggSpec>,
    pub sequences: Vec<crate::random_sequences::SeqSpec>,
    pub domains: Vec<crate::random_domains::DomSpec>,
    /// Counter for fresh names, so a new object never reuses a dropped one's name.
    pub fresh: usize,
}

impl Spec {
    pub(crate) fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// A fresh name, now and then one long enough (40 to 63 bytes) that the
    /// names derived from it (sequences, keys, indexes) reach Postgres'
    /// 63-byte limit.
    fn fresh_maybe_long(&mut self, prefix: &str, rng: &mut Rng, percent: u64) -> String {
        let name = self.fresh(prefix);
        if !rng.chance(percent) {
            return name;
        }
        let long = format!("{name}_with_a_name_that_runs_on_to_the_limit_of_postgres_names");
        let len = (40 + rng.below(24)).min(long.len());
        long[..len].trim_end_matches('_').to_string()
    }
}

fn random_type(rng: &mut Rng, enums: usize) -> Ty {
    match rng.below(if enums > 0 { 18 } else { 16 }) {
        0 => Ty::SmallInt,
        1 => Ty::Integer,
        2 => Ty::BigInt,
        3 => Ty::Text,
        4 => Ty::Varchar(10 + rng.below(40) as u32),
        5 => Ty::Numeric(8 + rng.below(6) as u32, rng.below(3) as u32),
        6 => Ty::Real,
        7 => Ty::Double,
        8 => Ty::Boolean,
        9 => Ty::Timestamp,
        10 => Ty::Timestamptz,
        11 => Ty::Date,
        12 => Ty::Jsonb,
        13 => Ty::Uuid,
        14 => Ty::TextArray,
        15 => Ty::IntArray,
        16 => Ty::Enum(rng.below(enums)),
        _ => Ty::EnumArray(rng.below(enums)),
    }
}

/// A literal default that fits `ty`, as YAML.
fn default_for(ty: &Ty, spec: &Spec, rng: &mut Rng) -> Option<String> {
    Some(match ty {
        Ty::SmallInt | Ty::Integer | Ty::BigInt => format!("{}", rng.below(100)),
        Ty::Text | Ty::Varchar(_) => format!("\"d{}\"", rng.below(10)),
        Ty::Numeric(_, 0) => "1".into(),
        Ty::Numeric(..) => "1.5".into(),
        Ty::Real | Ty::Double => "0.25".into(),
        Ty::Boolean => if rng.chance(50) { "true" } else { "false" }.into(),
        Ty::Jsonb => "{ a: [1, x] }".into(),
        Ty::TextArray => "[a, \"b c\"]".into(),
        Ty::IntArray => "[]".into(),
        Ty::Enum(e) => {
            let values = &spec.enums.get(*e)?.values;
            format!("\"{}\"", values[rng.below(values.len())].0)
        }
        Ty::Date => "\"2024-02-29\"".into(),
        _ => return None,
    })
}

/// The base schema of a seed.
pub fn base(seed: u64) -> Spec {
    let mut rng = Rng::new(seed);
    let mut spec = Spec {
        trgm: rng.chance(30),
        enums: Vec::new(),
        tables: Vec::new(),
        views: Vec::new(),
        functions: Vec::new(),
        aggregates: Vec::new(),
        sequences: Vec::new(),
        domains: Vec::new(),
        fresh: 0,
    };
    for _ in 0..rng.below(3) + 1 {
        let key = spec.fresh("mood");
        let n = rng.below(3) + 2;
        let values: Vec<(String, Option<String>)> = (0..n)
            .map(|i| {
                let v = if i == 0 && rng.chance(30) {
                    "it's ok".to_string()
                } else {
                    format!("v{}", spec.fresh(""))
                };
                (v.clone(), Some(v))
            })
            .collect();
        spec.enums.push(EnumSpec {
            other_schema: false,
            key: key.clone(),
            origin: Some(key),
            sql_name: None,
            values,
            remap: Vec::new(),
            comment: rng.chance(30).then(|| "a mood".to_string()),
        });
    }
    for _ in 0..rng.below(3) + 2 {
        let t = random_table(&mut spec, &mut rng, true);
        spec.tables.push(t);
    }
    for _ in 0..rng.below(3) {
        add_view(&mut spec, &mut rng);
    }
    for v in &mut spec.views {
        v.origin = Some(v.name.clone());
    }
    crate::random_routines::base_routines(&mut spec, &mut rng);
    crate::random_sequences::base_sequences(&mut spec, &mut rng);
    crate::random_domains::base_domains(&mut spec, &mut rng);
    spec
}

/// A new view over a table or, now and then, over a view.
fn add_view(s: &mut Spec, rng: &mut Rng) {
    let over_view = !s.views.is_empty() && rng.chance(30);
    let reads = match over_view {
        true => s.views[rng.below(s.views.len())].name.clone(),
        false if !s.tables.is_empty() => s.tables[rng.below(s.tables.len())].name.clone(),
        false => return,
    };
    let name = s.fresh("view");
    s.views.push(ViewSpec {
        name,
        reads,
        materialized: rng.chance(30),
        filter: rng.chance(30),
        comment: rng.chance(30).then(|| "a view".to_string()),
        calls: None,
        listed: rng.chance(40),
        extra: false,
        origin: None,
    });
}

/// The views' share of a pair's changes: added, dropped, redefined, or
/// commented; those reading what is gone go with it.
fn edit_views(s: &mut Spec, rng: &mut Rng) {
    loop {
        let gone: Vec<String> = s
            .views
            .iter()
            .filter(|v| {
                !s.tables.iter().any(|t| t.name == v.reads)
                    && !s.views.iter().any(|o| o.name == v.reads)
            })
            .map(|v| v.name.clone())
            .collect();
        if gone.is_empty() {
            break;
        }
        s.views.retain(|v| !gone.contains(&v.name));
    }
    match rng.below(6) {
        0 | 1 => add_view(s, rng),
        2 if !s.views.is_empty() => {
            let i = rng.below(s.views.len());
            let name = s.views[i].name.clone();
            if !s.views.iter().any(|v| v.reads == name) {
                s.views.remove(i);
            }
        }
        3 if !s.views.is_empty() => {
            let i = rng.below(s.views.len());
            let v = &mut s.views[i];
            match rng.below(4) {
                0 => v.filter = !v.filter,
                1 => v.materialized = !v.materialized,
                2 if v.listed => v.extra = !v.extra,
                2 => v.listed = true,
                _ => v.comment = v.comment.take().xor(Some("a view, edited".into())),
            }
        }
        // Renamed, with what reads it following.
        4 if !s.views.is_empty() => {
            let i = rng.below(s.views.len());
            let new = s.fresh("renamed_view");
            let old = std::mem::replace(&mut s.views[i].name, new.clone());
            for v in &mut s.views {
                if v.reads == old {
                    v.reads = new.clone();
                }
            }
        }
        _ => {}
    }
}

fn random_table(spec: &mut Spec, rng: &mut Rng, in_base: bool) -> TableSpec {
    let name = spec.fresh_maybe_long("t", rng, 20);
    let pk = match rng.below(4) {
        0 => Pk::Serial,
        1 => Pk::BigSerial,
        2 => Pk::Identity(if rng.chance(50) {
            "always"
        } else {
            "by_default"
        }),
        _ => Pk::Plain,
    };
    let mut t = TableSpec {
        origin: in_base.then(|| name.clone()),
        name,
        other_schema: rng.chance(15),
        pk,
        pk_extra: None,
        columns: Vec::new(),
        uniques: Vec::new(),
        indexes: Vec::new(),
        checks: Vec::new(),
        comment: rng.chance(30).then(|| "it's a table".to_string()),
        triggers: Vec::new(),
        identity_options: rng.chance(30),
        exclude_id: rng.chance(20),
    };
    for _ in 0..rng.below(4) + 1 {
        let c = random_column(spec, rng, in_base, !in_base);
        t.columns.push(c);
    }
    let targets: Vec<String> = spec
        .tables
        .iter()
        .filter(|t| t.pk_extra.is_none())
        .map(|t| t.name.clone())
        .collect();
    if let Some(target) =
        (!targets.is_empty() && rng.chance(60)).then(|| targets[rng.below(targets.len())].clone())
    {
        let name = spec.fresh("ref");
        t.columns.push(reference_column(
            name,
            in_base,
            target,
            if rng.chance(50) {
                "cascade"
            } else {
                "set_null"
            },
        ));
    }
    let distinct: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.ty.distinct() && c.references.is_none())
        .map(|c| c.name.clone())
        .collect();
    if distinct.len() >= 2 && rng.chance(40) {
        t.uniques
            .push(vec![distinct[0].clone(), distinct[1].clone()]);
    }
    for c in t.columns.clone() {
        if rng.chance(25)
            && c.references.is_none()
            && !matches!(
                c.ty,
                Ty::Jsonb | Ty::TextArray | Ty::IntArray | Ty::EnumArray(_)
            )
        {
            t.indexes.push(normalise_index(random_index(rng, &c)));
        }
        if rng.chance(20)
            && let Some(expr) = check_for(&c)
        {
            t.checks.push((spec.fresh("ck"), expr));
        }
    }
    if rng.chance(25) {
        t.columns.push(twice_column(in_base));
    }
    t
}

/// A nullable bigint column computed from the key: the generated column of the edits.
fn twice_column(in_base: bool) -> ColSpec {
    ColSpec {
        name: "twice".into(),
        origin: in_base.then(|| "twice".to_string()),
        ty: Ty::BigInt,
        nullable: true,
        default: None,
        identity: None,
        generated: Some("(\"id\")::bigint * 2".into()),
        references: None,
        unique: false,
        comment: None,
        backfill: None,
    }
}

/// A nullable column referencing `target`'s key (its type comes from the key).
fn reference_column(name: String, in_base: bool, target: String, action: &'static str) -> ColSpec {
    ColSpec {
        origin: in_base.then(|| name.clone()),
        name,
        ty: Ty::BigInt,
        nullable: true,
        default: None,
        identity: None,
        generated: None,
        references: Some((target, action)),
        unique: false,
        comment: None,
        backfill: None,
    }
}

fn random_column(spec: &mut Spec, rng: &mut Rng, in_base: bool, backfill_needed: bool) -> ColSpec {
    let name = spec.fresh_maybe_long("c", rng, 15);
    let ty = random_type(rng, spec.enums.len());
    // Values of a unique column differ from row to row; a default or a
    // backfill would give every existing row the same one.
    let unique = ty.distinct() && rng.chance(15);
    let nullable = rng.chance(40) || (unique && backfill_needed);
    let default = if !unique && rng.chance(40) {
        default_for(&ty, spec, rng)
    } else {
        None
    };
    let backfill = (backfill_needed && !nullable && default.is_none())
        .then(|| backfill_for(&ty, spec))
        .flatten();
    // Now and then an integer column numbered by an identity of its own.
    let identity = (ty.is_int() && !nullable && default.is_none() && backfill.is_none())
        .then(|| rng.chance(20).then_some("by_default"))
        .flatten();
    ColSpec {
        origin: in_base.then(|| name.clone()),
        name,
        ty,
        nullable,
        default,
        identity,
        generated: None,
        references: None,
        unique,
        comment: rng.chance(20).then(|| "column's note".to_string()),
        backfill,
    }
}

/// A value for rows that exist when a column becomes NOT NULL; never one the
/// row generator produces, so it cannot collide with a unique value.
fn backfill_for(ty: &Ty, spec: &Spec) -> Option<String> {
    Some(match ty {
        Ty::SmallInt | Ty::Integer | Ty::BigInt => "-77".into(),
        Ty::Text | Ty::Varchar(_) => "\"backfilled\"".into(),
        Ty::Numeric(_, 0) => "-7".into(),
        Ty::Numeric(..) => "-7.5".into(),
        Ty::Real | Ty::Double => "-7.5".into(),
        Ty::Boolean => "false".into(),
        Ty::Timestamp | Ty::Timestamptz => "\"1999-01-01T00:00:00Z\"".into(),
        Ty::Date => "\"1999-01-01\"".into(),
        Ty::Jsonb => "{}".into(),
        Ty::Uuid => "\"ffffffff-0000-0000-0000-000000000000\"".into(),
        Ty::TextArray | Ty::IntArray | Ty::EnumArray(_) => "[]".into(),
        Ty::Enum(e) => format!("\"{}\"", spec.enums.get(*e)?.values.first()?.0),
    })
    .map(|v| {
        if matches!(ty, Ty::Timestamp) {
            "\"1999-01-01 00:00:00\"".to_string()
        } else {
            v
        }
    })
}

fn check_for(c: &ColSpec) -> Option<String> {
    let q = format!("\"{}\"", c.name);
    if c.ty.is_int() {
        Some(format!("{q} IS NULL OR {q} >= -9223372036854775808"))
    } else if c.ty.is_text() {
        Some(format!("{q} IS NULL OR length({q}) < 100000"))
    } else {
        None
    }
}

fn random_index(rng: &mut Rng, c: &ColSpec) -> IndexSpec {
    IndexSpec {
        columns: vec![c.name.clone()],
        desc: rng.chance(30),
        unique: false,
        predicate: rng
            .chance(30)
            .then(|| format!("\"{}\" IS NOT NULL", c.name)),
        method: (c.ty.is_int() && rng.chance(20)).then_some("hash"),
    }
}

/// Hash indexes have no order: DESC is only for the others.
fn normalise_index(mut ix: IndexSpec) -> IndexSpec {
    if ix.method == Some("hash") {
        ix.desc = false;
    }
    ix
}

/// Applies the edits `ops` (each `(kind, a, b)`) to `base`.
pub fn edit(base: &Spec, ops: &[(u8, u16, u16)], seed: u64) -> Spec {
    let mut s = base.clone();
    let mut rng = Rng::new(seed ^ 0x5eed);
    for &(kind, a, b) in ops {
        apply_op(&mut s, &mut rng, kind % 28, a as usize, b as usize);
    }
    edit_views(&mut s, &mut rng);
    crate::random_routines::edit_routines(&mut s, &mut rng);
    crate::random_sequences::edit_sequences(&mut s, &mut rng);
    crate::random_domains::edit_domains(&mut s, &mut rng);
    give_new_columns_a_value(&mut s);
    s
}

/// A column new in B that is NOT NULL needs a value for the rows already
/// there, as a person writing the schema would give it (`backfill:`).
fn give_new_columns_a_value(s: &mut Spec) {
    let snapshot = s.clone();
    for t in &mut s.tables {
        for c in &mut t.columns {
            if c.origin.is_some() || c.generated.is_some() || c.identity.is_some() {
                continue;
            }
            // Every existing row would get the same default or backfill,
            // which a unique column cannot hold: it starts out NULL.
            if c.unique {
                c.nullable = true;
                c.default = None;
                c.backfill = None;
                continue;
            }
            if c.nullable || c.default.is_some() {
                continue;
            }
            if c.backfill.is_none() {
                c.backfill = backfill_for(&c.ty, &snapshot);
                c.nullable = c.backfill.is_none();
            }
        }
    }
}

fn apply_op(s: &mut Spec, rng: &mut Rng, kind: u8, a: usize, b: usize) {
    let nt = s.tables.len();
    match kind {
        0 => {
            let t = random_table(s, rng, false);
            s.tables.push(t);
        }
        1 if nt > 1 => {
            let gone = s.tables.remove(a % nt).name;
            // References to the dropped table go with it, as a person would remove them.
            for t in &mut s.tables {
                let cols: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| c.references.as_ref().is_some_and(|(r, _)| *r == gone))
                    .map(|c| c.name.clone())
                    .collect();
                for c in cols {
                    drop_column(t, &c);
                }
            }
        }
        2 if nt > 0 => {
            let new = s.fresh_maybe_long("renamed", rng, 30);
            let t = &mut s.tables[a % nt];
            let old = std::mem::replace(&mut t.name, new.clone());
            for t in &mut s.tables {
                for c in &mut t.columns {
                    if let Some((r, _)) = &mut c.references
                        && *r == old
                    {
                        *r = new.clone();
                    }
                }
            }
            for v in &mut s.views {
                if v.reads == old {
                    v.reads = new.clone();
                }
            }
            for q in &mut s.sequences {
                if q.owner.as_ref() == Some(&old) {
                    q.owner = Some(new.clone());
                }
            }
        }
        3 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            t.other_schema = !t.other_schema;
        }
        4 if nt > 0 => {
            let c = random_column(s, rng, false, true);
            s.tables[a % nt].columns.push(c);
        }
        5 | 6 | 7 | 8 | 9 | 21 | 27 if nt > 0 => {
            let t = a % nt;
            let plain: Vec<usize> = (0..s.tables[t].columns.len())
                .filter(|i| {
                    let c = &s.tables[t].columns[*i];
                    c.generated.is_none() && c.references.is_none()
                })
                .collect();
            if plain.is_empty() {
                return;
            }
            let ci = plain[b % plain.len()];
            edit_column(s, rng, t, ci, kind);
        }
        10 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            t.pk = match t.pk {
                Pk::Serial if b.is_multiple_of(2) => Pk::BigSerial,
                Pk::Serial => Pk::PlainInt,
                Pk::PlainInt => Pk::Serial,
                Pk::Identity("always") => Pk::Identity("by_default"),
                Pk::Identity(_) => Pk::Plain,
                Pk::Plain => Pk::Identity("by_default"),
                Pk::BigSerial => Pk::BigSerial,
            };
        }
        11 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            match t.columns.iter().position(|c| c.generated.is_some()) {
                Some(i) if b.is_multiple_of(2) => {
                    t.columns[i].generated = Some("(\"id\")::bigint * 3".into())
                }
                Some(i) => t.columns[i].generated = None,
                None if t.columns.iter().any(|c| c.name == "twice") => {}
                None => t.columns.push(twice_column(false)),
            }
        }
        12 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            if !t.uniques.is_empty() && b.is_multiple_of(2) {
                t.uniques.remove(b % t.uniques.len());
            } else {
                let distinct: Vec<String> = t
                    .columns
                    .iter()
                    .filter(|c| {
                        c.ty.distinct()
                            && !c.unique
                            && c.origin.is_some()
                            && c.backfill.is_none()
                            && c.generated.is_none()
                            && c.references.is_none()
                    })
                    .map(|c| c.name.clone())
                    .collect();
                if let Some(c) = distinct.get(b % distinct.len().max(1))
                    && !t.uniques.contains(&vec![c.clone()])
                {
                    t.uniques.push(vec![c.clone()]);
                }
            }
        }
        13 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            match b % 3 {
                0 if !t.indexes.is_empty() => {
                    t.indexes.remove(b % t.indexes.len());
                }
                1 if !t.indexes.is_empty() => {
                    let i = b % t.indexes.len();
                    t.indexes[i].desc = !t.indexes[i].desc;
                    t.indexes[i] = normalise_index(t.indexes[i].clone());
                }
                _ => {
                    let cands: Vec<ColSpec> = t
                        .columns
                        .iter()
                        .filter(|c| {
                            c.references.is_none()
                                && !matches!(
                                    c.ty,
                                    Ty::Jsonb | Ty::TextArray | Ty::IntArray | Ty::EnumArray(_)
                                )
                        })
                        .cloned()
                        .collect();
                    if !cands.is_empty() {
                        let ix = normalise_index(random_index(rng, &cands[b % cands.len()]));
                        if !t.indexes.iter().any(|i| i.columns == ix.columns) {
                            t.indexes.push(ix);
                        }
                    }
                }
            }
        }
        14 if nt > 0 => {
            let t = a % nt;
            if !s.tables[t].checks.is_empty() && b.is_multiple_of(2) {
                let i = b % s.tables[t].checks.len();
                s.tables[t].checks.remove(i);
            } else if let Some(c) = s.tables[t]
                .columns
                .get(b % s.tables[t].columns.len().max(1))
                .cloned()
                && let Some(expr) = check_for(&c)
            {
                let key = s.fresh("ck");
                s.tables[t].checks.push((key, expr));
            }
        }
        15 if nt > 0 => {
            let t = a % nt;
            let existing = s.tables[t]
                .columns
                .iter()
                .position(|c| c.references.is_some());
            match (existing, b % 3) {
                (Some(i), 0) => {
                    let name = s.tables[t].columns[i].name.clone();
                    drop_column(&mut s.tables[t], &name);
                }
                (Some(i), 1) => {
                    if let Some((_, action)) = &mut s.tables[t].columns[i].references {
                        *action = if *action == "cascade" {
                            "restrict"
                        } else {
                            "cascade"
                        };
                    }
                }
                _ if s.tables[b % nt].pk_extra.is_none() => {
                    let target = s.tables[b % nt].name.clone();
                    let name = s.fresh("ref");
                    s.tables[t]
                        .columns
                        .push(reference_column(name, false, target, "set_null"));
                }
                _ => {}
            }
        }
        16..=20 | 24 if !s.enums.is_empty() => edit_enum(s, kind, a, b),
        22 => s.trgm = !s.trgm,
        25 if !s.enums.is_empty() => {
            let n = s.enums.len();
            s.enums[a % n].other_schema = !s.enums[a % n].other_schema;
        }
        26 if nt > 0 => {
            // The key grows or loses a second column; only for a table nobody references.
            let name = s.tables[a % nt].name.clone();
            let referenced = s.tables.iter().any(|t| {
                t.columns
                    .iter()
                    .any(|c| c.references.as_ref().is_some_and(|(r, _)| *r == name))
            });
            let t = &mut s.tables[a % nt];
            if referenced {
                return;
            }
            if t.pk_extra.is_some() {
                t.pk_extra = None;
            } else if let Some(c) = t.columns.iter().find(|c| {
                !c.nullable
                    && c.ty.distinct()
                    && c.origin.is_some()
                    && c.backfill.is_none()
                    && c.generated.is_none()
                    && c.references.is_none()
            }) {
                t.pk_extra = Some(c.name.clone());
            }
        }
        23 if nt > 0 => {
            let t = &mut s.tables[a % nt];
            t.comment = match &t.comment {
                Some(_) if b.is_multiple_of(2) => None,
                _ => Some(format!("changed note {b}")),
            };
        }
        _ => {}
    }
}

fn drop_column(t: &mut TableSpec, name: &str) {
    if t.pk_extra.as_deref() == Some(name) {
        t.pk_extra = None;
    }
    t.columns.retain(|c| c.name != name);
    t.uniques.retain(|u| !u.iter().any(|c| c == name));
    t.indexes.retain(|i| !i.columns.iter().any(|c| c == name));
    let q = format!("\"{name}\"");
    t.checks.retain(|(_, e)| !e.contains(&q));
}

fn edit_column(s: &mut Spec, rng: &mut Rng, t: usize, ci: usize, kind: u8) {
    let name = s.tables[t].columns[ci].name.clone();
    match kind {
        5 => drop_column(&mut s.tables[t], &name),
        6 => {
            let new = s.fresh("col");
            let table = &mut s.tables[t];
            table.columns[ci].name = new.clone();
            if table.pk_extra.as_deref() == Some(name.as_str()) {
                table.pk_extra = Some(new.clone());
            }
            for u in &mut table.uniques {
                for c in u.iter_mut() {
                    if *c == name {
                        *c = new.clone();
                    }
                }
            }
            let (oq, nq) = (format!("\"{name}\""), format!("\"{new}\""));
            for i in &mut table.indexes {
                for c in i.columns.iter_mut() {
                    if *c == name {
                        *c = new.clone();
                    }
                }
                if let Some(p) = &mut i.predicate {
                    *p = p.replace(&oq, &nq);
                }
            }
            for (_, e) in &mut table.checks {
                *e = e.replace(&oq, &nq);
            }
        }
        7 => {
            let spec_snapshot = s.clone();
            let c = &mut s.tables[t].columns[ci];
            if let Some(w) = c.ty.widened() {
                // A literal written for the old type may not fit the new one.
                if matches!(w, Ty::Timestamptz | Ty::Timestamp) {
                    c.default = None;
                }
                if c.backfill.is_some() {
                    c.backfill = backfill_for(&w, &spec_snapshot);
                }
                c.ty = w;
            }
        }
        // An identity column stays NOT NULL and without a default (op 27 changes it).
        8 | 9 if s.tables[t].columns[ci].identity.is_some() => {}
        8 if s.tables[t].pk_extra.as_deref() != Some(name.as_str()) => {
            let spec_snapshot = s.clone();
            let c = &mut s.tables[t].columns[ci];
            if c.nullable {
                c.nullable = false;
                c.backfill = backfill_for(&c.ty, &spec_snapshot);
                if c.backfill.is_none() {
                    c.nullable = true;
                }
            } else {
                c.nullable = true;
                c.backfill = None;
            }
        }
        9 => {
            let ty = s.tables[t].columns[ci].ty.clone();
            let d = if s.tables[t].columns[ci].default.is_some() && rng.chance(40) {
                None
            } else {
                default_for(&ty, s, rng)
            };
            s.tables[t].columns[ci].default = d;
        }
        // An identity removed, put in place of a default, or added.
        27 if s.tables[t].columns[ci].ty.is_int() => {
            let spec_snapshot = s.clone();
            let c = &mut s.tables[t].columns[ci];
            if c.identity.is_some() {
                c.identity = None;
                c.nullable = rng.chance(50);
            } else {
                c.default = None;
                c.identity = Some("by_default");
                if c.nullable {
                    c.nullable = false;
                    c.backfill = backfill_for(&c.ty, &spec_snapshot);
                }
            }
        }
        21 => {
            let c = &mut s.tables[t].columns[ci];
            c.comment = match &c.comment {
                Some(_) => None,
                None => Some("added 'note'".into()),
            };
        }
        _ => {}
    }
}

fn edit_enum(s: &mut Spec, kind: u8, a: usize, b: usize) {
    let ne = s.enums.len();
    let e = a % ne;
    match kind {
        16 => {
            let v = format!("v{}", s.fresh(""));
            let n = s.enums[e].values.len();
            s.enums[e].values.insert(b % (n + 1), (v, None));
        }
        17 => {
            let n = s.enums[e].values.len();
            let new = format!("r{}", s.fresh(""));
            let old = std::mem::replace(&mut s.enums[e].values[b % n].0, new.clone());
            retarget_remap(&mut s.enums[e], &old, &new);
            replace_enum_default(s, e, &old, Some(&new));
        }
        18 if s.enums[e].values.len() > 1 => {
            let n = s.enums[e].values.len();
            let (gone, origin) = s.enums[e].values.remove(b % n);
            let target = s.enums[e].values[0].0.clone();
            retarget_remap(&mut s.enums[e], &gone, &target);
            if let Some(o) = origin {
                s.enums[e].remap.push((o, target.clone()));
            }
            replace_enum_default(s, e, &gone, Some(&target));
        }
        19 => {
            let new = s.fresh("feeling");
            s.enums[e].key = new.clone();
            if b.is_multiple_of(2) {
                s.enums[e].sql_name = Some(format!("{new}_enum"));
            }
        }
        20 => {
            let used = s.tables.iter().any(|t| {
                t.columns
                    .iter()
                    .any(|c| matches!(c.ty, Ty::Enum(i) | Ty::EnumArray(i) if i == e))
            });
            if b.is_multiple_of(2) && !used && ne > 1 {
                // Column types index enums by position: shift them past the removed one.
                s.enums.remove(e);
                for t in &mut s.tables {
                    for c in &mut t.columns {
                        match &mut c.ty {
                            Ty::Enum(i) | Ty::EnumArray(i) if *i > e => *i -= 1,
                            _ => {}
                        }
                    }
                }
            } else {
                let key = s.fresh("mood");
                let (v1, v2) = (format!("v{}", s.fresh("")), format!("v{}", s.fresh("")));
                s.enums.push(EnumSpec {
                    other_schema: false,
                    key,
                    origin: None,
                    sql_name: None,
                    values: vec![(v1, None), (v2, None)],
                    remap: Vec::new(),
                    comment: None,
                });
            }
        }
        24 => {
            // Reorder: swap two values (the type is rebuilt, no value is lost).
            let n = s.enums[e].values.len();
            if n > 1 {
                s.enums[e].values.swap(b % n, (b + 1) % n);
            }
            s.enums[e].comment = Some("reordered".into());
        }
        _ => {}
    }
}

/// Rows remapped to a value that is renamed or removed follow it.
fn retarget_remap(e: &mut EnumSpec, old: &str, new: &str) {
    for (_, to) in &mut e.remap {
        if to == old {
            *to = new.to_string();
        }
    }
}

/// Keeps literal defaults of an enum's columns valid when a value goes.
fn replace_enum_default(s: &mut Spec, e: usize, old: &str, new: Option<&str>) {
    let quoted = format!("\"{old}\"");
    for t in &mut s.tables {
        for c in &mut t.columns {
            if matches!(c.ty, Ty::Enum(i) if i == e)
                && c.default.as_deref() == Some(quoted.as_str())
            {
                c.default = new.map(|n| format!("\"{n}\""));
            }
            if matches!(c.ty, Ty::Enum(i) if i == e)
                && c.backfill.as_deref() == Some(quoted.as_str())
            {
                c.backfill = new.map(|n| format!("\"{n}\""));
            }
        }
    }
}

fn ty_yaml(ty: &Ty, s: &Spec) -> String {
    match ty {
        Ty::SmallInt => "smallint".into(),
        Ty::Integer => "integer".into(),
        Ty::BigInt => "bigint".into(),
        Ty::Text => "text".into(),
        Ty::Varchar(n) => format!("\"varchar({n})\""),
        Ty::Numeric(p, sc) => format!("\"numeric({p},{sc})\""),
        Ty::Real => "real".into(),
        Ty::Double => "double".into(),
        Ty::Boolean => "boolean".into(),
        Ty::Timestamp => "timestamp".into(),
        Ty::Timestamptz => "timestamptz".into(),
        Ty::Date => "date".into(),
        Ty::Jsonb => "jsonb".into(),
        Ty::Uuid => "uuid".into(),
        Ty::TextArray => "\"text[]\"".into(),
        Ty::IntArray => "\"integer[]\"".into(),
        Ty::Enum(i) => s.enums[*i].key.clone(),
        Ty::EnumArray(i) => format!("\"{}[]\"", s.enums[*i].key),
    }
}

/// The spec as schema YAML, hints included where names moved.
pub fn yaml(s: &Spec) -> String {
    let mut y = String::new();
    if s.trgm {
        y.push_str("extensions: [pg_trgm]\n");
    }
    enums_yaml(&mut y, s, false);
    crate::random_routines::functions_yaml(&mut y, s);
    crate::random_sequences::sequences_yaml(&mut y, s);
    crate::random_domains::domains_yaml(&mut y, s);
    // Tables of the other pg_schema go into a file of their own (see `files`).
    y.push_str("tables:\n");
    for t in s.tables.iter().filter(|t| !t.other_schema) {
        table_yaml(&mut y, t, s);
    }
    if !s.views.is_empty() {
        y.push_str("views:\n");
        for v in &s.views {
            view_yaml(&mut y, v, s);
        }
    }
    y
}

fn view_yaml(y: &mut String, v: &ViewSpec, s: &Spec) {
    // A table of the other pg_schema is named with it.
    let from = match s.tables.iter().find(|t| t.name == v.reads) {
        Some(t) if t.other_schema => format!("other.{}", v.reads),
        _ => v.reads.clone(),
    };
    let filter = if v.filter { " WHERE 1 = 1" } else { "" };
    let call = match &v.calls {
        Some(f) => format!(", {f}(1) AS calc_{}", v.name),
        None => String::new(),
    };
    let _ = writeln!(y, "  {}:", v.name);
    if let Some(o) = v.origin.as_ref().filter(|o| **o != v.name) {
        let _ = writeln!(y, "    renamed_from: {o}");
    }
    let columns = match (v.listed, v.extra) {
        (false, _) => "*",
        (true, false) => "1 AS one, 'two'::text AS two",
        (true, true) => "1 AS one, 'two'::text AS two, 3.0 AS three",
    };
    let _ = writeln!(y, "    sql: SELECT {columns}{call} FROM {from}{filter}");
    if v.materialized {
        y.push_str("    materialized: true\n");
    }
    if let Some(c) = &v.comment {
        let _ = writeln!(y, "    comment: \"{c}\"");
    }
}

fn enums_yaml(y: &mut String, s: &Spec, other: bool) {
    let enums: Vec<&EnumSpec> = s.enums.iter().filter(|e| e.other_schema == other).collect();
    if !enums.is_empty() {
        y.push_str("enums:\n");
        for e in enums {
            let _ = writeln!(y, "  {}:", e.key);
            if let Some(n) = &e.sql_name {
                let _ = writeln!(y, "    sql_name: {n}");
            }
            if let Some(o) = &e.origin
                && o != &e.key
            {
                let _ = writeln!(y, "    renamed_from: {o}");
            }
            if let Some(c) = &e.comment {
                let _ = writeln!(y, "    comment: \"{c}\"");
            }
            y.push_str("    values:\n");
            for (v, origin) in &e.values {
                match origin {
                    Some(o) if o != v => {
                        let _ = writeln!(y, "      - {{ name: \"{v}\", renamed_from: \"{o}\" }}");
                    }
                    _ => {
                        let _ = writeln!(y, "      - \"{v}\"");
                    }
                }
            }
            if !e.remap.is_empty() {
                y.push_str("    remap:\n");
                for (from, to) in &e.remap {
                    let _ = writeln!(y, "      \"{from}\": \"{to}\"");
                }
            }
        }
    }
}

/// The spec as schema files: the public tables (and enums) in one, the
/// other pg_schema's tables in another.
pub fn files(s: &Spec) -> Vec<(std::path::PathBuf, String)> {
    let mut out = vec![("schema/main.yaml".into(), yaml(s))];
    let others: Vec<&TableSpec> = s.tables.iter().filter(|t| t.other_schema).collect();
    if !others.is_empty() || s.enums.iter().any(|e| e.other_schema) {
        let mut y = String::from("pg_schema: other\n");
        enums_yaml(&mut y, s, true);
        if !others.is_empty() {
            y.push_str("tables:\n");
            for t in others {
                table_yaml(&mut y, t, s);
            }
        }
        out.push(("schema/other.yaml".into(), y));
    }
    out
}

fn table_yaml(y: &mut String, t: &TableSpec, s: &Spec) {
    let _ = writeln!(y, "  {}:", t.name);
    if let Some(o) = &t.origin
        && o != &t.name
    {
        let _ = writeln!(y, "    renamed_from: {o}");
    }
    if let Some(c) = &t.comment {
        let _ = writeln!(y, "    comment: \"{c}\"");
    }
    // The key is declared on the table, so it can grow a second column.
    let key = match &t.pk_extra {
        Some(extra) => format!("[id, {extra}]"),
        None => "[id]".into(),
    };
    let _ = writeln!(y, "    primary_key: {key}");
    y.push_str("    columns:\n");
    match &t.pk {
        Pk::Serial => y.push_str("      id: serial\n"),
        Pk::BigSerial => y.push_str("      id: bigserial\n"),
        Pk::Identity(kind) if t.identity_options => {
            let _ = writeln!(
                y,
                "      id: {{ type: bigint, identity: {{ generated: {kind}, start: 1000, increment: 2 }} }}"
            );
        }
        Pk::Identity(kind) => {
            let _ = writeln!(y, "      id: {{ type: bigint, identity: {kind} }}");
        }
        Pk::Plain => y.push_str("      id: bigint\n"),
        Pk::PlainInt => y.push_str("      id: integer\n"),
    }
    for c in &t.columns {
        let mut parts = Vec::new();
        if c.references.is_none() {
            parts.push(format!("type: {}", ty_yaml(&c.ty, s)));
        }
        if c.nullable {
            parts.push("nullable: true".into());
        }
        if let Some(d) = &c.default {
            parts.push(format!("default: {d}"));
        }
        if let Some(kind) = c.identity {
            parts.push(format!("identity: {kind}"));
        }
        if let Some(g) = &c.generated {
            parts.push(format!("generated: '{g}'"));
        }
        if let Some((target, action)) = &c.references {
            let other = s
                .tables
                .iter()
                .find(|x| &x.name == target)
                .is_some_and(|x| x.other_schema);
            if other {
                parts.push(format!("references: {{ table: {target}, schema: other }}"));
            } else {
                parts.push(format!("references: {target}"));
            }
            parts.push(format!("on_delete: {action}"));
        }
        if c.unique {
            parts.push("unique: true".into());
        }
        if let Some(cm) = &c.comment {
            parts.push(format!("comment: \"{cm}\""));
        }
        if let Some(o) = &c.origin
            && o != &c.name
        {
            parts.push(format!("renamed_from: {o}"));
        }
        if let Some(b) = &c.backfill {
            parts.push(format!("backfill: {b}"));
        }
        let _ = writeln!(y, "      {}: {{ {} }}", c.name, parts.join(", "));
    }
    if !t.uniques.is_empty() {
        y.push_str("    unique:\n");
        for u in &t.uniques {
            let _ = writeln!(y, "      - [{}]", u.join(", "));
        }
    }
    if !t.indexes.is_empty() {
        y.push_str("    indexes:\n");
        for i in &t.indexes {
            let cols: Vec<String> = i
                .columns
                .iter()
                .map(|c| {
                    if i.desc {
                        format!("\"{c} DESC\"")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            let mut parts = vec![format!("columns: [{}]", cols.join(", "))];
            if i.unique {
                parts.push("unique: true".into());
            }
            if let Some(p) = &i.predicate {
                parts.push(format!("where: '{p}'"));
            }
            if let Some(m) = i.method {
                parts.push(format!("using: {m}"));
            }
            let _ = writeln!(y, "      - {{ {} }}", parts.join(", "));
        }
    }
    if !t.checks.is_empty() {
        y.push_str("    checks:\n");
        for (k, e) in &t.checks {
            let _ = writeln!(y, "      {k}: '{e}'");
        }
    }
    crate::random_routines::triggers_yaml(y, t);
    if t.exclude_id {
        y.push_str(
            "    exclude:\n      id_distinct: { using: btree, elements: [\"id WITH =\"] }\n",
        );
    }
}
