#pragma once

#include "util/result.h"

#include <QList>
#include <QString>

namespace ferry {

// One token of PostgreSQL's SQL as its lexer sees it: what is a string, a
// quoted name, a comment or punctuation, so that text written by a user can
// be checked (one expression, no statement after it) and names found in it
// without search-and-replace.
struct SqlToken
{
    enum class Kind {
        Space,
        Comment,          // -- to the end of the line, or /* */ (nested)
        Identifier,       // a name or keyword, as written
        QuotedIdentifier, // "..." or U&"..."
        String,           // '...', E'...', U&'...', B'...', X'...', N'...', $tag$...$tag$
        Number,
        Parameter,   // $1
        Operator,    // + - * / < > = ~ ! @ # % ^ & | ` ? and ::
        Punctuation, // ( ) [ ] , ; : .
    };
    Kind kind = Kind::Space;
    qsizetype start = 0;
    qsizetype length = 0;

    QStringView text(const QString &sql) const { return QStringView(sql).mid(start, length); }
};

// The tokens of `sql`, in order, covering it whole; an unterminated string,
// quoted name or comment is an error naming where it starts.
Result<QList<SqlToken>> tokenizeSql(const QString &sql);

// Whether `sql` holds more than space, comments and `;` (an unterminated
// text counts: the server says what is wrong with it).
bool holdsStatement(const QString &sql);

} // namespace ferry
