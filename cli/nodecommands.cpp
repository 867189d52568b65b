#include "nodecommands.h"

#include "commandargs.h"
#include "dispatcher.h"
#include "executecommand.h"
#include "joblog.h"
#include "statusformat.h"
#include "verifycommands.h"

#include "cascade/cascadestatus.h"
#include "cascade/nodeadmin.h"
#include "replication/eventresolution.h"
#include "replication/sequenceregistry.h"
#include "replication/tableregistry.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QThread>

namespace ferry::cli {

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// One line for stderr: the error and, where the server gave one, its hint
// (Ferry's own SQL says there what to do, e.g. how to add a primary key).
int failWith(const Error &error)
{
    QString text = error.toString();
    if (!error.hint().isEmpty())
        text += QStringLiteral(" - ") + error.hint().simplified();
    return fail(text);
}

Result<ConnectionString> parseConnstr(const QString &text, const QString &what)
{
    if (text.trimmed().isEmpty())
        return Error(ErrorKind::Usage, QStringLiteral("%1 is empty: give a connection string such "
                                                      "as 'host=HOST port=PORT dbname=DB'")
                                           .arg(what));
    auto cs = ConnectionString::parse(text);
    if (!cs)
        return std::move(cs.error().withContext(what));
    return cs;
}

// What create-root and create-leaf share: the job's database, queue and
// job name, and the node's name.
NodeSetup setupFor(const CommandArgs &args, const JobConfig &config)
{
    NodeSetup setup;
    setup.db = config.db();
    setup.queue = config.queueName();
    setup.nodeName = args.positional.value(0);
    setup.workerName = config.jobName();
    return setup;
}

int createRoot(const CommandArgs &args, const JobConfig &config)
{
    NodeSetup setup = setupFor(args, config);
    if (args.positional.size() > 1) {
        auto location = parseConnstr(args.positional.at(1), QStringLiteral("CONNSTR"));
        if (!location)
            return failWith(location.error());
        setup.location = *location;
    }
    auto node = NodeAdmin::createRoot(setup);
    if (!node)
        return failWith(node.error());
    out() << QStringLiteral("Created root node '%1' of queue '%2'").arg(node->name, node->queue)
          << Qt::endl;
    return ExitSuccess;
}

int createLeaf(const CommandArgs &args, const JobConfig &config)
{
    NodeSetup setup = setupFor(args, config);
    auto location = parseConnstr(args.positional.at(1), QStringLiteral("CONNSTR"));
    if (!location)
        return failWith(location.error());
    setup.location = *location;
    auto provider
        = parseConnstr(args.value(QStringLiteral("--provider")), QStringLiteral("--provider"));
    if (!provider)
        return failWith(provider.error());
    setup.provider = *provider;
    auto node = NodeAdmin::createLeaf(setup);
    if (!node)
        return failWith(node.error());
    out() << QStringLiteral("Created leaf node '%1' of queue '%2' with provider '%3'")
                 .arg(node->name, node->queue, node->providerNode)
          << Qt::endl;
    return ExitSuccess;
}

int dropNode(const CommandArgs &args, const JobConfig &config)
{
    const QString name = args.positional.value(0);
    if (auto r = NodeAdmin::dropNode(config.db(), config.queueName(), name,
                                     args.has(QStringLiteral("--force")));
        !r)
        return failWith(r.error());
    out() << QStringLiteral("Dropped node '%1' of queue '%2'").arg(name, config.queueName())
          << Qt::endl;
    return ExitSuccess;
}

int setPaused(const JobConfig &config, bool paused)
{
    auto node = NodeAdmin::setPaused(config.db(), config.queueName(), paused);
    if (!node)
        return failWith(node.error());
    OperatorNote note;
    note.action = paused ? OperatorAction::Pause : OperatorAction::Resume;
    note.node = node->name;
    noteOperatorAction(config, note);
    out() << QStringLiteral("Node '%1' %2")
                 .arg(node->name, paused ? QStringLiteral("paused") : QStringLiteral("resumed"))
          << Qt::endl;
    return ExitSuccess;
}

// The node this job's database is, with its open connection.
struct Opened
{
    std::optional<Connection> db;
    NodeInfo node;
};

Result<Opened> openNode(const JobConfig &config)
{
    auto db = Connection::open(config.db());
    if (!db)
        return db.error();
    auto node = requireNode(*db, config.queueName());
    if (!node)
        return node.error();
    Opened o;
    o.db.emplace(std::move(db.value()));
    o.node = node.value();
    return o;
}

int members(const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    Connection *root = &*opened->db;
    std::optional<Connection> provider;
    if (opened->node.type != NodeType::Root) {
        auto c = connectToProvider(opened->node);
        if (!c)
            return failWith(c.error());
        provider.emplace(std::move(c.value()));
        root = &*provider;
    }
    auto list = loadMembers(*root, config.queueName());
    if (!list)
        return failWith(list.error());
    out() << formatMembers(opened->node, *list);
    out().flush();
    return ExitSuccess;
}

int status(const JobConfig &config)
{
    auto s = readCascadeStatus(config.db(), config.queueName());
    if (!s)
        return failWith(s.error());
    out() << formatCascadeStatus(*s);
    out().flush();
    return ExitSuccess;
}

int nodeStatus(const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    auto s = readCascadeStatus(config.db(), config.queueName());
    std::optional<NodeStatus> mine;
    if (s) {
        for (const NodeStatus &n : s->nodes) {
            if (n.name == opened->node.name)
                mine = n;
        }
    }
    out() << formatNodeStatus(opened->node, mine, s ? QString() : s.error().toString());
    out().flush();
    return ExitSuccess;
}

int addTables(const CommandArgs &args, const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    std::optional<Connection> provider;
    if (opened->node.type != NodeType::Root) {
        auto c = connectToProvider(opened->node);
        if (!c)
            return failWith(c.error());
        provider.emplace(std::move(c.value()));
    }
    TableRegistry registry(*opened->db, opened->node);
    AddTableOptions options;
    options.destTable = args.value(QStringLiteral("--dest-table"));
    options.create = args.has(QStringLiteral("--create"));
    options.createFull = args.has(QStringLiteral("--create-full"));
    options.expectSync = args.has(QStringLiteral("--expect-sync"));
    options.skipTruncate = args.has(QStringLiteral("--skip-truncate"));
    options.condition = args.value(QStringLiteral("--copy-condition"));
    if (args.has(QStringLiteral("--copy-condition")) && options.condition.trimmed().isEmpty())
        return usageError(
            Error(ErrorKind::Usage, QStringLiteral("--copy-condition needs an expression "
                                                   "(--copy-condition='userid < 1000')")));
    if (args.has(QStringLiteral("--columns"))) {
        options.columns = args.value(QStringLiteral("--columns")).split(QLatin1Char(','));
        if (args.value(QStringLiteral("--columns")).trimmed().isEmpty())
            return usageError(
                Error(ErrorKind::Usage, QStringLiteral("--columns needs column names "
                                                       "(--columns=userid,engname)")));
    }
    if (args.has(QStringLiteral("--dest-table")) && options.destTable.isEmpty())
        return usageError(
            Error(ErrorKind::Usage, QStringLiteral("--dest-table needs SCHEMA.TABLE "
                                                   "(--dest-table=digoal_02.user_info1)")));
    auto outcome = registry.add(args.positional, args.has(QStringLiteral("--all")),
                                provider ? &*provider : nullptr, options);
    if (!outcome)
        return failWith(outcome.error());
    for (const QString &t : outcome->added)
        out() << QStringLiteral("Table added: %1").arg(t) << Qt::endl;
    for (const QString &t : outcome->already)
        out() << QStringLiteral("Table already added: %1").arg(t) << Qt::endl;
    for (const QString &t : outcome->skipped)
        err() << QStringLiteral("ferry: warning: skipped %1").arg(t) << Qt::endl;
    return ExitSuccess;
}

// remove-table and resync: one registry call on the named tables, then a
// line per table it changed.
int onTables(const CommandArgs &args,
             const JobConfig &config,
             Result<QStringList> (TableRegistry::*call)(const QStringList &),
             const QString &line)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    TableRegistry registry(*opened->db, opened->node);
    auto done = (registry.*call)(args.positional);
    if (!done)
        return failWith(done.error());
    for (const QString &t : *done)
        out() << line.arg(t) << Qt::endl;
    return ExitSuccess;
}

