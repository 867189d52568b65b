#include "sequencesync.h"

#include "replication/sequenceregistry.h"
#include "replication/tableregistry.h"
#include "util/logging.h"

#include <QDateTime>

namespace ferry {

SequenceSync::SequenceSync(QString queue, int intervalMs)
    : m_queue(std::move(queue))
    , m_intervalMs(intervalMs)
{}

void SequenceSync::runIfDue(Connection &node, Connection &provider, const QString &nodeName)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now < m_nextAtMs)
        return;
    m_nextAtMs = now + m_intervalMs;
    auto r = run(node, provider, nodeName);
    if (r) {
        m_failure.clear();
        return;
    }
    // A lost session is the round's to report and retry.
    if (r.error().kind() == ErrorKind::Connection || r.error().kind() == ErrorKind::InDoubt)
        return;
    const QString text = r.error().toString();
    if (text == m_failure)
        return;
    m_failure = text;
    qCWarning(lcCore).noquote()
        << QStringLiteral("node '%1' cannot bring its sequences up to the root's values: %2 - "
                          "tried again every %3 ms; the tables go on replicating")
               .arg(nodeName, text)
               .arg(m_intervalMs);
}

Result<void> SequenceSync::run(Connection &node, Connection &provider, const QString &nodeName)
{
    auto any = node.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM ferry.node_sequence WHERE "
                                        "queue_name = $1)"),
                         {m_queue});
    if (!any)
        return any.error();
    if (!any->toBool(0, 0)) {
        m_said.clear();
        return {};
    }
    // The root's values as JSON, passed on as they came (bigint values stay exact).
    auto values = provider.exec(QStringLiteral("SELECT coalesce(pg_catalog.json_agg(v), '[]') "
                                               "FROM ferry.sequence_values($1) v"),
                                {m_queue});
    if (!values)
        return std::move(
            values.error().withContext(QStringLiteral("reading the root's sequences")));
    auto r = node.exec(
        QStringLiteral("SELECT o_seq_id, o_dest_schema, o_dest_name, o_root_value, "
                       "o_advanced, o_problem, pg_catalog.quote_ident(current_user) FROM "
                       "ferry.advance_sequences($1, $2::pg_catalog.json)"),
        {m_queue, values->text(0, 0)});
    if (!r)
        return r.error();
    QHash<int, QString> said;
    for (int i = 0; i < r->rowCount(); ++i) {
        NodeSequence s;
        s.sourceSeqId = int(r->toInt64(i, 0));
        s.destSchema = r->text(i, 1);
        s.destName = r->text(i, 2);
        s.sourceSchema = s.destSchema;
        s.sourceName = s.destName;
        if (!r->isNull(i, 3))
            s.rootValue = r->toInt64(i, 3);
        s.problem = r->text(i, 5);
        const QString name = displayTableName(node, s.destSchema, s.destName);
        if (r->toBool(i, 4))
            qCDebug(lcCore).noquote() << QStringLiteral("sequence %1 set to the root's value %2")
                                             .arg(name)
                                             .arg(*s.rootValue);
        if (s.problem.isEmpty()) {
            if (m_said.contains(s.sourceSeqId))
                qCInfo(lcCore).noquote()
                    << QStringLiteral("sequence %1 follows the root's value again").arg(name);
            continue;
        }
        const QString text = SequenceRegistry::problemText(node, s, nodeName, r->text(i, 6));
        if (m_said.value(s.sourceSeqId) != text)
            qCWarning(lcCore).noquote()
                << QStringLiteral("%1; the tables go on replicating").arg(text);
        said.insert(s.sourceSeqId, text);
    }
    m_said = said;
    return {};
}

} // namespace ferry
