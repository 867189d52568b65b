// The main window's side of the setup wizards: New Root, Add Leaf and Add
// Tables open over the live cascade (shown with open(), so it keeps
// refreshing), with the open cascade's nodes as they are reached for status.
#include "app/mainwindow.h"
#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadeview.h"
#include "common/dialoggeometry.h"
#include "wizards/addtableswizard.h"
#include "wizards/nodeleafwizard.h"
#include "wizards/noderootwizard.h"

#include <QStatusBar>
#include <QTabWidget>

namespace ferry::gui {

namespace {

constexpr int kWizardMessageMs = 8000;

} // namespace

void MainWindow::connectWizards()
{
    connect(this, &MainWindow::newRootRequested, this, &MainWindow::openNewRootWizard);
    connect(this, &MainWindow::addLeafRequested, this, &MainWindow::openNewLeafWizard);
    connect(this, &MainWindow::addTablesRequested, this, &MainWindow::openAddTablesWizard);
}

void MainWindow::openNewRootWizard()
{
    NewRootWizard *wizard = NewRootWizard::open(this, m_store);
    keepDialogGeometry(wizard, m_store, QStringLiteral("newRootWizard"));
    connect(wizard, &NewRootWizard::nodeCreated, this,
            [this](const QString &configPath) { openConfig(configPath); });
}

void MainWindow::openNewLeafWizard(const QString &providerNode)
{
    // The provider the user chose first, then the cascade's other nodes.
    QList<KnownNode> nodes;
    const CascadeStatus &status = m_cascadeView->model()->status();
    for (const NodeStatus &node : status.nodes) {
        auto where = m_cascadeView->nodeConnection(node);
        if (!where)
            continue;
        KnownNode known{node.name, status.queue, node.type == NodeType::Root, *where};
        if (node.name == providerNode)
            nodes.prepend(known);
        else
            nodes.append(known);
    }
    NewLeafWizard *wizard = NewLeafWizard::open(this, m_store, nodes);
    keepDialogGeometry(wizard, m_store, QStringLiteral("newLeafWizard"));
    connect(wizard, &NewLeafWizard::nodeCreated, this, [this](const QString &configPath) {
        statusBar()->showMessage(tr("Leaf created; its config is %1").arg(configPath),
                                 kWizardMessageMs);
        m_cascadeView->refreshNow();
    });
}

void MainWindow::openAddTablesWizard(const QString &nodeName)
{
    const CascadeStatus &status = m_cascadeView->model()->status();
    for (const NodeStatus &node : status.nodes) {
        if (node.name != nodeName)
            continue;
        auto where = m_cascadeView->nodeConnection(node);
        if (!where) {
            statusBar()->showMessage(where.error().toString(), kWizardMessageMs);
            return;
        }
        // Another node is reached with the open config's settings and its
        // db: the wizard's commands then name that node's own config.
        const JobConfig config = m_cascadeView->monitor()->config().withDb(*where);
        const bool own = node.name == status.localNode;
        AddTablesWizard *wizard = AddTablesWizard::open(this, config, own ? QString() : node.name);
        keepDialogGeometry(wizard, m_store, QStringLiteral("addTablesWizard"));
        // The copies start: the cascade's table list shows their progress.
        connect(wizard, &AddTablesWizard::tablesAdded, this,
                [this, nodeName](const QStringList &tables) {
                    statusBar()->showMessage(
                        tr("Tables added: %1").arg(tables.join(QStringLiteral(", "))),
                        kWizardMessageMs);
                    m_tabs->setCurrentWidget(m_cascadeView);
                    m_cascadeView->showNode(nodeName);
                    m_cascadeView->refreshNow();
                });
        return;
    }
    statusBar()->showMessage(tr("Node %1 is no longer in the cascade; press Refresh").arg(nodeName),
                             kWizardMessageMs);
}

} // namespace ferry::gui
