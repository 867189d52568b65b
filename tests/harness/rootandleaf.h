#pragma once

#include "cascade/node.h"
#include "util/result.h"

#include <QString>

namespace ferry::test {

struct RootAndLeafNames
{
    QString queue;
    QString rootNode;
    QString rootJob;
    QString leafNode;
    QString leafJob;
};

struct RootAndLeaf
{
    NodeInfo root;
    NodeInfo leaf;
};

// Makes `rootDb` the root of `names.queue` and `leafDb` its leaf (located at
// `leafDb`), as create-root and create-leaf do. The root's ticker also ticks
// an idle queue every 500 ms, so a copied table turns ok promptly (the
// default idle_period is 60 s). Adding tables is left to the test.
Result<RootAndLeaf>
createRootAndLeaf(const QString &rootDb, const QString &leafDb, const RootAndLeafNames &names);

} // namespace ferry::test
