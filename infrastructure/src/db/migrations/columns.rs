//! Column, key and index builders shared by every feature's migrations, so one feature's
//! tables look like another's (ids, text, timestamps, cascading references).

use sea_orm_migration::prelude::*;

/// A `BIGINT` auto-increment primary key.
pub fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().auto_increment().primary_key().to_owned()
}

/// A `NOT NULL` text column.
pub fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

/// A `NOT NULL` timestamp with time zone.
pub fn time(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

/// A `NOT NULL` reference to another table's [`id`].
pub fn reference(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

/// A foreign key that deletes the referencing rows with the referenced one.
pub fn cascade(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

/// A named index, unique or not.
pub fn index(name: &str, table: impl IntoIden, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}
