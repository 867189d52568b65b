#include "cascade/cascadeactions.h"

#include "cascade/cascademodel.h"
#include "cascade/cascademonitor.h"
#include "cascade/cascadereader.h"
#include "cascade/cascadeview.h"
#include "cascade/nodeadmin.h"
#include "cascade/nodedetailwidget.h"
#include "common/asynctask.h"
#include "common/connectadvice.h"
#include "common/loginadvice.h"
#include "common/messagebox.h"
#include "db/connectgate.h"
#include "db/connection.h"
#include "replication/tableregistry.h"
#include "util/operatorlog.h"

#include <QAction>
#include <QIcon>
#include <QItemSelectionModel>
#include <QMenu>
#include <QPushButton>
#include <QTreeView>
#include <QTreeWidget>

// The action icons live in gui/resources/actions.qrc, linked into a static
// library: registered once by name.
static void initActionIcons()
{
    Q_INIT_RESOURCE(actions);
}

namespace ferry::gui {

namespace {

// The CLI's remove-table and resync (cli/nodecommands.cpp onTables): one
// registry call on the chosen tables of the node at `db`.
auto onTables(const QStringList &tables,
              Result<QStringList> (TableRegistry::*call)(const QStringList &))
{
    return [tables, call](const ConnectionString &db, const QString &queue) -> Result<void> {
        auto c = Connection::open(db);
        if (!c)
            return c.error();
        auto info = requireNode(*c, queue);
        if (!info)
            return info.error();
        TableRegistry registry(*c, *info);
        if (auto done = (registry.*call)(tables); !done)
            return done.error();
        return {};
    };
}

bool isPaused(const NodeStatus &node)
{
    return node.warnings.contains(QStringLiteral("paused"));
}

// The root's status row: the cascade's first node of type root.
const NodeStatus *rootOf(const CascadeStatus &status)
{
    for (const NodeStatus &n : status.nodes) {
        if (n.type == NodeType::Root)
            return &n;
    }
    return nullptr;
}

// A table list as the boxes show it: one name per line.
QString lines(const QStringList &items)
{
    return items.join(QLatin1Char('\n'));
}

} // namespace

CascadeActions::CascadeActions(CascadeView *view, QWidget *window)
    : QObject(window)
    , m_view(view)
    , m_window(window)
{
    initActionIcons();
    setObjectName(QStringLiteral("cascadeActions"));

    m_newRoot = makeAction("actionNewRoot", "new-root");
    m_newRoot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(m_newRoot, &QAction::triggered, this, &CascadeActions::newRootRequested);
    m_addLeaf = makeAction("actionAddLeaf", "add-leaf");
    m_addLeaf->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_addLeaf, &QAction::triggered, this, [this] {
        if (const QString node = currentNode(); !node.isEmpty())
            emit addLeafRequested(node);
    });
    m_addTables = makeAction("actionAddTables", "add-tables");
    m_addTables->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(m_addTables, &QAction::triggered, this, [this] {
        if (const QString node = currentNode(); !node.isEmpty())
            emit addTablesRequested(node);
    });
    m_removeTables = makeAction("actionRemoveTables", "remove-tables");
    m_removeTables->setShortcut(QKeySequence::Delete);
    // Delete only where the tables are: never a key press in another page.
    m_removeTables->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->detail()->tableList()->addAction(m_removeTables);
    connect(m_removeTables, &QAction::triggered, this, &CascadeActions::removeTables);
    m_resyncTables = makeAction("actionResyncTables", "resync-tables");
    connect(m_resyncTables, &QAction::triggered, this, &CascadeActions::resyncTables);
    m_pause = makeAction("actionPauseNode", "pause");
    connect(m_pause, &QAction::triggered, this, [this] { setPaused(true); });
    m_resume = makeAction("actionResumeNode", "resume");
    connect(m_resume, &QAction::triggered, this, [this] { setPaused(false); });
    m_dropNode = makeAction("actionDropNode", "drop-node");
    connect(m_dropNode, &QAction::triggered, this, &CascadeActions::dropNode);

