//! `tsvector`, a full-text search document as PostgreSQL keeps it: its
//! lexemes in order, each with the places (and weights) it has in the text.

use std::error::Error as StdError;
use std::fmt;

use bytes::{BufMut, BytesMut};
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

/// A PostgreSQL `tsvector`. Shown and serialized in PostgreSQL's text form
/// (`'cat':3 'sat':2A`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TsVector {
    /// Its lexemes, sorted as PostgreSQL sorts them.
    pub lexemes: Vec<Lexeme>,
}

/// One lexeme of a [`TsVector`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lexeme {
    /// The normalized word.
    pub word: String,
    /// Where it stands, as PostgreSQL packs it: the position (1 to 16383)
    /// in the low 14 bits, the weight in the top two (3 = A, 2 = B, 1 = C,
    /// 0 = D, the default).
    pub positions: Vec<u16>,
}

impl Lexeme {
    /// Its positions with their weights (`'A'` to `'D'`).
    pub fn places(&self) -> impl Iterator<Item = (u16, char)> + '_ {
        self.positions
            .iter()
            .map(|p| (p & 0x3fff, ['D', 'C', 'B', 'A'][usize::from(p >> 14)]))
    }
}

impl fmt::Display for TsVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, l) in self.lexemes.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str("'")?;
            for c in l.word.chars() {
                match c {
                    '\'' => f.write_str("''")?,
                    '\\' => f.write_str("\\\\")?,
                    c => write!(f, "{c}")?,
                }
            }
            f.write_str("'")?;
            for (k, (at, weight)) in l.places().enumerate() {
                f.write_str(if k == 0 { ":" } else { "," })?;
                write!(f, "{at}")?;
                if weight != 'D' {
                    write!(f, "{weight}")?;
                }
            }
        }
        Ok(())
    }
}

impl serde::Serialize for TsVector {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads `n` big-endian bytes at `at`, or says what is missing.
fn take<'a>(raw: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let out = raw
        .get(*at..*at + n)
        .ok_or_else(|| format!("tsvector: {} bytes end early", raw.len()))?;
    *at += n;
    Ok(out)
}

impl<'a> FromSql<'a> for TsVector {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        let mut at = 0;
        let count = i32::from_be_bytes(take(raw, &mut at, 4)?.try_into()?);
        let mut lexemes = Vec::with_capacity(usize::try_from(count)?);
        for _ in 0..count {
            let end = raw[at..]
                .iter()
                .position(|&b| b == 0)
                .ok_or("tsvector: a lexeme without its end")?;
            let word = std::str::from_utf8(&raw[at..at + end])?.to_owned();
            at += end + 1;
            let n = u16::from_be_bytes(take(raw, &mut at, 2)?.try_into()?);
            let mut positions = Vec::with_capacity(usize::from(n));
            for _ in 0..n {
                positions.push(u16::from_be_bytes(take(raw, &mut at, 2)?.try_into()?));
            }
            lexemes.push(Lexeme { word, positions });
        }
        Ok(TsVector { lexemes })
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::TS_VECTOR
    }
}

impl ToSql for TsVector {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.put_i32(i32::try_from(self.lexemes.len())?);
        for l in &self.lexemes {
            if l.word.as_bytes().contains(&0) {
                return Err("tsvector: a lexeme holds a NUL byte".into());
            }
            out.put_slice(l.word.as_bytes());
            out.put_u8(0);
            out.put_u16(u16::try_from(l.positions.len())?);
            for p in &l.positions {
                out.put_u16(*p);
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::TS_VECTOR
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes_and_shows_the_text_form() {
        let v = TsVector {
            lexemes: vec![
                Lexeme {
                    word: "cat".into(),
                    positions: vec![3],
                },
                Lexeme {
                    word: "it's".into(),
                    positions: vec![(3 << 14) | 2, 5],
                },
            ],
        };
        let mut buf = BytesMut::new();
        v.to_sql(&Type::TS_VECTOR, &mut buf).expect("written");
        let back = TsVector::from_sql(&Type::TS_VECTOR, &buf).expect("read");
        assert_eq!(back, v);
        assert_eq!(v.to_string(), "'cat':3 'it''s':2A,5");
    }
}
