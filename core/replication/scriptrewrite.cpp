#include "scriptrewrite.h"

#include "db/sqllexer.h"

#include <QSet>

#include <functional>

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

// A queued script is rewritten the same way on every try: retrying cannot
// help, replacing or skipping the event on this node can.
Error unsure(const ScriptStatement &s, const QString &why)
{
    return Error(ErrorKind::Data,
                 QStringLiteral("line %1 of the script (%2): %3; on this node, replace the event "
                                "with this node's version of the script (replace-event), or run "
                                "it here by hand and then skip-event")
                     .arg(s.line)
                     .arg(excerpt(s.text), why));
}

QString word(const QList<SqlToken> &sig, qsizetype i, const QString &sql)
{
    if (i < 0 || i >= sig.size() || sig.at(i).kind != Kind::Identifier)
        return QString();
    return folded(sig.at(i).text(sql));
}

QList<SqlToken> significantTokens(const QList<SqlToken> &tokens)
{
    QList<SqlToken> sig;
    for (const SqlToken &t : tokens) {
        if (significant(t))
            sig.append(t);
    }
    return sig;
}

using FindTable = std::function<const ScriptTable *(const QString &, const QString &)>;

// The text inside a string token: '...', E'...', $tag$...$tag$ (others as written).
QString stringBody(QStringView text)
{
    if (text.startsWith(QLatin1Char('$'))) {
        const qsizetype tag = text.indexOf(QLatin1Char('$'), 1) + 1;
        return tag > 0 && text.size() >= 2 * tag ? text.mid(tag, text.size() - 2 * tag).toString()
                                                 : text.toString();
    }
    const qsizetype quote = text.indexOf(QLatin1Char('\''));
    if (quote < 0 || text.size() < quote + 2)
        return text.toString();
    QString body = text.mid(quote + 1, text.size() - quote - 2).toString();
    body.replace(QLatin1String("''"), QLatin1String("'"));
    if (quote > 0 && (text.at(0) == QLatin1Char('E') || text.at(0) == QLatin1Char('e')))
        body.replace(QLatin1String("\\'"), QLatin1String("'"));
    return body;
}

// A replicated table named schema.table in a string's text, read as SQL
// (strings in it too), else nullptr. Text that is no SQL is searched as is.
const ScriptTable *
mentionedIn(QStringView stringToken, const QList<ScriptTable> &replicated, int depth)
{
    const QString body = stringBody(stringToken);
    auto tokens = depth < 8 ? tokenizeSql(body)
                            : Result<QList<SqlToken>>(Error(ErrorKind::Data, QString()));
    if (!tokens) {
        for (const ScriptTable &t : replicated) {
            if (body.contains(t.sourceSchema + QLatin1Char('.') + t.sourceName,
                              Qt::CaseInsensitive))
                return &t;
        }
        return nullptr;
    }
    const QList<SqlToken> sig = significantTokens(*tokens);
    for (qsizetype i = 0; i < sig.size(); ++i) {
        if (sig.at(i).kind == Kind::String) {
            if (const ScriptTable *t = mentionedIn(sig.at(i).text(body), replicated, depth + 1))
                return t;
            continue;
        }
        if (i + 2 < sig.size() && isNameToken(sig.at(i)) && isDot(sig.at(i + 1), body)
            && isNameToken(sig.at(i + 2))) {
            const QString schema = nameOf(sig.at(i), body);
            const QString name = nameOf(sig.at(i + 2), body);
            for (const ScriptTable &t : replicated) {
                if (t.sourceSchema == schema && t.sourceName == name)
                    return &t;
            }
        }
    }
    return nullptr;
}

// Whether the name at `at` is a schema's: SCHEMA [IF [NOT] EXISTS] a, b
bool afterSchemaKeyword(const QList<SqlToken> &sig, qsizetype at, const QString &sql)
{
    qsizetype k = at - 1;
    while (k >= 1 && sig.at(k).kind == Kind::Punctuation
           && sig.at(k).text(sql) == QLatin1String(",") && isNameToken(sig.at(k - 1)))
        k -= 2;
    while (k >= 0
           && (word(sig, k, sql) == QLatin1String("if") || word(sig, k, sql) == QLatin1String("not")
               || word(sig, k, sql) == QLatin1String("exists")))
        --k;
    return word(sig, k, sql) == QLatin1String("schema");
}