// `wait-sync [--timeout=SECONDS]`: returns once every table of the node is
// ok (0), or fails naming the table in error (1), or when the timeout passed
// (1). A lost connection is waited out like the tables are.
int waitSync(const CommandArgs &args, const JobConfig &config)
{
    int timeoutSeconds = 0; // 0: as long as it takes
    if (args.has(QStringLiteral("--timeout"))) {
        bool ok = false;
        timeoutSeconds = args.value(QStringLiteral("--timeout")).toInt(&ok);
        if (!ok || timeoutSeconds <= 0)
            return usageError(Error(ErrorKind::Usage,
                                    QStringLiteral("--timeout needs a number of seconds above 0 "
                                                   "(--timeout=600)")));
    }
    QElapsedTimer elapsed;
    elapsed.start();
    QString said;
    // One session while it works; a new one only after it was lost.
    std::optional<Opened> opened;
    while (true) {
        Result<QList<NodeTable>> tables = Error(ErrorKind::Internal, QString());
        if (!opened) {
            if (auto o = openNode(config))
                opened.emplace(std::move(o.value()));
            else
                tables = o.error();
        }
        if (opened)
            tables = TableRegistry(*opened->db, opened->node).list();
        if (!tables && tables.error().kind() != ErrorKind::Connection)
            return failWith(tables.error());
        if (!tables)
            opened.reset();
        QString now;
        if (tables) {
            QStringList waiting;
            for (const NodeTable &t : *tables) {
                const QString name = displayTableName(*opened->db, t.destSchema, t.destName);
                if (!t.lastError.isEmpty())
                    return failWith(Error(ErrorKind::Data,
                                          QStringLiteral("table %1 is in error: %2 (see `tables` "
                                                         "and the worker's log)")
                                              .arg(name, t.lastError)));
                if (t.mergeState != QLatin1String("ok"))
                    waiting.append(QStringLiteral("%1 (%2)").arg(name, t.mergeState));
            }
            if (waiting.isEmpty()) {
                out() << (tables->size() == 1
                              ? QStringLiteral("The table is in sync.")
                              : QStringLiteral("All %1 tables are in sync.").arg(tables->size()))
                      << Qt::endl;
                return ExitSuccess;
            }
            now = QStringLiteral("waiting for %1").arg(waiting.join(QStringLiteral(", ")));
        } else {
            now = QStringLiteral("cannot read the node: %1 - trying again")
                      .arg(tables.error().toString());
        }
        if (now != said) {
            err() << QStringLiteral("ferry: %1").arg(now) << Qt::endl; // progress, not output
            said = now;
        }
        if (timeoutSeconds > 0 && elapsed.elapsed() >= qint64(timeoutSeconds) * 1000)
            return failWith(
                Error(ErrorKind::Usage,
                      QStringLiteral("not in sync after %1 s: %2").arg(timeoutSeconds).arg(now)));
        QThread::msleep(1000);
    }
}

