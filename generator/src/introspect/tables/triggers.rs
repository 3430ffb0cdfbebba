//! Triggers, and which of them are disabled.

use foldhash::HashMap;
use schemac_schema::model::*;

use super::super::{IntrospectError, Pulled, Unsupported, queries, rows};
use super::{Reader, Relation, Slot, names};

impl Reader<'_> {
    pub(super) async fn triggers(
        &self,
        rels: &HashMap<u32, Relation>,
        out: &mut Pulled,
    ) -> Result<(), IntrospectError> {
        for r in rows(self.client, queries::TRIGGERS, &[&self.oids], "triggers").await? {
            let Some(rel) = rels.get(&r.get::<_, u32>(0)) else {
                continue;
            };
            if rel.slot == Slot::Skipped || r.get::<_, bool>(12) {
                continue;
            }
            let name: String = r.get(1);
            let object = format!("trigger {}.{}.{name}", rel.pg_schema, rel.name);
            if r.get::<_, bool>(9) {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "constraint triggers are not expressed yet".into(),
                });
                continue;
            }
            if r.get::<_, bool>(10) {
                out.unsupported.push(Unsupported {
                    object,
                    reason: "transition tables (REFERENCING) are not expressed yet".into(),
                });
                continue;
            }
            let bits: i32 = r.get(2);
            let timing = match (bits & 64 != 0, bits & 2 != 0) {
                (true, _) => TriggerTiming::InsteadOf,
                (_, true) => TriggerTiming::Before,
                _ => TriggerTiming::After,
            };
            let events = [
                (4, TriggerEvent::Insert),
                (16, TriggerEvent::Update),
                (8, TriggerEvent::Delete),
                (32, TriggerEvent::Truncate),
            ]
            .into_iter()
            .filter(|(bit, _)| bits & bit != 0)
            .map(|(_, e)| e)
            .collect();
            let update_of = names(&rel.columns, &r.get::<_, Vec<i16>>(4)).unwrap_or_default();
            let (fn_schema, fn_name): (String, String) = (r.get(5), r.get(6));
            let function = match fn_schema == rel.pg_schema || fn_schema == "pg_catalog" {
                true => fn_name,
                false => format!("{fn_schema}.{fn_name}"),
            };
            let raw: Vec<u8> = r.get(7);
            let args = raw
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>();
            let args = match args.split_last() {
                Some((last, rest)) if last.is_empty() => rest.to_vec(),
                _ => args,
            };
            let def: String = r.get(8);
            if r.get::<_, String>(3) == "D" {
                out.disabled_triggers
                    .push(format!("{}.{}.{name}", rel.pg_schema, rel.name));
            }
            let trigger = Trigger {
                name,
                timing,
                events,
                update_of,
                for_each_row: bits & 1 != 0,
                when: trigger_when(&def),
                function,
                args,
                comment: r.get(11),
            };
            match rel.slot {
                Slot::Table(t) => out.schema.tables[t].triggers.push(trigger),
                Slot::View(v) => out.schema.views[v].triggers.push(trigger),
                Slot::Skipped => {}
            }
        }
        Ok(())
    }
}

/// `WHEN (cond)` of a trigger's definition.
fn trigger_when(def: &str) -> Option<String> {
    let start = def.find(" WHEN (")? + " WHEN (".len();
    let end = def.rfind(") EXECUTE ")?;
    (end > start).then(|| def[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triggers_when_is_read_from_its_definition() {
        assert_eq!(
            trigger_when(
                "CREATE TRIGGER t BEFORE UPDATE ON public.x FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION f()"
            ),
            Some("(old.* IS DISTINCT FROM new.*)".to_string())
        );
    }
}