// The table an ALTER TABLE / FOREIGN TABLE / VIEW / MATERIALIZED VIEW
// [IF EXISTS] [ONLY] schema.name RENAME TO / SET SCHEMA renames or moves.
const ScriptTable *
renamedTable(const QList<SqlToken> &sig, const QString &sql, const FindTable &find)
{
    const auto w = [&](qsizetype i) {
        return word(sig, i, sql);
    };
    if (w(0) != QLatin1String("alter"))
        return nullptr;
    qsizetype i = 1;
    if (w(i) == QLatin1String("foreign") || w(i) == QLatin1String("materialized"))
        ++i;
    // ALTER INDEX takes a table's name too, for RENAME.
    const bool index = w(i) == QLatin1String("index");
    if (w(i) != QLatin1String("table") && w(i) != QLatin1String("view") && !index)
        return nullptr;
    ++i;
    if (w(i) == QLatin1String("if") && w(i + 1) == QLatin1String("exists"))
        i += 2;
    if (w(i) == QLatin1String("only"))
        ++i;
    if (!(i + 2 < sig.size() && isNameToken(sig.at(i)) && isDot(sig.at(i + 1), sql)
          && isNameToken(sig.at(i + 2))))
        return nullptr;
    const ScriptTable *t = find(nameOf(sig.at(i), sql), nameOf(sig.at(i + 2), sql));
    i += 3;
    if (i < sig.size() && sig.at(i).kind == Kind::Operator
        && sig.at(i).text(sql) == QLatin1String("*"))
        ++i;
    const bool renames
        = (w(i) == QLatin1String("rename") && w(i + 1) == QLatin1String("to"))
          || (!index && w(i) == QLatin1String("set") && w(i + 1) == QLatin1String("schema"));
    return renames ? t : nullptr;
}

// The settings a batch's apply depends on after a script ran in it (R4:
// what resolves Ferry's own names and operators; what lets rows through).
bool applySetting(const QString &name)
{
    return name == QLatin1String("search_path") || name == QLatin1String("session_replication_role")
           || name == QLatin1String("row_security") || name == QLatin1String("role")
           || name.startsWith(QLatin1String("ferry"));
}

