#include "wizards/noderootwizard.h"

#include "wizards/nodeworkerpage.h"

namespace ferry::gui {

NewRootWizard::NewRootWizard(LocalStore *store, QWidget *parent, WorkerRegistry *registry)
    : NodeWizard(NodeKind::Root, store, parent)
{
    setObjectName(QStringLiteral("newRootWizard"));
    setWindowTitle(tr("New Root"));
    addNodePages();
    if (auto *worker = qobject_cast<NodeWorkerPage *>(page(WorkerPageId)))
        worker->setRegistry(registry);
}

NewRootWizard *NewRootWizard::open(QWidget *parent, LocalStore *store)
{
    auto *wizard = new NewRootWizard(store, parent);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->QWizard::open();
    return wizard;
}

} // namespace ferry::gui
