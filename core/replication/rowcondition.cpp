#include "rowcondition.h"

#include "db/sqllexer.h"
#include "db/transaction.h"

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
    for (const SqlToken &t : *tokens) {
        if (t.kind == SqlToken::Kind::Space || t.kind == SqlToken::Kind::Comment)
            continue;
        any = true;
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

Result<void> checkConditionOn(Connection &provider,
                              const QString &qualified,
                              const QString &alias,
                              const QString &condition)
{
    if (auto r = checkConditionText(condition); !r)
        return r;
    auto tx = Transaction::begin(provider);
    if (!tx)
        return tx.error();
    const auto onSource = [&](const Error &e) {
        return refused(QStringLiteral("fails on the provider's %1: %2")
                           .arg(qualified, e.message().simplified()));
    };
    // Parsed as the copy will run it (syntax, column names, a boolean), and
    // kept as a temporary view so the server says what it uses.
    const QString view = QStringLiteral("pg_temp.ferry_condition_check");
    if (auto r = provider.exec(
            QStringLiteral("CREATE TEMP VIEW ferry_condition_check AS SELECT 1 "
                           "AS one FROM ONLY %1 AS %2 WHERE %3")
                .arg(qualified, provider.quoteIdentifier(alias), conditionSql(condition)));
        !r) {
        if (r.error().sqlState() != QLatin1String("42501"))
            return onSource(r.error());
        // No right to make temporary objects: parse it at least.
        if (auto tx2 = tx->rollback(); !tx2)
            return tx2.error();
        auto again = Transaction::begin(provider);
        if (!again)
            return again.error();
        if (auto e = provider.exec(
                QStringLiteral("EXPLAIN SELECT 1 FROM ONLY %1 AS %2 WHERE %3")
                    .arg(qualified, provider.quoteIdentifier(alias), conditionSql(condition)));
            !e)
            return onSource(e.error());
        return Error(ErrorKind::Usage,
                     QStringLiteral("--copy-condition cannot be checked on the provider: this "
                                    "role may not create temporary objects there (GRANT TEMP ON "
                                    "DATABASE ... TO it); nothing was added"));
    }
    // What the expression uses: other tables by the view's dependencies;
    // functions and operators from its stored query tree (pg_depend leaves
    // out the built-in ones, which are pinned), each operator by the
    // function behind it.
    auto uses = provider.exec(
        QStringLiteral(
            "WITH rule AS (SELECT r.oid, r.ev_action FROM pg_catalog.pg_rewrite r WHERE "
            "r.ev_class = $1::pg_catalog.regclass), "
            "dep AS (SELECT d.refclassid, d.refobjid FROM pg_catalog.pg_depend d, rule WHERE "
            "d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = rule.oid), "
            "node AS (SELECT rule.ev_action::pg_catalog.text AS tree FROM rule), "
            "op AS (SELECT m[1]::pg_catalog.oid AS op FROM node, pg_catalog.regexp_matches("
            "node.tree, ':opno (\\d+)', 'g') m UNION SELECT pg_catalog.unnest(pg_catalog."
            "string_to_array(m[1], ' '))::pg_catalog.oid FROM node, pg_catalog.regexp_matches("
            "node.tree, ':opnos \\(o ([0-9 ]+)\\)', 'g') m), "
            "fn AS (SELECT m[1]::pg_catalog.oid AS fn FROM node, pg_catalog.regexp_matches("
            "node.tree, ':funcid (\\d+)', 'g') m UNION SELECT o.oprcode::pg_catalog.oid FROM op "
            "JOIN pg_catalog.pg_operator o ON o.oid = op.op) "
            "SELECT 'table', d.refobjid::pg_catalog.regclass::pg_catalog.text FROM dep d WHERE "
            "d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid "
            "OPERATOR(pg_catalog.<>) $2::pg_catalog.regclass AND d.refobjid "
            "OPERATOR(pg_catalog.<>) $1::pg_catalog.regclass "
            "UNION ALL SELECT 'subquery', '' FROM rule WHERE pg_catalog.strpos("
            "rule.ev_action::pg_catalog.text, '{SUBLINK') > 0 "
            "UNION ALL SELECT 'volatile', p.oid::pg_catalog.regprocedure::pg_catalog.text FROM fn "
            "JOIN pg_catalog.pg_proc p ON p.oid = fn.fn WHERE p.provolatile = 'v' "
            "UNION ALL SELECT 'owner', pg_catalog.format('%s (owned by %s)', "
            "p.oid::pg_catalog.regprocedure, r.rolname) FROM fn JOIN pg_catalog.pg_proc p ON "
            "p.oid = fn.fn JOIN pg_catalog.pg_roles r ON r.oid = p.proowner WHERE NOT "
            "r.rolsuper AND r.rolname OPERATOR(pg_catalog.<>) CURRENT_USER "
            "ORDER BY 1, 2"),
        {view, qualified});
    if (!uses)
        return uses.error();
    for (int i = 0; i < uses->rowCount(); ++i) {
        const QString what = uses->text(i, 0);
        const QString name = uses->text(i, 1);
        if (what == QLatin1String("table") || what == QLatin1String("subquery"))
            return refused(QStringLiteral("reads %1: a condition may use only the row's own "
                                          "columns (what other rows or tables hold can change "
                                          "without an event of this table)")
                               .arg(what == QLatin1String("table") ? QStringLiteral("table ") + name
                                                                   : QStringLiteral("a subquery")));
        if (what == QLatin1String("volatile"))
            return refused(QStringLiteral("calls %1, which is VOLATILE: the same row must always "
                                          "give the same answer")
                               .arg(name));
        return refused(QStringLiteral("calls %1, which runs with this worker's rights on the "
                                      "provider: use built-in functions, or ones this role or a "
                                      "superuser owns")
                           .arg(name));
    }
    // Later row images are judged decoded from the queue's JSON, where
    // system columns (ctid, xmin) do not exist: the same form, once.
    if (auto r = provider.exec(
            QStringLiteral("SELECT %3 FROM pg_catalog.json_populate_record("
                           "NULL::%1, NULL) AS %2")
                .arg(qualified, provider.quoteIdentifier(alias), conditionSql(condition)));
        !r)
        return onSource(r.error());
    return tx->rollback();
}

} // namespace ferry
