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
class QPushButton;
class QToolButton;
class QTreeWidget;

namespace ferry::gui {

// Every error the cascade's workers stored (ferry.node_error on each node):
// when, which node, where in the queue (batch, ticks, event, table), how often
// it was retried, whether the worker is still stuck on it, and the message.
// The log is read on a QtConcurrent worker when the page is shown, every
// kRefreshSeconds while it is visible, and on request; never on the UI thread.
//
// Retry, Skip Event and Edit and Apply act on the failing event; the core has
// no operator commands for them yet (seed scenario S9), so they are shown
// disabled with a tooltip that says so.
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
    bool showsResolved() const;
    void setShowResolved(bool show);
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *skipButton() const { return m_skip; }
    QPushButton *editButton() const { return m_edit; }

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
    void showSelected();

    JobConfig m_config;
    bool m_open = false;
    quint64 m_token = 0;
    bool m_wanted = false; // asked for while a read was running
    ErrorLogRequest m_members;
    std::optional<ErrorLogReply> m_reply;
    QFutureWatcher<ErrorLogReply> m_watcher;
    QTimer m_timer;

    QLabel *m_title = nullptr;
    QLabel *m_updated = nullptr;
    QCheckBox *m_resolved = nullptr;
    QToolButton *m_refresh = nullptr;
    QLabel *m_problems = nullptr;
    QTreeWidget *m_list = nullptr;
    QPlainTextEdit *m_message = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_skip = nullptr;
    QPushButton *m_edit = nullptr;
};

} // namespace ferry::gui
