//! The three derive macros against real columns: every column type of
//! SCHEMA.md through `#[derive(Row)]`, enum labels with spaces and quotes
//! through `#[derive(PgEnum)]`, and both ID storages through `#[derive(RichId)]`.

use std::net::IpAddr;
use std::str::FromStr;

use schemac_runtime::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use schemac_runtime::rust_decimal::Decimal;
use schemac_runtime::uuid::Uuid;
use schemac_runtime::{
    FromRow, IdParseErrorKind, PgEnum, PgInterval, PoolConfig, Read, ReadWritePool, RichId, Row,
    Ulid, Write,
};
use schemac_tests::{TestDb, tokio_runtime};

#[derive(PgEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[pg(name = "causes_enum")]
enum Cause {
    #[pg(rename = "Grief care")]
    GriefCare,
    #[pg(rename = "O'Brien's \"pick\"")]
    OBriensPick,
    Plain,
}

#[derive(RichId, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[rich_id(prefix = "tenant", separator = "-", storage = "uuid")]
struct TenantId(Ulid);

#[derive(RichId, Clone, Copy, Debug, PartialEq, Eq)]
#[rich_id(prefix = "org_mem", storage = "text")]
struct OrgMemberId(Ulid);

#[derive(RichId, Clone, Debug, PartialEq, Eq)]
#[rich_id(prefix = "user", storage = "text", body = "any")]
struct ClerkUserId(String);

/// A mixin's columns, read through `#[row(flatten)]`.
#[derive(Row, Debug, PartialEq)]
struct Timestamps {
    created_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(Row, Debug, PartialEq)]
struct Everything {
    id: i32,
    big: i64,
    t: String,
    v: String,
    v10: String,
    c: String,
    b: bool,
    s: i16,
    i: i32,
    bi: i64,
    r: f32,
    d: f64,
    n: Decimal,
    day: NaiveDate,
    tod: NaiveTime,
    ts: NaiveDateTime,
    tstz: DateTime<Utc>,
    span: PgInterval,
    u: Uuid,
    j: schemac_runtime::serde_json::Value,
    jb: schemac_runtime::serde_json::Value,
    raw: Vec<u8>,
    addr: IpAddr,
    ci: String,
    tags: Vec<String>,
    nums: Vec<i32>,
    stamps: Vec<DateTime<Utc>>,
    cause: Cause,
    causes: Vec<Cause>,
    tenant: TenantId,
    member: OrgMemberId,
    clerk: ClerkUserId,
    tenants: Vec<TenantId>,
    maybe: Option<String>,
    maybe_cause: Option<Cause>,
    r#type: String,
    #[row(rename = "CamelCase")]
    camel_case: String,
    #[row(flatten)]
    timestamps: Timestamps,
}

const SETUP: &str = r#"
CREATE EXTENSION citext;
CREATE TYPE causes_enum AS ENUM ('Grief care', 'O''Brien''s "pick"', 'plain');
CREATE TABLE everything (
    id          serial PRIMARY KEY,
    big         bigserial NOT NULL,
    t           text NOT NULL,
    v           varchar NOT NULL,
    v10         varchar(10) NOT NULL,
    c           char(4) NOT NULL,
    b           boolean NOT NULL,
    s           smallint NOT NULL,
    i           integer NOT NULL,
    bi          bigint NOT NULL,
    r           real NOT NULL,
    d           double precision NOT NULL,
    n           numeric(12,4) NOT NULL,
    day         date NOT NULL,
    tod         time NOT NULL,
    ts          timestamp NOT NULL,
    tstz        timestamptz NOT NULL,
    span        interval NOT NULL,
    u           uuid NOT NULL,
    j           json NOT NULL,
    jb          jsonb NOT NULL,
    raw         bytea NOT NULL,
    addr        inet NOT NULL,
    ci          citext NOT NULL,
    tags        text[] NOT NULL,
    nums        integer[] NOT NULL,
    stamps      timestamptz[] NOT NULL,
    cause       causes_enum NOT NULL,
    causes      causes_enum[] NOT NULL,
    tenant      uuid NOT NULL,
    member      text NOT NULL,
    clerk       text NOT NULL,
    tenants     uuid[] NOT NULL,
    maybe       text,
    maybe_cause causes_enum,
    "type"      text NOT NULL,
    "CamelCase" text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz
);
"#;

fn pool(db: &TestDb) -> ReadWritePool {
    ReadWritePool::read_write(PoolConfig::new(db.url.clone()).application_name("derive_test"))
        .expect("pool")
}

