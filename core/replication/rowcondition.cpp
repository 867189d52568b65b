#include "rowcondition.h"

#include "db/sqllexer.h"
#include "db/transaction.h"
#include "queue/batchreader.h"

namespace ferry {

namespace {

Error refused(const QString &why)
{
    return Error(ErrorKind::Usage,
                 QStringLiteral("--copy-condition %1; nothing was added").arg(why));
}

} // namespace

Result<void> checkConditionText(const QString &condition)
{
    auto tokens = tokenizeSql(condition);
    if (!tokens)
        return refused(tokens.error().message());
    int depth = 0;
    bool any = false;
    SqlToken::Kind previous = SqlToken::Kind::Space;
    for (const SqlToken &t : *tokens) {
        if (t.kind == SqlToken::Kind::Space || t.kind == SqlToken::Kind::Comment)
            continue;
        any = true;
        // 'a' 'b' on two lines is one string to the server, with rules of
        // its own (an E'' continued): one string, written as one.
        if (t.kind == SqlToken::Kind::String && previous == SqlToken::Kind::String)
            return refused(QStringLiteral("continues a string on another line (character %1): "
                                          "write it as one string")
                               .arg(t.start + 1));
        previous = t.kind;
        if (t.kind != SqlToken::Kind::Punctuation)
            continue;
        const QStringView text = t.text(condition);
        if (text == u"(" || text == u"[") {
            ++depth;
        } else if (text == u")" || text == u"]") {
            if (--depth < 0)
                return refused(QStringLiteral("closes a parenthesis it did not open (character "
                                              "%1): give one expression")
                                   .arg(t.start + 1));
        } else if (text == u";") {
            return refused(QStringLiteral("holds a ';' (character %1): give one expression, "
                                          "such as userid < 1000")
                               .arg(t.start + 1));
        }
    }
    if (!any)
        return refused(QStringLiteral("is empty: give an expression such as userid < 1000"));
    if (depth != 0)
        return refused(QStringLiteral("leaves a parenthesis open: give one expression"));
    return {};
}

QString conditionSql(const QString &condition)
{
    return QStringLiteral("(\n") + condition + QStringLiteral("\n)");
}

Result<CheckedCondition> checkConditionOn(Connection &provider,
                                          const QString &qualified,
                                          const QString &alias,
                                          const QString &condition)
{
    if (auto r = checkConditionText(condition); !r)
        return r.error();
    // Each statement alone (extended protocol): the server itself refuses a
    // second statement, whatever the text holds.
    const auto run = [&provider](const QString &sql, const QVariantList &params = {}) {
        return provider.exec(sql, params);
    };
    auto tx = Transaction::begin(provider);
    if (!tx)
        return tx.error();
    const auto onSource = [&](const Error &e) {
        const Error why = refused(QStringLiteral("fails on the provider's %1: %2")
                                      .arg(qualified, e.message().simplified()));
        // A table another session holds, under the caller's lock_timeout:
        // the same text, with the SQLSTATE the caller tells it apart by.
        if (e.sqlState() == QLatin1String("55P03"))
            return Error::fromServer(e.sqlState(), why.message());
        return why;
    };
    const QString quotedAlias = provider.quoteIdentifier(alias);
    // Parsed as the copy will run it (syntax, column names, a boolean), and
    // kept as a temporary view so the server says what it uses.
    if (auto r = run(QStringLiteral("CREATE TEMP VIEW ferry_condition_check AS SELECT 1 AS one "
                                    "FROM ONLY %1 AS %2 WHERE %3")
                         .arg(qualified, quotedAlias, conditionSql(condition)));
        !r) {
        if (r.error().sqlState() == QLatin1String("42501"))
            return Error(ErrorKind::Usage,
                         QStringLiteral("--copy-condition cannot be checked on the provider: this "
                                        "role may not create temporary objects there (GRANT TEMP "
                                        "ON DATABASE ... TO it); nothing was added"));
        return onSource(r.error());
    }
    // What the expression uses: other tables and its own columns by the
    // view's dependencies; functions and operators from its stored query
    // tree (pg_depend leaves out the built-in ones, which are pinned), each
    // operator by the function behind it.
    auto uses = run(
        QStringLiteral(
            "WITH rule AS (SELECT r.oid, r.ev_action::pg_catalog.text AS tree FROM "
            "pg_catalog.pg_rewrite r WHERE r.ev_class = 'pg_temp.ferry_condition_check'::"
            "pg_catalog.regclass), "
            "dep AS (SELECT d.refclassid, d.refobjid, d.refobjsubid FROM pg_catalog.pg_depend d, "
            "rule "
            "WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = "
            "rule.oid), "
            "op AS (SELECT m[1]::pg_catalog.oid AS op FROM rule, "
            "pg_catalog.regexp_matches(rule.tree, "
            "':opno ([0-9]+)', 'g') m UNION SELECT pg_catalog.unnest(pg_catalog.string_to_array("
            "m[1], ' '))::pg_catalog.oid FROM rule, pg_catalog.regexp_matches(rule.tree, "
            "':opnos [(]o ([0-9 ]+)[)]', 'g') m), "
            "fn AS (SELECT m[1]::pg_catalog.oid AS fn FROM rule, "
            "pg_catalog.regexp_matches(rule.tree, "
            "':funcid ([0-9]+)', 'g') m UNION SELECT o.oprcode::pg_catalog.oid FROM op JOIN "
            "pg_catalog.pg_operator o ON o.oid = op.op) "
            "SELECT 'table', d.refobjid::pg_catalog.regclass::pg_catalog.text FROM dep d WHERE "
            "d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid "
            "OPERATOR(pg_catalog.<>) $1::pg_catalog.regclass AND d.refobjid "
            "OPERATOR(pg_catalog.<>) "
            "'pg_temp.ferry_condition_check'::pg_catalog.regclass "
            "UNION ALL SELECT 'subquery', '' FROM rule WHERE pg_catalog.strpos(rule.tree, "
            "'{SUBLINK') "
            "> 0 "
            "UNION ALL SELECT 'domain', '' FROM rule WHERE pg_catalog.strpos(rule.tree, "
            "'{COERCETODOMAIN') > 0 "
            "UNION ALL SELECT 'unknown', '' FROM rule WHERE (pg_catalog.strpos(rule.tree, "
            "'{FUNCEXPR') "
            "> 0 OR pg_catalog.strpos(rule.tree, '{OPEXPR') > 0) AND NOT EXISTS (SELECT 1 FROM fn) "
            "UNION ALL SELECT 'mutable', p.oid::pg_catalog.regprocedure::pg_catalog.text FROM fn "
            "JOIN "
            "pg_catalog.pg_proc p ON p.oid = fn.fn WHERE p.provolatile OPERATOR(pg_catalog.<>) 'i' "
            "UNION ALL SELECT 'owner', pg_catalog.format('%s (owned by %s)', "
            "p.oid::pg_catalog.regprocedure, r.rolname) FROM fn JOIN pg_catalog.pg_proc p ON p.oid "
            "= "
            "fn.fn JOIN pg_catalog.pg_roles r ON r.oid = p.proowner WHERE NOT r.rolsuper AND "
            "r.rolname OPERATOR(pg_catalog.<>) CURRENT_USER "
            "UNION ALL SELECT 'column', a.attname::pg_catalog.text FROM dep d JOIN "
            "pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE "
            "d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = "
            "$1::pg_catalog.regclass AND d.refobjsubid > 0 ORDER BY 1, 2"),
        {qualified});
    if (!uses)
        return uses.error();
    CheckedCondition checked;
    for (int i = 0; i < uses->rowCount(); ++i) {
        const QString what = uses->text(i, 0);
        const QString name = uses->text(i, 1);
        if (what == QLatin1String("column")) {
            checked.columns.append(name);
            continue;
        }
        if (what == QLatin1String("table") || what == QLatin1String("subquery"))
            return refused(QStringLiteral("reads %1: a condition may use only the row's own "
                                          "columns (what other rows or tables hold can change "
                                          "without an event of this table)")
                               .arg(what == QLatin1String("table") ? QStringLiteral("table ") + name
                                                                   : QStringLiteral("a subquery")));
        if (what == QLatin1String("domain"))
            return refused(QStringLiteral("casts to a domain, whose checks would run with this "
                                          "worker's rights on the provider: compare with the "
                                          "domain's base type"));
        if (what == QLatin1String("unknown"))
            return refused(QStringLiteral("calls functions Ferry cannot identify; nothing was "
                                          "judged safe"));
        if (what == QLatin1String("mutable"))
            return refused(QStringLiteral("calls %1, which is not IMMUTABLE: the same row must "
                                          "always give the same answer (with now() or a setting "
                                          "in it, rows would leave the condition without an "
                                          "event)")
                               .arg(name));
        return refused(QStringLiteral("calls %1, which runs with this worker's rights on the "
                                      "provider: use built-in functions, or ones this role or a "
                                      "superuser owns")
                           .arg(name));
    }
    // What no function oid shows (a conversion through text, whose output
    // may depend on DateStyle or TimeZone): the server's own test, a stored
    // generated column, which takes IMMUTABLE expressions only.
    if (auto r = run(QStringLiteral("CREATE TEMP TABLE %1 (LIKE %2)").arg(quotedAlias, qualified));
        !r)
        return onSource(r.error());
    if (auto r = run(QStringLiteral("SAVEPOINT ferry_probe")); !r)
        return r.error();
    if (auto r = run(QStringLiteral("ALTER TABLE pg_temp.%1 ADD COLUMN ferry_condition_probe "
                                    "boolean GENERATED ALWAYS AS (%2) STORED")
                         .arg(quotedAlias, conditionSql(condition)));
        !r) {
        if (r.error().sqlState() == QLatin1String("42P17"))
            return refused(QStringLiteral("is not IMMUTABLE (a conversion in it depends on a "
                                          "setting, such as a date read as text): the same row "
                                          "must always give the same answer"));
        // Anything else this form cannot take (a name qualified by the
        // table) was judged by the tree above.
        if (auto back = run(QStringLiteral("ROLLBACK TO SAVEPOINT ferry_probe")); !back)
            return back.error();
    }
    // Later row images are judged decoded from the queue's JSON, as these
    // columns with their base types: the same form, once (also: no system
    // columns there).
    if (!checked.columns.isEmpty()) {
        auto types = run(
            QStringLiteral("SELECT a.attname, pg_catalog.format_type(CASE WHEN ty.typtype = 'd' "
                           "THEN ty.typbasetype ELSE a.atttypid END, CASE WHEN ty.typtype = 'd' "
                           "THEN ty.typtypmod ELSE a.atttypmod END), ty.typname IN ('json', "
                           "'jsonb') FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type ty ON "
                           "ty.oid = a.atttypid WHERE a.attrelid = $1::pg_catalog.regclass AND "
                           "a.attnum > 0 AND NOT a.attisdropped"),
            {qualified});
        if (!types)
            return types.error();
        for (const QString &c : std::as_const(checked.columns)) {
            for (int i = 0; i < types->rowCount(); ++i) {
                if (types->text(i, 0) == c)
                    checked.types.append(types->text(i, 1));
            }
        }
    }
    QStringList jsonText;
    for (qsizetype i = 0; i < checked.columns.size(); ++i) {
        if (checked.types.value(i) == QLatin1String("json")
            || checked.types.value(i) == QLatin1String("jsonb"))
            jsonText.append(checked.columns.at(i));
    }
    if (auto r = run(
            QStringLiteral("SELECT %1 FROM %2")
                .arg(conditionSql(condition),
                     BatchReader::decodedImage(provider, QStringLiteral("NULL::json"), quotedAlias,
                                               checked.columns, checked.types, jsonText)));
        !r)
        return onSource(r.error());
    if (auto r = tx->rollback(); !r)
        return r.error();
    return checked;
}

} // namespace ferry
