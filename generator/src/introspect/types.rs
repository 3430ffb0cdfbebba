//! A catalog type as schemac's column type.

use foldhash::{HashMap, HashMapExt};
use schemac_schema::model::{BaseType, ColumnType};
use schemac_schema::types::{parse_builtin, unmapped_postgres_type};

/// The user's enums and domains, by oid.
#[derive(Default)]
pub struct Types {
    /// Enum oid -> its key in the model.
    pub enums: HashMap<u32, String>,
    /// Domain oid -> its `pg_schema.name` and base type.
    pub domains: HashMap<u32, (String, ColumnType)>,
}

impl Types {
    pub fn new() -> Types {
        Types {
            enums: HashMap::new(),
            domains: HashMap::new(),
        }
    }

    /// The column type of `oid` as `format_type` printed it (with the
    /// column's modifier), an array of it when `array`; why not.
    pub fn column_type(&self, oid: u32, printed: &str, array: bool) -> Result<ColumnType, String> {
        if let Some(key) = self.enums.get(&oid) {
            return Ok(ColumnType::plain(BaseType::Enum(key.clone()), array));
        }
        if let Some((key, base)) = self.domains.get(&oid) {
            if array {
                return Err(format!(
                    "an array of the domain {key} (schemac has no arrays of domains yet)"
                ));
            }
            return Ok(ColumnType {
                base: base.base.clone(),
                array: base.array,
                domain: Some(key.clone()),
            });
        }
        builtin(printed).map(|base| ColumnType::plain(base, array))
    }
}

/// A built-in type as `format_type` prints it, in schemac's spelling.
pub fn builtin(printed: &str) -> Result<BaseType, String> {
    let t = printed.trim();
    // Extensions' types come back qualified (the search_path is empty).
    if t.rsplit('.').next() == Some("citext") {
        return Ok(BaseType::Citext);
    }
    let spelled = spelling(t);
    parse_builtin(&spelled).map_err(|_| match unmapped_postgres_type(t) {
        Some(what) => format!("type {t} ({what}) has no Rust type in schemac yet"),
        None => format!("type {t} is not one schemac expresses"),
    })
}

/// `format_type`'s long names as schemac writes them.
fn spelling(t: &str) -> String {
    for (long, short) in [
        ("character varying", "varchar"),
        ("timestamp without time zone", "timestamp"),
        ("timestamp with time zone", "timestamptz"),
        ("time without time zone", "time"),
        ("double precision", "double"),
    ] {
        if t == long {
            return short.to_string();
        }
        if let Some(rest) = t.strip_prefix(long)
            && rest.starts_with('(')
        {
            return format!("{short}{rest}");
        }
    }
    // `timestamp(3) with time zone`: the precision sits inside the name.
    for (head, zone, short) in [
        ("timestamp(", " with time zone", "timestamptz"),
        ("timestamp(", " without time zone", "timestamp"),
        ("time(", " without time zone", "time"),
    ] {
        if let Some(p) = t.strip_prefix(head).and_then(|r| r.strip_suffix(zone)) {
            return format!("{short}({p}");
        }
    }
    if let Some(rest) = t.strip_prefix("character(") {
        return format!("char({rest}");
    }
    if t == "character" || t == "bpchar" {
        return "char(1)".to_string();
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_types_long_names_become_schemacs() {
        assert_eq!(
            builtin("character varying(20)"),
            Ok(BaseType::Varchar(Some(20)))
        );
        assert_eq!(
            builtin("timestamp with time zone"),
            Ok(BaseType::Timestamptz(None))
        );
        assert_eq!(
            builtin("timestamp(3) without time zone"),
            Ok(BaseType::Timestamp(Some(3)))
        );
        assert_eq!(
            builtin("time(0) without time zone"),
            Ok(BaseType::Time(Some(0)))
        );
        assert_eq!(
            builtin("numeric(10,2)"),
            Ok(BaseType::Numeric(Some((10, Some(2)))))
        );
        assert_eq!(builtin("character(2)"), Ok(BaseType::Char(2)));
        assert_eq!(builtin("public.citext"), Ok(BaseType::Citext));
        assert!(builtin("money").unwrap_err().contains("currency"));
        assert!(builtin("time(3) with time zone").is_err());
    }
}
