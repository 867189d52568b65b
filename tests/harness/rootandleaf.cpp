#include "rootandleaf.h"

#include "cascade/nodeadmin.h"
#include "queue/queueadmin.h"

namespace ferry::test {

Result<RootAndLeaf>
createRootAndLeaf(const QString &rootDb, const QString &leafDb, const RootAndLeafNames &names)
{
    auto rootWhere = ConnectionString::parse(rootDb);
    if (!rootWhere)
        return rootWhere.error();
    auto leafWhere = ConnectionString::parse(leafDb);
    if (!leafWhere)
        return leafWhere.error();
    NodeSetup rootSetup;
    rootSetup.db = *rootWhere;
    rootSetup.queue = names.queue;
    rootSetup.nodeName = names.rootNode;
    rootSetup.workerName = names.rootJob;
    auto root = NodeAdmin::createRoot(rootSetup);
    if (!root)
        return root.error();
    auto rootConnection = Connection::open(*rootWhere);
    if (!rootConnection)
        return rootConnection.error();
    if (auto r
        = QueueAdmin(*rootConnection)
              .setQueueConfig(names.queue, QStringLiteral("idle_period"), QStringLiteral("500 ms"));
        !r)
        return r.error();
    NodeSetup leafSetup;
    leafSetup.db = *leafWhere;
    leafSetup.queue = names.queue;
    leafSetup.nodeName = names.leafNode;
    leafSetup.workerName = names.leafJob;
    leafSetup.location = leafSetup.db;
    leafSetup.provider = rootSetup.db;
    auto leaf = NodeAdmin::createLeaf(leafSetup);
    if (!leaf)
        return leaf.error();
    return RootAndLeaf{*root, *leaf};
}

} // namespace ferry::test