    QTreeView *tree = m_view->tree();
    tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree, &QWidget::customContextMenuRequested, this, &CascadeActions::showNodeMenu);
    QTreeWidget *tables = m_view->detail()->tableList();
    connect(tables, &QWidget::customContextMenuRequested, this, &CascadeActions::showTablesMenu);
    connect(m_view->detail(), &NodeDetailWidget::tableSelectionChanged, this,
            &CascadeActions::updateEnabled);
    connect(tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CascadeActions::updateEnabled);
    // A status read may change a node's type, pause or members.
    connect(m_view->monitor(), &CascadeMonitor::statusRead, this, &CascadeActions::updateEnabled,
            Qt::QueuedConnection);
    connect(m_view->model(), &QAbstractItemModel::modelReset, this, &CascadeActions::updateEnabled);

    retranslateUi();
    updateEnabled(); // nothing open yet: New Root only
}

QAction *CascadeActions::makeAction(const char *objectName, const char *icon)
{
    auto *action = new QAction(this);
    action->setObjectName(QLatin1String(objectName));
    action->setIcon(QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(icon))));
    return action;
}

const NodeStatus *CascadeActions::current() const
{
    if (!m_view->isOpen())
        return nullptr;
    return m_view->model()->node(m_view->tree()->currentIndex());
}

QString CascadeActions::currentNode() const
{
    const NodeStatus *node = current();
    return node ? node->name : QString();
}

void CascadeActions::updateEnabled()
{
    const NodeStatus *node = current();
    const bool idle = !m_busy;
    const bool leaf = node && node->type == NodeType::Leaf;
    // The detail pane shows the current node's tables once they were read.
    const bool tablesChosen = leaf && m_view->detail()->nodeName() == node->name
                              && !m_view->detail()->selectedTables().isEmpty();
    // A leaf's provider is the root: Ferry builds no branches.
    const bool root = node && node->type == NodeType::Root;
    m_addLeaf->setEnabled(root);
    const QString leafTip = node && !root
                                ? tr("A leaf's provider is the root: select the root to add a leaf")
                                : tr("Add a leaf node that replicates from the selected root");
    m_addLeaf->setToolTip(leafTip);
    m_addLeaf->setStatusTip(leafTip);
    m_addTables->setEnabled(node != nullptr);
    m_removeTables->setEnabled(idle && tablesChosen && node->reachable);
    m_resyncTables->setEnabled(idle && tablesChosen && node->reachable);
    // A root applies nothing: there is nothing to pause.
    const bool pausable = node && node->type != NodeType::Root && node->reachable;
    m_pause->setEnabled(idle && pausable && !isPaused(*node));
    m_resume->setEnabled(idle && pausable && isPaused(*node));
    const bool lonelyRoot = node && node->type == NodeType::Root
                            && m_view->model()->status().nodes.size() == 1 && node->reachable;
    m_dropNode->setEnabled(idle && (leaf || lonelyRoot));
}

