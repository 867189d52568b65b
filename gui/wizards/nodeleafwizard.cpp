#include "wizards/nodeleafwizard.h"

#include "wizards/nodeworkerpage.h"
#include "wizards/providerpage.h"

namespace ferry::gui {

NewLeafWizard::NewLeafWizard(LocalStore *store,
                             const QList<KnownNode> &nodes,
                             QWidget *parent,
                             WorkerRegistry *registry)
    : NodeWizard(NodeKind::Leaf, store, parent)
{
    setObjectName(QStringLiteral("newLeafWizard"));
    setWindowTitle(tr("New Leaf"));
    m_providerPage = new ProviderPage(nodes, this);
    setPage(ProviderPageId, m_providerPage);
    addNodePages();
    if (auto *worker = qobject_cast<NodeWorkerPage *>(page(WorkerPageId)))
        worker->setRegistry(registry);
}

NewLeafWizard *
NewLeafWizard::open(QWidget *parent, LocalStore *store, const QList<KnownNode> &nodes)
{
    auto *wizard = new NewLeafWizard(store, nodes, parent);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->QWizard::open();
    return wizard;
}

} // namespace ferry::gui