int listTables(const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    TableRegistry registry(*opened->db, opened->node);
    auto tables = registry.list();
    if (!tables)
        return failWith(tables.error());
    // The copies running now, with the provider's estimate of their rows
    // where it answers (progress without a total otherwise).
    auto copies = readCopyProgress(*opened->db, *tables);
    if (!copies)
        return failWith(copies.error());
    if (!copies->isEmpty()) {
        if (auto provider = connectToProvider(opened->node))
            (void)estimateCopyTotals(*provider, *copies);
    }
    out() << formatTables(*opened->db, *tables, *copies);
    out().flush();
    return ExitSuccess;
}

int addSequences(const CommandArgs &args, const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    std::optional<Connection> provider;
    if (opened->node.type != NodeType::Root) {
        auto c = connectToProvider(opened->node);
        if (!c)
            return failWith(c.error());
        provider.emplace(std::move(c.value()));
    }
    SequenceRegistry registry(*opened->db, opened->node);
    auto outcome = registry.add(args.positional, args.has(QStringLiteral("--all")),
                                provider ? &*provider : nullptr);
    if (!outcome)
        return failWith(outcome.error());
    for (const QString &s : outcome->added)
        out() << QStringLiteral("Sequence added: %1").arg(s) << Qt::endl;
    for (const QString &s : outcome->already)
        out() << QStringLiteral("Sequence already added: %1").arg(s) << Qt::endl;
    for (const QString &s : outcome->skipped)
        err() << QStringLiteral("ferry: warning: skipped %1").arg(s) << Qt::endl;
    return ExitSuccess;
}

int removeSequences(const CommandArgs &args, const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    auto removed = SequenceRegistry(*opened->db, opened->node).remove(args.positional);
    if (!removed)
        return failWith(removed.error());
    for (const QString &s : *removed)
        out() << QStringLiteral("Sequence removed: %1").arg(s) << Qt::endl;
    return ExitSuccess;
}

