#pragma once

#include "cascade/cascadereader.h"
#include "errors/errorlogreader.h"
#include "errors/eventactions.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QHash>
#include <QMessageBox>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QToolButton;
class QTreeWidget;

namespace ferry::gui {

class LocalStore;

// Every error the cascade's workers stored (ferry.node_error on each node):
// when, which node, where in the queue (batch, ticks, event, table), how often
// it was retried, whether the worker is still stuck on it, and the message.
// The log is read on a QtConcurrent worker when the page is shown, every
// kRefreshSeconds while it is visible, and on request; never on the UI thread.
//
// For an open apply error of a leaf, Retry Now, Skip Event and Edit and Apply
// run the core of `ferry CONFIG.ini retry | skip-event | replace-event` on
// that node (off the UI thread); Skip and Edit first show the event's content
// and ask. A resolved error says how it was resolved.
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

    // Where the size of its resizable dialog is kept (the main window's store).
    void setStore(LocalStore *store) { m_store = store; }
    ~ErrorLogView() override;

    void open(const JobConfig &config);
    void close();
    // The members to read, from the cascade's latest status.
    void setStatus(const StatusReply &reply);
    void refresh();
    // How often the log is read while visible (kRefreshSeconds by default).
    void setRefreshInterval(int ms) { m_timer.setInterval(ms); }
    bool isRefreshing() const { return m_watcher.isRunning(); }

    QTreeWidget *list() const { return m_list; }
    QString problemText() const;
    // What stands in place of an empty list ("No worker of this cascade has
    // stored an error.", "Cannot read any node's error log…"); empty while the
    // list shows rows.
    QString emptyText() const;
    bool showsResolved() const;
    void setShowResolved(bool show);

    // The line under the actions: what the last one did, or why it failed.
    QString actionStatus() const;
    // The confirmation or editor an action opened, while it is open.
    QMessageBox *confirmation() const { return m_confirm; }
    QDialog *editor() const { return m_editor; }
    bool isActing() const { return m_acting; }

    // "batch 12 (ticks 30–31) · event 4711 · digoal_01.user_login_rec"
    static QString whereText(const NodeErrorEntry &entry);

signals:
    void refreshed();
    // An action's answer is in: actionStatus() says what happened.
    void actionFinished();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    LocalStore *m_store = nullptr;
    void retranslateUi();
    void onRead();
    void render();
    void renderProblems();
    void renderEmpty(int hiddenResolved);
    void showSelected();
    const NodeErrorEntry *selectedEntry() const;
    void updateActions();
    // The selected error's node's database, or why it cannot be reached.
    Result<ConnectionString> nodeLocation(const QString &node) const;
    void act(EventActionRequest::Kind kind, const QString &sql = QString());
    void onActed(const EventActionReply &reply);
    void confirmSkip(const EventActionReply &described);
    void openEditor(const EventActionReply &described);
    void confirmReplace(const QString &sql);
    void setActionStatus(const QString &text, bool failed);

    JobConfig m_config;
    bool m_open = false;
    quint64 m_token = 0;
    bool m_wanted = false; // asked for while a read was running
    ErrorLogRequest m_members;
    QString m_statusError;            // why the last status read failed; empty when it worked
    bool m_ownNodeOnly = false;       // the last read knew no other member than the config's node
    QHash<QString, NodeType> m_types; // from the latest good status
    bool m_acting = false;            // an action runs, or waits for the user's answer
    // The error an action is about: its node and event.
    QString m_actNode;
    qint64 m_actEvent = 0;
    EventActionRequest::Kind m_after = EventActionRequest::Skip; // what a Describe leads to
    QPointer<QMessageBox> m_confirm;
    QPointer<QDialog> m_editor;
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
    QPushButton *m_retry = nullptr;
    QPushButton *m_skip = nullptr;
    QPushButton *m_edit = nullptr;
    QLabel *m_actionStatus = nullptr;
};

} // namespace ferry::gui
