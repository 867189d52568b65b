#pragma once

#include "cascade/cascadereader.h"
#include "errors/errorlogreader.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QToolButton;
class QTreeWidget;

namespace ferry::gui {

// Every error the cascade's workers stored (ferry.node_error on each node):
// when, which node, where in the queue (batch, ticks, event, table), how often
// it was retried, whether the worker is still stuck on it, and the message.
// The log is read on a QtConcurrent worker when the page is shown, every
// kRefreshSeconds while it is visible, and on request; never on the UI thread.
//
// An empty list never stands for "no errors" unless every member's log was
// read: while the cascade's status cannot be read the page reads the config's
// own node and says so; a node it cannot read is named in a banner; a page
// that read nothing says that it cannot tell.
class ErrorLogView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kRefreshSeconds = 10;
    enum Column {
        TimeColumn,
        NodeColumn,
        WhereColumn,
        AttemptsColumn,
        StateColumn,
        MessageColumn,
        ColumnCount
    };

    explicit ErrorLogView(QWidget *parent = nullptr);
    ~ErrorLogView() override;

    void open(const JobConfig &config);
    void close();
    // The members to read, from the cascade's latest status.
    void setStatus(const StatusReply &reply);
    void refresh();
    bool isRefreshing() const { return m_watcher.isRunning(); }

    QTreeWidget *list() const { return m_list; }
    QString problemText() const;
    // What stands in place of an empty list ("No worker of this cascade has
    // stored an error.", "Cannot read any node's error log…"); empty while the
    // list shows rows.
    QString emptyText() const;
    bool showsResolved() const;
    void setShowResolved(bool show);

    // "batch 12 (ticks 30–31) · event 4711 · digoal_01.user_login_rec"
    static QString whereText(const NodeErrorEntry &entry);

signals:
    void refreshed();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void retranslateUi();
    void onRead();
    void render();
    void renderProblems();
    void renderEmpty(int hiddenResolved);
    void showSelected();

    JobConfig m_config;
    bool m_open = false;
    quint64 m_token = 0;
    bool m_wanted = false; // asked for while a read was running
    ErrorLogRequest m_members;
    QString m_statusError;      // why the last status read failed; empty when it worked
    bool m_ownNodeOnly = false; // the last read knew no other member than the config's node
    std::optional<ErrorLogReply> m_reply;
    QFutureWatcher<ErrorLogReply> m_watcher;
    QTimer m_timer;

    QLabel *m_title = nullptr;
    QLabel *m_updated = nullptr;
    QCheckBox *m_resolved = nullptr;
    QToolButton *m_refresh = nullptr;
    QLabel *m_problems = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_list = nullptr;
    QLabel *m_empty = nullptr;
    QPlainTextEdit *m_message = nullptr;
};

} // namespace ferry::gui
