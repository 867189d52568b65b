#include "helptext.h"

#include "commandtable.h"
#include "queue/sqlscriptfolder.h"
#include "util/version.h"

#include <libpq-fe.h>

namespace ferry::cli {

namespace {

// Synopses longer than this put their summary on the next line.
constexpr qsizetype kSynopsisWidth = 30;

const QString kNotBuiltMark = QStringLiteral("(not yet built)");

QString libpqVersion()
{
    // PQlibVersion(): 150003 means 15.3; before PostgreSQL 10, 90624 meant 9.6.24.
    const int v = PQlibVersion();
    if (v >= 100000)
        return QStringLiteral("%1.%2").arg(v / 10000).arg(v % 10000);
    return QStringLiteral("%1.%2.%3").arg(v / 10000).arg(v / 100 % 100).arg(v % 100);
}

QString commandLine(const CommandInfo &info)
{
    QString synopsis = info.name;
    if (!info.arguments.isEmpty())
        synopsis += QLatin1Char(' ') + info.arguments;

    QString line = QStringLiteral("  ") + synopsis;
    if (synopsis.size() < kSynopsisWidth)
        line += QString(kSynopsisWidth - synopsis.size(), QLatin1Char(' '));
    else
        line += QLatin1Char('\n') + QString(kSynopsisWidth + 2, QLatin1Char(' '));
    line += QStringLiteral("  ") + info.summary;
    if (!info.implemented)
        line += QLatin1Char(' ') + kNotBuiltMark;
    return line + QLatin1Char('\n');
}

} // namespace

QString helpText()
{
    QString text = QStringLiteral(
        "Usage: ferry [-d|-s|-r] [-v|-q] CONFIG.ini COMMAND [ARGS...]\n"
        "       ferry --help | --version | --ini\n"
        "\n"
        "Trigger/queue-based logical replication for PostgreSQL, in the way of londiste3.\n"
        "\n"
        "Options:\n"
        "  -d             run as a daemon in the background (pidfile from CONFIG.ini)\n"
        "  -s             stop the daemon running for CONFIG.ini\n"
        "  -r             make the daemon running for CONFIG.ini reload its config\n"
        "  -v             verbose output\n"
        "  -q             quiet: print errors only\n"
        "  -h, --help     show this help and exit\n"
        "  -V, --version  show the versions and where the SQL scripts are, and exit\n"
        "  --ini          print a commented CONFIG.ini template and exit\n"
        "\n"
        "Commands:\n");

    bool anyNotBuilt = false;
    for (const CommandInfo &info : commandTable()) {
        text += commandLine(info);
        anyNotBuilt = anyNotBuilt || !info.implemented;
    }
    if (anyNotBuilt) {
        text += QStringLiteral(
                    "\nCommands marked %1 are planned; running one exits with status 1.\n")
                    .arg(kNotBuiltMark);
    }

    text += QStringLiteral(
        "\n"
        "Exit status:\n"
        "  0  success\n"
        "  1  failure; a one-line reason is printed on stderr\n"
        "  2  usage error: unknown option or command, missing CONFIG.ini or COMMAND\n");
    return text;
}

QString versionText()
{
    QString text = QStringLiteral("ferry %1\nlibpq %2, Qt %3\n")
                       .arg(version(), libpqVersion(), QString::fromLatin1(qVersion()));
    const SqlScriptFolder sql = findSqlScriptFolder();
    if (sql.path.isEmpty())
        text += QStringLiteral("SQL scripts: built in (no copy to read found beside ferry)\n");
    else if (sql.differing.isEmpty())
        text += QStringLiteral("SQL scripts: %1 (the ones built in)\n").arg(sql.path);
    else
        text += QStringLiteral("SQL scripts: %1 (not the ones built in: %2; ferry installs "
                               "the ones built in)\n")
                    .arg(sql.path, sql.differing.join(QStringLiteral(", ")));
    return text;
}

} // namespace ferry::cli
