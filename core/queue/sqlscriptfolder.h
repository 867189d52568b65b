#pragma once

#include <QString>
#include <QStringList>

namespace ferry {

// The SQL scripts a Ferry binary embeds are also on disk for DBAs to read:
// installed, PREFIX/share/ferry/sql beside PREFIX/bin; in a build tree, the
// source tree's sql/. The binary never installs from there (it installs the
// schema its code was built against, DESIGN §10); it says where the scripts
// are and whether they are the ones built in (`ferry --version`).
struct SqlScriptFolder
{
    QString path;          // empty: no folder found
    QStringList differing; // scripts missing there, different, or not built in
};

// `folder` against the embedded scripts (:/ferry/sql): the NNN_*.sql names
// that differ either way, sorted.
SqlScriptFolder checkSqlScriptFolder(const QString &folder);

// The first folder that exists of: APPDIR/../share/ferry/sql, then, for a
// binary inside its build folder, the source tree's sql/; checked.
SqlScriptFolder findSqlScriptFolder();

} // namespace ferry
