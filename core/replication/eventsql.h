#pragma once

#include "db/connection.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ferry {

// One row change as the queue holds it.
struct EventRow
{
    char op = 0;     // 'I', 'U', 'D', 'T'
    QByteArray key;  // ev_key (JSON): the old key of a DELETE or of an UPDATE that changed it
    QByteArray data; // ev_data (JSON): the new row of an INSERT or UPDATE
};

// The statements that do on the node's table `schema`.`name` what the
// Applier does for `row`, with the row's values as quoted literals, so an
// operator can read and edit them (the GUI's Edit and Apply): INSERT ... ON
// CONFLICT (key) DO UPDATE for an INSERT or UPDATE (after a DELETE of the
// old key when an UPDATE changed it), DELETE for a DELETE, TRUNCATE ONLY
// for a TRUNCATE. Columns the node's table lacks or generates are left out,
// as the Applier leaves them out. Empty for any other event. Reads the
// table's columns and decodes the JSON on the node, so values keep every
// digit (no double in between).
Result<QString> eventSql(Connection &node,
                         const QString &schema,
                         const QString &name,
                         const QStringList &keyColumns,
                         const EventRow &row);

} // namespace ferry
