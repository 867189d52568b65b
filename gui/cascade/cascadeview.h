#pragma once

#include "cascade/cascadereader.h"

#include <QWidget>

class QLabel;
class QSpinBox;
class QSplitter;
class QToolButton;
class QTreeView;

namespace ferry::gui {

class CascadeModel;
class LocalStore;
class CascadeMonitor;
class NodeDetailWidget;

// The live view of one config's cascade: the tree of nodes with their state, lag,
// tick and tables, refreshed every few seconds by CascadeMonitor, and the selected
// node's detail below it. Errors (a node or the whole cascade unreachable, a
// database that is no node) show in a banner above the tree; a refused login
// there comes with a Retry button, as nothing is tried there again until the
// user presses it or Refresh. The header says when the status was last read
// and, while reads fail, since when and why.
class CascadeView : public QWidget
{
    Q_OBJECT

public:
    explicit CascadeView(QWidget *parent = nullptr);
    ~CascadeView() override;

    void open(const JobConfig &config);
    void close();
    bool isOpen() const;

    // Where the refresh interval is kept; reads it now. Without a store the
    // interval is the default and is not kept.
    void setStore(LocalStore *store);

    // The user's Refresh: also tries again where a login was refused.
    void refreshNow();
    // Selects `name` in the tree, its tables in the detail below.
    void showNode(const QString &name) { selectNode(name); }
    // Where the window reaches a node of the open cascade, as the status reads
    // do: the open config's db for its own node (a profile's keychain password
    // included), else the location the root keeps (password from .pgpass).
    Result<ConnectionString> nodeConnection(const NodeStatus &node) const;
    int refreshInterval() const;
    void setRefreshInterval(int seconds);

    CascadeMonitor *monitor() const { return m_monitor; }
    CascadeModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    NodeDetailWidget *detail() const { return m_detail; }
    // The one-line error the banner shows; empty when it is hidden.
    QString errorText() const;
    // The header's line: "Updated 12:03:04", or while reads fail "Last read
    // 12:03:04 — failing since 12:03:06: why".
    QString updatedText() const;

signals:
    // The first status and the selected node's detail after open() are shown.
    void loaded();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void retranslateUi();
    void onStatus(const StatusReply &reply);
    void onDetail(const NodeDetail &detail);
    void onCurrentChanged();
    void selectNode(const QString &name);
    void showError(const QString &text);
    void setUpdated(const QString &text);
    void updateHeader();

    CascadeMonitor *m_monitor = nullptr;
    CascadeModel *m_model = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_updated = nullptr;
    QLabel *m_intervalLabel = nullptr;
    QSpinBox *m_interval = nullptr;
    QToolButton *m_refresh = nullptr;
    QLabel *m_banner = nullptr;
    QToolButton *m_retry = nullptr; // beside the banner after a refused login
    QTreeView *m_tree = nullptr;
    NodeDetailWidget *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;

    LocalStore *m_store = nullptr;
    QString m_selected; // by name: survives model resets
    std::optional<StatusReply> m_lastReply;
    QDateTime m_lastGoodAt;   // the last read of this node's own database that worked
    QDateTime m_failingSince; // the first failed read since then; null while reads work
    QString m_updatedFull;    // the header's line before it is elided
    bool m_sized = false;
    bool m_statusShown = false;
    bool m_loadedSent = false;
};

} // namespace ferry::gui
