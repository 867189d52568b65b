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
    for (const ScriptFile &file : files) {
        auto plan = planScript(*root, config.queueName(), file);
        if (!plan)
            return fail(plan.error().toString());
        out << QStringLiteral("%1 on root '%2': %3 statements as written")
                   .arg(file.name, plan->root, QString::number(plan->rootStatements.size()))
            << Qt::endl;
        for (const NodeScriptPlan &node : std::as_const(plan->nodes)) {
            out << QStringLiteral("%1 on node '%2':").arg(file.name, node.node) << Qt::endl;
            if (!node.reached) {
                out << QStringLiteral("  ") << QStringLiteral("unreachable: %1").arg(node.error)
                    << Qt::endl;
                continue;
            }
            if (!node.error.isEmpty()) {
                out << QStringLiteral("  ") << QStringLiteral("error: %1").arg(node.error)
                    << Qt::endl;
                continue;
            }
            for (const RewrittenStatement &s : std::as_const(node.statements)) {
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
