#include "executecommand.h"

#include "dispatcher.h"

#include "cascade/node.h"
#include "replication/scriptexecute.h"
#include "replication/scriptrewrite.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace ferry::cli {

namespace {

Result<ScriptFile> readScript(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io,
                     QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    ScriptFile file;
    file.name = QFileInfo(path).fileName();
    file.raw = f.readAll();
    return file;
}

// Per node of the cascade, the statements as they would run there.
int dryRun(const QList<ScriptFile> &files, const JobConfig &config)
{
    QTextStream out(stdout);
    auto root = Connection::open(config.db());
    if (!root)
        return fail(root.error().toString());
    auto node = requireRoot(*root, config.queueName());
    if (!node)
        return fail(node.error().toString());
    auto members = loadMembers(*root, config.queueName());
    if (!members)
        return fail(members.error().toString());
    for (const ScriptFile &file : files) {
        auto statements = splitScript(file.sql());
        if (!statements)
            return fail(statements.error().withContext(file.name).toString());
        out << QStringLiteral("%1 on root '%2': %3 statements as written")
                   .arg(file.name, node->name, QString::number(statements->size()))
            << Qt::endl;
        for (const NodeMember &m : std::as_const(*members)) {
            if (m.type == NodeType::Root)
                continue;
            out << QStringLiteral("%1 on node '%2':").arg(file.name, m.name) << Qt::endl;
            auto where = ConnectionString::parse(m.location);
            auto db = where ? Connection::open(withShortConnectTimeout(*where))
                            : Result<Connection>(where.error());
            if (!db) {
                out << QStringLiteral("  ")
                    << QStringLiteral("unreachable: %1").arg(db.error().toString()) << Qt::endl;
                continue;
            }
            auto tables = scriptTablesOf(*root, *db, config.queueName());
            auto rewritten = tables ? rewriteScript(file.sql(), *tables)
                                    : Result<QList<RewrittenStatement>>(tables.error());
            if (!rewritten) {
                out << QStringLiteral("  ")
                    << QStringLiteral("error: %1").arg(rewritten.error().toString()) << Qt::endl;
                continue;
            }
            for (const RewrittenStatement &s : std::as_const(*rewritten)) {
                if (s.skipped())
                    out << QStringLiteral("  ")
                        << QStringLiteral("line %1 skipped: %2")
                               .arg(QString::number(s.line), s.skippedBecause)
                        << Qt::endl;
                else
                    out << QStringLiteral("  ") << s.sql << QLatin1Char(';') << Qt::endl;
            }
        }
    }
    return ExitSuccess;
}

} // namespace

int executeScripts(const CommandArgs &args, const JobConfig &config)
{
    QList<ScriptFile> files;
    for (const QString &path : args.positional) {
        auto file = readScript(path);
        if (!file)
            return fail(file.error().toString());
        files.append(*file);
    }
    if (args.has(QStringLiteral("--dry-run")))
        return dryRun(files, config);
    auto root = Connection::open(config.db());
    if (!root)
        return fail(root.error().toString());
    QTextStream out(stdout);
    for (const ScriptFile &file : std::as_const(files)) {
        auto done
            = executeScript(*root, config.queueName(), file, args.has(QStringLiteral("--force")));
        if (!done)
            return fail(done.error().toString());
        out << QStringLiteral(
                   "Executed %1 on the root (%2 statements); every node applies it as event %3")
                   .arg(file.name, QString::number(done->statements),
                        QString::number(done->eventId))
            << Qt::endl;
    }
    return ExitSuccess;
}

} // namespace ferry::cli