// Why a statement cannot run in a script: each file runs in one transaction
// on the root and inside a batch's transaction on every node, on a session
// that applies later batches too. Empty when it can.
QString refusal(const ScriptStatement &s)
{
    auto tokens = tokenizeSql(s.text);
    if (!tokens)
        return QString();
    const QList<SqlToken> sig = significantTokens(*tokens);
    const auto w = [&](qsizetype i) {
        return word(sig, i, s.text);
    };
    const QString first = w(0);
    const QString second = w(1);
    const QString ends = QStringLiteral("%1 would end the script's transaction half-way: remove "
                                        "it (each file runs in one transaction)");
    if (first == QLatin1String("begin") || first == QLatin1String("start"))
        return QStringLiteral("%1 would open a transaction inside the script's own: remove it "
                              "(each file runs in one transaction)")
            .arg(first == QLatin1String("start") ? QStringLiteral("START TRANSACTION")
                                                 : first.toUpper());
    if (first == QLatin1String("commit") || first == QLatin1String("end")
        || first == QLatin1String("rollback") || first == QLatin1String("abort"))
        return ends.arg(first.toUpper());
    if (first == QLatin1String("savepoint") || first == QLatin1String("release"))
        return QStringLiteral("%1 is transaction control, which a script cannot use: remove it")
            .arg(first.toUpper());
    if (first == QLatin1String("prepare") && second == QLatin1String("transaction"))
        return ends.arg(QStringLiteral("PREPARE TRANSACTION"));
    if (first == QLatin1String("set")) {
        const bool local = second == QLatin1String("local");
        const qsizetype k = local || second == QLatin1String("session") ? 2 : 1;
        const QString what = w(k);
        const bool authorization
            = (what == QLatin1String("session") && w(k + 1) == QLatin1String("authorization"))
              || (second == QLatin1String("session") && what == QLatin1String("authorization"));
        if (what == QLatin1String("role") || authorization)
            return QStringLiteral("%1 would run the rest of the script as another role: remove "
                                  "it")
                .arg(!authorization ? QStringLiteral("SET ROLE")
                                    : QStringLiteral("SET SESSION AUTHORIZATION"));
        // SET TRANSACTION and SET CONSTRAINTS end with the transaction.
        if (!local && second != QLatin1String("transaction")
            && second != QLatin1String("constraints"))
            return QStringLiteral("SET without LOCAL would stay set for everything that runs "
                                  "after the script on the same session: write SET LOCAL");
        // On a node the rest of the batch runs after the script in the same
        // transaction, and Ferry's own statements rely on these.
        const QString setting
            = k < sig.size() && isNameToken(sig.at(k)) ? nameOf(sig.at(k), s.text) : QString();
        if (local && applySetting(setting))
            return QStringLiteral("SET LOCAL %1 would change how the rest of the batch applies "
                                  "on each node: remove it (names resolve in pg_catalog only: "
                                  "qualify them)")
                .arg(setting);
        return QString();
    }
    if (first == QLatin1String("reset") || first == QLatin1String("discard"))
        return QStringLiteral("%1 changes the session that runs after the script too: remove "
                              "it (SET LOCAL ends with the script)")
            .arg(first.toUpper());

    // What outlives the transaction in the session that applies later batches.
    if ((first == QLatin1String("prepare") && second != QLatin1String("transaction"))
        || first == QLatin1String("deallocate"))
        return QStringLiteral("%1 keeps a prepared statement in the session that applies later "
                              "batches: remove it, or run the statement itself")
            .arg(first.toUpper());
    if (first == QLatin1String("listen") || first == QLatin1String("unlisten")
        || first == QLatin1String("load"))
        return QStringLiteral("%1 changes the session that runs after the script too: remove it")
            .arg(first.toUpper());
    if (first == QLatin1String("declare")) {
        for (qsizetype i = 2; i + 1 < sig.size(); ++i)
            if (w(i) == QLatin1String("with") && w(i + 1) == QLatin1String("hold"))
                return QStringLiteral("DECLARE ... WITH HOLD keeps its cursor open after the "
                                      "script: declare it without HOLD");
    }
    if (first == QLatin1String("create")) {
        qsizetype k = 1;
        if (w(k) == QLatin1String("or") && w(k + 1) == QLatin1String("replace"))
            k += 2;
        if (w(k) == QLatin1String("global") || w(k) == QLatin1String("local"))
            ++k;
        if (w(k) == QLatin1String("temp") || w(k) == QLatin1String("temporary")) {
            bool dropped = false;
            for (qsizetype i = k + 1; i + 2 < sig.size(); ++i)
                dropped = dropped
                          || (w(i) == QLatin1String("on") && w(i + 1) == QLatin1String("commit")
                              && w(i + 2) == QLatin1String("drop"));
            if (!dropped)
                return QStringLiteral("a temporary object would stay in the session that "
                                      "applies later batches: add ON COMMIT DROP, or use a "
                                      "regular table the script drops");
        }
    }

    // What the server refuses inside a transaction block.
    QString outside;
    bool concurrently = false;
    for (qsizetype i = 0; i < sig.size(); ++i)
        concurrently = concurrently || w(i) == QLatin1String("concurrently");
    if (first == QLatin1String("vacuum"))
        outside = QStringLiteral("VACUUM");
    else if ((first == QLatin1String("create") || first == QLatin1String("drop"))
             && (second == QLatin1String("database") || second == QLatin1String("tablespace")))
        outside = first.toUpper() + QLatin1Char(' ') + second.toUpper();
    else if (first == QLatin1String("alter") && second == QLatin1String("system"))
        outside = QStringLiteral("ALTER SYSTEM");
    else if ((first == QLatin1String("create")
              && (second == QLatin1String("index")
                  || (second == QLatin1String("unique") && w(2) == QLatin1String("index"))))
             && concurrently)
        outside = QStringLiteral("CREATE INDEX CONCURRENTLY");
    else if (first == QLatin1String("drop") && second == QLatin1String("index") && concurrently)
        outside = QStringLiteral("DROP INDEX CONCURRENTLY");
    else if (first == QLatin1String("reindex")
             && (concurrently || second == QLatin1String("database")
                 || second == QLatin1String("system")))
        outside = concurrently ? QStringLiteral("REINDEX CONCURRENTLY")
                               : QStringLiteral("REINDEX ") + second.toUpper();
    else if (first == QLatin1String("cluster")) {
        // CLUSTER [VERBOSE] or CLUSTER (options) without a table: every table.
        qsizetype i = 1;
        if (i < sig.size() && sig.at(i).text(s.text) == QLatin1String("(")) {
            while (i < sig.size() && sig.at(i).text(s.text) != QLatin1String(")"))
                ++i;
            ++i;
        }
        if (w(i) == QLatin1String("verbose"))
            ++i;
        if (i >= sig.size())
            outside = QStringLiteral("CLUSTER without a table");
    }
    if (!outside.isEmpty())
        return QStringLiteral("%1 cannot run inside the script's transaction: run it on each "
                              "node by hand")
            .arg(outside);
    return QString();
}