void CascadeActions::showNodeMenu(const QPoint &pos)
{
    QTreeView *tree = m_view->tree();
    const QModelIndex index = tree->indexAt(pos);
    if (index.isValid())
        tree->setCurrentIndex(index); // the menu acts on the node under the mouse
    updateEnabled();
    auto *menu = new QMenu(tree);
    menu->setObjectName(QStringLiteral("cascadeNodeMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_addLeaf);
    menu->addAction(m_addTables);
    menu->addSeparator();
    menu->addAction(m_pause);
    menu->addAction(m_resume);
    menu->addSeparator();
    menu->addAction(m_dropNode);
    menu->popup(tree->viewport()->mapToGlobal(pos)); // not exec(): the cascade keeps refreshing
}

void CascadeActions::showTablesMenu(const QPoint &pos)
{
    QTreeWidget *tables = m_view->detail()->tableList();
    if (QTreeWidgetItem *item = tables->itemAt(pos); item && !item->isSelected()) {
        tables->clearSelection();
        item->setSelected(true);
    }
    updateEnabled();
    auto *menu = new QMenu(tables);
    menu->setObjectName(QStringLiteral("nodeTablesMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_resyncTables);
    menu->addAction(m_removeTables);
    menu->addSeparator();
    menu->addAction(m_addTables);
    menu->popup(tables->viewport()->mapToGlobal(pos));
}

QString CascadeActions::removeTableEffect(const QString &table, const QString &node)
{
    return tr("Stops replicating %1 to %2; its rows stay in %2 and no longer change.")
        .arg(table, node);
}

QString CascadeActions::resyncTableEffect(const QString &table, const QString &node)
{
    return tr("Empties %1 on %2 and copies it again from the provider.").arg(table, node);
}

QString CascadeActions::dropNodeEffect(const NodeStatus &node)
{
    if (node.type == NodeType::Root)
        return tr("Removes the root %1 and its queue from its database: its tables keep their "
                  "rows and their changes are no longer captured.")
            .arg(node.name);
    // The core refuses while the node's worker runs: the user stops it first.
    return tr("Removes node %1 from the cascade: its tables keep their rows and no longer "
              "change, the provider %2 forgets it and keeps no more changes for it. Its worker "
              "must be stopped first.")
        .arg(node.name, node.providerNode);
}

QMessageBox *CascadeActions::confirm(const QString &objectName,
                                     const QString &title,
                                     const QString &text,
                                     const QString &effect,
                                     const QString &okText,
                                     std::function<void()> proceed)
{
    QMessageBox *box = openMessageBox(m_window, QMessageBox::Warning, objectName, title, text,
                                      effect, QMessageBox::Ok | QMessageBox::Cancel);
    QAbstractButton *ok = box->button(QMessageBox::Ok);
    ok->setText(okText);
    ok->setObjectName(QStringLiteral("confirmButton"));
    box->button(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelButton"));
    box->setDefaultButton(QMessageBox::Cancel); // Enter does not destroy anything
    connect(box, &QMessageBox::buttonClicked, this, [ok, proceed](QAbstractButton *button) {
        if (button == ok)
            proceed();
    });
    return box;
}

void CascadeActions::removeTables()
{
    const NodeStatus *node = current();
    const QStringList tables = m_view->detail()->selectedTables();
    if (!node || tables.isEmpty() || m_busy)
        return;
    QStringList effects;
    for (const QString &t : tables)
        effects << removeTableEffect(m_view->detail()->destinationOf(t), node->name);
    const NodeStatus target = *node;
    confirm(QStringLiteral("confirmRemoveTables"), tr("Remove Tables"),
            tables.size() == 1
                ? tr("Remove %1 from node %2?").arg(tables.first(), node->name)
                : tr("Remove %n tables from node %1?", nullptr, int(tables.size())).arg(node->name),
            lines(effects), tr("&Remove"), [this, target, tables] {
                run(Kind::RemoveTables, target,
                    tr("Removing %1 from %2…").arg(tables.join(QStringLiteral(", ")), target.name),
                    tr("Removed %1 from %2.").arg(tables.join(QStringLiteral(", ")), target.name),
                    onTables(tables, &TableRegistry::remove));
            });
}

void CascadeActions::resyncTables()
{
    const NodeStatus *node = current();
    const QStringList tables = m_view->detail()->selectedTables();
    if (!node || tables.isEmpty() || m_busy)
        return;
    QStringList effects;
    for (const QString &t : tables)
        effects << resyncTableEffect(m_view->detail()->destinationOf(t), node->name);
    const NodeStatus target = *node;
    confirm(
        QStringLiteral("confirmResyncTables"), tr("Resync Tables"),
        tables.size() == 1
            ? tr("Copy %1 of node %2 again?").arg(tables.first(), node->name)
            : tr("Copy %n tables of node %1 again?", nullptr, int(tables.size())).arg(node->name),
        lines(effects), tr("Re&sync"), [this, target, tables] {
            run(Kind::ResyncTables, target,
                tr("Resyncing %1 on %2…").arg(tables.join(QStringLiteral(", ")), target.name),
                tr("%1 on %2: copying again.").arg(tables.join(QStringLiteral(", ")), target.name),
                onTables(tables, &TableRegistry::resync));
        });
}

void CascadeActions::setPaused(bool paused)
{
    const NodeStatus *node = current();
    if (!node || m_busy)
        return;
    const NodeStatus target = *node;
    // The open config's own node: its log notes who paused it, as the Worker menu's pause does.
    const QString log = target.name == m_view->model()->status().localNode
                            ? resolvedLogFile(m_view->monitor()->config())
                            : QString();
    run(paused ? Kind::Pause : Kind::Resume, target,
        paused ? tr("Pausing %1…").arg(target.name) : tr("Resuming %1…").arg(target.name),
        paused ? tr("Paused %1: its worker applies nothing until it is resumed.").arg(target.name)
               : tr("Resumed %1.").arg(target.name),
        [paused, log](const ConnectionString &db, const QString &queue) -> Result<void> {
            auto info = NodeAdmin::setPaused(db, queue, paused);
            if (!info)
                return info.error();
            OperatorNote note;
            note.action = paused ? OperatorAction::Pause : OperatorAction::Resume;
            note.node = info->name;
            note.frontEnd = QStringLiteral("ferry-gui");
            (void)logOperatorAction(log, note);
            return {};
        });
}

void CascadeActions::dropNode()
{
    const NodeStatus *node = current();
    if (!node || m_busy)
        return;
    const NodeStatus dropped = *node;
    // A leaf whose database is gone is dropped from the root, which lists it.
    const NodeStatus *root = rootOf(m_view->model()->status());
    const NodeStatus where = dropped.reachable || !root ? dropped : *root;
    confirm(QStringLiteral("confirmDropNode"), tr("Drop Node"),
            tr("Drop node %1 from the cascade?").arg(dropped.name), dropNodeEffect(dropped),
            tr("&Drop Node"), [this, where, dropped] {
                const QString name = dropped.name;
                run(Kind::DropNode, where, tr("Dropping %1…").arg(name),
                    tr("Dropped %1 from the cascade.").arg(name),
                    [name](const ConnectionString &db, const QString &queue) -> Result<void> {
                        return NodeAdmin::dropNode(db, queue, name);
                    });
            });
}

void CascadeActions::run(
    Kind kind, const NodeStatus &node, const QString &doing, const QString &done, Work work)
{
    if (m_busy || !m_view->isOpen())
        return;
    m_busy = true;
    updateEnabled();
    emit message(doing);
    const JobConfig config = m_view->monitor()->config();
    const QString what = doing;
    // The node is reached as the status reads reach it: an action is offered
    // only on a node those reads reach.
    Result<ConnectionString> where = m_view->nodeConnection(node);
    if (!where) {
        fail(kind, what, where.error());
        return;
    }
    runAsync<Result<void>>(
        this,
        [work, at = *where, queue = config.queueName()] {
            // No login where the views' login was refused until the user acts.
            const ConnectGate::Scope gated;
            return work(at, queue);
        },
        [this, kind, done, what](const Result<void> &result) {
            if (!result) {
                fail(kind, what, result.error());
                return;
            }
            m_busy = false;
            m_view->refreshNow();
            updateEnabled();
            emit message(done);
            emit finished(kind, QString());
        });
}

void CascadeActions::fail(Kind kind, const QString &what, const Error &error)
{
    m_busy = false;
    updateEnabled();
    const QString reason = error.toString();
    QString advice
        = error.kind() == ErrorKind::Auth ? LoginAdvice::howToFix() : connectAdvice(error);
    // "Pausing dst1…" without its dots names what failed.
    QString action = what;
    if (action.endsWith(QChar(0x2026)))
        action.chop(1);
    emit message(tr("%1 failed: %2").arg(action, reason));
    openMessageBox(m_window, QMessageBox::Warning, QStringLiteral("cascadeActionError"),
                   tr("Action Failed"), tr("%1 failed.").arg(action),
                   advice.isEmpty() ? reason : tr("%1. %2").arg(reason, advice));
    m_view->refreshNow();
    emit finished(kind, reason);
}

void CascadeActions::retranslateUi()
{
    auto set = [](QAction *a, const QString &text, const QString &tip) {
        a->setText(text);
        a->setToolTip(tip);
        a->setStatusTip(tip);
    };
    set(m_newRoot, tr("New &Root…"),
        tr("Make a database the root of a new cascade: install Ferry there and create its queue"));
    m_addLeaf->setText(tr("Add &Leaf…")); // its tip follows the selected node
    set(m_addTables, tr("Add &Tables…"),
        tr("Choose tables of the provider for the selected node to replicate"));
    set(m_removeTables, tr("Re&move Tables…"),
        tr("Stop replicating the selected tables to this leaf; their rows stay there"));
    set(m_resyncTables, tr("Re&sync Tables…"),
        tr("Empty the selected tables on this leaf and copy them again from the provider"));
    set(m_pause, tr("&Pause Node"),
        tr("The selected node's worker applies nothing until it is resumed; changes wait in "
           "the queue"));
    set(m_resume, tr("Res&ume Node"), tr("The selected node's worker applies changes again"));
    set(m_dropNode, tr("&Drop Node…"),
        tr("Remove the selected node from the cascade; its tables keep their rows"));
    updateEnabled();
}

} // namespace ferry::gui