fn sample() -> Everything {
    let tstz = DateTime::from_timestamp(1_790_000_000, 123_456_000).expect("valid time");
    Everything {
        id: 1,
        big: 1,
        t: "text with 'quotes' and \"double\" ünïcode".into(),
        v: "varchar".into(),
        v10: "ten chars!".into(),
        c: "ab  ".into(),
        b: true,
        s: i16::MIN,
        i: i32::MAX,
        bi: i64::MIN,
        r: 1.5,
        d: -2.25e300,
        n: Decimal::from_str("12345678.1234").expect("decimal"),
        day: NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"),
        tod: NaiveTime::from_hms_micro_opt(23, 59, 58, 999_999).expect("time"),
        ts: tstz.naive_utc(),
        tstz,
        span: PgInterval::new(14, 3, 3_600_000_001),
        u: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        j: schemac_runtime::serde_json::json!({"b": 1, "a": [true, null]}),
        jb: schemac_runtime::serde_json::json!({"nested": {"k": "v"}}),
        raw: vec![0, 1, 2, 255],
        addr: "2001:db8::1".parse().expect("ip"),
        ci: "MiXeD".into(),
        tags: vec!["a".into(), "b c".into(), "".into()],
        nums: vec![1, -2, 3],
        stamps: vec![tstz, tstz + chrono_seconds(60)],
        cause: Cause::OBriensPick,
        causes: vec![Cause::GriefCare, Cause::Plain, Cause::OBriensPick],
        tenant: TenantId::new(),
        member: OrgMemberId::new(),
        clerk: ClerkUserId::from_body("2abcXYZ_made-elsewhere"),
        tenants: vec![TenantId::new(), TenantId::new()],
        maybe: None,
        maybe_cause: Some(Cause::GriefCare),
        r#type: "keyword column".into(),
        camel_case: "camel".into(),
        timestamps: Timestamps {
            created_at: tstz,
            updated_at: None,
        },
    }
}

fn chrono_seconds(s: i64) -> schemac_runtime::chrono::TimeDelta {
    schemac_runtime::chrono::TimeDelta::seconds(s)
}

#[test]
fn row_round_trips_every_column_type() {
    let db = TestDb::create("derive_row");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        pool.get()
            .await
            .expect("connection")
            .client()
            .batch_execute(SETUP)
            .await
            .expect("setup");
        let e = sample();
        pool.execute(
            r#"INSERT INTO everything (t, v, v10, c, b, s, i, bi, r, d, n, day, tod, ts, tstz, span,
                 u, j, jb, raw, addr, ci, tags, nums, stamps, cause, causes, tenant, member, clerk,
                 tenants, maybe, maybe_cause, "type", "CamelCase", created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30,
                 $31, $32, $33, $34, $35, $36, $37)"#,
            &[
                &e.t,
                &e.v,
                &e.v10,
                &e.c,
                &e.b,
                &e.s,
                &e.i,
                &e.bi,
                &e.r,
                &e.d,
                &e.n,
                &e.day,
                &e.tod,
                &e.ts,
                &e.tstz,
                &e.span,
                &e.u,
                &e.j,
                &e.jb,
                &e.raw,
                &e.addr,
                &e.ci,
                &e.tags,
                &e.nums,
                &e.stamps,
                &e.cause,
                &e.causes,
                &e.tenant,
                &e.member,
                &e.clerk,
                &e.tenants,
                &e.maybe,
                &e.maybe_cause,
                &e.r#type,
                &e.camel_case,
                &e.timestamps.created_at,
                &e.timestamps.updated_at,
            ],
        )
        .await
        .expect("insert");
        let row = pool
            .query_one("SELECT * FROM everything", &[])
            .await
            .expect("select");
        assert_eq!(Everything::from_row(&row).expect("decode"), e);

        // The stored forms are what SQL seed files write.
        let stored = pool
            .query_one(
                "SELECT tenant::text, member, clerk, cause::text, span::text FROM everything",
                &[],
            )
            .await
            .expect("select stored forms");
        assert_eq!(stored.get::<_, String>(0), e.tenant.to_uuid().to_string());
        assert_eq!(stored.get::<_, String>(1), e.member.to_string());
        assert_eq!(stored.get::<_, String>(2), "user_2abcXYZ_made-elsewhere");
        assert_eq!(stored.get::<_, String>(3), "O'Brien's \"pick\"");
        assert_eq!(
            stored.get::<_, String>(4),
            "1 year 2 mons 3 days 01:00:00.000001"
        );
    });
}

