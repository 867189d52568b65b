#include "compare/comparerunner.h"

#include "cascade/node.h"
#include "db/connectgate.h"
#include "replication/tableregistry.h"
#include "verify/comparesessions.h"

#include <QCoreApplication>

namespace ferry::gui {

namespace {

// The runner's words, in the user's language.
class CompareRunner
{
    Q_DECLARE_TR_FUNCTIONS(ferry::gui::CompareRunner)
};

QString keyOf(const NodeTable &t)
{
    return t.sourceSchema + QLatin1Char('.') + t.sourceName;
}

QString rootMessage()
{
    return CompareRunner::tr("%1 is the root of queue %2 and has no provider to compare with: "
                             "choose one of its leaves");
}

Result<Connection> openNode(const CompareTarget &target, NodeInfo &info)
{
    return openCompareNode(target.db, target.queue, rootMessage(), info);
}

Result<CompareSessions> openSessions(const CompareTarget &target)
{
    return openCompareSessions(target.db, target.queue, rootMessage());
}

// An error after which the node's other tables cannot be compared either.
bool stopsTheRun(const Error &e)
{
    switch (e.kind()) {
    case ErrorKind::Connection:
    case ErrorKind::Auth:
    case ErrorKind::InDoubt:
    case ErrorKind::Canceled: // the node does not catch up; or the user canceled
        return true;
    default:
        return false;
    }
}

} // namespace

CompareTablesReply readCompareTables(const CompareTarget &target, quint64 token)
{
    const ConnectGate::Scope gated;
    CompareTablesReply reply;
    reply.token = token;
    auto node = openNode(target, reply.info);
    if (!node) {
        reply.error = node.error().toString();
        return reply;
    }
    TableRegistry registry(*node, reply.info);
    auto tables = registry.list();
    if (!tables) {
        reply.error = tables.error().toString();
        return reply;
    }
    for (const NodeTable &t : std::as_const(*tables)) {
        CompareTable row;
        row.table = t;
        row.key = keyOf(t);
        row.name = displayTableName(*node, t.sourceSchema, t.sourceName);
        const QString dest = displayTableName(*node, t.destSchema, t.destName);
        if (dest != row.name)
            row.destination = dest;
        reply.tables.append(row);
    }
    reply.ok = true;
    return reply;
}

void CompareControl::cancel()
{
    m_canceled = true;
    QMutexLocker locker(&m_mutex);
    if (m_comparer)
        m_comparer->cancel();
}

void CompareControl::attach(TableComparer *comparer)
{
    QMutexLocker locker(&m_mutex);
    m_comparer = comparer;
    if (m_canceled)
        comparer->cancel();
}

void CompareControl::detach()
{
    QMutexLocker locker(&m_mutex);
    m_comparer = nullptr;
}

CompareRunEnd runCompare(const CompareRequest &request,
                         CompareControl &control,
                         const CompareCallbacks &callbacks)
{
    const ConnectGate::Scope gated;
    CompareRunEnd end;
    const auto notRun = [&](const QString &key, const QString &why) {
        CompareTableOutcome outcome;
        outcome.notRun = true;
        outcome.error = why;
        callbacks.done(key, outcome);
    };
    const auto canceled = [&]() {
        end.canceled = true;
        for (const QString &key : request.keys)
            notRun(key, CompareRunner::tr("canceled"));
        return end;
    };
    if (control.canceled())
        return canceled();
    auto s = openSessions(request.target);
    if (!s) {
        end.error = s.error().toString();
        return end;
    }
    end.info = s->info;
    if (control.canceled())
        return canceled();

    TableComparer comparer(*s->lock, *s->provider, *s->node, s->info, request.options);
    control.attach(&comparer);
    QString stoppedBy; // the table whose error ended the run
    for (const QString &key : request.keys) {
        if (control.canceled()) {
            end.canceled = true;
            notRun(key, CompareRunner::tr("canceled"));
            continue;
        }
        if (!stoppedBy.isEmpty()) {
            notRun(key, CompareRunner::tr("the run stopped at the error of %1").arg(stoppedBy));
            continue;
        }
        const auto table = std::find_if(s->tables.cbegin(), s->tables.cend(),
                                        [&key](const NodeTable &t) { return keyOf(t) == key; });
        if (table == s->tables.cend()) {
            CompareTableOutcome outcome;
            outcome.error
                = CompareRunner::tr("node %1 no longer replicates this table").arg(s->info.name);
            callbacks.done(key, outcome);
            continue;
        }
        callbacks.started(key);
        comparer.setProgress(
            [&callbacks, &key](ComparePhase phase) { callbacks.phase(key, phase); });
        auto compared = comparer.compare(*table);
        CompareTableOutcome outcome;
        if (compared) {
            outcome.comparison = *compared;
        } else if (control.canceled()) {
            end.canceled = true;
            outcome.notRun = true;
            outcome.error = CompareRunner::tr("canceled");
        } else {
            outcome.error = compared.error().toString();
            if (stopsTheRun(compared.error()))
                stoppedBy = displayTableName(*s->node, table->sourceSchema, table->sourceName);
        }
        callbacks.done(key, outcome);
    }
    control.detach();
    return end;
}

RepairReply runRepair(const RepairRequest &request)
{
    const ConnectGate::Scope gated;
    RepairReply reply;
    auto s = openSessions(request.target);
    if (!s) {
        reply.error = s.error().toString();
        return reply;
    }
    const auto table
        = std::find_if(s->tables.cbegin(), s->tables.cend(),
                       [&request](const NodeTable &t) { return keyOf(t) == request.key; });
    if (table == s->tables.cend()) {
        reply.error
            = CompareRunner::tr("node %1 no longer replicates %2").arg(s->info.name, request.key);
        return reply;
    }
    TableRepairer repairer(*s->lock, *s->provider, *s->node, s->info, request.options);
    auto outcome = repairer.repair(*table, request.dryRun);
    if (!outcome) {
        reply.error = outcome.error().toString();
        return reply;
    }
    reply.ok = true;
    reply.outcome = *outcome;
    return reply;
}

} // namespace ferry::gui
