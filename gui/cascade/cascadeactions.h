#pragma once

#include "cascade/cascadestatus.h"
#include "util/result.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

class QAction;
class QMenu;
class QMessageBox;
class QWidget;

namespace ferry {
class ConnectionString;
}

namespace ferry::gui {

class CascadeView;

// What the user can do to the open cascade from the menu bar, the toolbar and
// the context menus of the cascade tree (on a node) and of a node's table list
// (on the selected tables). New Root, Add Leaf and Add Tables only ask for
// their wizard (the signals); Remove Table, Resync Table, Pause, Resume and
// Drop Node run the core call the CLI makes (TableRegistry::remove/resync,
// NodeAdmin::setPaused/dropNode) on the chosen node's own database (reached
// as the status reads reach it), on the global thread pool, and refresh the
// cascade after. Remove, Resync and Drop
// first ask in a window-modal box (open(), never exec()) that names what
// happens to the data. Failures: one line in the status bar (message()) and
// a box (objectName "cascadeActionError") with what to do.
class CascadeActions : public QObject
{
    Q_OBJECT

public:
    enum class Kind { RemoveTables, ResyncTables, Pause, Resume, DropNode };
    Q_ENUM(Kind)

    // `window`: the parent of the boxes.
    CascadeActions(CascadeView *view, QWidget *window);

    QAction *newRootAction() const { return m_newRoot; }
    QAction *addLeafAction() const { return m_addLeaf; }
    QAction *addTablesAction() const { return m_addTables; }
    QAction *removeTablesAction() const { return m_removeTables; }
    QAction *resyncTablesAction() const { return m_resyncTables; }
    QAction *pauseAction() const { return m_pause; }
    QAction *resumeAction() const { return m_resume; }
    QAction *dropNodeAction() const { return m_dropNode; }

    // The node the actions act on: the tree's current one; empty: none.
    QString currentNode() const;
    // An action runs: the others wait for it.
    bool isBusy() const { return m_busy; }

    // The confirmations' words, one per table or node.
    static QString removeTableEffect(const QString &table, const QString &node);
    static QString resyncTableEffect(const QString &table, const QString &node);
    static QString dropNodeEffect(const NodeStatus &node);

    void retranslateUi();

signals:
    void newRootRequested();
    void addLeafRequested(const QString &providerNode);
    void addTablesRequested(const QString &nodeName);
    // A line for the status bar: what runs, what was done, what failed.
    void message(const QString &text);
    // An action ended (after the refresh was asked for); `error` empty on success.
    void finished(ferry::gui::CascadeActions::Kind kind, const QString &error);

private:
    QAction *makeAction(const char *objectName, const char *icon);
    const NodeStatus *current() const;
    void updateEnabled();
    void showNodeMenu(const QPoint &pos);
    void showTablesMenu(const QPoint &pos);
    void removeTables();
    void resyncTables();
    void setPaused(bool paused);
    void dropNode();
    // A window-modal question; `proceed` runs only on its OK button.
    QMessageBox *confirm(const QString &objectName,
                         const QString &title,
                         const QString &text,
                         const QString &effect,
                         const QString &okText,
                         std::function<void()> proceed);
    using Work = std::function<Result<void>(const ConnectionString &db, const QString &queue)>;
    // Runs `work` on `node`'s database off the UI thread, then refreshes.
    void
    run(Kind kind, const NodeStatus &node, const QString &doing, const QString &done, Work work);
    void fail(Kind kind, const QString &what, const Error &error);

    CascadeView *m_view = nullptr;
    QWidget *m_window = nullptr;
    bool m_busy = false;

    QAction *m_newRoot = nullptr;
    QAction *m_addLeaf = nullptr;
    QAction *m_addTables = nullptr;
    QAction *m_removeTables = nullptr;
    QAction *m_resyncTables = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_resume = nullptr;
    QAction *m_dropNode = nullptr;
};

} // namespace ferry::gui
