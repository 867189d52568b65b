#include "scriptrewrite.h"

#include "db/sqllexer.h"

#include <QSet>

namespace ferry {

namespace {

using Kind = SqlToken::Kind;

bool significant(const SqlToken &t)
{
    return t.kind != Kind::Space && t.kind != Kind::Comment;
}

bool isNameToken(const SqlToken &t)
{
    return t.kind == Kind::Identifier || t.kind == Kind::QuotedIdentifier;
}

bool isDot(const SqlToken &t, const QString &sql)
{
    return t.kind == Kind::Punctuation && t.text(sql) == QLatin1String(".");
}

// The server folds unquoted names to lower case (ASCII letters only).
QString folded(QStringView text)
{
    QString out = text.toString();
    for (QChar &c : out) {
        if (c.unicode() < 0x80)
            c = c.toLower();
    }
    return out;
}

// U&"..." with the default escape character: \XXXX, \+XXXXXX and \\.
std::optional<QString> unicodeEscaped(QStringView body)
{
    QString out;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const QChar c = body.at(i);
        if (c != QLatin1Char('\\')) {
            out.append(c);
            continue;
        }
        if (i + 1 < body.size() && body.at(i + 1) == QLatin1Char('\\')) {
            out.append(c);
            ++i;
            continue;
        }
        const bool wide = i + 1 < body.size() && body.at(i + 1) == QLatin1Char('+');
        const qsizetype digits = wide ? 6 : 4;
        const qsizetype from = i + (wide ? 2 : 1);
        bool ok = false;
        const uint code
            = from + digits <= body.size() ? body.mid(from, digits).toString().toUInt(&ok, 16) : 0;
        if (!ok)
            return std::nullopt;
        const char32_t ucs = code;
        out.append(QString::fromUcs4(&ucs, 1));
        i = from + digits - 1;
    }
    return out;
}

// The name a name token stands for; empty when it cannot be told for sure.
QString nameOf(const SqlToken &t, const QString &sql)
{
    const QStringView text = t.text(sql);
    if (t.kind == Kind::Identifier)
        return folded(text);
    const bool unicode = text.startsWith(QLatin1Char('U')) || text.startsWith(QLatin1Char('u'));
    QString body = text.mid(unicode ? 3 : 1).chopped(1).toString();
    body.replace(QLatin1String("\"\""), QLatin1String("\""));
    if (!unicode)
        return body;
    return unicodeEscaped(body).value_or(QString());
}

const QSet<QString> &reservedWords()
{
    // PostgreSQL's reserved and type/function-name keywords: never a bare table name.
    static const QSet<QString> words = [] {
        QSet<QString> s;
        for (const char *w : {"all",
                              "analyse",
                              "analyze",
                              "and",
                              "any",
                              "array",
                              "as",
                              "asc",
                              "asymmetric",
                              "authorization",
                              "binary",
                              "both",
                              "case",
                              "cast",
                              "check",
                              "collate",
                              "collation",
                              "column",
                              "concurrently",
                              "constraint",
                              "create",
                              "cross",
                              "current_catalog",
                              "current_date",
                              "current_role",
                              "current_schema",
                              "current_time",
                              "current_timestamp",
                              "current_user",
                              "default",
                              "deferrable",
                              "desc",
                              "distinct",
                              "do",
                              "else",
                              "end",
                              "except",
                              "false",
                              "fetch",
                              "for",
                              "foreign",
                              "freeze",
                              "from",
                              "full",
                              "grant",
                              "group",
                              "having",
                              "ilike",
                              "in",
                              "initially",
                              "inner",
                              "intersect",
                              "into",
                              "is",
                              "isnull",
                              "join",
                              "lateral",
                              "leading",
                              "left",
                              "like",
                              "limit",
                              "localtime",
                              "localtimestamp",
                              "natural",
                              "not",
                              "notnull",
                              "null",
                              "offset",
                              "on",
                              "only",
                              "or",
                              "order",
                              "outer",
                              "overlaps",
                              "placing",
                              "primary",
                              "references",
                              "returning",
                              "right",
                              "select",
                              "session_user",
                              "similar",
                              "some",
                              "symmetric",
                              "system_user",
                              "table",
                              "tablesample",
                              "then",
                              "to",
                              "trailing",
                              "true",
                              "union",
                              "unique",
                              "user",
                              "using",
                              "variadic",
                              "verbose",
                              "when",
                              "where",
                              "window",
                              "with"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return words;
}

QString excerpt(const QString &statement)
{
    const QString one = statement.simplified();
    return one.size() > 60 ? one.left(57) + QStringLiteral("...") : one;
}

Error unsure(const ScriptStatement &s, const QString &why)
{
    return Error(ErrorKind::Data,
                 QStringLiteral("line %1 of the script (%2): %3; write it with each table as "
                                "schema.table, or run it on this node by hand and then retry or "
                                "skip-event")
                     .arg(s.line)
                     .arg(excerpt(s.text), why));
}

} // namespace

QString quoteNameIfNeeded(const QString &name)
{
    bool plain = !name.isEmpty() && !reservedWords().contains(name);
    for (qsizetype i = 0; plain && i < name.size(); ++i) {
        const QChar c = name.at(i);
        plain = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || c == QLatin1Char('_')
                || (i > 0
                    && ((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('$')));
    }
    if (plain)
        return name;
    QString q = name;
    q.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

Result<QList<ScriptStatement>> splitScript(const QString &script)
{
    auto tokens = tokenizeSql(script);
    if (!tokens)
        return tokens.error();
    QList<ScriptStatement> out;
    qsizetype first = -1; // the statement's first significant token
    qsizetype last = -1;
    const auto close = [&]() {
        if (first < 0)
            return;
        const SqlToken &a = tokens->at(first);
        const SqlToken &b = tokens->at(last);
        ScriptStatement s;
        s.text = script.mid(a.start, b.start + b.length - a.start);
        s.line = int(QStringView(script).left(a.start).count(QLatin1Char('\n'))) + 1;
        out.append(s);
        first = last = -1;
    };
    for (qsizetype i = 0; i < tokens->size(); ++i) {
        const SqlToken &t = tokens->at(i);
        if (t.kind == Kind::Punctuation && t.text(script) == QLatin1String(";")) {
            close();
            continue;
        }
        if (!significant(t))
            continue;
        if (first < 0)
            first = i;
        last = i;
    }
    close();
    return out;
}

Result<QList<RewrittenStatement>> rewriteScript(const QString &script,
                                                const QList<ScriptTable> &replicated)
{
    auto statements = splitScript(script);
    if (!statements)
        return statements.error();
    QSet<QString> tableNames;
    for (const ScriptTable &t : replicated)
        tableNames.insert(t.sourceName);
    const auto find = [&replicated](const QString &schema, const QString &name) {
        for (const ScriptTable &t : replicated) {
            if (t.sourceSchema == schema && t.sourceName == name)
                return &t;
        }
        return static_cast<const ScriptTable *>(nullptr);
    };

    QList<RewrittenStatement> out;
    for (const ScriptStatement &s : std::as_const(*statements)) {
        auto tokens = tokenizeSql(s.text);
        if (!tokens)
            return tokens.error();
        // Significant tokens only: a name may be written `a . b` or `a/**/.b`.
        QList<SqlToken> sig;
        for (const SqlToken &t : std::as_const(*tokens)) {
            if (significant(t))
                sig.append(t);
        }
        struct Replace
        {
            qsizetype start = 0;
            qsizetype end = 0;
            QString with;
        };
        QList<Replace> replaces;
        QStringList subscribed;
        QStringList notHere;
        for (qsizetype i = 0; i < sig.size();) {
            if (!isNameToken(sig.at(i))) {
                ++i;
                continue;
            }
            // A name with its own escape character is not read here.
            const QStringView first = sig.at(i).text(s.text);
            if (sig.at(i).kind == Kind::QuotedIdentifier && !first.startsWith(QLatin1Char('"'))
                && i + 1 < sig.size() && sig.at(i + 1).kind == Kind::Identifier
                && folded(sig.at(i + 1).text(s.text)) == QLatin1String("uescape"))
                return unsure(
                    s, QStringLiteral("the name %1 cannot be read for sure").arg(first.toString()));
            // A dotted chain of names: a.b.c
            QList<qsizetype> parts{i};
            qsizetype j = i + 1;
            while (j + 1 < sig.size() && isDot(sig.at(j), s.text) && isNameToken(sig.at(j + 1))) {
                parts.append(j + 1);
                j += 2;
            }
            i = j;
            QStringList names;
            for (const qsizetype p : std::as_const(parts)) {
                const QString n = nameOf(sig.at(p), s.text);
                if (n.isEmpty())
                    return unsure(s, QStringLiteral("the name %1 cannot be read for sure")
                                         .arg(sig.at(p).text(s.text).toString()));
                names.append(n);
            }
            if (names.size() == 1) {
                // A bare keyword or column is no table; a bare replicated
                // table's name may be any schema's.
                if (sig.at(parts.first()).kind == Kind::Identifier
                    && reservedWords().contains(names.first()))
                    continue;
                if (tableNames.contains(names.first()))
                    return unsure(s, QStringLiteral("%1 is the name of a replicated table "
                                                    "without its schema")
                                         .arg(quoteNameIfNeeded(names.first())));
                continue;
            }
            if (names.size() > 2) {
                for (qsizetype k = 0; k + 1 < names.size(); ++k) {
                    if (find(names.at(k), names.at(k + 1)))
                        return unsure(s, QStringLiteral("%1 names a replicated table in a "
                                                        "three-part name")
                                             .arg(names.join(QLatin1Char('.'))));
                }
                continue;
            }
            const ScriptTable *t = find(names.at(0), names.at(1));
            if (!t)
                continue;
            const QString written = quoteNameIfNeeded(t->sourceSchema) + QLatin1Char('.')
                                    + quoteNameIfNeeded(t->sourceName);
            if (!t->subscribed()) {
                notHere.append(written);
                continue;
            }
            subscribed.append(written);
            const SqlToken &a = sig.at(parts.first());
            const SqlToken &b = sig.at(parts.last());
            replaces.append({a.start, b.start + b.length,
                             quoteNameIfNeeded(t->destSchema) + QLatin1Char('.')
                                 + quoteNameIfNeeded(t->destName)});
        }
        // A node keeps its own name for a table: renaming or moving it on the
        // node too would leave its mapping pointing nowhere.
        for (qsizetype k = 0; !subscribed.isEmpty() && k + 1 < sig.size(); ++k) {
            if (sig.at(k).kind != Kind::Identifier || sig.at(k + 1).kind != Kind::Identifier)
                continue;
            const QString a = folded(sig.at(k).text(s.text));
            const QString b = folded(sig.at(k + 1).text(s.text));
            if ((a == QLatin1String("rename") && b == QLatin1String("to"))
                || (a == QLatin1String("set") && b == QLatin1String("schema")))
                return Error(ErrorKind::Data,
                             QStringLiteral("line %1 of the script (%2) renames or moves %3, "
                                            "which this node keeps under its own name: skip "
                                            "this event here (skip-event), the node goes on "
                                            "with its name")
                                 .arg(s.line)
                                 .arg(excerpt(s.text), subscribed.first()));
        }
        RewrittenStatement r;
        r.line = s.line;
        r.original = s.text;
        if (!subscribed.isEmpty() && !notHere.isEmpty())
            return unsure(s, QStringLiteral("it names %1, which this node replicates, and %2, "
                                            "which it does not")
                                 .arg(subscribed.first(), notHere.first()));
        if (!notHere.isEmpty()) {
            notHere.removeDuplicates();
            r.skippedBecause = QStringLiteral("this node does not replicate %1")
                                   .arg(notHere.join(QStringLiteral(", ")));
            out.append(r);
            continue;
        }
        r.sql = s.text;
        for (qsizetype k = replaces.size() - 1; k >= 0; --k)
            r.sql.replace(replaces.at(k).start, replaces.at(k).end - replaces.at(k).start,
                          replaces.at(k).with);
        out.append(r);
    }
    return out;
}

} // namespace ferry