int listSequences(const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    auto sequences = SequenceRegistry(*opened->db, opened->node).list();
    if (!sequences)
        return failWith(sequences.error());
    auto role = opened->db->exec(QStringLiteral("SELECT pg_catalog.quote_ident(current_user)"));
    out() << formatSequences(*opened->db, opened->node, *sequences,
                             role ? role->text(0, 0) : QString());
    out().flush();
    return ExitSuccess;
}

Result<qint64> eventIdArgument(const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        return Error(ErrorKind::Usage,
                     QStringLiteral("'%1' is not an event id: give the number `ferry CONFIG.ini "
                                    "status` shows after \"event\"")
                         .arg(text));
    return id;
}

// What skip-event and replace-event print: the event, and that the worker
// was told.
int fixed(const Result<EventFix> &fix, Opened &opened)
{
    if (!fix)
        return failWith(fix.error());
    QString what = QStringLiteral("%1 %2").arg(EventResolution::opName(fix->op), fix->table);
    if (!fix->key.isEmpty())
        what += QStringLiteral(" key ") + fix->key;
    out() << QStringLiteral("%1 event %2 (%3) on node '%4'")
                 .arg(fix->replaced ? QStringLiteral("Replaced") : QStringLiteral("Skipped"))
                 .arg(fix->eventId)
                 .arg(what, opened.node.name)
          << Qt::endl;
    auto running = EventResolution(*opened.db, opened.node).workerRunning();
    if (running && !*running)
        out() << QStringLiteral("No worker runs for node '%1': the worker applies it when it "
                                "starts (ferry -d CONFIG.ini worker)")
                     .arg(opened.node.name)
              << Qt::endl;
    return ExitSuccess;
}

int skipEvent(const CommandArgs &args, const JobConfig &config)
{
    std::optional<qint64> id;
    if (!args.positional.isEmpty()) {
        auto given = eventIdArgument(args.positional.at(0));
        if (!given)
            return usageError(given.error());
        id = *given;
    }
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    return fixed(EventResolution(*opened->db, opened->node).skip(id), *opened);
}

int replaceEvent(const CommandArgs &args, const JobConfig &config)
{
    auto id = eventIdArgument(args.positional.at(0));
    if (!id)
        return usageError(id.error());
    const QString path = args.positional.at(1);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QString sql = QString::fromUtf8(file.readAll());
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    return fixed(EventResolution(*opened->db, opened->node).replace(*id, sql), *opened);
}

int retry(const JobConfig &config)
{
    auto opened = openNode(config);
    if (!opened)
        return failWith(opened.error());
    auto running = EventResolution(*opened->db, opened->node).retry();
    if (!running)
        return failWith(running.error());
    if (*running)
        out() << QStringLiteral("Asked the worker of node '%1' to try again now")
                     .arg(opened->node.name)
              << Qt::endl;
    else
        out() << QStringLiteral("No worker runs for node '%1': start it (ferry -d CONFIG.ini "
                                "worker)")
                     .arg(opened->node.name)
              << Qt::endl;
    return ExitSuccess;
}

struct Entry
{
    const char *name;
    ArgsSpec spec;
};