#[test]
fn decode_errors_name_the_column() {
    let db = TestDb::create("derive_decode");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        #[derive(Row, Debug)]
        #[allow(dead_code)]
        struct Tags {
            tags: Vec<String>,
        }
        let row = pool
            .query_one("SELECT ARRAY['a', NULL]::text[] AS tags", &[])
            .await
            .expect("select");
        let error = Tags::from_row(&row).expect_err("a NULL element cannot become a String");
        assert!(error.to_string().starts_with("column `tags`:"), "{error}");
        assert!(error.to_string().contains("NULL"), "{error}");

        #[derive(Row, Debug)]
        #[allow(dead_code)]
        struct Missing {
            absent: i32,
        }
        let row = pool
            .query_one("SELECT 1 AS present", &[])
            .await
            .expect("select");
        let error = Missing::from_row(&row).expect_err("no such column");
        assert!(error.to_string().starts_with("column `absent`:"), "{error}");

        let row = pool
            .query_one("SELECT 'not a label'::text AS cause", &[])
            .await
            .expect("select");
        #[derive(Row, Debug)]
        #[allow(dead_code)]
        struct WrongType {
            cause: Cause,
        }
        let error = WrongType::from_row(&row).expect_err("text is not causes_enum");
        assert!(error.to_string().starts_with("column `cause`:"), "{error}");
        assert!(error.to_string().contains("text"), "{error}");
    });
}

/// Many rows are read by position, found once by name: columns in another
/// order than the fields, a flattened mixin and a json column come out as
/// row by row, and errors still name the column (a missing one, and a bad
/// value in a later row).
#[test]
fn many_rows_read_by_position_as_one_row_does() {
    let db = TestDb::create("derive_rows");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        #[derive(Row, Debug, PartialEq)]
        struct Stamp {
            made: i64,
        }
        #[derive(Row, Debug, PartialEq)]
        struct Item {
            id: i32,
            name: Option<String>,
            #[row(json)]
            extra: Option<Vec<i32>>,
            #[row(flatten)]
            stamp: Stamp,
        }
        let rows = pool
            .query(
                "SELECT i * 10::bigint AS made, CASE WHEN i % 2 = 0 THEN 'n' || i END AS name, \
                        to_jsonb(ARRAY[i, i]) AS extra, i AS id \
                 FROM generate_series(1, 5) AS i",
                &[],
            )
            .await
            .expect("select");
        let many = Item::from_rows(&rows).expect("rows");
        let one_by_one: Vec<Item> = rows
            .iter()
            .map(|r| Item::from_row(r).expect("row"))
            .collect();
        assert_eq!(many, one_by_one);
        assert_eq!(many[1].name.as_deref(), Some("n2"));
        assert_eq!(many[4].extra, Some(vec![5, 5]));
        assert_eq!(many[4].stamp, Stamp { made: 50 });

        let rows = pool
            .query("SELECT i AS id FROM generate_series(1, 2) AS i", &[])
            .await
            .expect("select");
        let error = Item::from_rows(&rows).expect_err("no name column");
        assert!(error.to_string().starts_with("column `name`:"), "{error}");

        #[derive(Row, Debug)]
        #[allow(dead_code)]
        struct Tags {
            tags: Vec<String>,
        }
        let rows = pool
            .query(
                "SELECT ARRAY['a']::text[] AS tags UNION ALL SELECT ARRAY['b', NULL]::text[]",
                &[],
            )
            .await
            .expect("select");
        let error = Tags::from_rows(&rows).expect_err("the second row holds a NULL element");
        assert!(error.to_string().starts_with("column `tags`:"), "{error}");
    });
}

#[test]
fn enum_labels_map_both_ways() {
    assert_eq!(Cause::PG_TYPE, "causes_enum");
    assert_eq!(Cause::LABELS, ["Grief care", "O'Brien's \"pick\"", "plain"]);
    for cause in Cause::ALL {
        assert_eq!(cause.to_string().parse::<Cause>(), Ok(*cause));
        let json = schemac_runtime::serde_json::to_string(cause).expect("serialize");
        assert_eq!(
            schemac_runtime::serde_json::from_str::<Cause>(&json).expect("deserialize"),
            *cause
        );
    }
    assert_eq!(
        schemac_runtime::serde_json::to_string(&Cause::GriefCare).expect("serialize"),
        "\"Grief care\""
    );
    let error = "grief care"
        .parse::<Cause>()
        .expect_err("labels are case-sensitive");
    assert_eq!(
        error.to_string(),
        "\"grief care\" is not a value of the enum causes_enum (expected one of: \
         \"Grief care\", \"O'Brien's \\\"pick\\\"\", \"plain\")"
    );
}

#[test]
fn enum_reads_every_label_postgres_holds() {
    let db = TestDb::create("derive_enum");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        pool.get()
            .await
            .expect("connection")
            .client()
            .batch_execute(SETUP)
            .await
            .expect("setup");
        let rows = pool
            .query("SELECT unnest(enum_range(NULL::causes_enum))", &[])
            .await
            .expect("labels");
        let read: Vec<Cause> = rows.iter().map(|r| r.get(0)).collect();
        assert_eq!(read, Cause::ALL);
        // Bound as a parameter, compared by Postgres.
        let row = pool
            .query_one(
                "SELECT $1::causes_enum = 'Grief care'",
                &[&Cause::GriefCare],
            )
            .await
            .expect("compare");
        assert!(row.get::<_, bool>(0));
    });
}