// The statements of a script, none refused yet.
Result<QList<ScriptStatement>> splitStatements(const QString &script)
{
    auto tokens = tokenizeSql(script);
    if (!tokens)
        return tokens.error();
    QList<ScriptStatement> out;
    qsizetype first = -1; // the statement's first significant token
    qsizetype last = -1;
    int parens = 0;   // a `;` inside ( ) never ends a statement: CREATE RULE ... DO (a; b)
    int atomic = 0;   // BEGIN ATOMIC ... END bodies, with the CASE ... END inside them
    QString previous; // the previous significant word
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
        parens = atomic = 0;
        previous.clear();
    };
    for (qsizetype i = 0; i < tokens->size(); ++i) {
        const SqlToken &t = tokens->at(i);
        if (!significant(t))
            continue;
        const QStringView text = t.text(script);
        if (t.kind == Kind::Punctuation && text == QLatin1String(";") && parens == 0
            && atomic == 0) {
            close();
            continue;
        }
        if (t.kind == Kind::Punctuation && text == QLatin1String("("))
            ++parens;
        else if (t.kind == Kind::Punctuation && text == QLatin1String(")") && parens > 0)
            --parens;
        const QString w = t.kind == Kind::Identifier ? folded(text) : QString();
        if (w == QLatin1String("atomic") && previous == QLatin1String("begin"))
            ++atomic;
        else if (atomic > 0 && w == QLatin1String("case"))
            ++atomic;
        else if (atomic > 0 && w == QLatin1String("end"))
            --atomic;
        previous = w;
        if (first < 0)
            first = i;
        last = i;
    }
    close();
    return out;
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
    auto statements = splitStatements(script);
    if (!statements)
        return statements.error();
    for (const ScriptStatement &s : std::as_const(*statements)) {
        if (const QString why = refusal(s); !why.isEmpty())
            return Error(ErrorKind::Usage,
                         QStringLiteral("line %1 (%2): %3; nothing was run nor queued")
                             .arg(s.line)
                             .arg(excerpt(s.text), why));
    }
    return statements;
}

