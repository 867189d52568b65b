#include "comparesessions.h"

namespace ferry {

Result<Connection> openCompareNode(const ConnectionString &db,
                                   const QString &queue,
                                   const QString &rootMessage,
                                   NodeInfo &info)
{
    auto node = Connection::open(db);
    if (!node)
        return node.error();
    auto found = requireNode(*node, queue);
    if (!found)
        return found.error();
    if (found->type == NodeType::Root)
        return Error(ErrorKind::Usage, QString(rootMessage).arg(found->name, queue));
    info = *found;
    return node;
}

Result<CompareSessions>
openCompareSessions(const ConnectionString &db, const QString &queue, const QString &rootMessage)
{
    CompareSessions s;
    auto node = openCompareNode(db, queue, rootMessage, s.info);
    if (!node)
        return node.error();
    s.node.emplace(std::move(node.value()));
    for (std::optional<Connection> *c : {&s.lock, &s.provider}) {
        auto opened = connectToProvider(s.info);
        if (!opened)
            return opened.error();
        c->emplace(std::move(opened.value()));
    }
    auto tables = TableRegistry(*s.node, s.info).list();
    if (!tables)
        return tables.error();
    s.tables = *tables;
    return s;
}

} // namespace ferry