const QList<Entry> &entries()
{
    static const QList<Entry> list = {
        {"create-root", {{}, {}, 1, 2, QStringLiteral("NAME [CONNSTR]")}},
        {"create-leaf",
         {{QStringLiteral("--provider")},
          {},
          2,
          2,
          QStringLiteral("NAME CONNSTR --provider=CONNSTR")}},
        {"drop-node", {{}, {QStringLiteral("--force")}, 1, 1, QStringLiteral("NAME [--force]")}},
        {"pause", {{}, {}, 0, 0, {}}},
        {"resume", {{}, {}, 0, 0, {}}},
        {"members", {{}, {}, 0, 0, {}}},
        {"status", {{}, {}, 0, 0, {}}},
        {"node-status", {{}, {}, 0, 0, {}}},
        {"add-table",
         {{QStringLiteral("--dest-table"), QStringLiteral("--copy-condition"),
           QStringLiteral("--columns")},
          {QStringLiteral("--all"), QStringLiteral("--create"), QStringLiteral("--create-full"),
           QStringLiteral("--expect-sync"), QStringLiteral("--skip-truncate")},
          0,
          -1,
          QStringLiteral("TABLE... | --all [--dest-table=SCHEMA.TABLE] [--copy-condition=SQL] "
                         "[--columns=a,b,c] [--create | --create-full] [--expect-sync] "
                         "[--skip-truncate]")}},
        {"remove-table", {{}, {}, 1, -1, QStringLiteral("TABLE...")}},
        {"resync", {{}, {}, 1, -1, QStringLiteral("TABLE...")}},
        {"tables", {{}, {}, 0, 0, {}}},
        {"compare",
         {{QStringLiteral("--wait"), QStringLiteral("--lock-timeout")},
          {QStringLiteral("--details"), QStringLiteral("--json")},
          0,
          -1,
          QStringLiteral("[TABLE...] [--wait=SECONDS] [--lock-timeout=SECONDS] [--details] "
                         "[--json]")}},
        {"repair",
         {{QStringLiteral("--wait"), QStringLiteral("--lock-timeout")},
          {QStringLiteral("--dry-run")},
          0,
          -1,
          QStringLiteral("[TABLE...] [--dry-run] [--wait=SECONDS] [--lock-timeout=SECONDS]")}},
        {"add-seq", {{}, {QStringLiteral("--all")}, 0, -1, QStringLiteral("SEQ... | --all")}},
        {"remove-seq", {{}, {}, 1, -1, QStringLiteral("SEQ...")}},
        {"seqs", {{}, {}, 0, 0, {}}},
        {"execute",
         {{},
          {QStringLiteral("--force"), QStringLiteral("--dry-run")},
          1,
          -1,
          QStringLiteral("FILE... [--force] [--dry-run]")}},
        {"wait-sync",
         {{QStringLiteral("--timeout")}, {}, 0, 0, QStringLiteral("[--timeout=SECONDS]")}},
        {"skip-event", {{}, {}, 0, 1, QStringLiteral("[EVENT_ID]")}},
        {"replace-event", {{}, {}, 2, 2, QStringLiteral("EVENT_ID FILE")}},
        {"retry", {{}, {}, 0, 0, {}}},
    };
    return list;
}

} // namespace

bool isNodeCommand(const QString &command)
{
    for (const Entry &e : entries()) {
        if (command == QLatin1String(e.name))
            return true;
    }
    return false;
}

int runNodeCommand(const CommandLine &line, const JobConfig &config)
{
    const Entry *entry = nullptr;
    for (const Entry &e : entries()) {
        if (line.command == QLatin1String(e.name))
            entry = &e;
    }
    Q_ASSERT(entry);
    auto args = parseCommandArgs(line.command, line.commandArgs, entry->spec);
    if (!args)
        return usageError(args.error());
    if (line.command == QLatin1String("create-leaf") && !args->has(QStringLiteral("--provider")))
        return usageError(Error(ErrorKind::Usage,
                                QStringLiteral("create-leaf needs --provider=CONNSTR (usage: ferry "
                                               "CONFIG.ini create-leaf NAME CONNSTR "
                                               "--provider=CONNSTR)")));
    const QString &c = line.command;
    if (c == QLatin1String("create-root"))
        return createRoot(*args, config);
    if (c == QLatin1String("create-leaf"))
        return createLeaf(*args, config);
    if (c == QLatin1String("drop-node"))
        return dropNode(*args, config);
    if (c == QLatin1String("pause") || c == QLatin1String("resume"))
        return setPaused(config, c == QLatin1String("pause"));
    if (c == QLatin1String("members"))
        return members(config);
    if (c == QLatin1String("status"))
        return status(config);
    if (c == QLatin1String("node-status"))
        return nodeStatus(config);
    if (c == QLatin1String("add-table"))
        return addTables(*args, config);
    if (c == QLatin1String("remove-table"))
        return onTables(*args, config, &TableRegistry::remove, QStringLiteral("Table removed: %1"));
    if (c == QLatin1String("resync"))
        return onTables(*args, config, &TableRegistry::resync,
                        QStringLiteral("Table to copy again: %1"));
    if (c == QLatin1String("wait-sync"))
        return waitSync(*args, config);
    if (c == QLatin1String("compare"))
        return compareTables(*args, config);
    if (c == QLatin1String("repair"))
        return repairTables(*args, config);
    if (c == QLatin1String("add-seq"))
        return addSequences(*args, config);
    if (c == QLatin1String("remove-seq"))
        return removeSequences(*args, config);
    if (c == QLatin1String("execute"))
        return executeScripts(*args, config);
    if (c == QLatin1String("seqs"))
        return listSequences(config);
    if (c == QLatin1String("skip-event"))
        return skipEvent(*args, config);
    if (c == QLatin1String("replace-event"))
        return replaceEvent(*args, config);
    if (c == QLatin1String("retry"))
        return retry(config);
    return listTables(config);
}

} // namespace ferry::cli