Result<QList<RewrittenStatement>> rewriteScript(const QString &script,
                                                const QList<ScriptTable> &replicated)
{
    auto statements = splitStatements(script);
    if (!statements)
        return statements.error();
    QSet<QString> tableNames;
    QSet<QString> schemaNames;
    for (const ScriptTable &t : replicated) {
        tableNames.insert(t.sourceName);
        schemaNames.insert(t.sourceSchema);
    }
    const auto find = [&replicated](const QString &schema, const QString &name) {
        for (const ScriptTable &t : replicated) {
            if (t.sourceSchema == schema && t.sourceName == name)
                return &t;
        }
        return static_cast<const ScriptTable *>(nullptr);
    };

    QList<RewrittenStatement> out;
    for (const ScriptStatement &s : std::as_const(*statements)) {
        // Queued before the root refused these: the same words, on this node.
        if (const QString why = refusal(s); !why.isEmpty())
            return unsure(s, why);
        auto tokens = tokenizeSql(s.text);
        if (!tokens)
            return tokens.error();
        // Significant tokens only: a name may be written `a . b` or `a/**/.b`.
        const QList<SqlToken> sig = significantTokens(*tokens);
        struct Replace
        {
            qsizetype start = 0;
            qsizetype end = 0;
            QString with;
        };
        QList<Replace> replaces;
        QStringList subscribed;
        QStringList notHere;
        QList<const ScriptTable *> mapped;
        QList<int> named;                // indexes into `replicated`
        QList<QStringList> twoPartNames; // a.b that is no replicated table: maybe table.column
        for (qsizetype i = 0; i < sig.size();) {
            if (sig.at(i).kind == Kind::String) {
                // Code in a string or dollar quote is not rewritten: it must
                // not name a table this node keeps elsewhere or lacks.
                const ScriptTable *t = mentionedIn(sig.at(i).text(s.text), replicated, 0);
                if (t
                    && !(t->subscribed() && t->destSchema == t->sourceSchema
                         && t->destName == t->sourceName))
                    return unsure(s, QStringLiteral("a string or dollar-quoted body names %1.%2, "
                                                    "which is not rewritten there")
                                         .arg(quoteNameIfNeeded(t->sourceSchema),
                                              quoteNameIfNeeded(t->sourceName)));
                ++i;
                continue;
            }
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
                // A replicated schema after SCHEMA (ALTER/DROP SCHEMA, GRANT
                // ... ON SCHEMA, IN SCHEMA) reaches its tables unnamed.
                if (schemaNames.contains(names.first())
                    && afterSchemaKeyword(sig, parts.first(), s.text))
                    return unsure(s, QStringLiteral("it names the schema %1, which holds "
                                                    "replicated tables")
                                         .arg(quoteNameIfNeeded(names.first())));
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
            if (!t) {
                twoPartNames.append(names);
                continue;
            }
            const QString written = quoteNameIfNeeded(t->sourceSchema) + QLatin1Char('.')
                                    + quoteNameIfNeeded(t->sourceName);
            if (const int k = int(t - replicated.constData()); !named.contains(k))
                named.append(k);
            if (!t->subscribed()) {
                notHere.append(written);
                continue;
            }
            subscribed.append(written);
            mapped.append(t);
            const SqlToken &a = sig.at(parts.first());
            const SqlToken &b = sig.at(parts.last());
            replaces.append({a.start, b.start + b.length,
                             quoteNameIfNeeded(t->destSchema) + QLatin1Char('.')
                                 + quoteNameIfNeeded(t->destName)});
        }
        // user_info.col where user_info becomes user_info1 here: the column
        // reference would name a table the statement no longer has.
        for (const QStringList &two : std::as_const(twoPartNames)) {
            for (const ScriptTable *t : std::as_const(mapped)) {
                if (t->sourceName == two.first() && t->destName != t->sourceName)
                    return unsure(s, QStringLiteral("%1 qualifies a column with the table's "
                                                    "name, which is %2 on this node: give the "
                                                    "table an alias")
                                         .arg(quoteNameIfNeeded(two.first()) + QLatin1Char('.')
                                                  + quoteNameIfNeeded(two.last()),
                                              quoteNameIfNeeded(t->destName)));
            }
        }
        // A node keeps its own name for a table: renaming or moving it on the
        // node too would leave its mapping pointing nowhere.
        if (const ScriptTable *t = renamedTable(sig, s.text, find); t && t->subscribed())
            return Error(ErrorKind::Data,
                         QStringLiteral("line %1 of the script (%2) renames or moves %3, "
                                        "which this node keeps under its own name: skip "
                                        "this event here (skip-event), the node goes on "
                                        "with its name")
                             .arg(s.line)
                             .arg(excerpt(s.text), quoteNameIfNeeded(t->sourceSchema)
                                                       + QLatin1Char('.')
                                                       + quoteNameIfNeeded(t->sourceName)));
        RewrittenStatement r;
        r.line = s.line;
        r.original = s.text;
        r.tables = named;
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