#[test]
fn ids_display_parse_and_serialize_as_the_external_form() {
    let id = TenantId::new();
    let text = id.to_string();
    assert!(
        text.starts_with("tenant-") && text.len() == "tenant-".len() + 26,
        "{text}"
    );
    assert_eq!(text.parse::<TenantId>(), Ok(id));
    assert_eq!(
        schemac_runtime::serde_json::to_string(&id).expect("serialize"),
        format!("\"{text}\"")
    );
    assert_eq!(
        schemac_runtime::serde_json::from_str::<TenantId>(&format!("\"{text}\"")).expect("de"),
        id
    );
    assert_eq!(TenantId::from_uuid(id.to_uuid()), id);

    // Monotonic: made in order, sorted in order.
    let ids: Vec<TenantId> = (0..500).map(|_| TenantId::new()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    let member = OrgMemberId::new();
    assert!(member.to_string().starts_with("org_mem_"));
    assert_eq!(member.to_string().parse::<OrgMemberId>(), Ok(member));
    assert_eq!(
        "user_abc"
            .parse::<ClerkUserId>()
            .map(|c| c.body().to_owned()),
        Ok("abc".to_owned())
    );

    let kind = |s: &str| s.parse::<TenantId>().expect_err(s).kind;
    assert_eq!(
        kind("org_01H2XVNZ7C9NXWK3TMCRD9QWMN"),
        IdParseErrorKind::WrongPrefix { expected: "tenant" }
    );
    assert_eq!(
        kind("tenant_01H2XVNZ7C9NXWK3TMCRD9QWMN"),
        IdParseErrorKind::WrongSeparator {
            expected: "-",
            found: Some('_')
        }
    );
    assert_eq!(kind("tenant-"), IdParseErrorKind::EmptyBody);
    assert_eq!(
        kind("tenant-01H2XVNZ7C9NXWK3TMCRD9QWM"),
        IdParseErrorKind::BodyLength { found: 25 }
    );
    assert_eq!(
        kind("tenant-01H2XVNZ7C9NXWK3TMCRD9QWMI"),
        IdParseErrorKind::BodyCharacter {
            position: 26,
            found: 'I'
        }
    );
    let message = "tenant_x".parse::<TenantId>().expect_err("bad").to_string();
    assert_eq!(
        message,
        "invalid TenantId \"tenant_x\": expected \"-\" after the prefix, found '_'"
    );
    let error = schemac_runtime::serde_json::from_str::<TenantId>("\"user_1\"")
        .expect_err("wrong prefix through serde");
    assert!(
        error.to_string().contains("expected the prefix \"tenant\""),
        "{error}"
    );
}

#[test]
fn ids_refuse_stored_values_of_another_id() {
    let db = TestDb::create("derive_id");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let row = pool
            .query_one("SELECT 'user_abc'::text AS member", &[])
            .await
            .expect("select");
        #[derive(Row, Debug)]
        #[allow(dead_code)]
        struct Member {
            member: OrgMemberId,
        }
        let error = Member::from_row(&row).expect_err("a user ID is not an OrgMemberId");
        assert!(
            error
                .to_string()
                .contains("expected the prefix \"org_mem\""),
            "{error}"
        );
    });
}

#[test]
fn json_columns_read_into_serde_types() {
    #[derive(
        schemac_runtime::serde::Deserialize, schemac_runtime::serde::Serialize, Debug, PartialEq,
    )]
    #[serde(crate = "schemac_runtime::serde")]
    struct Settings {
        locale: String,
        features: Vec<String>,
    }
    #[derive(Row, Debug, PartialEq)]
    struct Tenant {
        #[row(json)]
        settings: Settings,
        #[row(json)]
        extra: Option<Settings>,
        #[row(json, rename = "missing")]
        absent: Option<Settings>,
    }
    let db = TestDb::create("derive_json");
    tokio_runtime().block_on(async {
        let pool = pool(&db);
        let value = Settings {
            locale: "en-GB".into(),
            features: vec!["sso".into()],
        };
        let row = pool
            .query_one(
                "SELECT $1::jsonb AS settings, $1::json AS extra, NULL::jsonb AS missing",
                &[&schemac_runtime::Json(&value)],
            )
            .await
            .expect("select");
        assert_eq!(
            Tenant::from_row(&row).expect("decode"),
            Tenant {
                settings: Settings {
                    locale: "en-GB".into(),
                    features: vec!["sso".into()],
                },
                extra: Some(value),
                absent: None,
            }
        );
    });
}
