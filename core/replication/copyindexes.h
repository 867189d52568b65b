#pragma once

#include "db/connection.h"

namespace ferry {

// A large initial copy loads faster into a table without its secondary
// indexes, built once at the end, than one that updates every index for
// each row. SetAsideIndexes drops such indexes of the node's table inside
// the copy's transaction and puts them back, exactly as they were, before
// it commits: same name and definition, tablespace, comment, CLUSTER and
// REPLICA IDENTITY marks, column statistics targets. Because DROP and CREATE
// INDEX are transactional, a copy that fails or a worker killed mid-copy
// rolls the drop back with everything else: the indexes are never lost.
//
// Left in place: the primary key, indexes behind a constraint (unique,
// exclusion) or that another object depends on (a foreign key), invalid
// ones, and all of them when this role may not drop them.
class SetAsideIndexes
{
public:
    // Drops what can be set aside; `table` is the node's table, quoted.
    // Runs inside the caller's transaction, which must hold the table's
    // ACCESS EXCLUSIVE lock (the copy's TRUNCATE).
    static Result<SetAsideIndexes> drop(Connection &node, const QString &table);

    // Creates them again; call after the rows are in, before COMMIT.
    Result<void> restore(Connection &node) const;

    qsizetype count() const { return m_statements.size(); }

private:
    QList<QStringList> m_statements; // per index: CREATE INDEX, then what restores its marks
};

// Whether the copy can use COPY's binary format: the same built-in type for
// every copied column on both servers (a type of oid >= 16384 has another
// oid, and maybe another binary form, on each server) and the same
// database encoding (so binary and text read back the same characters).
Result<bool> binaryCopyFits(Connection &provider,
                            const QString &sourceOid,
                            Connection &node,
                            const QString &table,
                            const QStringList &columns);

} // namespace ferry
