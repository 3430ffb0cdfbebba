//! Parameters bound to a domain. PostgreSQL types a parameter that is
//! assigned to a column of a domain (`INSERT … VALUES ($1)`, `SET c = $1`)
//! as the domain, and tokio-postgres' encoders accept only the base type
//! they write; a domain's values are its base type's on the wire, so each
//! such parameter is encoded as the base type.

use std::error::Error as StdError;

use bytes::BytesMut;
use tokio_postgres::types::{Format, IsNull, Kind, ToSql, Type};

use crate::executor::Param;

/// A parameter encoded as the base type of the domain it is bound to.
#[derive(Debug)]
pub(crate) struct AsBase<'a>(pub(crate) Param<'a>);

/// The base type under any domains.
fn base(ty: &Type) -> &Type {
    match ty.kind() {
        Kind::Domain(inner) => base(inner),
        _ => ty,
    }
}

impl ToSql for AsBase<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        self.0.to_sql_checked(base(ty), out)
    }

    fn accepts(_: &Type) -> bool {
        // The parameter's own type decides, in `to_sql_checked`.
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        self.0.to_sql_checked(base(ty), out)
    }

    fn encode_format(&self, ty: &Type) -> Format {
        self.0.encode_format(base(ty))
    }
}

/// Whether any of a statement's parameters is of a domain.
pub(crate) fn any_domain(types: &[Type]) -> bool {
    types.iter().any(|t| matches!(t.kind(), Kind::Domain(_)))
}

/// The parameters, each of a domain wrapped to be encoded as its base.
pub(crate) fn as_base<'a>(params: &[Param<'a>]) -> Vec<AsBase<'a>> {
    params.iter().map(|p| AsBase(*p)).collect()
}
